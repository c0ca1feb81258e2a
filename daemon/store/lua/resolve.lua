-- resolve: ARGV = P, uid, agent, history_ttl_s. Acknowledges the entry; the mention and its
-- history then expire after history_ttl_s.
local uid, agent, ttl = ARGV[2], ARGV[3], ARGV[4]
local h, err = owned(uid, agent)
if not h then return err end
local now = now_ms()
local hk = mention_key(uid)
redis.call('XACK', queue_key(h.queue, h.priority), GROUP, h.entry_id)
redis.call('HSET', hk, MF.state, 'resolved', MF.resolved_at, fmt(now), MF.resolved_by, agent)
redis.call('HDEL', hk, MF.lease_until)
local extra = nil
local posted = tonumber(h.posted_at) or 0
if posted > 0 then extra = {EF.resolve_ms, fmt(now - posted)} end
emit(now, uid, 'resolved', agent, h, extra)
redis.call('EXPIRE', hk, ttl)
redis.call('EXPIRE', history_key(uid), ttl)
return {'ok', ''}
