-- resolve: ARGV = P, uid, agent, history_ttl_s. Acknowledges the entry; the mention and its
-- history then expire after history_ttl_s. While one of the agent's replies is still queued or
-- sending, the mention is resolved once it is sent instead (reply_done.lua): returns 'pending'.
local uid, agent, ttl = ARGV[2], ARGV[3], ARGV[4]
local h, err = owned(uid, agent)
if not h then return err end
if (tonumber(h.pending_replies) or 0) > 0 then
  redis.call('HSET', mention_key(uid), MF.resolve_after_reply, agent)
  return {'pending', ''}
end
resolve_now(uid, h, agent, now_ms(), ttl)
return {'ok', ''}
