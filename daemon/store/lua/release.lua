-- release: ARGV = P, uid, agent, any ("1": a lead, who may release whoever holds the claim). The
-- entry keeps its place and is the next one claimed. The released event's actor is `agent`;
-- released by a lead from another agent, it also names the holder (owner).
local uid, agent, any = ARGV[2], ARGV[3], ARGV[4] == '1'
local h, err
if any then
  h = load(uid)
  if not h.uid then return {'not_found', ''} end
  if h.state ~= 'claimed' and h.state ~= 'replied' then return {'not_claimed', h.state or ''} end
else
  h, err = owned(uid, agent)
  if not h then return err end
end
local now = now_ms()
give_back(queue_key(h.queue, h.priority), h.entry_id)
redis.call('HSET', mention_key(uid), MF.state, 'queued')
redis.call('HDEL', mention_key(uid), MF.owner, MF.lease_until)
local extra = nil
if h.owner and h.owner ~= agent then extra = {EF.owner, h.owner} end
emit(now, uid, 'released', agent, h, extra)
return {'ok', ''}
