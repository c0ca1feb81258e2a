-- claim: ARGV = P, queue, agent, lease_ms
-- Per priority 0..3: first entries idle for a whole lease (released, reaped or expired claims;
-- in id order), then new ones. Returns {uid, queue, priority, json, lease_until} or nil.
local queue, agent, lease_ms = ARGV[2], ARGV[3], tonumber(ARGV[4])
local now = now_ms()
local lease_until = now + lease_ms

-- Takes entry e = {id, {field, value, ...}} now pending for `agent`; returns the claim reply,
-- or nil when the entry is stale (mention resolved or gone), which is then acknowledged.
local function take(stream, e, holder)
  local id = e[1]
  local uid = e[2] and field(e[2], QF.uid)
  local h = uid and load(uid) or {}
  if not h.uid or h.state == 'resolved' or h.entry_id ~= id then
    redis.call('XACK', stream, GROUP, id)
    return nil
  end
  if holder and holder ~= RELEASED and (h.state == 'claimed' or h.state == 'replied') then
    emit(now, uid, 'expired', h.owner or holder, h, {EF.by, agent})
  end
  local hk = mention_key(uid)
  redis.call('HSET', hk, MF.state, 'claimed', MF.owner, agent, MF.claimed_at, fmt(now),
             MF.lease_until, fmt(lease_until))
  redis.call('HDEL', hk, MF.resolve_after_reply)  -- asked by an earlier claim: not this one's
  local extra = nil
  if not h.first_claimed_at then
    redis.call('HSET', hk, MF.first_claimed_at, fmt(now))
    if h.queued_at then extra = {EF.wait_ms, fmt(now - tonumber(h.queued_at))} end
  end
  emit(now, uid, 'claimed', agent, h, extra)
  return {uid, h.queue, tonumber(h.priority), h.json, lease_until}
end

for p = 0, 3 do
  local stream = queue_key(queue, p)
  if redis.call('EXISTS', stream) == 1 then
    for _ = 1, 100000 do
      local pending = redis.call('XPENDING', stream, GROUP, 'IDLE', lease_ms, '-', '+', 1)
      if #pending == 0 then break end
      local id, holder = pending[1][1], pending[1][2]
      -- a deleted entry comes back empty and leaves the pending list
      local got = redis.call('XCLAIM', stream, GROUP, agent, 0, id)
      if got[1] then
        local r = take(stream, got[1], holder)
        if r then return r end
      end
    end
    for _ = 1, 100000 do
      local res = redis.call('XREADGROUP', 'GROUP', GROUP, agent, 'COUNT', 1, 'STREAMS', stream, '>')
      if not res or not res[1][2][1] then break end
      local r = take(stream, res[1][2][1], nil)
      if r then return r end
    end
  end
end
return false
