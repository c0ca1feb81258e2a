-- export_sweep: ARGV = P, horizon_ms, budget. Removes from the export's index
-- ({P}:mentions:posted, daemon/store/export_store.h) the members whose mention hash is gone.
-- A hash expires queues.dedup_ttl after it was stored or resolved, never before its mention was
-- posted, so only members scored below horizon_ms (now - dedup_ttl) can be gone: those are
-- looked at, `budget` per call, from the rank kept in {P}:mentions:posted:swept (a mention still
-- held, e.g. one waiting in its queue for weeks, stays and is stepped over). Returns {examined,
-- removed, done (1: the sweep reached the horizon and starts again from the oldest next time)}.
local key = export_index_key()
local mark = key .. ':swept'
local horizon, budget = ARGV[2], tonumber(ARGV[3])
local candidates = redis.call('ZCOUNT', key, '-inf', '(' .. horizon)
local pos = tonumber(redis.call('GET', mark) or '0') or 0
if pos >= candidates then pos = 0 end
local last = math.min(pos + budget, candidates) - 1
local uids = {}
if last >= pos then uids = redis.call('ZRANGE', key, pos, last) end
local removed = 0
for _, uid in ipairs(uids) do
  if redis.call('EXISTS', mention_key(uid)) == 0 then
    redis.call('ZREM', key, uid)
    removed = removed + 1
  end
end
pos = pos + #uids - removed
local done = pos >= candidates - removed
if done then pos = 0 end
redis.call('SET', mark, fmt(pos))
return {#uids, removed, done and 1 or 0}
