-- session_touch: ARGV = P, token hash, idle ms. The session's {agent, csrf, created_at} with its
-- idle expiry renewed (last_seen now), or {} when it does not exist (expired or ended). One
-- script, so an expired session is never brought back by the renewal.
local key = P .. ':session:' .. ARGV[2]
local s = redis.call('HMGET', key, SF.agent, SF.csrf, SF.created_at)
if not s[1] then return {} end
redis.call('HSET', key, SF.last_seen, fmt(now_ms()))
redis.call('PEXPIRE', key, ARGV[3])
return {s[1], s[2] or '', s[3] or '0'}
