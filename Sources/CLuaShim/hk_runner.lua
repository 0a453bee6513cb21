-- The runner: trusted Lua that starts every run. Rules cannot reach it or its upvalues.
local H = ...
local new_env, set_env, decode_event, encode = H.new_env, H.set_env, H.decode_event, H.encode
local rules, names, modules, randomseed, allow_http = H.rules, H.names, H.modules, H.randomseed, H.allow_http
local type, error, tostring, rawget, rawlen, next = type, error, tostring, rawget, rawlen, next
local mathtype, concat, sort, sub, byte = math.type, table.concat, table.sort, string.sub, string.byte

local RULE_KEYS = { name = true, on = true, when = true, handle = true }
local ON_KEYS = { source = true, type = true, status = true }

-- Edit distance, for "did you mean".
local function distance(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = { [0] = i }
    for j = 1, #b do
      local cost = byte(a, i) == byte(b, j) and 0 or 1
      local best = prev[j] + 1
      if cur[j - 1] + 1 < best then best = cur[j - 1] + 1 end
      if prev[j - 1] + cost < best then best = prev[j - 1] + cost end
      cur[j] = best
    end
    prev = cur
  end
  return prev[#b]
end

local function suggestion(word, known)
  if type(word) ~= "string" then return "" end
  local best, best_d
  for k in next, known do
    local d = distance(word, k)
    if d <= 2 and (best_d == nil or d < best_d) then best, best_d = k, d end
  end
  return best and (" (did you mean '" .. best .. "'?)") or ""
end

local function fail(file, msg) error(file .. ": " .. msg, 0) end

local function check_keys(file, where, t, known)
  for k in next, t do
    if not known[k] then
      local keys = {}
      for n in next, known do keys[#keys + 1] = n end
      sort(keys)
      fail(file, where .. "unknown key '" .. tostring(k) .. "'" .. suggestion(k, known) ..
        "; expected " .. concat(keys, ", "))
    end
  end
end

local function patterns(file, where, v)
  if v == nil then return nil end
  if type(v) == "string" then return { v } end
  local bad = where .. " must be a string or a list of strings"
  if type(v) ~= "table" then fail(file, bad .. ", not a " .. type(v)) end
  local n = rawlen(v)
  if n == 0 then fail(file, where .. " is an empty list") end
  for k in next, v do
    if mathtype(k) ~= "integer" or k < 1 or k > n then fail(file, bad) end
  end
  local out = {}
  for i = 1, n do
    local s = rawget(v, i)
    if type(s) ~= "string" then fail(file, bad) end
    out[i] = s
  end
  return out
end

local function on_entry(file, where, t)
  if type(t) ~= "table" then fail(file, where .. " must be a table, not a " .. type(t)) end
  check_keys(file, where .. ": ", t, ON_KEYS)
  return {
    source = patterns(file, where .. ".source", rawget(t, "source")),
    type = patterns(file, where .. ".type", rawget(t, "type")),
    status = patterns(file, where .. ".status", rawget(t, "status")),
  }
end

local function check_rule(file, rule)
  if type(rule) ~= "table" then
    fail(file, "the file must return a rule table ({ on = ..., handle = function(event) ... end }), not " ..
      (rule == nil and "nothing" or "a " .. type(rule)))
  end
  check_keys(file, "", rule, RULE_KEYS)
  local name = rawget(rule, "name")
  if name ~= nil and (type(name) ~= "string" or name == "") then fail(file, "'name' must be a non-empty string") end
  if type(rawget(rule, "handle")) ~= "function" then fail(file, "'handle' must be a function(event)") end
  local when = rawget(rule, "when")
  if when ~= nil and type(when) ~= "function" then fail(file, "'when' must be a function(event) returning a boolean") end
  if rawget(rule, "on") == nil then fail(file, "'on' is missing (on = {} matches every event)") end
end

local function describe(file, rule)
  local on = rawget(rule, "on")
  if type(on) ~= "table" then fail(file, "'on' must be a table or a list of tables, not a " .. type(on)) end
  local list = {}
  local n = rawlen(on)
  if n > 0 and type(rawget(on, 1)) == "table" then
    for k in next, on do
      if mathtype(k) ~= "integer" or k < 1 or k > n then fail(file, "'on' mixes a list of tables with other keys") end
    end
    for i = 1, n do list[i] = on_entry(file, "on[" .. i .. "]", rawget(on, i)) end
  else
    list[1] = on_entry(file, "on", on)
  end
  return encode({ name = rawget(rule, "name"), on = list, has_when = rawget(rule, "when") ~= nil })
end

local function make_require(env, loaded)
  return function(name)
    if type(name) ~= "string" then error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2) end
    local value = loaded[name]
    if value ~= nil then return value end
    local chunk = modules[name]
    if chunk == nil then error("module '" .. name .. "' not found (modules live in rules/lib/)", 2) end
    loaded[name] = true
    set_env(chunk, env)
    value = chunk(name)
    if value == nil then value = true end
    loaded[name] = value
    return value
  end
end

return function(index, mode)
  randomseed()
  local file = names[index]
  local chunk = rules[index]
  local env = new_env()
  env.require = make_require(env, {})
  set_env(chunk, env)
  local rule = chunk()
  check_rule(file, rule)
  if mode == 2 then return describe(file, rule) end
  local event = decode_event()
  -- The host sends data as a path into payload rather than a second copy of the same JSON.
  local path = rawget(event, "data_path")
  if path ~= nil then
    local data = rawget(event, "payload")
    for i = 1, #path do
      if type(data) ~= "table" then data = nil break end
      data = rawget(data, path[i])
    end
    event.data = data
    event.data_path = nil
  end
  if mode == 1 then
    local when = rawget(rule, "when")
    if when == nil then return "true" end
    return when(event) and "true" or "false"
  end
  allow_http()
  rawget(rule, "handle")(event)
end
