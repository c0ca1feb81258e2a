-- depths: ARGV = P, queue... Returns per queue and priority 0..3 a flat run of
-- queue, priority, waiting, claimed, oldest_queued_at.
-- waiting = entries never delivered (the group's lag) + entries held by RELEASED;
-- claimed = pending entries held by agents.
local out = {}

local function group_info(stream)
  local groups = redis.call('XINFO', 'GROUPS', stream)
  for _, g in ipairs(groups) do
    local info = {}
    for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
    if info.name == GROUP then return info end
  end
  return nil
end

local function queued_at_of(stream, id)
  local e = redis.call('XRANGE', stream, id, id)[1]
  local uid = e and field(e[2], QF.uid)
  local at = uid and redis.call('HGET', mention_key(uid), MF.queued_at)
  if at then return tonumber(at) end
  return tonumber(string.match(id, '^(%d+)'))
end

for i = 2, #ARGV do
  local queue = ARGV[i]
  for p = 0, 3 do
    local stream = queue_key(queue, p)
    local waiting, claimed, oldest = 0, 0, 0
    local info = redis.call('EXISTS', stream) == 1 and group_info(stream)
    if info then
      local released = 0
      local summary = redis.call('XPENDING', stream, GROUP)
      for _, c in ipairs(summary[4] or {}) do
        if c[1] == RELEASED then released = tonumber(c[2]) end
      end
      local undelivered = info.lag
      local first_new = redis.call('XRANGE', stream, '(' .. info['last-delivered-id'], '+', 'COUNT', 1)[1]
      if not undelivered then  -- lag unknown (entries deleted): count them
        undelivered = #redis.call('XRANGE', stream, '(' .. info['last-delivered-id'], '+')
      end
      waiting = undelivered + released
      claimed = tonumber(info.pending) - released
      if released > 0 then
        local first = redis.call('XPENDING', stream, GROUP, '-', '+', 1, RELEASED)[1]
        oldest = queued_at_of(stream, first[1])
      elseif first_new then
        oldest = queued_at_of(stream, first_new[1])
      end
    end
    out[#out + 1] = {queue, p, waiting, claimed, oldest}
  end
end
return out
