-- alert_raise: ARGV = P, alert key, alert JSON, dedup_ttl_s, then the channels it goes to.
-- For each channel: remembers the key ({P}:al:k:<channel>:<key>, SET NX EX), and when it is new
-- stores an entry {P}:al:e:<id> and makes it due now in the channel's queue {P}:al:q:<channel>.
-- Returns one integer per channel: 1 stored, 0 already raised (deduplicated).
--   {P}:al:seq            counter   entry ids (zero-padded, so ids of one ms sort in raise order)
--   {P}:al:e:<id>         hash      AF fields: channel, alert_key, alert_json, raised_at, attempts,
--                                   sending_by (while a sender holds it), next_attempt_at, error
--   {P}:al:q:<channel>    zset      entry ids scored by when each is due (ms)
--   {P}:al:k:<ch>:<key>   string    the dedup key, EX dedup_ttl_s
local key, json, ttl = ARGV[2], ARGV[3], ARGV[4]
local now = now_ms()
local out = {}
for i = 5, #ARGV do
  local ch = ARGV[i]
  if redis.call('SET', P .. ':al:k:' .. ch .. ':' .. key, '1', 'NX', 'EX', ttl) then
    local id = string.format('%012d', redis.call('INCR', P .. ':al:seq'))
    redis.call('HSET', P .. ':al:e:' .. id, AF.channel, ch, AF.alert_key, key, AF.alert_json, json,
               AF.raised_at, fmt(now), AF.attempts, 0)
    redis.call('ZADD', P .. ':al:q:' .. ch, now, id)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
