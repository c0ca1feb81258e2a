-- renew: ARGV = P, uid, agent, lease_ms. Returns {status, detail}; detail = lease_until on ok.
local uid, agent, lease_ms = ARGV[2], ARGV[3], tonumber(ARGV[4])
local h, err = owned(uid, agent)
if not h then return err end
local now = now_ms()
-- resets the entry's idle time (the lease); FORCE: see give_back
redis.call('XCLAIM', queue_key(h.queue, h.priority), GROUP, agent, 0, h.entry_id, 'FORCE', 'JUSTID')
redis.call('HSET', mention_key(uid), MF.lease_until, fmt(now + lease_ms))
emit(now, uid, 'renewed', agent, h, nil)
return {'ok', fmt(now + lease_ms)}
