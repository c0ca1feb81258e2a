-- Shared by every queue store script (prepended to each, after the generated field prelude:
-- MF, EF and QF hold the names of mention hash, event and queue entry fields, from
-- daemon/store/redis_fields.def; write a field as MF.state, read a loaded hash as h.state).
-- Calling convention:
--   KEYS[1] = "{P}:events" (routes the call to the team's cluster slot)
--   ARGV[1] = "{P}"        (every key is built from it, so all share one hash tag)
local P = ARGV[1]
local RELEASED = '__released__'  -- consumer holding released / expired entries: first in line
local GROUP = 'agents'

local function fmt(n) return string.format('%d', n) end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function mention_key(uid) return P .. ':m:' .. uid end
local function history_key(uid) return P .. ':me:' .. uid end
local function queue_key(queue, priority) return P .. ':q:' .. queue .. ':p' .. priority end

-- The mention hash as a table ({} when it does not exist). Reading a field the catalogue does
-- not declare (h.typo) is an error, not nil.
local strict_hash = {__index = function(_, k) return MF[k] and nil end}
local function load(uid)
  local flat = redis.call('HGETALL', mention_key(uid))
  local h = {}
  for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
  return setmetatable(h, strict_hash)
end

local function field(flat, name)
  for i = 1, #flat, 2 do
    if flat[i] == name then return flat[i + 1] end
  end
  return nil
end

-- Appends an event to {P}:events and returns its id. The id's time is `now` when the clock
-- allows, so `at` matches the id. `extra` is a flat list of more field/value pairs (durations).
local function event_fields(now, uid, kind, actor, h, extra)
  local f = {EF.type, kind, EF.uid, uid, EF.actor, actor, EF.at, fmt(now),
             EF.queue, h.queue or '', EF.platform, h.platform or '', EF.priority, h.priority or ''}
  if extra then
    for i = 1, #extra do f[#f + 1] = extra[i] end
  end
  return f
end

local function emit_shared(now, uid, kind, actor, h, extra)
  local f = event_fields(now, uid, kind, actor, h, extra)
  local events = P .. ':events'
  local id = redis.pcall('XADD', events, fmt(now) .. '-*', unpack(f))
  if type(id) == 'table' then id = redis.call('XADD', events, '*', unpack(f)) end
  return id, f
end

-- Appends an event to {P}:events and to the mention's own history stream {P}:me:<uid> (same
-- id, same fields). Enqueue records its two events in the shared stream only (their ids in the
-- mention hash, with everything they carried: QueueStore::get rebuilds them): most mentions
-- are never touched by an agent, and a stream per mention costs memory and time.
local function emit(now, uid, kind, actor, h, extra)
  local id, f = emit_shared(now, uid, kind, actor, h, extra)
  local mine = redis.pcall('XADD', history_key(uid), id, unpack(f))
  if type(mine) == 'table' then redis.call('XADD', history_key(uid), '*', unpack(f)) end
  return id
end

-- Owner check shared by renew / release / reply / resolve: returns the hash, or nil and the
-- status reply.
local function owned(uid, agent)
  local h = load(uid)
  if not h.uid then return nil, {'not_found', ''} end
  if h.state ~= 'claimed' and h.state ~= 'replied' then return nil, {'not_claimed', h.state or ''} end
  if h.owner ~= agent then return nil, {'conflict', h.owner or ''} end
  return h
end

-- Gives an entry back to its queue, first in line: held by RELEASED and idle since the epoch,
-- so the next claim (which takes idle entries before new ones, in id order) picks it up.
-- FORCE recreates the pending entry should it be missing (e.g. lost with the last second of
-- an everysec AOF), so the mention can never fall out of its queue.
local function give_back(stream, id)
  redis.call('XCLAIM', stream, GROUP, RELEASED, 0, id, 'TIME', 0, 'FORCE', 'JUSTID')
end
