#include "daemon/store/event_tail.h"

#include <algorithm>

#include "daemon/store/event_reply.h"

namespace carewatch {

EventTail::EventTail(RedisEndpoint endpoint, const QueueStoreOptions& options)
    : endpoint_(std::move(endpoint)), options_(options), key_("{" + options.prefix + "}:events") {}

EventTail::~EventTail() = default;

void EventTail::reset() { last_.clear(); }

RedisConnection& EventTail::connection(std::chrono::milliseconds block) {
  if (c_ && c_->broken()) c_.reset();
  if (!c_) c_ = std::make_unique<RedisConnection>(endpoint_, options_.connect_timeout, options_.command_timeout);
  // The reply of a blocking read may take the whole block: the timeout covers it.
  c_->set_command_timeout(block + options_.command_timeout);
  return *c_;
}

std::vector<Event> EventTail::next(std::chrono::milliseconds block, size_t max) {
  block = std::max(block, std::chrono::milliseconds(1));  // BLOCK 0 would wait for ever
  max = std::max<size_t>(max, 1);
  try {
    RedisConnection& c = connection(block);
    if (last_.empty()) {
      // The stream's end now: its last id ("0-0" while it is empty, so its first event counts).
      const RedisReply r = c.command({"XREVRANGE", key_, "+", "-", "COUNT", "1"});
      last_ = r.is_array() && !r.elements.empty() && r.elements[0].is_array() && !r.elements[0].elements.empty()
                  ? r.elements[0].elements[0].str
                  : "0-0";
    }
    const RedisReply r = c.command({"XREAD", "COUNT", std::to_string(max), "BLOCK", std::to_string(block.count()),
                                    "STREAMS", key_, last_});
    if (r.is_error()) throw RedisUnavailable("XREAD " + key_ + ": " + r.str);
    std::vector<Event> out;
    // [[key, [entry, ...]]], or nil when the block ran out.
    if (r.is_array() && !r.elements.empty() && r.elements[0].is_array() && r.elements[0].elements.size() == 2) {
      const auto& entries = r.elements[0].elements[1].elements;
      out.reserve(entries.size());
      for (const auto& e : entries) out.push_back(event_from_reply(e));
      if (!out.empty()) last_ = out.back().id;
    }
    return out;
  } catch (const RedisUnavailable&) {
    c_.reset();
    throw;
  }
}

}  // namespace carewatch
