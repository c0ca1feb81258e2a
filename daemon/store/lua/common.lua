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

-- Adds uid to the queue's stream of that priority (creating the stream and its group on first
-- use) and to {P}:queues. Returns the entry id, or nil and Redis's error.
local function queue_add(queue, priority, uid)
  local stream = queue_key(queue, priority)
  if redis.call('EXISTS', stream) == 0 then
    local r = redis.pcall('XGROUP', 'CREATE', stream, GROUP, '0', 'MKSTREAM')
    if type(r) == 'table' and r.err and not string.find(r.err, 'BUSYGROUP', 1, true) then return nil, r.err end
  end
  local id = redis.call('XADD', stream, '*', QF.uid, uid)
  redis.call('SADD', P .. ':queues', queue)
  return id
end
-- A mention's internal notes (stream, NF fields; the entry id is the note id): never posted,
-- expires with the mention.
local function notes_key(uid) return P .. ':notes:' .. uid end
-- The desk's indexes (daemon/store/desk_store.h): an author's routed mentions and a
-- conversation's stored mentions, sorted sets of uids written by enqueue.lua.
local function author_index_key(identity) return P .. ':au:' .. identity end
local function conversation_index_key(conversation) return P .. ':cv:' .. conversation end
-- The CSV export's index (daemon/store/export_store.h): every stored mention's uid, scored by
-- posted_at (seen_at when unknown), written by enqueue.lua; members whose hash expired are
-- swept by export_sweep.lua.
local function export_index_key() return P .. ':mentions:posted' end
local function export_index(uid, posted, seen)
  local score = tonumber(posted) or 0
  if score <= 0 then score = tonumber(seen) or 0 end
  redis.call('ZADD', export_index_key(), score, uid)
end
-- The SLA breaches (daemon/store/sla_store.h), written by sla_update.lua: all of them, and per
-- queue (the queue the mention was in when it breached).
local function breaches_key(queue)
  if queue == '' then return P .. ':sla:breaches' end
  return P .. ':sla:breaches:' .. queue
end

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

-- Figures: aggregates of the events, kept as they are written (daemon/store/stats_store.h has
-- the layout and the reader). Per level (FIG_LEVELS, from the prelude: minute, hour, day) and
-- block start, one hash per dimension {P}:fig:<m|h|d>:<start ms>:<dimension> with fields
--   <d|w|f|r>|<bucket>|<group>   samples of detect_ms / wait_ms / frt_ms / resolve_ms in that
--                                histogram bucket (fig_bucket) for that group
--   #<event type>|<group>        agent dimension only: claimed, replied, resolved, handed_off
-- Dimensions: q (queue), pl (platform), pr (priority), ag (actor); the actor's group is
-- "<kind>:<actor>", kind s (a source), b (the brand) or a (an agent); ax (actor crossed with
-- queue, platform and priority, agents and the brand only: fig_cross) for the agent figures
-- filtered by where the work was. The whole ("all") is the
-- sum of the priority groups, so it is not written. A key is given its expiry (its block's
-- start + the level's retention) when a write creates a field in it (a new key's first write
-- always does), once per script call.
-- A block that has ended may have a sealed copy {P}:fig:<m|h|d>:<start ms>:<dimension>:s that
-- the reader made (stats_store.cpp); a write into an ended block deletes it (the time is Redis's,
-- read once per script call), so a copy is only ever read while it equals its hash.
-- First response: a mention counts once, with its earliest frt_ms: {P}:fig:frt:<uid> remembers
-- where it was counted ("<at>|<bucket>|<queue>|<platform>|<priority>|<agent group>"), and an
-- earlier one moves it there.
local FIG_MEASURES = {{EF.detect_ms, 'd'}, {EF.wait_ms, 'w'}, {EF.frt_ms, 'f'}, {EF.resolve_ms, 'r'}}
local FIG_COUNTED = {claimed = true, replied = true, resolved = true, handed_off = true}
local fig_expiring = {}  -- keys given their expiry in this script call
local fig_time = nil     -- Redis's time, the first time a figure is written in this call

