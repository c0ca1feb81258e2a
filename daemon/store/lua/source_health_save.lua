-- source_health_save: compare-and-set of a source's health hash (daemon/store/source_health_store.h).
-- KEYS[1] = {P}:src:<source>; ARGV = P, the version field's name, the version the writer read
-- (0: no hash), then field / value pairs. Writes the pairs and bumps the version when the hash is
-- still at the version read; returns the new version, or -1 when another writer came first.
local hash, version_field, expected = KEYS[1], ARGV[2], tonumber(ARGV[3])
local current = tonumber(redis.call('HGET', hash, version_field) or '0') or 0
if current ~= expected then return -1 end
local pairs_ = {}
for i = 4, #ARGV do pairs_[#pairs_ + 1] = ARGV[i] end
pairs_[#pairs_ + 1] = version_field
pairs_[#pairs_ + 1] = fmt(current + 1)
redis.call('HSET', hash, unpack(pairs_))
return current + 1
