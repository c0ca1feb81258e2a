-- enqueue: ARGV = P, dedup_ttl_s, then 13 values per mention: uid, json, platform, source,
--   queue ('' = not routed), priority, category, posted_at, seen_at, detect_ms ('' = unknown;
--   computed by the queue store, redis_fields.h detection_delay_ms), parent_uid ('' = none),
--   author_id ('' = unknown), conversation_id ('' = none).
-- The desk's indexes (daemon/store/desk_store.h) are written here: every stored mention joins its
-- conversation's {P}:cv:<platform>:<conversation id>, a routed one its author's
-- {P}:au:<platform>:<author id>; both scored by posted_at (seen_at when unknown), their time to
-- live renewed to dedup_ttl_s (resolve renews it again: an index outlives its members' hashes).
-- A queued mention whose parent is a post of the brand (one carewatch made, own_key, or a native
-- brand reply recorded, native_seen_key) is a follow-up (MF.follow_up): the customer wrote again
-- and waits again, on the next-response SLA target. Every queued mention enters {P}:sla:open,
-- due now, for the SLA watch (sla_take.lua).
-- Several mentions per call (one call per chunk of a batch): the per-call cost of a script is
-- paid once per chunk. Returns one of 'duplicate', 'queued' or 'stored' per mention, in order,
-- followed by ' first' ('queued first') when brand replies kept for it became its first response.
-- A post carewatch made itself (own_key: it came back through a connector) is stored, never
-- queued. Native brand replies kept for a mention before it arrived (early_key, see
-- native_reply.lua) are applied once it is stored, earliest first. Both are found by one EXISTS
-- per mention (the hot path: mostly neither exists).
local ttl = ARGV[2]
local now = now_ms()

-- Writes the desk's index entries of a stored mention (see above).
local function index_one(uid, hk, platform, routed, posted, seen, parent, author_id, conversation_id)
  local score = tonumber(posted) or 0
  if score <= 0 then score = tonumber(seen) or 0 end
  if parent ~= '' then redis.call('HSET', hk, MF.parent_uid, parent) end
  if conversation_id ~= '' then
    local conversation = platform .. ':' .. conversation_id
    redis.call('HSET', hk, MF.conversation, conversation)
    redis.call('ZADD', conversation_index_key(conversation), score, uid)
    redis.call('EXPIRE', conversation_index_key(conversation), ttl)
  end
  if author_id ~= '' then
    local identity = platform .. ':' .. author_id
    redis.call('HSET', hk, MF.author, identity)
    if routed then
      redis.call('ZADD', author_index_key(identity), score, uid)
      redis.call('EXPIRE', author_index_key(identity), ttl)
    end
  end
end

local function enqueue_one(uid, json, platform, source, queue, priority, category, posted, seen, detect, parent,
                           author_id, conversation_id)
  if not redis.call('SET', P .. ':seen:' .. uid, '1', 'NX', 'EX', ttl) then return 'duplicate' end

  local hk, mk = mention_key(uid), history_key(uid)
  redis.call('DEL', hk, mk, notes_key(uid))  -- leftovers of an earlier life of this uid (dedup key expired)
  local own, early = false, false
  if redis.call('EXISTS', own_key(uid), early_key(uid)) > 0 then
    own = redis.call('EXISTS', own_key(uid)) == 1
    early = redis.call('EXISTS', early_key(uid)) == 1
  end
  local routed = queue ~= '' and category ~= 'ignore' and not own
  local h = {queue = routed and queue or '', platform = platform, priority = fmt(priority), posted_at = posted}
  local ingested = emit_shared(now, uid, 'ingested', source, h, nil)

  if not routed then
    redis.call('HSET', hk, MF.json, json, MF.uid, uid, MF.platform, platform, MF.source, source,
               MF.queue, '', MF.priority, h.priority, MF.category, category, MF.state, 'stored',
               MF.posted_at, posted, MF.seen_at, seen, MF.ingested_at, fmt(now),
               MF.ingested_event, ingested)
    redis.call('EXPIRE', hk, ttl)
    index_one(uid, hk, platform, false, posted, seen, parent, author_id, conversation_id)
    h.state = 'stored'
    if early and apply_early_replies(uid, h, now, ttl) then return 'stored first' end
    return 'stored'
  end

  local id, err = queue_add(queue, priority, uid)
  if not id then return redis.error_reply(err) end
  local extra = {}
  if detect ~= '' then extra = {EF.detect_ms, detect} end
  local queued = emit_shared(now, uid, 'queued', source, h, extra)
  redis.call('HSET', hk, MF.json, json, MF.uid, uid, MF.platform, platform, MF.source, source,
             MF.queue, h.queue, MF.priority, h.priority, MF.category, category, MF.state, 'queued',
             MF.posted_at, posted, MF.seen_at, seen, MF.ingested_at, fmt(now),
             MF.entry_id, id, MF.queued_at, fmt(now), MF.ingested_event, ingested, MF.queued_event, queued)
  if parent ~= '' and redis.call('EXISTS', own_key(parent), native_seen_key(parent)) > 0 then
    redis.call('HSET', hk, MF.follow_up, '1')
  end
  redis.call('ZADD', P .. ':sla:open', now, uid)
  index_one(uid, hk, platform, true, posted, seen, parent, author_id, conversation_id)
  h.state = 'queued'
  if early and apply_early_replies(uid, h, now, ttl) then return 'queued first' end
  return 'queued'
end

local out = {}
for i = 3, #ARGV - 12, 13 do
  out[#out + 1] = enqueue_one(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4],
                              tonumber(ARGV[i + 5]), ARGV[i + 6], ARGV[i + 7], ARGV[i + 8],
                              ARGV[i + 9], ARGV[i + 10], ARGV[i + 11], ARGV[i + 12])
end
return out
