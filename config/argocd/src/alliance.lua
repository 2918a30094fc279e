-- Argo CD health check for union-operator Alliances (unions.kos.dev/v1alpha1).
-- kstatus conditions decide. Compliant and Disrupted describe member agents,
-- not the alliance itself, and do not change its health (docs/gitops.md).

local phase = obj.status and obj.status.phase
local hs = settled(obj, phase)
if hs ~= nil then
  return hs
end
return byReady(obj, phase)
