-- get: ARGV = P, uid, with_history ("1"/"0"). A mention as one consistent read (a reply recorded
-- as sent and the first response it set are seen together): {hash, history, replies} where hash
-- is HGETALL of the mention, history XRANGE of its own stream (empty without with_history) and
-- replies a list of {reply id, HGETALL of the reply} in submission order (empty without it).
local uid, with_history = ARGV[2], ARGV[3] == '1'
local hash = redis.call('HGETALL', mention_key(uid))
if #hash == 0 or not with_history then return {hash, {}, {}} end
local history = redis.call('XRANGE', history_key(uid), '-', '+')
local replies = {}
for _, id in ipairs(redis.call('LRANGE', replies_key(uid), 0, -1)) do
  local r = redis.call('HGETALL', reply_key(id))
  if #r > 0 then replies[#replies + 1] = {id, r} end
end
return {hash, history, replies}
