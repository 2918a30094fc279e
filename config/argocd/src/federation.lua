-- Argo CD health check for union-operator Federations (unions.kos.dev/v1alpha1).
-- kstatus conditions decide; a Dissolved federation is Healthy: the
-- declared outcome of a vote (docs/gitops.md).

local phase = obj.status and obj.status.phase
local hs = settled(obj, phase)
if hs ~= nil then
  return hs
end
if phase == "Dissolved" then
  return {status = "Healthy", message = label(phase, describe(condition(obj, "Ready"), "the federation was dissolved"))}
end
return byReady(obj, phase)
