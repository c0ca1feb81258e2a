-- sla_update: ARGV = P, uid, queue, now_ms (the watch's clock), next_ms, due_ms, then 7 values per threshold to fire:
--   kind ('warning' or 'breach'), target (first_response, next_response or resolution),
--   fraction ("0.5"; "1" for a breach), at (the instant it was reached), target_ms, elapsed_ms,
--   clock ('response' or 'resolution').
-- Writes each threshold's event (sla_warning / sla_breached, to {P}:events and the mention's
-- history) exactly once per mention, target and fraction, however many watches run: the hash
-- field MF.sla_fired lists those written. Re-checks the clock in the hash first, so a reply
-- that raced in wins: a warning fires only while the clock runs, a breach only when the clock
-- runs or stopped after `at`; either only once `at` <= now_ms.
-- Then reschedules the mention: next_ms is its next look in {P}:sla:open ('' = it leaves),
-- due_ms its breach instant in {P}:sla:due:<queue> for at-risk lists ('' = it leaves).
-- Returns one 1 (written) or 0 (not) per threshold, in order.
local uid, queue, now, next_ms, due_ms = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
local hk = mention_key(uid)
local open, due = P .. ':sla:open', P .. ':sla:due:' .. queue
local h = load(uid)
local out = {}
if not h.uid then
  redis.call('ZREM', open, uid)
  redis.call('ZREM', due, uid)
  for i = 7, #ARGV - 6, 7 do out[#out + 1] = 0 end
  return out
end

-- A breach is also kept, for GET /v1/sla/breaches, in {P}:sla:breaches and
-- {P}:sla:breaches:<queue> (breaches_key): sorted sets scored by the breach instant, each member a
-- JSON object of event fields (uid, queue, priority, platform, target, target_ms, elapsed_ms).
-- Each keeps the newest BREACHES_KEPT of the last BREACHES_DAYS days.
local BREACHES_KEPT, BREACHES_DAYS = 10000, 31
local function record_breach(u, m, target, at, target_ms, elapsed_ms)
  local member = cjson.encode({[EF.uid] = u, [EF.queue] = m.queue or '', [EF.priority] = m.priority or '',
                               [EF.platform] = m.platform or '', [EF.target] = target,
                               [EF.target_ms] = target_ms, [EF.elapsed_ms] = elapsed_ms})
  local keys = {breaches_key('')}
  if m.queue and m.queue ~= '' then keys[2] = breaches_key(m.queue) end
  for _, k in ipairs(keys) do
    redis.call('ZADD', k, at, member)
    redis.call('ZREMRANGEBYSCORE', k, '-inf', '(' .. fmt(now_ms() - BREACHES_DAYS * 86400000))
    redis.call('ZREMRANGEBYRANK', k, 0, -(BREACHES_KEPT + 1))
  end
end

local resolved_at = nil
if h.state == 'resolved' then resolved_at = tonumber(h.resolved_at) or now end
local response_stop = tonumber(h.first_reply_at) or resolved_at
local fired = h.sla_fired or ''
local wrote = false
for i = 7, #ARGV - 6, 7 do
  local kind, target, fraction, at = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local stop = resolved_at
  if ARGV[i + 6] == 'response' then stop = response_stop end
  local go = at ~= nil and at <= now
  if go and stop then go = kind == 'breach' and stop > at end
  local marker = target .. ':' .. fraction .. ' '
  if go and string.find(' ' .. fired, ' ' .. marker, 1, true) then go = false end
  if go then
    fired = fired .. marker
    local event = 'sla_warning'
    if kind == 'breach' then event = 'sla_breached' end
    emit(now_ms(), uid, event, 'sla', h, {EF.target, target, EF.fraction, fraction, EF.target_ms, ARGV[i + 4],
                                    EF.elapsed_ms, ARGV[i + 5], EF.due_at, fmt(at)})
    if kind == 'breach' then record_breach(uid, h, target, at, ARGV[i + 4], ARGV[i + 5]) end
    wrote = true
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
if wrote then
  redis.call('HSET', hk, MF.sla_fired, fired)
  local ttl = redis.call('PTTL', hk)  -- a resolved mention expires: its history with it
  if ttl > 0 then redis.call('PEXPIRE', history_key(uid), ttl) end
end

if next_ms == '' then redis.call('ZREM', open, uid) else redis.call('ZADD', open, next_ms, uid) end
if due_ms == '' then redis.call('ZREM', due, uid) else redis.call('ZADD', due, due_ms, uid) end
return out
