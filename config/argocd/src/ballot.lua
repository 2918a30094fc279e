-- Argo CD health check for union-operator Ballots (unions.kos.dev/v1alpha1).
-- kstatus conditions decide: Ready=True when the ballot counts (docs/gitops.md).

local hs = settled(obj, nil)
if hs ~= nil then
  return hs
end
return byReady(obj, nil)