-- A duration truncated to two significant digits (latency_bucket in latency_stats.h).
local function fig_bucket(v)
  if v < 100 then return math.max(v, 0) end
  local d = 1
  while v >= 100 * d do d = d * 10 end
  return math.floor(v / d) * d
end

local function fig_incr(at, dim, name, by)
  if not fig_time then fig_time = now_ms() end
  for _, l in ipairs(FIG_LEVELS) do
    local start = at - at % l[2]
    if start + l[3] > fig_time then  -- else the block is past its retention: nothing to keep
      local k = P .. ':fig:' .. l[1] .. ':' .. fmt(start) .. ':' .. dim
      local n = redis.call('HINCRBY', k, name, by)
      if n <= 0 then
        redis.call('HDEL', k, name)
        fig_expiring[k] = nil  -- the key may be gone: a later write in this call makes it again
      elseif n == by and not fig_expiring[k] then
        redis.call('PEXPIREAT', k, start + l[3])
        fig_expiring[k] = true
      end
      if start + l[2] <= fig_time then redis.call('DEL', k .. ':s') end
    end
  end
end

-- The group of the crossed dimension ax: an agent's or the brand's work by where it was,
-- "<queue>\31<platform>\31<priority>\31<actor group>" (the unit separator, which no queue,
-- platform or actor name holds); nil for a source, which ax leaves out.
local function fig_cross(g)
  if string.sub(g[4], 1, 2) == 's:' then return nil end
  return g[1] .. '\31' .. g[2] .. '\31' .. g[3] .. '\31' .. g[4]
end

local function fig_add_sample(at, m, bucket, g, by)
  local b = m .. '|' .. fmt(bucket) .. '|'
  fig_incr(at, 'q', b .. g[1], by)
  fig_incr(at, 'pl', b .. g[2], by)
  fig_incr(at, 'pr', b .. g[3], by)
  fig_incr(at, 'ag', b .. g[4], by)
  local x = fig_cross(g)
  if x then fig_incr(at, 'ax', b .. x, by) end
end

-- Counts one event (its flat field list, as XADD got it) in the figures.
local function fig_count(f)
  local e = {}
  for i = 1, #f, 2 do e[f[i]] = f[i + 1] end
  local at = tonumber(e[EF.at])
  if not at then return end
  local kind = 'a'
  local actor = e[EF.actor] or ''
  local etype = e[EF.type]
  if etype == 'ingested' or etype == 'queued' then
    kind = 's'
  elseif e[EF.native] == '1' or string.sub(actor, 1, 6) == 'brand:' then
    kind = 'b'
  end
  local function named(v) if v == nil or v == '' then return 'unknown' end return v end
  local prio = 'unknown'
  if e[EF.priority] and e[EF.priority] ~= '' then prio = 'p' .. e[EF.priority] end
  local g = {named(e[EF.queue]), named(e[EF.platform]), prio, kind .. ':' .. named(actor)}
  if FIG_COUNTED[etype] then
    fig_incr(at, 'ag', '#' .. etype .. '|' .. g[4], 1)
    local x = fig_cross(g)
    if x then fig_incr(at, 'ax', '#' .. etype .. '|' .. x, 1) end
  end
  for _, m in ipairs(FIG_MEASURES) do
    local raw = e[m[1]]
    local v = raw and string.match(raw, '^-?%d+$') and tonumber(raw)
    if v then
      local bucket = fig_bucket(v)
      local uid = e[EF.uid] or ''
      if m[2] == 'f' and uid ~= '' then
        local lk = P .. ':fig:frt:' .. uid
        local was = redis.call('GET', lk)
        local ok = true
        if was then
          local wat, wms, wq, wpl, wpr, wag = string.match(was, '^(%d+)|(-?%d+)|([^|]*)|([^|]*)|([^|]*)|(.*)$')
          if wat and v < tonumber(wms) then
            fig_add_sample(tonumber(wat), 'f', fig_bucket(tonumber(wms)), {wq, wpl, wpr, wag}, -1)
          elseif wat then
            ok = false  -- not earlier than the sample counted: the mention keeps that one
          end
        end
        if ok then
          redis.call('SET', lk, fmt(at) .. '|' .. fmt(v) .. '|' .. g[1] .. '|' .. g[2] .. '|' .. g[3] .. '|' .. g[4],
                     'PX', FIG_FRT_TTL_MS)
          fig_add_sample(at, 'f', bucket, g, 1)
        end
      else
        fig_add_sample(at, m[2], bucket, g, 1)
      end
    end
  end
