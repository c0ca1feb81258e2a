// One entry of {P}:events as XRANGE or XREAD returns it ([id, [field, value, ...]]), read into an
// Event: type, uid, actor and at taken out, every other field kept by name.
#pragma once

#include "daemon/store/queue_store.h"
#include "daemon/store/redis_connection.h"

namespace carewatch {

Event event_from_reply(const RedisReply& entry);

}  // namespace carewatch
