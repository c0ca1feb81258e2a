// The console's live feed, the part without sockets or Redis: who is subscribed, and what each
// subscriber has yet to be sent. daemon/api/live_pump.h publishes frames (Server-Sent Events,
// daemon/api/sse_frame.h) into it; each HTTP session of GET /v1/live drains its LiveClient.
//
// Limits: at most kPerAgent subscribers per agent (an agent with several tabs open) and kTotal
// in all (each holds one of the server's connections); a subscriber whose unsent frames pass
// kMaxPending bytes (a client that stopped reading) is marked overflowed and its session closes
// it; the browser reconnects and starts again from a fresh `queues` event.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace carewatch {

class LiveFeed;

class LiveClient {
 public:
  ~LiveClient();  // leaves the feed
  LiveClient(const LiveClient&) = delete;
  LiveClient& operator=(const LiveClient&) = delete;

  const std::string& agent() const { return agent_; }

  // Called (from the publishing thread, without the feed's locks) each time frames become
  // pending after none were: the session then takes them. Set once, before the first take().
  void on_pending(std::function<void()> wake);
  // Every frame published since the last take(), in order ("" when none).
  std::string take();
  // True once the pending frames passed LiveFeed::kMaxPending: nothing more is kept for it.
  bool overflowed() const;

 private:
  friend class LiveFeed;
  struct Shared;
  LiveClient(std::shared_ptr<Shared> feed, std::string agent) : feed_(std::move(feed)), agent_(std::move(agent)) {}
  // Appends a frame; true when the client must be woken (nothing was pending).
  bool push(const std::string& frame, std::function<void()>& wake);

  std::shared_ptr<Shared> feed_;
  std::string agent_;
  mutable std::mutex mutex_;
  std::string pending_;
  bool overflowed_ = false;
  std::function<void()> wake_;
};

class LiveFeed {
 public:
  static constexpr size_t kPerAgent = 8;
  static constexpr size_t kTotal = 256;
  static constexpr size_t kMaxPending = 1024 * 1024;

  LiveFeed();
  ~LiveFeed();
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  struct Joined {
    std::shared_ptr<LiveClient> client;  // null when refused
    int status = 200;                    // 429 over the agent's limit, 503 over the total
    std::string refusal;                 // why, naming the limit
  };
  // A new subscriber for `agent`. It receives every frame published from now on.
  Joined join(const std::string& agent);

  // Sends `frame` to every subscriber.
  void publish(const std::string& frame);

  size_t clients() const;
  // Waits until there is at least one subscriber or `timeout` passed, or wake_waiters() was
  // called; true when there is one.
  bool wait_for_clients(std::chrono::milliseconds timeout);
  // Ends every wait_for_clients at once (the server is stopping).
  void wake_waiters();

 private:
  std::shared_ptr<LiveClient::Shared> shared_;
};

}  // namespace carewatch