end

local function emit_shared(now, uid, kind, actor, h, extra)
  local f = event_fields(now, uid, kind, actor, h, extra)
  local events = P .. ':events'
  local id = redis.pcall('XADD', events, fmt(now) .. '-*', unpack(f))
  if type(id) == 'table' then id = redis.call('XADD', events, '*', unpack(f)) end
  fig_count(f)
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

-- Replies --------------------------------------------------------------------------------------
-- {P}:r:<reply id>   hash (RF fields)   one reply of an agent: its text, state and attempts
-- {P}:mr:<uid>       list               the mention's reply ids, in submission order
-- {P}:outbox         sorted set         reply ids still to post, scored by when each is due (ms)
-- {P}:own:<uid>      string             the uid of a post carewatch made -> its reply id: when it
--                                       comes back through a connector it is not a new mention
--                                       and not a native reply
-- {P}:early:<uid>    sorted set         native brand replies to <uid> seen before <uid> itself,
--                                       scored by their platform time (member: see below)
local function reply_key(id) return P .. ':r:' .. id end
local function replies_key(uid) return P .. ':mr:' .. uid end
local function outbox_key() return P .. ':outbox' end
local function own_key(uid) return P .. ':own:' .. uid end
local function early_key(uid) return P .. ':early:' .. uid end

