-- native_reply: ARGV = P, parent_uid, reply_uid, at, actor, ttl_s. A reply the brand's own account
-- made on the platform (reply_uid, posted at `at`) to the mention parent_uid; no owner check, any
-- state. Whatever order replies and mentions arrive in, the earliest reply is the first response.
--   a post carewatch made itself (own_key)     -> {'own', ''}, nothing recorded
--   recorded before (a replayed page)          -> {'ok', 'already recorded'}, nothing recorded
--   parent not stored yet                      -> {'pending', ''}: kept in early_key(parent),
--                                                 applied by enqueue.lua when the parent arrives
--   recorded                                   -> {'ok', 'first'} when it became the first
--                                                 response (or replaced a later one), else {'ok', ''}
local uid, reply_uid, at, actor, ttl = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6]
if not at then return redis.error_reply('native_reply: at is not a number: ' .. tostring(ARGV[4])) end
if reply_uid == '' then return redis.error_reply('native_reply: empty reply uid') end
if redis.call('EXISTS', own_key(reply_uid)) == 1 then return {'own', ''} end
if not redis.call('SET', native_seen_key(reply_uid), '1', 'NX', 'EX', ttl) then
  return {'ok', 'already recorded'}
end
local h = load(uid)
if not h.uid then
  keep_early_reply(uid, reply_uid, at, actor, ttl)
  return {'pending', ''}
end
if apply_native_reply(uid, h, at, actor, now_ms(), ttl) then return {'ok', 'first'} end
return {'ok', ''}
