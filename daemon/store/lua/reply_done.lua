-- reply_done: ARGV = P, reply_id, token, outcome, then by outcome:
--   sent       post_id, post_uid, post_url, platform_at (ms, 0 unknown), own_ttl_s, history_ttl_s
--   retry      error, retry_in_ms, unsettled ("1": the attempt may have posted)
--   failed     error, lease_ms
-- Records what the platform said about a reply `token` was sending; a worker whose sending lease
-- ran out (another took the reply) records nothing: returns {'stale', state}.
--   sent: the reply's sent_at is the platform's time of the post, kept within [submitted_at, now];
--         it becomes the first response when it is the earliest; event reply_sent (delivery_ms,
--         frt_ms). The post's uid is remembered ({P}:own) so the post coming back through a
--         connector is neither queued nor counted as a native reply. A resolve the agent asked
--         for while the reply was pending is done now.
--   retry: queued again, due in retry_in_ms; event reply_failed (retry "1").
--   failed: for good; event reply_failed (retry "0"). The mention stays with its agent: a resolve
--         asked for meanwhile is cancelled and the claim renewed, so the agent sees why.
local id, token, outcome = ARGV[2], ARGV[3], ARGV[4]
local rk = reply_key(id)
local state = redis.call('HGET', rk, RF.reply_state)
if state ~= 'sending' or redis.call('HGET', rk, RF.sending_by) ~= token then return {'stale', state or ''} end
local now = now_ms()
local uid = redis.call('HGET', rk, RF.uid)
local agent = redis.call('HGET', rk, RF.agent) or ''
local attempts = redis.call('HGET', rk, RF.attempts) or '0'
local h = load(uid)
local hk = mention_key(uid)
redis.call('HDEL', rk, RF.sending_by)

local function finished()
  redis.call('ZREM', outbox_key(), id)
  redis.call('HDEL', rk, RF.next_attempt_at)
  if h.uid then
    local left = redis.call('HINCRBY', hk, MF.pending_replies, -1)
    if left < 0 then redis.call('HSET', hk, MF.pending_replies, 0) end
    return math.max(left, 0)
  end
  return 0
end

if outcome == 'sent' then
  local post_id, post_uid, post_url, at = ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8]) or 0
  local own_ttl, ttl = ARGV[9], ARGV[10]
  local submitted = tonumber(redis.call('HGET', rk, RF.submitted_at)) or now
  local sent = now
  if at > 0 then sent = math.min(math.max(at, submitted), now) end
  redis.call('HSET', rk, RF.reply_state, 'sent', RF.sent_at, fmt(sent), RF.post_id, post_id, RF.post_url, post_url)
  redis.call('HDEL', rk, RF.error, RF.will_retry, RF.unsettled)
  if post_uid ~= '' then redis.call('SET', own_key(post_uid), id, 'EX', own_ttl) end
  local left = finished()
  if not h.uid then return {'ok', fmt(sent)} end
  local extra = set_first_reply(uid, h, sent) or {}
  for _, v in ipairs({EF.reply_id, id, EF.post_id, post_id, EF.post_url, post_url, EF.attempts, attempts,
                      EF.delivery_ms, fmt(sent - submitted)}) do
    extra[#extra + 1] = v
  end
  if h.state == 'claimed' then
    redis.call('HSET', hk, MF.state, 'replied')
    h.state = 'replied'
  end
  emit(now, uid, 'reply_sent', agent, h, extra)
  if h.state == 'resolved' then
    redis.call('EXPIRE', rk, ttl)
  elseif left == 0 and h.resolve_after_reply and h.owner == h.resolve_after_reply and
         (h.state == 'claimed' or h.state == 'replied') then
    resolve_now(uid, h, h.resolve_after_reply, now, ttl)
  end
  return {'ok', fmt(sent)}
elseif outcome == 'retry' then
  local err, wait, unsettled = ARGV[5], tonumber(ARGV[6]) or 0, ARGV[7] == '1'
  redis.call('HSET', rk, RF.reply_state, 'queued', RF.error, err, RF.will_retry, '1', RF.next_attempt_at, fmt(now + wait))
  if unsettled then redis.call('HSET', rk, RF.unsettled, '1') else redis.call('HDEL', rk, RF.unsettled) end
  redis.call('ZADD', outbox_key(), now + wait, id)
  if h.uid then
    emit(now, uid, 'reply_failed', agent, h, {EF.reply_id, id, EF.error, err, EF.will_retry, '1', EF.attempts, attempts})
  end
  return {'ok', fmt(now + wait)}
else
  local err, lease_ms = ARGV[5], tonumber(ARGV[6])
  redis.call('HSET', rk, RF.reply_state, 'failed', RF.error, err, RF.will_retry, '0')
  redis.call('HDEL', rk, RF.unsettled)
  finished()
  if h.uid then
    redis.call('HDEL', hk, MF.resolve_after_reply)
    if h.owner == agent and (h.state == 'claimed' or h.state == 'replied') then
      renew_claim(uid, h, agent, lease_ms, now)
    end
    emit(now, uid, 'reply_failed', agent, h, {EF.reply_id, id, EF.error, err, EF.will_retry, '0', EF.attempts, attempts})
  end
  return {'ok', ''}
end