-- Makes `at` the mention's first response when it is earlier than the one recorded (or there
-- is none): the first response only ever moves earlier, whatever order replies arrive in.
-- Returns the event fields that say so (frt_ms, and frt_was_ms when an earlier reply replaced a
-- later one), or nil when `at` is not earlier. Updates h.first_reply_at.
local function set_first_reply(uid, h, at)
  local was = tonumber(h.first_reply_at)
  if was and at >= was then return nil end
  redis.call('HSET', mention_key(uid), MF.first_reply_at, fmt(at))
  h.first_reply_at = fmt(at)
  local posted = tonumber(h.posted_at) or 0
  if posted <= 0 then return {} end
  local extra = {EF.frt_ms, fmt(at - posted)}
  if was then
    extra[#extra + 1] = EF.frt_was_ms
    extra[#extra + 1] = fmt(was - posted)
  end
  return extra
end

-- Renews the claim of `agent` (the entry's idle time is the lease; see renew.lua).
local function renew_claim(uid, h, agent, lease_ms, now)
  redis.call('XCLAIM', queue_key(h.queue, h.priority), GROUP, agent, 0, h.entry_id, 'FORCE', 'JUSTID')
  redis.call('HSET', mention_key(uid), MF.lease_until, fmt(now + lease_ms))
  return now + lease_ms
end

-- Expires a finished reply with its mention once the mention is resolved.
local function expire_replies(uid, ttl)
  local ids = redis.call('LRANGE', replies_key(uid), 0, -1)
  for _, id in ipairs(ids) do
    local state = redis.call('HGET', reply_key(id), RF.reply_state)
    if state == 'sent' or state == 'failed' then redis.call('EXPIRE', reply_key(id), ttl) end
  end
  redis.call('EXPIRE', replies_key(uid), ttl)
end

-- Resolves a claimed mention: acknowledges its entry, records resolved_at and the event; the
-- mention, its history and its finished replies then expire after ttl seconds.
local function resolve_now(uid, h, agent, now, ttl)
  local hk = mention_key(uid)
  redis.call('XACK', queue_key(h.queue, h.priority), GROUP, h.entry_id)
  redis.call('HSET', hk, MF.state, 'resolved', MF.resolved_at, fmt(now), MF.resolved_by, agent)
  redis.call('HDEL', hk, MF.lease_until, MF.resolve_after_reply)
  local extra = nil
  local posted = tonumber(h.posted_at) or 0
  if posted > 0 then extra = {EF.resolve_ms, fmt(now - posted)} end
  emit(now, uid, 'resolved', agent, h, extra)
  redis.call('EXPIRE', hk, ttl)
  redis.call('EXPIRE', history_key(uid), ttl)
  redis.call('EXPIRE', notes_key(uid), ttl)
  -- the indexes naming it outlive its hash
  if h.author then redis.call('EXPIRE', author_index_key(h.author), ttl) end
  if h.conversation then redis.call('EXPIRE', conversation_index_key(h.conversation), ttl) end
  expire_replies(uid, ttl)
end

-- Native brand replies (native_reply.lua; enqueue.lua applies the early ones) -----------------
-- {P}:nr:<reply uid>  string EX ttl     a brand reply already recorded (applied or kept early):
--                                       a replayed page records it once
-- {P}:early:<uid>     sorted set EX ttl as above; each member is "<n>|<reply uid><actor>", n the
--                                       reply uid's length in bytes (any byte may occur in either)
local function native_seen_key(reply_uid) return P .. ':nr:' .. reply_uid end

local function keep_early_reply(uid, reply_uid, at, actor, ttl)
  local k = early_key(uid)
  redis.call('ZADD', k, at, fmt(#reply_uid) .. '|' .. reply_uid .. actor)
  redis.call('EXPIRE', k, ttl)
end

-- Records a native reply on a stored mention `h` (loaded, or the table enqueue builds): the
-- latest native_reply_at, the first response when `at` is earlier than the recorded one, and the
-- event "replied" (native "1", reply_at, frt_ms / frt_was_ms when it became the first response).
-- A mention that is only stored is never resolved: its history expires with it (ttl). True when
-- the reply became the first response.
local function apply_native_reply(uid, h, at, actor, now, ttl)
  local latest = tonumber(h.native_reply_at)
  if not latest or at > latest then
    redis.call('HSET', mention_key(uid), MF.native_reply_at, fmt(at))
    h.native_reply_at = fmt(at)
  end
  local extra = set_first_reply(uid, h, at)
  local first = extra ~= nil
  extra = extra or {}
  extra[#extra + 1] = EF.native
  extra[#extra + 1] = '1'
  extra[#extra + 1] = EF.reply_at
  extra[#extra + 1] = fmt(at)
  emit(now, uid, 'replied', actor, h, extra)
  if h.state == 'stored' then redis.call('EXPIRE', history_key(uid), ttl) end
  return first
end

-- Applies the native replies kept for `uid` before it arrived, earliest first (so only the
-- earliest becomes the first response), and forgets them. True when one became the first response.
local function apply_early_replies(uid, h, now, ttl)
  local k = early_key(uid)
  local flat = redis.call('ZRANGE', k, 0, -1, 'WITHSCORES')
  local first = false
  for i = 1, #flat, 2 do
    local n, rest = string.match(flat[i], '^(%d+)|(.*)$')
    if n then
      local actor = string.sub(rest, tonumber(n) + 1)
      if apply_native_reply(uid, h, tonumber(flat[i + 1]), actor, now, ttl) then first = true end
    end
  end
  redis.call('DEL', k)
  return first
end
