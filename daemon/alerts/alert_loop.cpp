#include "daemon/alerts/alert_loop.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "daemon/store/redis_endpoint.h"
#include "daemon/telemetry/log.h"

namespace carewatch {

namespace {
using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kMaxWait{std::chrono::seconds(30)};
}  // namespace

struct AlertLoop::Impl {
  struct Slot {
    Task task;
    Clock::time_point due;
    std::chrono::milliseconds failing_wait{0};  // 0 while it succeeds
  };
  std::vector<Slot> slots;
  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  std::thread thread;

  void round(Slot& s) {
    std::chrono::milliseconds next = s.task.every;
    try {
      s.task.run(now_ms());
      if (s.failing_wait.count()) log::info("alerts: " + s.task.name + " works again");
      s.failing_wait = std::chrono::milliseconds(0);
    } catch (const RedisUnavailable& e) {
      if (!s.failing_wait.count()) log::warn("alerts: redis unavailable; " + s.task.name + " paused", {{"error", e.what()}});
      s.failing_wait = std::min(kMaxWait, std::max(s.task.every, s.failing_wait * 2));
      next = s.failing_wait;
    } catch (const std::exception& e) {
      log::error("alerts: " + s.task.name + " failed", {{"error", e.what()}});
      s.failing_wait = std::min(kMaxWait, std::max(s.task.every, s.failing_wait * 2));
      next = s.failing_wait;
    }
    s.due = Clock::now() + next;
  }

  void run() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      auto earliest = Clock::time_point::max();
      for (auto& s : slots) {
        if (stopping) break;
        if (s.due <= Clock::now()) {
          lock.unlock();
          round(s);
          lock.lock();
        }
        earliest = std::min(earliest, s.due);
      }
      if (stopping) break;
      if (earliest == Clock::time_point::max()) cv.wait(lock, [&] { return stopping; });
      else cv.wait_until(lock, earliest, [&] { return stopping; });
    }
  }
};

AlertLoop::AlertLoop() : impl_(std::make_unique<Impl>()) {}
AlertLoop::~AlertLoop() { stop(); }

void AlertLoop::add(Task task) {
  const auto first = task.first_after;
  impl_->slots.push_back({std::move(task), Clock::now() + first, std::chrono::milliseconds(0)});
}

void AlertLoop::start() {
  if (impl_->thread.joinable()) return;
  impl_->stopping = false;
  impl_->thread = std::thread([this] { impl_->run(); });
}

void AlertLoop::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace carewatch
