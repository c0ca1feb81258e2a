-- reply: ARGV = P, uid, agent, text, reply_id, external ("1"/"0"), lease_ms, same_text ('' = not
-- counted: the text normalized by the API, counted per UTC day in {P}:same:<day number> for the
-- same-text warning; kept two days).
-- Only the claim holder replies; it keeps the claim, and its lease is renewed.
--   external "0": the reply goes into the outbox ({P}:r:<id>, {P}:outbox), state queued, event
--                 reply_queued. It becomes the first response when the platform accepts it
--                 (reply_done.lua), not now.
--   external "1": a reply the agent made outside carewatch, recorded as sent now (event replied
--                 with external "1"): it counts as a response at once.
-- Returns {'ok', submitted_at}.
local uid, agent, text, id, external, lease_ms = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6] == '1', tonumber(ARGV[7])
local same_text = ARGV[8] or ''
local h, err = owned(uid, agent)
if not h then return err end
if redis.call('EXISTS', reply_key(id)) == 1 then return redis.error_reply('reply id ' .. id .. ' already used') end
local now = now_ms()
local hk = mention_key(uid)
renew_claim(uid, h, agent, lease_ms, now)
redis.call('HSET', hk, MF.last_reply, text, MF.last_reply_at, fmt(now))
redis.call('HINCRBY', hk, MF.replies, 1)
redis.call('RPUSH', replies_key(uid), id)
local rk = reply_key(id)
redis.call('HSET', rk, RF.uid, uid, RF.agent, agent, RF.text, text, RF.submitted_at, fmt(now), RF.attempts, 0)
if external then
  redis.call('HSET', rk, RF.reply_state, 'sent', RF.sent_at, fmt(now), RF.external, '1')
  redis.call('HSET', hk, MF.state, 'replied')
  local extra = set_first_reply(uid, h, now) or {}
  extra[#extra + 1] = EF.external
  extra[#extra + 1] = '1'
  extra[#extra + 1] = EF.reply_id
  extra[#extra + 1] = id
  emit(now, uid, 'replied', agent, h, extra)
else
  redis.call('HSET', rk, RF.reply_state, 'queued', RF.next_attempt_at, fmt(now))
  redis.call('HINCRBY', hk, MF.pending_replies, 1)
  redis.call('ZADD', outbox_key(), now, id)
  emit(now, uid, 'reply_queued', agent, h, {EF.reply_id, id})
end
if same_text ~= '' then
  local day = P .. ':same:' .. fmt(math.floor(now / 86400000))
  redis.call('HINCRBY', day, same_text, 1)
  redis.call('EXPIRE', day, 172800)
end
return {'ok', fmt(now)}
