-- Argo CD health check for union-operator Coalitions (unions.kos.dev/v1alpha1).
-- kstatus conditions decide, except that a coalition that has Expired or
-- Dissolved is Healthy: that is the declared outcome of a time-bound union
-- (docs/gitops.md).

local phase = obj.status and obj.status.phase
local hs = settled(obj, phase)
if hs ~= nil then
  return hs
end
if phase == "Expired" or phase == "Dissolved" then
  return {status = "Healthy", message = label(phase, describe(condition(obj, "Ready"), "the coalition has ended"))}
end
return byReady(obj, phase)
