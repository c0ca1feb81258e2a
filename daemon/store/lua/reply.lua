-- reply: ARGV = P, uid, agent, text. Only the claim holder replies; it keeps the claim.
local uid, agent, text = ARGV[2], ARGV[3], ARGV[4]
local h, err = owned(uid, agent)
if not h then return err end
local now = now_ms()
local hk = mention_key(uid)
redis.call('HSET', hk, MF.state, 'replied', MF.last_reply, text, MF.last_reply_at, fmt(now))
redis.call('HINCRBY', hk, MF.replies, 1)
local extra = nil
if not h.first_reply_at then
  redis.call('HSET', hk, MF.first_reply_at, fmt(now))
  local posted = tonumber(h.posted_at) or 0
  if posted > 0 then extra = {EF.frt_ms, fmt(now - posted)} end
end
emit(now, uid, 'replied', agent, h, extra)
return {'ok', ''}
