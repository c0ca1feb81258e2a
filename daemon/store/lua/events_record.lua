-- events_record: ARGV = P, then per event: n, then n values (field, value, ...: type, uid, actor,
-- at, queue, platform, priority and what the event carries, as the other scripts write them).
-- Appends events that already happened, each at its own time `at` (its stream id "<at>-*", so
-- give them in time order, after the stream's last id), to {P}:events and counts them in the
-- figures exactly as emit does (fig_count). For tools that build a history (carewatch bench
-- stats) and tests; the daemon's own events go through emit. Returns how many were appended.
local i, n = 2, 0
local events = P .. ':events'
while i <= #ARGV do
  local k = tonumber(ARGV[i])
  local f = {}
  for j = 1, k do f[j] = ARGV[i + j] end
  i = i + k + 1
  local at = field(f, EF.at)
  redis.call('XADD', events, at .. '-*', unpack(f))
  fig_count(f)
  n = n + 1
end
return n
