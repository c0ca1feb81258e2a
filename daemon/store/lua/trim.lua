-- trim: ARGV = P, before_ms, queue... Trims {P}:events below before_ms and each queue stream
-- below min(before_ms, oldest pending entry, first undelivered entry): only acknowledged
-- entries are ever dropped. Returns how many entries were removed.
local before = ARGV[2] .. '-0'

local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end

local function less(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am < bm or (am == bm and as < bs)
end

local removed = redis.call('XTRIM', P .. ':events', 'MINID', before)
for i = 3, #ARGV do
  for p = 0, 3 do
    local stream = queue_key(ARGV[i], p)
    if redis.call('EXISTS', stream) == 1 then
      local keep = before
      local groups = redis.call('XINFO', 'GROUPS', stream)
      for _, g in ipairs(groups) do
        local info = {}
        for j = 1, #g, 2 do info[g[j]] = g[j + 1] end
        local ms, seq = parse(info['last-delivered-id'])
        local next_new = fmt(ms) .. '-' .. fmt(seq + 1)
        if less(next_new, keep) then keep = next_new end
        local summary = redis.call('XPENDING', stream, info.name)
        if summary[2] and less(summary[2], keep) then keep = summary[2] end
      end
      removed = removed + redis.call('XTRIM', stream, 'MINID', keep)
    end
  end
end
return removed
