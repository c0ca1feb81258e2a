#include "daemon/api/live_feed.h"

#include <algorithm>

namespace carewatch {

struct LiveClient::Shared {
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::weak_ptr<LiveClient>> clients;
  std::map<std::string, size_t> per_agent;
  size_t total = 0;
  bool woken = false;

  void leave(const std::string& agent) {
    std::lock_guard lock(mutex);
    if (auto it = per_agent.find(agent); it != per_agent.end() && --it->second == 0) per_agent.erase(it);
    --total;
  }
};

LiveClient::~LiveClient() { feed_->leave(agent_); }

void LiveClient::on_pending(std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  wake_ = std::move(wake);
}

std::string LiveClient::take() {
  std::lock_guard lock(mutex_);
  std::string out;
  out.swap(pending_);
  return out;
}

bool LiveClient::overflowed() const {
  std::lock_guard lock(mutex_);
  return overflowed_;
}

bool LiveClient::push(const std::string& frame, std::function<void()>& wake) {
  std::lock_guard lock(mutex_);
  if (overflowed_) return false;
  if (pending_.size() + frame.size() > LiveFeed::kMaxPending) {
    overflowed_ = true;
    pending_.clear();
    pending_.shrink_to_fit();
    wake = wake_;
    return true;  // woken so its session sees the overflow and closes
  }
  const bool was_empty = pending_.empty();
  pending_ += frame;
  if (!was_empty) return false;
  wake = wake_;
  return true;
}

LiveFeed::LiveFeed() : shared_(std::make_shared<LiveClient::Shared>()) {}

LiveFeed::~LiveFeed() = default;

LiveFeed::Joined LiveFeed::join(const std::string& agent) {
  Joined j;
  std::lock_guard lock(shared_->mutex);
  const auto it = shared_->per_agent.find(agent);
  if (it != shared_->per_agent.end() && it->second >= kPerAgent) {
    j.status = 429;
    j.refusal = "agent " + agent + " already has " + std::to_string(kPerAgent) +
                " live connections (the limit): close a console tab";
    return j;
  }
  if (shared_->total >= kTotal) {
    j.status = 503;
    j.refusal = "too many live connections (" + std::to_string(kTotal) + "): try again later";
    return j;
  }
  j.client = std::shared_ptr<LiveClient>(new LiveClient(shared_, agent));
  ++shared_->per_agent[agent];
  ++shared_->total;
  // Forget the subscribers that left, then add this one.
  auto& list = shared_->clients;
  list.erase(std::remove_if(list.begin(), list.end(), [](const auto& w) { return w.expired(); }), list.end());
  list.push_back(j.client);
  shared_->changed.notify_all();
  return j;
}

void LiveFeed::publish(const std::string& frame) {
  std::vector<std::shared_ptr<LiveClient>> now;
  {
    std::lock_guard lock(shared_->mutex);
    now.reserve(shared_->clients.size());
    for (const auto& w : shared_->clients)
      if (auto c = w.lock()) now.push_back(std::move(c));
  }
  // Outside the feed's lock: a wake posts to a session, and a client released here leaves the
  // feed (which takes the lock).
  for (const auto& c : now) {
    std::function<void()> wake;
    if (c->push(frame, wake) && wake) wake();
  }
}

size_t LiveFeed::clients() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->total;
}

bool LiveFeed::wait_for_clients(std::chrono::milliseconds timeout) {
  std::unique_lock lock(shared_->mutex);
  shared_->changed.wait_for(lock, timeout, [&] { return shared_->total > 0 || shared_->woken; });
  shared_->woken = false;
  return shared_->total > 0;
}

void LiveFeed::wake_waiters() {
  std::lock_guard lock(shared_->mutex);
  shared_->woken = true;
  shared_->changed.notify_all();
}

}  // namespace carewatch
