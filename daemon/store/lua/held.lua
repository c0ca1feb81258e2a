-- held: ARGV = P, agent, limit. The uids of the mentions `agent` holds now, most urgent first
-- (queue by name, then priority, then claim order): the pending entries of the agent as consumer
-- in every queue stream (claim.lua claims with the agent as consumer; release, hand-off, resolve
-- and the reaper move or acknowledge them), kept when the mention's hash still names the agent
-- as owner in state claimed or replied (an entry whose lease ran out and that another agent
-- took is that agent's). At most `limit` (at least 1) uids: it stops reading once it has them.
local agent, limit = ARGV[2], tonumber(ARGV[3])
local out = {}
local queues = redis.call('SMEMBERS', P .. ':queues')
table.sort(queues)
for _, queue in ipairs(queues) do
  for p = 0, 3 do
    local stream = queue_key(queue, p)
    if redis.call('EXISTS', stream) == 1 then
      local pending = redis.pcall('XPENDING', stream, GROUP, '-', '+', limit, agent)
      if type(pending) == 'table' and not pending.err then
        for _, entry in ipairs(pending) do
          local got = redis.call('XRANGE', stream, entry[1], entry[1])
          local uid = got[1] and field(got[1][2], QF.uid)
          if uid then
            local h = redis.call('HMGET', mention_key(uid), MF.owner, MF.state)
            if h[1] == agent and (h[2] == 'claimed' or h[2] == 'replied') then
              out[#out + 1] = uid
              if #out >= limit then return out end
            end
          end
        end
      end
    end
  end
end
return out
