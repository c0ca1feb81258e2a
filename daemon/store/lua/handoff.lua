-- handoff: ARGV = P, uid, agent, any_owner ("1": a lead, who may hand off anyone's claim), queue,
-- note ('' = none).
-- Moves a claimed mention to another queue: its entry leaves the old queue stream (acknowledged)
-- and a new one enters the target queue at the same priority, first claimable there like any new
-- entry; state queued, no owner; handoffs + 1. Its SLA due instant ({P}:sla:due:<queue>, kept per
-- queue for at-risk lists) moves with it. The note, when given, is added to {P}:notes:<uid>.
-- Event handed_off (queue = the new queue, from_queue, note_id when a note came), in {P}:events
-- and the mention's history.
-- Returns {'ok', note_id}, {'not_found', ''}, {'not_claimed', state}, {'conflict', owner} or
-- {'same_queue', queue}.
local uid, agent, any_owner, target, note = ARGV[2], ARGV[3], ARGV[4] == '1', ARGV[5], ARGV[6]
local h = load(uid)
if not h.uid then return {'not_found', ''} end
if h.state ~= 'claimed' and h.state ~= 'replied' then return {'not_claimed', h.state or ''} end
if h.owner ~= agent and not any_owner then return {'conflict', h.owner or ''} end
local from = h.queue
if target == from then return {'same_queue', from} end

local now = now_ms()
local hk = mention_key(uid)
redis.call('XACK', queue_key(from, h.priority), GROUP, h.entry_id)
local id, err = queue_add(target, h.priority, uid)
if not id then return redis.error_reply(err) end
redis.call('HSET', hk, MF.state, 'queued', MF.queue, target, MF.entry_id, id)
redis.call('HDEL', hk, MF.owner, MF.lease_until, MF.resolve_after_reply)
redis.call('HINCRBY', hk, MF.handoffs, 1)

local due = redis.call('ZSCORE', P .. ':sla:due:' .. from, uid)
if due then
  redis.call('ZREM', P .. ':sla:due:' .. from, uid)
  redis.call('ZADD', P .. ':sla:due:' .. target, due, uid)
end

local extra = {EF.from_queue, from}
local note_id = ''
if note ~= '' then
  note_id = redis.call('XADD', notes_key(uid), '*', NF.agent, agent, NF.at, fmt(now), NF.text, note)
  extra[#extra + 1] = EF.note_id
  extra[#extra + 1] = note_id
end
h.queue = target
h.state = 'queued'
emit(now, uid, 'handed_off', agent, h, extra)
return {'ok', note_id}
