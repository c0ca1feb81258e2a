-- group_assign: ARGV = P, now_ms ('' = Redis time), window_ms, min_mentions, min_authors,
--   min_band_hits, then per complaint: uid, author, platform, n_terms, terms.., n_bands, buckets..
--   (a bucket is 16 hex digits; its band is its position).
-- Groups complaints into recurring issues (the same rules as rules/complaint_groups.h, which
-- the offline measurement uses):
--   {P}:lsh:<band>:<bucket>  string "<group id>:<at>"  the group that last used the bucket
--   {P}:mg:<uid>             string "<group id>:<at>"  a complaint already grouped (replays)
--   {P}:grp:seq              string                    the last group id given
--   {P}:grp:<id>             hash   created, last, announced, platform:<name> counts
--   {P}:grp:<id>:m           zset   uid -> when added        (members)
--   {P}:grp:<id>:a           zset   author -> latest          (distinct authors)
--   {P}:grp:<id>:t           zset   term -> count             (top terms)
--   {P}:groups:announce      zset   group id -> when it reached the thresholds (for the alerts)
-- Everything expires `window` after it was last written; liveness is decided by the times
-- stored, not by the expiry, so a call's `now` rules (tests and replays pass their own).
-- Returns 4 values per complaint: group id ('' = not grouped), size, authors, 1 when this
-- complaint made the group reach min_mentions from min_authors for the first time.
local now = ARGV[2] ~= '' and tonumber(ARGV[2]) or now_ms()
local window = tonumber(ARGV[3])
local min_mentions, min_authors = tonumber(ARGV[4]), tonumber(ARGV[5])
local min_hits = tonumber(ARGV[6])
local cutoff = now - window

local function group_key(id) return P .. ':grp:' .. id end

-- "<id>:<at>" -> id when at is within the window, else nil
local function live_ref(v)
  if not v then return nil end
  local id, at = string.match(v, '^([^:]+):(%-?%d+)$')
  if not id or tonumber(at) <= cutoff then return nil end
  return id
end

local function group_alive(id)
  local last = redis.call('HGET', group_key(id), 'last')
  return last and tonumber(last) > cutoff
end

local function figures(id)
  local g = group_key(id)
  redis.call('ZREMRANGEBYSCORE', g .. ':m', '-inf', fmt(cutoff))
  redis.call('ZREMRANGEBYSCORE', g .. ':a', '-inf', fmt(cutoff))
  return redis.call('ZCARD', g .. ':m'), redis.call('ZCARD', g .. ':a')
end

local out = {}
local i = 7
while i <= #ARGV do
  local uid, author, platform = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local n_terms = tonumber(ARGV[i + 3])
  local terms_at = i + 4
  local n_bands = tonumber(ARGV[terms_at + n_terms])
  local bands_at = terms_at + n_terms + 1
  i = bands_at + n_bands

  local seen = live_ref(redis.call('GET', P .. ':mg:' .. uid))
  if seen and group_alive(seen) then
    local size, authors = figures(seen)
    out[#out + 1] = seen
    out[#out + 1] = size
    out[#out + 1] = authors
    out[#out + 1] = 0
  elseif n_bands == 0 then
    out[#out + 1] = ''
    out[#out + 1] = 0
    out[#out + 1] = 0
    out[#out + 1] = 0
  else
    -- The live group with the most band hits (ties: the oldest, the smallest id).
    local hits, chosen, best = {}, nil, 0
    for b = 0, n_bands - 1 do
      local id = live_ref(redis.call('GET', P .. ':lsh:' .. b .. ':' .. ARGV[bands_at + b]))
      if id then
        if hits[id] == nil then hits[id] = group_alive(id) and 0 or false end
        if hits[id] then
          hits[id] = hits[id] + 1
          local n = hits[id]
          if n > best or (n == best and tonumber(id) < tonumber(chosen)) then chosen, best = id, n end
        end
      end
    end
    local g
    if best < min_hits then
      chosen = fmt(redis.call('INCR', P .. ':grp:seq'))
      g = group_key(chosen)
      redis.call('DEL', g, g .. ':m', g .. ':a', g .. ':t')
      redis.call('HSET', g, 'created', fmt(now), 'announced', '0')
    else
      g = group_key(chosen)
    end
    local ref = chosen .. ':' .. fmt(now)
    for b = 0, n_bands - 1 do
      redis.call('SET', P .. ':lsh:' .. b .. ':' .. ARGV[bands_at + b], ref, 'PX', window)
    end
    redis.call('SET', P .. ':mg:' .. uid, ref, 'PX', window)
    redis.call('ZADD', g .. ':m', fmt(now), uid)
    redis.call('ZADD', g .. ':a', fmt(now), author)
    for t = 0, n_terms - 1 do redis.call('ZINCRBY', g .. ':t', 1, ARGV[terms_at + t]) end
    redis.call('HSET', g, 'last', fmt(now))
    redis.call('HINCRBY', g, 'platform:' .. platform, 1)
    local size, authors = figures(chosen)
    local crossed = 0
    if size >= min_mentions and authors >= min_authors and redis.call('HGET', g, 'announced') ~= '1' then
      redis.call('HSET', g, 'announced', '1')
      redis.call('ZADD', P .. ':groups:announce', fmt(now), chosen)
      crossed = 1
    end
    for _, k in ipairs({g, g .. ':m', g .. ':a', g .. ':t'}) do redis.call('PEXPIRE', k, window) end
    out[#out + 1] = chosen
    out[#out + 1] = size
    out[#out + 1] = authors
    out[#out + 1] = crossed
  end
end
return out
