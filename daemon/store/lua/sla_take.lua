-- sla_take: ARGV = P, now_ms, limit, hold_ms. The SLA watch's next mentions to look at: up to
-- `limit` members of {P}:sla:open due at now_ms, each held for hold_ms (its score moved on) so
-- another daemon's watch does not take it meanwhile; a watch that dies mid-way leaves it due
-- again after hold_ms. A member whose mention is gone leaves the SLA sets. Returns a flat list:
-- uid, then the mention hash as a flat field/value list, per mention.
local now, limit, hold = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local open = P .. ':sla:open'
local uids = redis.call('ZRANGEBYSCORE', open, '-inf', now, 'LIMIT', 0, limit)
local out = {}
for _, uid in ipairs(uids) do
  local flat = redis.call('HGETALL', mention_key(uid))
  if #flat == 0 then
    redis.call('ZREM', open, uid)
    for _, q in ipairs(redis.call('SMEMBERS', P .. ':queues')) do redis.call('ZREM', P .. ':sla:due:' .. q, uid) end
  else
    redis.call('ZADD', open, 'XX', fmt(now + hold), uid)
    out[#out + 1] = uid
    out[#out + 1] = flat
  end
end
return out
