#include "daemon/alerts/alert_sender.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "daemon/alerts/alert_json.h"
#include "daemon/telemetry/log.h"
#include "daemon/telemetry/metric_catalogue.h"

namespace carewatch {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

AlertSenderOptions alert_sender_options(const AlertsConfig& config, std::string instance_id) {
  AlertSenderOptions o;
  o.instance_id = std::move(instance_id);
  o.sending_lease = config.sending_lease;
  o.retry_initial = config.retry_initial;
  o.retry_max = config.retry_max;
  o.give_up_after = config.give_up_after;
  return o;
}

milliseconds alert_retry_delay(std::int64_t attempts, std::optional<milliseconds> retry_after, milliseconds retry_initial,
                               milliseconds retry_max) {
  milliseconds d = retry_initial;
  for (std::int64_t i = 1; i < attempts && d < retry_max; ++i) d *= 2;
  d = std::min(d, retry_max);
  if (retry_after && *retry_after > d) d = *retry_after;
  return d;
}

namespace {

struct Entry {
  TakenAlert taken;
  Alert alert;
};

std::vector<std::string> ids_of(const std::vector<Entry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.taken.id);
  return out;
}

}  // namespace

struct AlertSender::Impl {
  struct Worker {
    std::shared_ptr<AlertChannel> channel;
    Clock::time_point next_send{};  // pacing and pauses (429, back-off)
    std::thread thread;
  };

  AlertStore& store;
  AlertSenderOptions options;
  Counter<3> alerts;
  Counter<2> errors;
  Gauge<1> depth;
  std::vector<std::unique_ptr<Worker>> workers;

  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  size_t wakeups = 0;
  bool started = false;

  Impl(AlertStore& s, Metrics& m, AlertSenderOptions o)
      : store(s),
        options(std::move(o)),
        alerts(m.add(metric::alerts_total)),
        errors(m.add(metric::alert_errors_total)),
        depth(m.add(metric::alert_outbox_depth)) {}

  Worker* find(const std::string& name) {
    for (auto& w : workers)
      if (w->channel->name() == name) return w.get();
    return nullptr;
  }

  // Sleeps until `t`; false when stopping.
  bool wait_until(Clock::time_point t) {
    std::unique_lock lock(mutex);
    return !cv.wait_until(lock, t, [&] { return stopping; });
  }

  // Gives entries back untried: due at once in raise order, or after `wait`.
  void release(const std::string& channel, const std::vector<Entry>& entries, milliseconds wait) {
    if (!entries.empty()) store.retry(channel, options.instance_id, ids_of(entries), wait, "", false);
  }

  void count(const std::vector<Entry>& entries, const std::string& channel, const char* outcome) {
    for (const auto& e : entries) alerts.inc({to_string(e.alert.kind), channel, outcome});
  }

  // Delivers one message (one alert, or a digest) and records the outcome; true when the round
  // may go on to the next message.
  bool deliver(Worker& w, const std::vector<Entry>& group) {
    const std::string& name = w.channel->name();
    std::vector<Alert> message;
    for (const auto& e : group) message.push_back(e.alert);
    Delivery d;
    try {
      d = w.channel->deliver(message);
    } catch (const std::exception& e) {
      d = Delivery::retry("internal_error", e.what());
    }
    const auto now = Clock::now();
    w.next_send = now + w.channel->config().min_interval;
    const bool digest = group.size() > 1;
    const std::string what = digest ? "digest of " + std::to_string(group.size()) : group.front().alert.key;

    switch (d.kind) {
      case Delivery::Kind::sent:
        store.finish(name, options.instance_id, ids_of(group));
        if (digest) {
          count(group, name, "folded");
          alerts.inc({to_string(AlertKind::digest), name, "sent"});
        } else {
          count(group, name, "sent");
        }
        log::info("alert sent", {{"channel", name}, {"kind", digest ? "digest" : to_string(group.front().alert.kind)},
                                 {"alert", what}});
        return true;
      case Delivery::Kind::failed:
        store.finish(name, options.instance_id, ids_of(group));
        count(group, name, "failed");
        errors.inc({name, d.error});
        log::error("alert channel refused a message; not retried",
                   {{"channel", name}, {"error", d.error}, {"detail", d.detail}, {"alert", what}});
        return true;
      case Delivery::Kind::retry: break;
    }

    errors.inc({name, d.error});
    std::int64_t attempts = 0;
    for (const auto& e : group) attempts = std::max(attempts, e.taken.attempts);
    const milliseconds wait = alert_retry_delay(attempts, d.retry_after, options.retry_initial, options.retry_max);
    // The channel pauses too: all of a 429's Retry-After, or the back-off.
    w.next_send = std::max(w.next_send, now + wait);
    std::vector<Entry> again, expired;
    const TimeMs wall = now_ms();
    for (const auto& e : group)
      (wall - e.taken.raised_at >= options.give_up_after.count() ? expired : again).push_back(e);
    if (!again.empty()) {
      store.retry(name, options.instance_id, ids_of(again), wait, d.error);
      count(again, name, "retried");
      log::warn("alert channel: will retry", {{"channel", name}, {"error", d.error}, {"detail", d.detail},
                                              {"alert", what}, {"retry_in_ms", std::to_string(wait.count())}});
    }
    if (!expired.empty()) {
      store.finish(name, options.instance_id, ids_of(expired));
      count(expired, name, "failed");
      log::error("alert channel: gave up on alerts not delivered in time",
                 {{"channel", name}, {"error", d.error}, {"count", std::to_string(expired.size())}});
    }
    return false;
  }

