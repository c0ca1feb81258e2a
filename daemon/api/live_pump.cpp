#include "daemon/api/live_pump.h"

#include "daemon/api/api_json.h"
#include "daemon/api/sse_frame.h"
#include "daemon/telemetry/log.h"

namespace carewatch {

LivePump::LivePump(LiveFeed& feed, QueueStore& store, std::function<TimeMs()> now, LiveTiming timing)
    : feed_(feed), store_(store), now_(std::move(now)), timing_(timing), tail_(store.pool().endpoint(), store.options()) {}

LivePump::~LivePump() { stop(); }

void LivePump::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void LivePump::stop() {
  stopping_ = true;
  feed_.wake_waiters();
  if (thread_.joinable()) thread_.join();
}

std::string LivePump::mention_frame(const Event& e) { return sse_event("mention", live_event_json(e)); }

void LivePump::run() {
  using clock = std::chrono::steady_clock;
  bool active = false;  // subscribers were there at the last look
  bool dirty = false;   // events since the last queues event
  clock::time_point last_queues{}, last_ping = clock::now();
  clock::time_point last_error_log{};
  while (!stopping_) {
    if (!feed_.wait_for_clients(kRead)) {
      active = false;
      continue;
    }
    if (!active) {
      // Someone subscribed after a spell without anyone: start at the stream's end, and send the
      // queues as they are once the position is known (nothing between is lost).
      active = true;
      tail_.reset();
      dirty = true;
      last_ping = clock::now();
    }
    try {
      auto wait = kRead;
      if (dirty) {
        const auto due = last_queues + timing_.queues_every - clock::now();
        wait = std::chrono::duration_cast<std::chrono::milliseconds>(due);
      }
      const auto to_ping = std::chrono::duration_cast<std::chrono::milliseconds>(last_ping + timing_.ping - clock::now());
      wait = std::clamp(std::min(wait, to_ping), std::chrono::milliseconds(1), kRead);
      const std::vector<Event> events = tail_.next(wait, kReadMax);
      if (!events.empty()) {
        dirty = true;
        if (events.size() <= kMentionBurst)
          for (const Event& e : events) feed_.publish(mention_frame(e));
      }
      if (dirty && clock::now() - last_queues >= timing_.queues_every) {
        feed_.publish(sse_event("queues", queues_json(store_.depths(), now_())));
        last_queues = clock::now();
        dirty = false;
      }
      if (clock::now() - last_ping >= timing_.ping) {
        feed_.publish(sse_comment("ping"));
        last_ping = clock::now();
      }
    } catch (const std::exception& e) {
      if (clock::now() - last_error_log >= std::chrono::minutes(1)) {
        log::warn("api: the live feed cannot read Redis; retrying every second", {{"error", e.what()}});
        last_error_log = clock::now();
      }
      // The position is kept: what happened meanwhile is sent once Redis is back.
      for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace carewatch
