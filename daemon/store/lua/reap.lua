-- reap: ARGV = P, lease_ms, queue... Gives claims idle for a whole lease back to their
-- queue (first in line) with an "expired" event. Returns how many.
local lease_ms = tonumber(ARGV[2])
local now = now_ms()
local count = 0
for i = 3, #ARGV do
  for p = 0, 3 do
    local stream = queue_key(ARGV[i], p)
    if redis.call('EXISTS', stream) == 1 then
      local start = '-'
      while true do
        local pending = redis.call('XPENDING', stream, GROUP, 'IDLE', lease_ms, start, '+', 100)
        for _, x in ipairs(pending) do
          local id, holder = x[1], x[2]
          if holder ~= RELEASED then
            local e = redis.call('XRANGE', stream, id, id)[1]
            local uid = e and field(e[2], QF.uid)
            local h = uid and load(uid) or {}
            if not h.uid or h.state == 'resolved' or h.entry_id ~= id then
              redis.call('XACK', stream, GROUP, id)
            else
              if h.state == 'claimed' or h.state == 'replied' then
                redis.call('HSET', mention_key(uid), MF.state, 'queued')
                redis.call('HDEL', mention_key(uid), MF.owner, MF.lease_until)
                emit(now, uid, 'expired', 'reaper', h, {EF.owner, h.owner or holder})
                count = count + 1
              end
              give_back(stream, id)
            end
          end
        end
        if #pending < 100 then break end
        start = '(' .. pending[#pending][1]
      end
    end
  end
end
return count
