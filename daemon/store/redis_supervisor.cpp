#include "daemon/store/redis_supervisor.h"

#include <algorithm>
#include <stdexcept>

namespace carewatch {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{250};
constexpr milliseconds kMaxBackoff{30000};
constexpr auto kStableAfter = std::chrono::seconds(60);  // up this long: the next exit starts afresh

}  // namespace

RedisSupervisor::RedisSupervisor(PrivateRedis& redis, RedisSupervisorEvents events, milliseconds check_every)
    : redis_(redis), events_(std::move(events)), check_every_(check_every), thread_([this] { run(); }) {}

RedisSupervisor::~RedisSupervisor() { stop(); }

void RedisSupervisor::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool RedisSupervisor::sleep_for(milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

void RedisSupervisor::run() {
  milliseconds backoff = kFirstBackoff;
  auto started_at = Clock::now();
  while (sleep_for(check_every_)) {
    const pid_t pid = redis_.pid();
    const auto how = redis_.reap();
    if (!how) continue;
    if (events_.exited) events_.exited(pid, *how);
    if (Clock::now() - started_at >= kStableAfter) backoff = kFirstBackoff;
    for (;;) {
      if (!sleep_for(backoff)) return;
      backoff = std::min(backoff * 2, kMaxBackoff);
      try {
        redis_.start();
        started_at = Clock::now();
        if (events_.restarted) events_.restarted(redis_.pid());
        break;
      } catch (const std::exception& e) {
        if (events_.restart_failed) events_.restart_failed(e.what(), backoff);
      }
    }
  }
}

}  // namespace carewatch
