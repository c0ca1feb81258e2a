-- release: ARGV = P, uid, agent. The entry keeps its place and is the next one claimed.
local uid, agent = ARGV[2], ARGV[3]
local h, err = owned(uid, agent)
if not h then return err end
local now = now_ms()
give_back(queue_key(h.queue, h.priority), h.entry_id)
redis.call('HSET', mention_key(uid), MF.state, 'queued')
redis.call('HDEL', mention_key(uid), MF.owner, MF.lease_until)
emit(now, uid, 'released', agent, h, nil)
return {'ok', ''}
