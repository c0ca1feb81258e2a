-- customer_unlink: ARGV = P, identity. Takes the identity out of its customer (see
-- customer_link.lua); a customer left with one identity is no longer a link at all. Returns 1
-- when the identity was linked, 0 when it was alone.
local identity = ARGV[2]
local ck = P .. ':cust:' .. identity
local c = redis.call('GET', ck)
if not c then return 0 end
local mk = P .. ':custs:' .. c
redis.call('SREM', mk, identity)
redis.call('DEL', ck)
local left = redis.call('SMEMBERS', mk)
if #left <= 1 then
  for _, other in ipairs(left) do redis.call('DEL', P .. ':cust:' .. other) end
  redis.call('DEL', mk)
end
return 1
