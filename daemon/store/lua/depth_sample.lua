-- depth_sample: ARGV = P, levels, then per level (the minute's first): key, step start, expire at
-- (ms); then per queue: name, waiting, claimed. Records one minute's depth sample
-- (daemon/store/depth_store.h): unless the minute is sampled already (its marker field in the
-- minute's hash, set with HSETNX: the first daemon's sample is the one kept; returns 0), writes
-- "<waiting>|<claimed>" per queue at each level, keeping at the coarser levels the highest
-- waiting and the highest claimed of their step. Returns 1.
local levels = tonumber(ARGV[2])
local first = 3 + 3 * levels
local queues = (#ARGV - first + 1) / 3
if redis.call('HSETNX', ARGV[3], ARGV[4], fmt(queues)) == 0 then return 0 end
for l = 0, levels - 1 do
  local key, start, expire_at = ARGV[3 + 3 * l], ARGV[4 + 3 * l], ARGV[5 + 3 * l]
  for i = first, #ARGV, 3 do
    local name = start .. '|' .. ARGV[i]
    local waiting, claimed = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
    local old = redis.call('HGET', key, name)
    if old then
      local ow, oc = string.match(old, '^(%d+)|(%d+)$')
      if ow then
        waiting = math.max(waiting, tonumber(ow))
        claimed = math.max(claimed, tonumber(oc))
      end
    end
    redis.call('HSET', key, name, fmt(waiting) .. '|' .. fmt(claimed))
  end
  redis.call('PEXPIREAT', key, expire_at)
end
return 1
