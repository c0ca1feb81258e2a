-- enqueue: ARGV = P, dedup_ttl_s, the marketing figures' hour retention (ms), day retention
--   (ms), top lists' kept size and trim threshold (VolumeStore::append_call_args), then per
--   mention 13 values: uid, json, platform, source, queue ('' = not routed), priority, category,
--   posted_at, seen_at, detect_ms ('' = unknown; computed by the queue store, redis_fields.h
--   detection_delay_ms), parent_uid ('' = none), author_id ('' = unknown), conversation_id
--   ('' = none); and its marketing values (VolumeStore::append_mention_args): sentiment ('' = not
--   counted, and nothing more follows), platform, language, author handle, display name,
--   followers, then the tags, words and hashtags, each list as its length and its items.
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

-- Marketing figures (daemon/store/volume_store.h has the layout and the reader): a stored
-- mention is counted here, after the dedup check, so it is counted once and a duplicate never.
local MK_LEVELS = {{'h', 3600000, tonumber(ARGV[3])}, {'d', 86400000, tonumber(ARGV[4])}}
local MK_KEEP, MK_TRIM_AT = tonumber(ARGV[5]), tonumber(ARGV[6])
local MK_AHEAD_MS = 600000  -- a posted_at this far after seen_at is a platform clock ahead

-- The expiry is set with a field's first count (a new key always starts with one), not on every count.
local function mk_hincr(k, f, expire_at)
  if redis.call('HINCRBY', k, f, 1) == 1 then redis.call('PEXPIREAT', k, expire_at) end
end

-- One more mention for each member of a day's top list; trimmed to its top MK_KEEP once over
-- MK_TRIM_AT (checked only when a member is new).
local function mk_top(k, members, expire_at)
  local new = false
  for _, m in ipairs(members) do
    if tonumber(redis.call('ZINCRBY', k, 1, m)) == 1 then new = true end
  end
  if new then
    redis.call('PEXPIREAT', k, expire_at)
    if redis.call('ZCARD', k) > MK_TRIM_AT then redis.call('ZREMRANGEBYRANK', k, 0, -(MK_KEEP + 1)) end
  end
end

-- The author's reach (most followers of the day) and mentions; their name as first seen that day.
local function mk_author(day, v, expire_at)
  local ak, ik = day .. ':au:' .. v.platform, day .. ':ai:' .. v.platform
  redis.call('ZADD', ak, 'GT', v.followers, v.handle)
  if redis.call('HINCRBY', ik, 'n|' .. v.handle, 1) ~= 1 then return end
  redis.call('HSET', ik, 'd|' .. v.handle, v.name)
  redis.call('PEXPIREAT', ak, expire_at)
  redis.call('PEXPIREAT', ik, expire_at)
  if redis.call('ZCARD', ak) > MK_TRIM_AT then
    local gone = redis.call('ZRANGE', ak, 0, -(MK_KEEP + 1))
    redis.call('ZREMRANGEBYRANK', ak, 0, -(MK_KEEP + 1))
    for _, h in ipairs(gone) do redis.call('HDEL', ik, 'n|' .. h, 'd|' .. h) end
  end
end

local function mk_count(category, posted, seen, v)
  local at = tonumber(posted) or 0
  local s = tonumber(seen) or 0
  if at <= 0 or (s > 0 and at > s + MK_AHEAD_MS) then at = s end
  if at <= 0 then at = now end
  local base = v.platform .. '|' .. category .. '|' .. v.sentiment .. '|' .. v.language
  for _, l in ipairs(MK_LEVELS) do
    local start = at - at % l[2]
    local expire_at = start + l[3]
    local k = P .. ':mk:' .. l[1] .. ':' .. fmt(start)
    mk_hincr(k, base, expire_at)
    for _, tag in ipairs(v.tags) do mk_hincr(k .. ':t', base .. '|' .. tag, expire_at) end
    if l[1] == 'd' then
      mk_top(k .. ':w:' .. v.platform, v.words, expire_at)
      mk_top(k .. ':ht:' .. v.platform, v.hashtags, expire_at)
      if v.handle ~= '' then mk_author(k, v, expire_at) end
    end
  end
end

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
                           author_id, conversation_id, volume)
  if not redis.call('SET', P .. ':seen:' .. uid, '1', 'NX', 'EX', ttl) then return 'duplicate' end

  local hk, mk = mention_key(uid), history_key(uid)
  redis.call('DEL', hk, mk, notes_key(uid))  -- leftovers of an earlier life of this uid (dedup key expired)
  -- The CSV export's index (daemon/store/export_store.h): every stored mention by posted time.
  export_index(uid, posted, seen)
  local own, early = false, false
  if redis.call('EXISTS', own_key(uid), early_key(uid)) > 0 then
    own = redis.call('EXISTS', own_key(uid)) == 1
    early = redis.call('EXISTS', early_key(uid)) == 1
  end
  local routed = queue ~= '' and category ~= 'ignore' and not own
  if volume and not own then mk_count(category, posted, seen, volume) end
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

-- A list of the marketing values: its length at ARGV[j], then its items. Returns it and the
-- index after it.
local function mk_list(j)
  local n, items = tonumber(ARGV[j]), {}
  for k = 1, n do items[k] = ARGV[j + k] end
  return items, j + n + 1
end

local out = {}
local i = 7
while i + 12 <= #ARGV do
  local j, volume = i + 13, nil
  if ARGV[j] ~= '' then
    volume = {sentiment = ARGV[j], platform = ARGV[j + 1], language = ARGV[j + 2], handle = ARGV[j + 3],
              name = ARGV[j + 4], followers = ARGV[j + 5]}
    volume.tags, j = mk_list(j + 6)
    volume.words, j = mk_list(j)
    volume.hashtags, j = mk_list(j)
  else
    j = j + 1
  end
  out[#out + 1] = enqueue_one(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4],
                              tonumber(ARGV[i + 5]), ARGV[i + 6], ARGV[i + 7], ARGV[i + 8],
                              ARGV[i + 9], ARGV[i + 10], ARGV[i + 11], ARGV[i + 12], volume)
  i = j
end
return out
