-- group_read: ARGV = P, id, top_terms, samples.
-- A recurring issue as its alert shows it: {size, authors, created, last, {term, count, ...},
-- {newest uids}, {platform, count, ...}}; an empty array when the group is gone.
local g = P .. ':grp:' .. ARGV[2]
local h = redis.call('HGETALL', g)
if #h == 0 then return {} end
local created, last, platforms = '0', '0', {}
for k = 1, #h, 2 do
  if h[k] == 'created' then created = h[k + 1]
  elseif h[k] == 'last' then last = h[k + 1]
  elseif string.sub(h[k], 1, 9) == 'platform:' then
    platforms[#platforms + 1] = string.sub(h[k], 10)
    platforms[#platforms + 1] = h[k + 1]
  end
end
local terms = redis.call('ZREVRANGE', g .. ':t', 0, tonumber(ARGV[3]) - 1, 'WITHSCORES')
local samples = redis.call('ZREVRANGE', g .. ':m', 0, tonumber(ARGV[4]) - 1)
return {redis.call('ZCARD', g .. ':m'), redis.call('ZCARD', g .. ':a'), created, last, terms, samples, platforms}
