-- Argo CD health check for union-operator Memberships (unions.kos.dev/v1alpha1).
-- kstatus conditions first; then the standing: Rejected is Degraded, Pending
-- is Progressing (waiting for an invitation or for the union), Separated and
-- Ended are Healthy (the membership is a closed record) unless
-- spec.reintegrate asks to rejoin, which is Progressing (docs/gitops.md).

local standing = obj.status and obj.status.standing
local hs = settled(obj, standing)
if hs ~= nil then
  return hs
end
local ready = condition(obj, "Ready")
if standing == "Rejected" then
  return {status = "Degraded", message = label(standing, describe(ready, "the union cannot admit this Membership as written"))}
end
if standing == "Pending" then
  return {status = "Progressing", message = label(standing, describe(ready, "waiting for an invitation"))}
end
if standing == "Separated" and obj.spec ~= nil and obj.spec.reintegrate == true then
  return {status = "Progressing", message = label(standing, describe(ready, "waiting to rejoin"))}
end
if standing == "Separated" or standing == "Ended" then
  return {status = "Healthy", message = label(standing, describe(ready, "the membership has ended"))}
end
return byReady(obj, standing)
