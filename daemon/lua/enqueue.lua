-- enqueue: ARGV = P, dedup_ttl_s, uid, json, platform, source, queue ('' = not routed),
--                 priority, category, posted_at, seen_at
-- Returns 'duplicate', 'queued' or 'stored'.
local ttl, uid, json = ARGV[2], ARGV[3], ARGV[4]
local platform, source, queue = ARGV[5], ARGV[6], ARGV[7]
local priority, category = tonumber(ARGV[8]), ARGV[9]
local posted, seen = tonumber(ARGV[10]), tonumber(ARGV[11])

if not redis.call('SET', P .. ':seen:' .. uid, '1', 'NX', 'EX', ttl) then return 'duplicate' end

local now = now_ms()
local hk, mk = mention_key(uid), history_key(uid)
redis.call('DEL', hk, mk)  -- leftovers of an earlier life of this uid (dedup key expired)
local routed = queue ~= '' and category ~= 'ignore'
local h = {queue = routed and queue or '', platform = platform, priority = fmt(priority)}
local ingested = emit_shared(now, uid, 'ingested', source, h, nil)

if not routed then
  redis.call('HSET', hk, 'json', json, 'uid', uid, 'platform', platform, 'source', source,
             'queue', '', 'priority', h.priority, 'category', category, 'state', 'stored',
             'posted_at', fmt(posted), 'seen_at', fmt(seen), 'ingested_at', fmt(now),
             'ingested_event', ingested)
  redis.call('EXPIRE', hk, ttl)
  return 'stored'
end

local stream = queue_key(queue, priority)
if redis.call('EXISTS', stream) == 0 then
  local r = redis.pcall('XGROUP', 'CREATE', stream, GROUP, '0', 'MKSTREAM')
  if type(r) == 'table' and r.err and not string.find(r.err, 'BUSYGROUP', 1, true) then
    return redis.error_reply(r.err)
  end
end
local id = redis.call('XADD', stream, '*', 'uid', uid)
redis.call('SADD', P .. ':queues', queue)
local extra = {}
if posted > 0 and seen > 0 then extra = {'detect_ms', fmt(seen - posted)} end
local queued = emit_shared(now, uid, 'queued', source, h, extra)
redis.call('HSET', hk, 'json', json, 'uid', uid, 'platform', platform, 'source', source,
           'queue', h.queue, 'priority', h.priority, 'category', category, 'state', 'queued',
           'posted_at', fmt(posted), 'seen_at', fmt(seen), 'ingested_at', fmt(now),
           'entry_id', id, 'queued_at', fmt(now), 'ingested_event', ingested, 'queued_event', queued)
return 'queued'
