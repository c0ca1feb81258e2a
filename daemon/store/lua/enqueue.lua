-- enqueue: ARGV = P, dedup_ttl_s, then 9 values per mention: uid, json, platform, source,
--   queue ('' = not routed), priority, category, posted_at, seen_at.
-- Several mentions per call (one call per chunk of a batch): the per-call cost of a script is
-- paid once per chunk. Returns one of 'duplicate', 'queued' or 'stored' per mention, in order.
local ttl = ARGV[2]
local now = now_ms()

local function enqueue_one(uid, json, platform, source, queue, priority, category, posted, seen)
  if not redis.call('SET', P .. ':seen:' .. uid, '1', 'NX', 'EX', ttl) then return 'duplicate' end

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
end

local out = {}
for i = 3, #ARGV - 8, 9 do
  out[#out + 1] = enqueue_one(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4],
                              tonumber(ARGV[i + 5]), ARGV[i + 6], tonumber(ARGV[i + 7]),
                              tonumber(ARGV[i + 8]))
end
return out