  bool round(Worker& w) {
    const std::string& name = w.channel->name();
    if (!wait_until(w.next_send)) return false;
    std::vector<TakenAlert> taken = store.take(name, options.instance_id, options.sending_lease, options.max_digest + 1);
    if (taken.empty()) return false;
    std::vector<Entry> entries;
    for (auto& t : taken) {
      Entry e{std::move(t), {}};
      std::string error;
      if (!parse_alert(e.taken.json, e.alert, error)) {
        store.finish(name, options.instance_id, {e.taken.id});
        alerts.inc({"unknown", name, "failed"});
        log::error("alert outbox: an entry cannot be read; dropped", {{"channel", name}, {"error", error}});
        continue;
      }
      if (e.taken.retaken)
        log::warn("alert outbox: taking over an alert whose sender stopped mid-send (it may arrive twice)",
                  {{"channel", name}, {"alert", e.alert.key}});
      entries.push_back(std::move(e));
    }
    if (entries.empty()) return true;

    std::vector<std::vector<Entry>> groups;
    groups.push_back({entries.front()});
    std::vector<Entry> rest(std::make_move_iterator(entries.begin() + 1), std::make_move_iterator(entries.end()));
    if (entries.size() > w.channel->config().fold_after) {
      groups.push_back(std::move(rest));  // the first alone, the rest in one digest
    } else {
      release(name, rest, milliseconds(0));  // for the next rounds, one at a time
    }

    for (size_t i = 0; i < groups.size(); ++i) {
      if (i > 0 && !wait_until(w.next_send)) {  // stopping: give the rest back at once
        for (size_t j = i; j < groups.size(); ++j) release(name, groups[j], milliseconds(0));
        return true;
      }
      if (!deliver(w, groups[i])) {
        const milliseconds pause =
            std::chrono::duration_cast<milliseconds>(std::max(w.next_send - Clock::now(), Clock::duration(0)));
        for (size_t j = i + 1; j < groups.size(); ++j) release(name, groups[j], pause);
        return true;
      }
    }
    return true;
  }

  void update_depth(const std::string& name) { depth.set({name}, static_cast<double>(store.depth(name))); }
};

AlertSender::AlertSender(AlertStore& store, Metrics& metrics, std::vector<std::shared_ptr<AlertChannel>> channels,
                         AlertSenderOptions options)
    : impl_(std::make_unique<Impl>(store, metrics, std::move(options))) {
  if (impl_->options.instance_id.empty()) throw std::invalid_argument("alert sender: instance_id must be set");
  for (auto& c : channels) {
    if (!c) continue;
    auto w = std::make_unique<Impl::Worker>();
    w->channel = std::move(c);
    impl_->workers.push_back(std::move(w));
  }
}

AlertSender::~AlertSender() { stop(); }

bool AlertSender::send_once(const std::string& channel) {
  Impl::Worker* w = impl_->find(channel);
  if (!w) throw std::invalid_argument("alert sender: no channel \"" + channel + "\"");
  return impl_->round(*w);
}

void AlertSender::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->started) return;
  impl_->started = true;
  impl_->stopping = false;
  for (auto& wp : impl_->workers) {
    Impl::Worker* w = wp.get();
    w->thread = std::thread([this, w] {
      const std::string name = w->channel->name();
      size_t seen = 0;
      for (;;) {
        {
          std::lock_guard lock(impl_->mutex);
          if (impl_->stopping) return;
          seen = impl_->wakeups;
        }
        bool worked = false;
        try {
          worked = impl_->round(*w);
          impl_->update_depth(name);
        } catch (const RedisUnavailable& e) {
          log::debug("alert outbox: redis unavailable", {{"channel", name}, {"error", e.what()}});
        } catch (const std::exception& e) {
          log::error("alert outbox: unexpected error", {{"channel", name}, {"error", e.what()}});
        }
        if (worked) continue;
        std::unique_lock lock(impl_->mutex);
        impl_->cv.wait_for(lock, impl_->options.poll_interval, [&] { return impl_->stopping || impl_->wakeups != seen; });
      }
    });
  }
}

void AlertSender::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  for (auto& w : impl_->workers)
    if (w->thread.joinable()) w->thread.join();
  std::lock_guard lock(impl_->mutex);
  impl_->started = false;
}

void AlertSender::wake() {
  {
    std::lock_guard lock(impl_->mutex);
    ++impl_->wakeups;
  }
  impl_->cv.notify_all();
}

}  // namespace carewatch
