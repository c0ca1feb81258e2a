#include "daemon/store/position_store.h"

namespace carewatch {

PositionStore::PositionStore(RedisPool& pool, const std::string& prefix) : pool_(pool), kp_("{" + prefix + "}") {}

std::optional<std::string> PositionStore::get(const std::string& name) {
  const RedisReply r = pool_.command({"GET", key(name)});
  if (r.is_nil()) return std::nullopt;
  return r.str;
}

void PositionStore::set(const std::string& name, const std::string& stream_id) {
  pool_.command({"SET", key(name), stream_id});
}

}  // namespace carewatch
