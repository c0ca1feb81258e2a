-- sla_breaches: ARGV = P, queue ('' = every queue), since_ms, limit. The newest `limit` SLA
-- breaches at or after since_ms (sla_update.lua keeps them in breaches_key(queue), scored by the
-- breach instant), newest first. Returns a flat list: the record (JSON), its score, then the
-- mention's JSON ('' when the mention has expired since), per breach.
local limit = tonumber(ARGV[4])
local flat = redis.call('ZREVRANGEBYSCORE', breaches_key(ARGV[2]), '+inf', ARGV[3], 'WITHSCORES', 'LIMIT', 0, limit)
local out = {}
for i = 1, #flat, 2 do
  local record = cjson.decode(flat[i])
  out[#out + 1] = flat[i]
  out[#out + 1] = flat[i + 1]
  out[#out + 1] = redis.call('HGET', mention_key(record[EF.uid] or ''), MF.json) or ''
end
return out
