-- session_open: ARGV = P, token hash, agent, csrf, idle ms. A new console session
-- {P}:session:<token hash> that expires after idle ms without use. Returns its created_at.
local key = P .. ':session:' .. ARGV[2]
local now = now_ms()
redis.call('DEL', key)
redis.call('HSET', key, SF.agent, ARGV[3], SF.csrf, ARGV[4], SF.created_at, fmt(now), SF.last_seen, fmt(now))
redis.call('PEXPIRE', key, ARGV[5])
return now
