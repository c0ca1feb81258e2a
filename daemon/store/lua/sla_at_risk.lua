-- sla_at_risk: ARGV = P, limit, queue... The `limit` most urgent members of each queue's
-- {P}:sla:due:<queue> (lowest breach instant first). Returns a flat list: uid, queue, score, then
-- the mention hash as a flat field/value list, per member (a member whose mention is gone is
-- skipped; the watch removes it).
local limit = tonumber(ARGV[2])
local out = {}
for i = 3, #ARGV do
  local q = ARGV[i]
  local flat = redis.call('ZRANGE', P .. ':sla:due:' .. q, 0, limit - 1, 'WITHSCORES')
  for j = 1, #flat, 2 do
    local h = redis.call('HGETALL', mention_key(flat[j]))
    if #h > 0 then
      out[#out + 1] = flat[j]
      out[#out + 1] = q
      out[#out + 1] = flat[j + 1]
      out[#out + 1] = h
    end
  end
end
return out
