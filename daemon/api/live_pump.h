// What feeds the console's live feed (daemon/api/live_feed.h): one thread per daemon that, while
// anyone is subscribed, follows {P}:events (daemon/store/event_tail.h, its own Redis connection)
// and publishes Server-Sent Events:
//   event: mention  {"uid", "type", "actor", "at", "queue"} for each event, unless a read brings
//                   more than kMentionBurst at once (then only the queues)
//   event: queues   the body of GET /v1/queues, within LiveTiming::queues_every (250 ms) of any event
//                   (at most one per that time, so a burst costs one depth read, not one per event)
//   : ping          every LiveTiming::ping (15 s), so proxies and browsers keep an idle stream open
// With nobody subscribed it reads nothing (it waits for the first subscriber); when one comes,
// it starts at the stream's end and sends the queues at once. Redis away: it logs, waits a
// second and goes on from where it was.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "daemon/api/live_feed.h"
#include "daemon/store/event_tail.h"
#include "daemon/store/queue_store.h"

namespace carewatch {

struct LiveTiming {
  std::chrono::milliseconds queues_every{250};
  std::chrono::milliseconds ping{15000};
};

class LivePump {
 public:
  static constexpr std::chrono::milliseconds kRead{1000};  // longest wait of one read
  static constexpr size_t kMentionBurst = 50;
  static constexpr size_t kReadMax = 1000;  // events taken per read

  // `now` gives wall-clock ms (the queue ages of the queues event).
  LivePump(LiveFeed& feed, QueueStore& store, std::function<TimeMs()> now, LiveTiming timing = {});
  ~LivePump();  // stop()
  LivePump(const LivePump&) = delete;
  LivePump& operator=(const LivePump&) = delete;

  void start();
  // Returns within about kRead (a read under way finishes first).
  void stop();

  // The frame of a `mention` event.
  static std::string mention_frame(const Event& e);

 private:
  void run();

  LiveFeed& feed_;
  QueueStore& store_;
  std::function<TimeMs()> now_;
  LiveTiming timing_;
  EventTail tail_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace carewatch
