-- lease_acquire: ARGV = P, name, token, ttl_ms. Takes a free lease or renews our own.
-- Returns 1 when `token` holds the lease afterwards, 0 when someone else does.
local key = P .. ':lease:' .. ARGV[2]
local token, ttl = ARGV[3], ARGV[4]
if redis.call('SET', key, token, 'NX', 'PX', ttl) then return 1 end
if redis.call('GET', key) == token then
  redis.call('PEXPIRE', key, ttl)
  return 1
end
return 0
