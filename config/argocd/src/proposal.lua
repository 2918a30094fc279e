-- Argo CD health check for union-operator Proposals (unions.kos.dev/v1alpha1).
-- kstatus conditions first; a decided proposal (Passed, Rejected, Expired)
-- is Healthy, since a vote that says no is an outcome, not a fault; an Open
-- one follows Ready (docs/gitops.md).

local phase = obj.status and obj.status.phase
local hs = settled(obj, phase)
if hs ~= nil then
  return hs
end
if phase == "Passed" or phase == "Rejected" or phase == "Expired" then
  return {status = "Healthy", message = label(phase, describe(condition(obj, "Ready"), "decided"))}
end
return byReady(obj, phase)
