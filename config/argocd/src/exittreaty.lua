-- Argo CD health check for union-operator ExitTreaties (unions.kos.dev/v1alpha1).
-- kstatus conditions first; then an audit chain that does not verify
-- (AuditIntact=False) or a Rejected treaty is Degraded, an Effective or
-- Withdrawn one Healthy, and Proposed, Mediation and CoolingOff follow Ready
-- (Progressing until the treaty takes effect) (docs/gitops.md).

local phase = obj.status and obj.status.phase
local hs = settled(obj, phase)
if hs ~= nil then
  return hs
end
local intact = condition(obj, "AuditIntact")
if intact ~= nil and intact.status == "False" then
  return {status = "Degraded", message = label("AuditIntact", describe(intact, "the audit chain does not verify"))}
end
local ready = condition(obj, "Ready")
if phase == "Rejected" then
  return {status = "Degraded", message = label(phase, describe(ready, "the treaty was rejected"))}
end
if phase == "Effective" or phase == "Withdrawn" then
  return {status = "Healthy", message = label(phase, describe(ready, "the treaty is closed"))}
end
return byReady(obj, phase)
