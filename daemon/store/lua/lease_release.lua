-- lease_release: ARGV = P, name, token. Deletes the lease only while `token` holds it.
local key = P .. ':lease:' .. ARGV[2]
if redis.call('GET', key) == ARGV[3] then return redis.call('DEL', key) end
return 0
