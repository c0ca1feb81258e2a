-- export_page: ARGV = P, since_ms, until_ms, after_score ('' = the first page), after_uid, limit,
--   platform ('' = any), category ('' = any).
-- One page of the CSV export (daemon/store/export_store.h): the members of
-- {P}:mentions:posted with a score in [since, until), in the set's order (score, then uid byte
-- by byte), after the cursor (after_score, after_uid), at most `limit` examined. The page's first
-- rank is found in O(log N) (ZRANK of the cursor's member, or ZCOUNT below the range), never by
-- walking an offset, so every page costs the same however deep into the range it is.
-- A member whose mention hash is gone (expired) is skipped (export_sweep.lua removes it); one
-- whose platform or category differs from a filter given is skipped too.
-- Returns {examined, done (1: the range is exhausted), last_score, last_uid, then per row: uid,
-- json, platform, source, category, priority, queue, state, posted_at, seen_at, first_reply_at,
-- resolved_at, resolved_by} (a field the hash lacks is nil).
local key = export_index_key()
local since, until_ms = tonumber(ARGV[2]), tonumber(ARGV[3])
local after_score, after_uid, limit = ARGV[4], ARGV[5], tonumber(ARGV[6])
local platform, category = ARGV[7], ARGV[8]

-- a <= b byte by byte (the order Redis gives members of equal score; Lua's own comparison
-- follows the server's locale).
local function bytes_le(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a <= #b
end

local start, skip_score = 0, nil
if after_score == '' then
  start = redis.call('ZCOUNT', key, '-inf', '(' .. fmt(since))
else
  local s = redis.call('ZSCORE', key, after_uid)
  if s and tonumber(s) == tonumber(after_score) then
    start = redis.call('ZRANK', key, after_uid) + 1
  else
    -- the cursor's member left the set meanwhile: start at its score, skip what sorts before it
    start = redis.call('ZCOUNT', key, '-inf', '(' .. after_score)
    skip_score = tonumber(after_score)
  end
end

local out = {0, 0, after_score, after_uid}
local examined, done = 0, false
while examined < limit and not done do
  local flat = redis.call('ZRANGE', key, start, start + (limit - examined) - 1, 'WITHSCORES')
  if #flat == 0 then done = true end
  for i = 1, #flat, 2 do
    local uid, score = flat[i], tonumber(flat[i + 1])
    start = start + 1
    if score >= until_ms then
      done = true
      break
    end
    if not (skip_score and score == skip_score and bytes_le(uid, after_uid)) then
      examined = examined + 1
      out[3], out[4] = flat[i + 1], uid
      local v = redis.call('HMGET', mention_key(uid), MF.json, MF.platform, MF.source, MF.category, MF.priority,
                           MF.queue, MF.state, MF.posted_at, MF.seen_at, MF.first_reply_at, MF.resolved_at,
                           MF.resolved_by)
      if v[1] and (platform == '' or v[2] == platform) and (category == '' or v[4] == category) then
        out[#out + 1] = uid
        for j = 1, #v do out[#out + 1] = v[j] end
      end
    end
  end
end
out[1] = examined
out[2] = done and 1 or 0
return out
