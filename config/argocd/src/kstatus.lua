-- kstatus, as every kind of union-operator reports it: deletion, no status,
-- a generation not yet observed, Stalled and Reconciling decide first, then
-- Ready.
-- Argo CD runs custom health checks without Lua's string library: only the
-- base and table libraries are used here.

-- condition returns the status condition of the given type, or nil.
local function condition(obj, conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

-- describe returns a condition's message, its reason when it has none, or
-- the fallback when there is no condition.
local function describe(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  if c ~= nil and c.reason ~= nil and c.reason ~= "" then
    return c.reason
  end
  return fallback
end

-- label prefixes a message with a phase, standing or reason, when there is one.
local function label(prefix, message)
  if prefix == nil or prefix == "" then
    return message
  end
  return prefix .. ": " .. message
end

-- settled returns the health kstatus decides before any rule of the kind:
-- deletion, no status, a generation not yet observed, Stalled=True (Degraded)
-- and Reconciling=True (Progressing). It returns nil when the kind's rules
-- and the Ready condition decide.
local function settled(obj, prefix)
  if obj.metadata.deletionTimestamp ~= nil then
    return {status = "Progressing", message = "Pending deletion"}
  end
  if obj.status == nil then
    return {status = "Progressing", message = "Waiting for union-operator to report status"}
  end
  local generation = obj.metadata.generation
  local observed = obj.status.observedGeneration
  if generation ~= nil and (observed == nil or observed < generation) then
    return {status = "Progressing", message = "Waiting for union-operator to observe generation " .. generation}
  end
  local stalled = condition(obj, "Stalled")
  if stalled ~= nil and stalled.status == "True" then
    return {status = "Degraded", message = label(stalled.reason, describe(stalled, "Stalled"))}
  end
  local reconciling = condition(obj, "Reconciling")
  if reconciling ~= nil and reconciling.status == "True" then
    return {status = "Progressing", message = label(prefix, describe(reconciling, "Reconciling"))}
  end
  return nil
end

-- byReady returns the health the Ready condition gives: Healthy when True,
-- Progressing (with Ready's message) when False or Unknown or missing.
local function byReady(obj, prefix)
  local ready = condition(obj, "Ready")
  if ready == nil then
    return {status = "Progressing", message = label(prefix, "Waiting for the Ready condition")}
  end
  if ready.status == "True" then
    return {status = "Healthy", message = label(prefix, describe(ready, "Ready"))}
  end
  return {status = "Progressing", message = label(prefix, describe(ready, "Not ready"))}
end
