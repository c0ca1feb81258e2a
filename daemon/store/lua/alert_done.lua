-- alert_done: ARGV = P, channel, token, outcome, wait_ms, error, then entry ids. Records what
-- became of entries `token` took (alert_take.lua); an entry another sender took over meanwhile
-- (its lease ran out) is left alone. Outcomes:
--   done      delivered, folded into a digest that was delivered, or failed for good: removed
--   retry     due again in wait_ms, with the error
--   release   the same, not counted as an attempt (never tried); with wait_ms 0 it is due at once
--             in its raise order (scored by raised_at), ahead of alerts raised after it
-- Returns one integer per id: 1 recorded, 0 no longer ours.
local ch, token, outcome, wait, err = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]) or 0, ARGV[6]
local now = now_ms()
local q = P .. ':al:q:' .. ch
local out = {}
for i = 7, #ARGV do
  local id = ARGV[i]
  local ek = P .. ':al:e:' .. id
  if redis.call('HGET', ek, AF.sending_by) ~= token then
    out[#out + 1] = 0
  else
    out[#out + 1] = 1
    if outcome == 'done' then
      redis.call('DEL', ek)
      redis.call('ZREM', q, id)
    else
      redis.call('HDEL', ek, AF.sending_by)
      redis.call('HSET', ek, AF.error, err, AF.next_attempt_at, fmt(now + wait))
      local due = now + wait
      if outcome == 'release' then
        redis.call('HINCRBY', ek, AF.attempts, -1)
        if wait == 0 then due = tonumber(redis.call('HGET', ek, AF.raised_at)) or now end
      end
      redis.call('ZADD', q, due, id)
    end
  end
end
return out
