-- desk_read: ARGV = P, uid... Each mention as one consistent read, for the desk's lists
-- (conversation, history): per uid {hash, replies} where hash is HGETALL of the mention (empty
-- when it is gone) and replies a list of HGETALL of each of its replies, in submission order.
local out = {}
for i = 2, #ARGV do
  local uid = ARGV[i]
  local hash = redis.call('HGETALL', mention_key(uid))
  local replies = {}
  if #hash > 0 then
    for _, id in ipairs(redis.call('LRANGE', replies_key(uid), 0, -1)) do
      local r = redis.call('HGETALL', reply_key(id))
      if #r > 0 then replies[#replies + 1] = r end
    end
  end
  out[#out + 1] = {hash, replies}
end
return out
