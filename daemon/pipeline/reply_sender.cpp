#include "daemon/pipeline/reply_sender.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "daemon/telemetry/log.h"
#include "daemon/telemetry/metric_catalogue.h"
#include "mention/mention_json.h"

namespace carewatch {

using std::chrono::milliseconds;

milliseconds reply_retry_delay(std::int64_t attempts, std::optional<milliseconds> retry_after, milliseconds retry_initial,
                               milliseconds retry_max) {
  milliseconds d = retry_initial;
  for (std::int64_t i = 1; i < attempts && d < retry_max; ++i) d *= 2;
  d = std::min(d, retry_max);
  if (retry_after && *retry_after > d) d = *retry_after;
  return d;
}

struct ReplySender::Impl {
  QueueStore& store;
  ConnectorLookup connectors;
  ReplySenderOptions options;
  Counter<2> replies;
  Gauge<0> depth;

  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  size_t wakeups = 0;
  std::vector<std::thread> threads;

  Impl(QueueStore& s, Metrics& m, ConnectorLookup c, ReplySenderOptions o)
      : store(s),
        connectors(std::move(c)),
        options(std::move(o)),
        replies(m.add(metric::replies_total)),
        depth(m.add(metric::outbox_depth)) {}

  // Settles and posts one taken reply and records the outcome.
  void handle(const TakenReply& t);
  void sent(const TakenReply& t, const Mention& m, const PostedReply& post, const char* outcome);
  void retry(const TakenReply& t, const Mention& m, const std::string& error, std::optional<milliseconds> after,
             bool may_have_posted);
  void failed(const TakenReply& t, const std::string& platform, const std::string& error);
};

void ReplySender::Impl::sent(const TakenReply& t, const Mention& m, const PostedReply& post, const char* outcome) {
  const std::string post_uid = post.id.empty() ? std::string() : make_uid(m.platform, post.id);
  if (!store.record_reply_sent(t.reply.id, options.instance_id, post.id, post_uid, post.url, post.posted_at)) {
    log::warn("reply: sent, but another worker took it over meanwhile",
              {{"reply_id", t.reply.id}, {"uid", t.reply.uid}, {"post_id", post.id}});
    return;
  }
  replies.inc({m.platform, outcome});
  log::info("reply sent", {{"reply_id", t.reply.id}, {"uid", t.reply.uid}, {"agent", t.reply.agent},
                           {"post_id", post.id}, {"attempts", std::to_string(t.reply.attempts)}});
}

void ReplySender::Impl::retry(const TakenReply& t, const Mention& m, const std::string& error,
                              std::optional<milliseconds> after, bool may_have_posted) {
  const TimeMs age = now_ms() - t.reply.submitted_at;
  if (age >= options.give_up_after.count()) {
    failed(t, m.platform,
           "gave up after " + std::to_string(t.reply.attempts) + " attempts over " +
               std::to_string(age / 60000) + " min: " + error);
    return;
  }
  const milliseconds wait = reply_retry_delay(t.reply.attempts, after, options.retry_initial, options.retry_max);
  if (store.record_reply_retry(t.reply.id, options.instance_id, error, wait, may_have_posted)) {
    replies.inc({m.platform, "retry"});
    log::warn("reply: will retry", {{"reply_id", t.reply.id}, {"uid", t.reply.uid}, {"error", error},
                                    {"attempts", std::to_string(t.reply.attempts)},
                                    {"retry_in_ms", std::to_string(wait.count())}});
  }
}

void ReplySender::Impl::failed(const TakenReply& t, const std::string& platform, const std::string& error) {
  if (store.record_reply_failed(t.reply.id, options.instance_id, error)) {
    replies.inc({platform.empty() ? std::string("unknown") : platform, "failed"});
    log::error("reply failed; the mention stays with its agent",
               {{"reply_id", t.reply.id}, {"uid", t.reply.uid}, {"agent", t.reply.agent}, {"error", error}});
  }
}

void ReplySender::Impl::handle(const TakenReply& t) {
  Mention m;
  std::string why;
  if (!parse_mention(t.mention_json, m, why)) {
    failed(t, "", "the stored mention cannot be read: " + why);
    return;
  }
  const std::shared_ptr<Connector> c = connectors ? connectors(t.source) : nullptr;
  if (!c) {
    failed(t, m.platform,
           "source \"" + t.source + "\" is not configured in this daemon, so nothing can post the reply; " +
               Connector::cannot_reply_message(m));
    return;
  }
  const ReplyRules rules = c->reply_rules();
  if (!rules.can_reply) {
    failed(t, m.platform, Connector::cannot_reply_message(m));
    return;
  }

  // An earlier attempt may have reached the platform (no clear answer, or its worker died while
  // sending). Settle that before posting again.
  if (t.needs_settling) {
    const TimeMs since_first = now_ms() - (t.reply.first_attempt_at > 0 ? t.reply.first_attempt_at : t.reply.submitted_at);
    const bool within_window = rules.idempotency_window.count() > 0 &&
                               since_first < (rules.idempotency_window - options.idempotency_margin).count();
    if (!within_window) {
      if (!rules.can_reconcile) {
        failed(t, m.platform,
               "an earlier attempt may or may not have been posted (its answer was lost) and " + m.platform +
                   " cannot be checked: look on " + (m.url.empty() ? std::string("the platform") : m.url) +
                   " before replying again");
        return;
      }
      const ReplySearch found = c->find_reply(m, t.reply.text, t.reply.id);
      if (found.kind == ReplySearch::Kind::found) {
        sent(t, m, found.post, "reconciled");
        return;
      }
      if (found.kind == ReplySearch::Kind::unknown) {
        retry(t, m, "could not check whether an earlier attempt was posted: " + found.error, std::nullopt, true);
        return;
      }
      // not_found: nothing was posted; post it now
    }
  }

  const ReplyOutcome o = c->reply(m, t.reply.text, t.reply.id);
  switch (o.kind) {
    case ReplyOutcome::Kind::sent: sent(t, m, o.post, "sent"); break;
    case ReplyOutcome::Kind::retry: retry(t, m, o.error, o.retry_after, o.may_have_posted); break;
    case ReplyOutcome::Kind::permanent:
    case ReplyOutcome::Kind::cannot_reply: failed(t, m.platform, o.error); break;
  }
}

bool ReplySender::send_once() {
  auto t = impl_->store.take_reply(impl_->options.instance_id, impl_->options.sending_lease);
  if (!t) return false;
  try {
    impl_->handle(*t);
  } catch (const RedisUnavailable&) {
    throw;  // the reply stays "sending"; after its lease it is settled and posted once
  } catch (const std::exception& e) {
    impl_->failed(*t, "", std::string("internal error: ") + e.what());
  }
  return true;
}

ReplySender::ReplySender(QueueStore& store, Metrics& metrics, ConnectorLookup connectors, ReplySenderOptions options)
    : impl_(std::make_unique<Impl>(store, metrics, std::move(connectors), std::move(options))) {
  if (impl_->options.instance_id.empty()) throw std::invalid_argument("reply sender: instance_id must be set");
  if (impl_->options.workers == 0) impl_->options.workers = 1;
}

ReplySender::~ReplySender() { stop(); }

void ReplySender::start() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->threads.empty()) return;
  impl_->stopping = false;
  for (size_t i = 0; i < impl_->options.workers; ++i) {
    impl_->threads.emplace_back([this, i] {
      size_t seen = 0;
      for (;;) {
        {
          std::lock_guard lock(impl_->mutex);
          if (impl_->stopping) return;
        }
        bool worked = false;
        try {
          worked = send_once();
          if (i == 0 && !worked) impl_->depth.set({}, static_cast<double>(impl_->store.outbox_depth()));
        } catch (const RedisUnavailable& e) {
          log::debug("reply outbox: redis unavailable", {{"error", e.what()}});
        } catch (const std::exception& e) {
          log::error("reply outbox: unexpected error", {{"error", e.what()}});
        }
        if (worked) continue;  // more may be due
        std::unique_lock lock(impl_->mutex);
        impl_->cv.wait_for(lock, impl_->options.poll_interval,
                           [&] { return impl_->stopping || impl_->wakeups != seen; });
        seen = impl_->wakeups;
      }
    });
  }
}

void ReplySender::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    threads.swap(impl_->threads);
  }
  impl_->cv.notify_all();
  for (auto& t : threads) t.join();
}

void ReplySender::wake() {
  {
    std::lock_guard lock(impl_->mutex);
    ++impl_->wakeups;
  }
  impl_->cv.notify_all();
}

}  // namespace carewatch
