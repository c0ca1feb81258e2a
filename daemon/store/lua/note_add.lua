-- note_add: ARGV = P, uid, agent, text. Adds an internal note (never posted) to any mention, in
-- whatever state, to {P}:notes:<uid>; it expires with the mention (a mention hash with a time to
-- live gives it the same). Event noted (note_id) in {P}:events and the mention's history.
-- Returns {'ok', note_id, at} or {'not_found', ''}.
local uid, agent, text = ARGV[2], ARGV[3], ARGV[4]
local h = load(uid)
if not h.uid then return {'not_found', ''} end
local now = now_ms()
local k = notes_key(uid)
local id = redis.call('XADD', k, '*', NF.agent, agent, NF.at, fmt(now), NF.text, text)
local ttl = redis.call('PTTL', mention_key(uid))
if ttl > 0 then
  redis.call('PEXPIRE', k, ttl)
  redis.call('PEXPIRE', history_key(uid), ttl)
end
emit(now, uid, 'noted', agent, h, {EF.note_id, id})
return {'ok', id, fmt(now)}
