-- alert_take: ARGV = P, channel, token, sending_lease_ms, max. Takes up to `max` due entries of the
-- channel's queue, oldest first, marks each sending by `token` (attempts + 1) and makes it due
-- again after the sending lease, so entries whose sender died are taken again by another.
-- Returns {{id, alert_json, attempts, raised_at, retaken}, ...}; retaken '1': an earlier sender
-- held it and its lease ran out (it may have been delivered: at most one duplicate).
local ch, token, lease, max = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local now = now_ms()
local q = P .. ':al:q:' .. ch
local ids = redis.call('ZRANGEBYSCORE', q, '-inf', now, 'LIMIT', 0, max)
local out = {}
for _, id in ipairs(ids) do
  local ek = P .. ':al:e:' .. id
  local e = redis.call('HMGET', ek, AF.alert_json, AF.attempts, AF.raised_at, AF.sending_by)
  if not e[1] then
    redis.call('ZREM', q, id)  -- gone (expired by hand): nothing to send
  else
    local attempts = (tonumber(e[2]) or 0) + 1
    redis.call('HSET', ek, AF.sending_by, token, AF.attempts, attempts, AF.next_attempt_at, fmt(now + lease))
    redis.call('ZADD', q, now + lease, id)
    out[#out + 1] = {id, e[1], fmt(attempts), e[3] or '0', e[4] and '1' or '0'}
  end
end
return out
