-- reply_take: ARGV = P, token, sending_lease_ms. Takes the most overdue reply of the outbox that
-- is due, marks it sending by `token` (attempts + 1) and makes it due again after the sending
-- lease, so a reply whose worker died is taken again by another. Returns nil when nothing is
-- due, else {id, uid, agent, text, previous_state, attempts_before, submitted_at,
-- first_attempt_at, mention_json, source, mention_state, unsettled}; previous_state 'sending'
-- means an earlier worker died or gave up mid-request, unsettled '1' that the latest attempt got
-- no clear answer: either way it may have posted, and the worker settles that first. A reply whose mention is gone is failed here and
-- the next one taken.
local token, lease_ms = ARGV[2], tonumber(ARGV[3])
local now = now_ms()
for _ = 1, 100 do
  local due = redis.call('ZRANGEBYSCORE', outbox_key(), '-inf', now, 'LIMIT', 0, 1)
  local id = due[1]
  if not id then return nil end
  local rk = reply_key(id)
  local flat = redis.call('HGETALL', rk)
  local r = {}
  for i = 1, #flat, 2 do r[flat[i]] = flat[i + 1] end
  local state = r[RF.reply_state]
  if state ~= 'queued' and state ~= 'sending' then
    redis.call('ZREM', outbox_key(), id)  -- finished or gone: not ours to post
  else
    local uid = r[RF.uid]
    local h = load(uid)
    if not h.uid then
      redis.call('ZREM', outbox_key(), id)
      redis.call('HSET', rk, RF.reply_state, 'failed', RF.error, 'the mention no longer exists', RF.will_retry, '0')
    else
      local attempts = tonumber(r[RF.attempts]) or 0
      local first = r[RF.first_attempt_at] or fmt(now)
      redis.call('HSET', rk, RF.reply_state, 'sending', RF.sending_by, token, RF.attempts, attempts + 1,
                 RF.first_attempt_at, first, RF.next_attempt_at, fmt(now + lease_ms))
      redis.call('ZADD', outbox_key(), now + lease_ms, id)
      return {id, uid, r[RF.agent] or '', r[RF.text] or '', state, fmt(attempts), r[RF.submitted_at] or '0', first,
              h.json or '', h.source or '', h.state or '', r[RF.unsettled] or ''}
    end
  end
end
return nil
