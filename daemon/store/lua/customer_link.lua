-- customer_link: ARGV = P, a, b (identities "<platform>:<author id>").
-- Links a and b, and whatever each was linked to already, into one customer: its id is a's
-- customer id (a itself when a was alone). {P}:cust:<identity> names each identity's customer,
-- {P}:custs:<customer id> holds its identities. Links are agents' decisions: they do not expire
-- (unlink undoes one). Returns the customer id and its identities.
local a, b = ARGV[2], ARGV[3]
local function cust_key(identity) return P .. ':cust:' .. identity end
local function members_key(id) return P .. ':custs:' .. id end
local ca = redis.call('GET', cust_key(a)) or a
local cb = redis.call('GET', cust_key(b)) or b
if ca ~= cb then
  local moving = redis.call('SMEMBERS', members_key(cb))
  if #moving == 0 then moving = {b} end
  redis.call('SADD', members_key(ca), a)
  for _, identity in ipairs(moving) do
    redis.call('SADD', members_key(ca), identity)
    redis.call('SET', cust_key(identity), ca)
  end
  redis.call('SET', cust_key(a), ca)
  redis.call('DEL', members_key(cb))
end
return {ca, redis.call('SMEMBERS', members_key(ca))}
