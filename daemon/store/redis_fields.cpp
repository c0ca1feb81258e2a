#include "daemon/store/redis_fields.h"

#include <string_view>

namespace carewatch {
namespace {

constexpr bool has(std::string_view where, std::string_view part) {
  return where.find(part) != std::string_view::npos;
}

constexpr RedisField kFields[] = {
#define CW_REDIS_FIELD(name, type, where, what) \
  {#name, RedisFieldType::type, has(#where, "hash"), has(#where, "event"), has(#where, "entry"), has(#where, "reply"), has(#where, "alert"), has(#where, "session"), has(#where, "note"), what},
#include "daemon/store/redis_fields.def"
#undef CW_REDIS_FIELD
};

}  // namespace

std::span<const RedisField> redis_fields() { return kFields; }

const RedisField* find_redis_field(std::string_view name) {
  for (const RedisField& f : kFields)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace carewatch
