-- native_reply: ARGV = P, uid, at, actor. A reply made on the platform by the brand's own
-- account; no owner check, any state. Idempotent: a reply not newer than the last one
-- recorded (a replayed page) changes nothing.
local uid, at, actor = ARGV[2], tonumber(ARGV[3]), ARGV[4]
local h = load(uid)
if not h.uid then return {'not_found', ''} end
if h.native_reply_at and at <= tonumber(h.native_reply_at) then return {'ok', 'already recorded'} end
local hk = mention_key(uid)
redis.call('HSET', hk, MF.native_reply_at, fmt(at))
local extra = {EF.native, '1', EF.reply_at, fmt(at)}
if not h.first_reply_at then
  redis.call('HSET', hk, MF.first_reply_at, fmt(at))
  local posted = tonumber(h.posted_at) or 0
  if posted > 0 then
    extra[#extra + 1] = EF.frt_ms
    extra[#extra + 1] = fmt(at - posted)
  end
end
emit(now_ms(), uid, 'replied', actor, h, extra)
return {'ok', ''}
