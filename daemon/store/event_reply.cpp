#include "daemon/store/event_reply.h"

#include "daemon/store/redis_fields.h"
#include "daemon/store/redis_pool.h"

namespace carewatch {

Event event_from_reply(const RedisReply& entry) {
  Event ev;
  if (!entry.is_array() || entry.elements.size() < 2) return ev;
  ev.id = entry.elements[0].str;
  const auto& f = entry.elements[1].elements;
  for (size_t i = 0; i + 1 < f.size(); i += 2) {
    const std::string& k = f[i].str;
    const std::string& v = f[i + 1].str;
    if (k == redis_field::type) {
      ev.type = v;
    } else if (k == redis_field::uid) {
      ev.uid = v;
    } else if (k == redis_field::actor) {
      ev.actor = v;
    } else if (k == redis_field::at) {
      ev.at = reply_int(f[i + 1]);
    } else {
      ev.fields[k] = v;
    }
  }
  return ev;
}

}  // namespace carewatch
