// QueueStore: a small pool of blocking hiredis connections and one Lua script per operation
// (daemon/store/lua/*.lua, embedded at build time, each after the field prelude generated from
// redis_fields.def and lua/common.lua). Every state change is one script, so it is
// atomic and one round trip; enqueue pipelines one script call per mention.
//
// Per-mention history: every event is written to {P}:events and, with the same id and fields,
// to a small stream {P}:me:<uid>, so get(uid) reads a mention's history without scanning the
// events stream. Mentions that are stored but not queued, and mentions once resolved, expire
// (hash and history) after dedup_ttl; live work never expires.
#include "daemon/store/queue_store.h"

#include "daemon/store/desk_store.h"
#include "daemon/store/event_reply.h"

#include <algorithm>
#include <random>

#include "daemon/store/redis_connection.h"
#include "daemon/store/redis_pool.h"
#include "daemon/store/redis_fields.h"
#include "daemon/store/volume_store.h"
#include "mention/mention_json.h"

namespace carewatch {

extern const char* const kLuaEnqueue;
extern const char* const kLuaClaim;
extern const char* const kLuaRenew;
extern const char* const kLuaRelease;
extern const char* const kLuaReply;
extern const char* const kLuaResolve;
extern const char* const kLuaNativeReply;
extern const char* const kLuaReap;
extern const char* const kLuaDepths;
extern const char* const kLuaTrim;
extern const char* const kLuaLeaseAcquire;
extern const char* const kLuaLeaseRelease;
extern const char* const kLuaReplyTake;
extern const char* const kLuaReplyDone;
extern const char* const kLuaGet;

namespace {

std::string fmt(std::int64_t n) { return std::to_string(n); }

std::vector<Event> parse_events(const RedisReply& r) {
  std::vector<Event> out;
  out.reserve(r.elements.size());
  for (const auto& e : r.elements) out.push_back(event_from_reply(e));
  return out;
}

// The "ingested" and "queued" events of a mention, from its hash (see lua/enqueue.lua: the same
// fields, in the same order, as the script wrote to {P}:events).
std::vector<Event> enqueue_events(const std::string& uid, const std::map<std::string, std::string>& h) {
  auto get = [&](const char* k) {
    auto it = h.find(k);
    return it == h.end() ? std::string() : it->second;
  };
  auto num = [&](const char* k) -> std::int64_t {
    try {
      return std::stoll(get(k));
    } catch (const std::exception&) {
      return 0;
    }
  };
  namespace f = redis_field;
  std::vector<Event> out;
  const bool routed = !get(f::queued_event).empty();
  for (const char* type : {"ingested", "queued"}) {
    const bool queued = type[0] == 'q';
    const std::string id = get(queued ? f::queued_event : f::ingested_event);
    if (id.empty()) continue;
    Event e;
    e.id = id;
    e.type = type;
    e.uid = uid;
    e.actor = get(f::source);
    e.at = num(queued ? f::queued_at : f::ingested_at);
    e.fields[f::queue] = routed ? get(f::queue) : "";
    e.fields[f::platform] = get(f::platform);
    e.fields[f::priority] = get(f::priority);
    if (queued)
      if (const auto detect = detection_delay_ms(num(f::posted_at), num(f::seen_at)))
        e.fields[f::detect_ms] = std::to_string(*detect);
    out.push_back(std::move(e));
  }
  return out;
}

// A reply hash ({P}:r:<id>, HGETALL) as a record; id is not in the hash.
ReplyRecord parse_reply(std::string id, const RedisReply& flat) {
  ReplyRecord r;
  r.id = std::move(id);
  auto num = [](const std::string& v) -> std::int64_t {
    try {
      return std::stoll(v);
    } catch (const std::exception&) {
      return 0;
    }
  };
  namespace f = redis_field;
  for (size_t i = 0; i + 1 < flat.elements.size(); i += 2) {
    const std::string& k = flat.elements[i].str;
    const std::string& v = flat.elements[i + 1].str;
    if (k == f::uid) r.uid = v;
    else if (k == f::agent) r.agent = v;
    else if (k == f::text) r.text = v;
    else if (k == f::reply_state) r.state = v;
    else if (k == f::external) r.external = v == "1";
    else if (k == f::attempts) r.attempts = num(v);
    else if (k == f::submitted_at) r.submitted_at = num(v);
    else if (k == f::first_attempt_at) r.first_attempt_at = num(v);
    else if (k == f::next_attempt_at) r.next_attempt_at = num(v);
    else if (k == f::sent_at) r.sent_at = num(v);
    else if (k == f::error) r.error = v;
    else if (k == f::will_retry) r.will_retry = v == "1";
    else if (k == f::post_id) r.post_id = v;
    else if (k == f::post_url) r.post_url = v;
  }
  return r;
}

OpResult parse_op(const RedisReply& r) {
  OpResult out;
  const std::string status = r.elements.empty() ? "" : r.elements[0].str;
  const std::string detail = r.elements.size() > 1 ? r.elements[1].str : "";
  if (status == "ok") {
    out.status = OpStatus::ok;
    out.message = detail;
  } else if (status == "not_found") {
    out.status = OpStatus::not_found;
    out.message = "unknown mention";
  } else if (status == "pending") {
    out.status = OpStatus::pending;
    out.message = "waiting for its reply to be sent";
  } else if (status == "own") {
    out.status = OpStatus::conflict;
    out.message = "own";
  } else if (status == "not_claimed") {
    out.status = OpStatus::not_claimed;
    out.message = "not claimed (state " + (detail.empty() ? std::string("unknown") : detail) + ")";
  } else {
    out.status = OpStatus::conflict;
    out.message = "claimed by " + detail;
  }
  return out;
}

}  // namespace

struct QueueStore::Impl {
  using Script = RedisScript;

  RedisPool pool;
  QueueStoreOptions options;
  std::string kp;          // "{prefix}"
  std::string events_key;  // "{prefix}:events"

  Script enqueue{"enqueue", kLuaEnqueue}, claim{"claim", kLuaClaim}, renew{"renew", kLuaRenew},
      release{"release", kLuaRelease}, reply{"reply", kLuaReply}, resolve{"resolve", kLuaResolve},
      native_reply{"native_reply", kLuaNativeReply}, reap{"reap", kLuaReap}, depths{"depths", kLuaDepths},
      trim{"trim", kLuaTrim}, lease_acquire{"lease_acquire", kLuaLeaseAcquire},
      lease_release{"lease_release", kLuaLeaseRelease}, reply_take{"reply_take", kLuaReplyTake},
      reply_done{"reply_done", kLuaReplyDone}, get{"get", kLuaGet};

  Impl(RedisEndpoint ep, const QueueStoreOptions& o)
      : pool(std::move(ep), o), options(o), kp("{" + o.prefix + "}"), events_key(kp + ":events") {}

  template <class F>
  auto with_connection(F&& f) {
    return pool.with_connection(std::forward<F>(f));
  }
  std::string load(RedisConnection& c, Script& s) { return pool.load(c, s); }
  std::string sha_of(RedisConnection& c, Script& s) { return pool.sha_of(c, s); }
  static void check(const RedisConnection& c, const RedisReply& r, const char* what) { RedisPool::check(c, r, what); }
  static bool is_noscript(const RedisReply& r) { return RedisPool::is_noscript(r); }

  std::vector<EnqueueOutcome> enqueue_batch(const std::vector<Mention>& batch,
                                            const std::function<void(size_t, size_t)>& prepare,
                                            size_t* early_first_responses,
                                            const std::vector<VolumeFacts>* volume);

  // Runs a script: KEYS[1] is the events stream, ARGV[1] the key prefix, then `args`.
  RedisReply run(Script& s, std::vector<std::string> args) {
    args.insert(args.begin(), kp);
    return pool.run(s, {events_key}, args);
  }

  RedisReply command(const std::vector<std::string>& argv) { return pool.command(argv); }

  std::vector<std::string> queue_names() {
    const RedisReply r = command({"SMEMBERS", kp + ":queues"});
    std::vector<std::string> out;
    for (const auto& e : r.elements) out.push_back(e.str);
    std::sort(out.begin(), out.end());
    return out;
  }
};

// Enqueue a batch (see QueueStore::enqueue): one script call per chunk of mentions (13 arguments
// each, then the marketing figures' ones), pipelined. prepare(begin, end), when given, runs on a
// chunk just before it is written, so Redis works on the previous chunk meanwhile.
std::vector<EnqueueOutcome> QueueStore::Impl::enqueue_batch(const std::vector<Mention>& batch,
                                                            const std::function<void(size_t, size_t)>& prepare,
                                                            size_t* early_first_responses,
                                                            const std::vector<VolumeFacts>* volume) {
  if (volume && volume->size() != batch.size())
    throw std::invalid_argument("enqueue: " + std::to_string(volume->size()) + " volume facts for a batch of " +
                                std::to_string(batch.size()) + " mentions");
  for (size_t i = 0; i < batch.size(); ++i)
    if (batch[i].uid.empty())
      throw std::invalid_argument("enqueue: mention " + std::to_string(i) + " of the batch has an empty uid");
  if (batch.empty()) return {};
  constexpr size_t kChunk = kEnqueueChunk;  // mentions prepared between two writes to Redis

  auto append_args = [&](std::vector<std::string>& argv, const Mention& m, const VolumeFacts* facts) {
    const int priority = std::clamp(m.decision.priority, 0, 3);
    argv.push_back(m.uid);
    argv.push_back(to_json(m));
    argv.push_back(m.platform);
    argv.push_back(m.source);
    argv.push_back(m.decision.queue);
    argv.push_back(fmt(priority));
    argv.push_back(to_string(m.decision.category));
    argv.push_back(fmt(m.posted_at));
    argv.push_back(fmt(m.seen_at));
    const auto detect = detection_delay_ms(m.posted_at, m.seen_at);
    argv.push_back(detect ? fmt(*detect) : std::string());
    argv.push_back(m.parent_id.empty() ? std::string() : make_uid(m.platform, m.parent_id));  // follow-up check
    argv.push_back(m.author.id);        // the desk's author index
    argv.push_back(m.conversation_id);  // and conversation index
    VolumeStore::append_mention_args(argv, m, facts);
  };
  constexpr size_t kArgsPerMention = 13 + 12;  // and the marketing figures' (their lists vary: a reserve hint)
  // "queued" or "stored", + " first" when brand replies kept for it were applied (lua/enqueue.lua).
  auto outcome_of = [&](const RedisReply& r) {
    const std::string_view s = r.str;
    if (early_first_responses && s.ends_with(" first")) ++*early_first_responses;
    if (s.starts_with("queued")) return EnqueueOutcome::queued;
    if (s.starts_with("stored")) return EnqueueOutcome::stored;
    return EnqueueOutcome::duplicate;
  };
  const size_t chunks = (batch.size() + kChunk - 1) / kChunk;

  auto& s = enqueue;
  return with_connection([&](RedisConnection& c) {
    std::vector<EnqueueOutcome> out(batch.size(), EnqueueOutcome::duplicate);
    std::vector<size_t> todo(chunks);
    for (size_t i = 0; i < chunks; ++i) todo[i] = i;
    // A NOSCRIPT reply means that call did not run: load the script and send those chunks again.
    for (int attempt = 0; attempt < 2 && !todo.empty(); ++attempt) {
      const std::string sha = attempt == 0 ? sha_of(c, s) : load(c, s);
      for (size_t k : todo) {
        const size_t begin = k * kChunk, end = std::min(batch.size(), begin + kChunk);
        std::vector<std::string> argv{"EVALSHA", sha, "1", events_key, kp,
                                      fmt(options.dedup_ttl.count())};
        VolumeStore::append_call_args(argv);
        argv.reserve(argv.size() + (end - begin) * kArgsPerMention);
        if (attempt == 0 && prepare) prepare(begin, end);
        for (size_t i = begin; i < end; ++i) append_args(argv, batch[i], volume ? &(*volume)[i] : nullptr);
        c.append(argv);
        if (attempt == 0 && prepare) c.flush();
      }
      std::vector<size_t> again;
      std::optional<RedisReply> failure;
      for (size_t k : todo) {
        RedisReply r = c.read_reply();  // read every reply, even after an error
        if (is_noscript(r)) {
          again.push_back(k);
          continue;
        }
        if (r.is_error()) {
          if (!failure) failure = std::move(r);
          continue;
        }
        const size_t begin = k * kChunk;
        for (size_t j = 0; j < r.elements.size() && begin + j < batch.size(); ++j) {
          if (r.elements[j].is_error()) {
            if (!failure) failure = r.elements[j];
          } else {
            out[begin + j] = outcome_of(r.elements[j]);
          }
        }
      }
      if (failure) check(c, *failure, s.name());
      todo = std::move(again);
    }
    if (!todo.empty()) throw std::runtime_error("redis " + c.name() + ": enqueue: script not loaded");
    return out;
  });
}

QueueStore::QueueStore(RedisEndpoint endpoint, QueueStoreOptions options)
    : options_(std::move(options)) {
  if (options_.prefix.empty() || options_.prefix.find_first_of("{}") != std::string::npos)
    throw std::invalid_argument("queue store: prefix must be non-empty and contain no braces, got \"" +
                                options_.prefix + "\"");
  if (options_.lease.count() <= 0)
    throw std::invalid_argument("queue store: lease must be positive");
  if (options_.dedup_ttl.count() <= 0)
    throw std::invalid_argument("queue store: dedup_ttl must be positive");
  if (options_.connections == 0) options_.connections = 1;
  impl_ = std::make_unique<Impl>(std::move(endpoint), options_);
  desk_ = std::make_unique<DeskStore>(impl_->pool, options_.prefix);
}

QueueStore::~QueueStore() = default;

RedisPool& QueueStore::pool() { return impl_->pool; }

DeskStore& QueueStore::desk() { return *desk_; }

bool QueueStore::ping() { return ping(options_.command_timeout); }

bool QueueStore::ping(std::chrono::milliseconds bound) {
  std::unique_ptr<RedisConnection> c;
  try {
    c = impl_->pool.acquire(bound, std::min(bound, options_.connect_timeout));
    c->set_command_timeout(bound);
    const bool pong = c->command({"PING"}).str == "PONG";
    c->set_command_timeout(options_.command_timeout);
    impl_->pool.give_back(std::move(c));
    return pong;
  } catch (const std::exception&) {
    if (c) impl_->pool.give_back(std::move(c));  // broken: its slot is freed
    return false;
  }
}

std::vector<EnqueueOutcome> QueueStore::enqueue(const std::vector<Mention>& batch) {
  return impl_->enqueue_batch(batch, nullptr, nullptr, nullptr);
}

std::vector<EnqueueOutcome> QueueStore::enqueue(std::vector<Mention>& batch,
                                                const std::function<void(size_t, size_t)>& prepare,
                                                size_t* early_first_responses,
                                                const std::vector<VolumeFacts>* volume) {
  return impl_->enqueue_batch(batch, prepare, early_first_responses, volume);
}

std::string QueueStore::cursor_key(const std::string& source) const { return impl_->kp + ":cursor:" + source; }

std::optional<std::string> QueueStore::get_cursor(const std::string& source) {
  const RedisReply r = impl_->command({"GET", cursor_key(source)});
  if (r.is_nil()) return std::nullopt;
  return r.str;
}

void QueueStore::set_cursor(const std::string& source, const std::string& cursor) {
  impl_->command({"SET", cursor_key(source), cursor});
}

bool QueueStore::reset_cursor(const std::string& source) {
  return impl_->command({"DEL", cursor_key(source)}).integer == 1;
}

bool QueueStore::acquire_lease(const std::string& name, const std::string& token,
                               std::chrono::milliseconds ttl) {
  if (ttl.count() <= 0) throw std::invalid_argument("acquire_lease: ttl must be positive for lease " + name);
  return impl_->run(impl_->lease_acquire, {name, token, fmt(ttl.count())}).integer == 1;
}

void QueueStore::release_lease(const std::string& name, const std::string& token) {
  impl_->run(impl_->lease_release, {name, token});
}

std::optional<Claimed> QueueStore::claim(const std::string& queue, const std::string& agent) {
  const RedisReply r = impl_->run(impl_->claim, {queue, agent, fmt(options_.lease.count())});
  if (!r.is_array() || r.elements.size() < 5) return std::nullopt;
  Claimed c;
  c.uid = r.elements[0].str;
  c.queue = r.elements[1].str;
  c.priority = static_cast<int>(reply_int(r.elements[2]));
  c.mention_json = r.elements[3].str;
  c.lease_until = reply_int(r.elements[4]);
  return c;
}

OpResult QueueStore::renew(const std::string& uid, const std::string& agent, TimeMs* lease_until) {
  const RedisReply r = impl_->run(impl_->renew, {uid, agent, fmt(options_.lease.count())});
  OpResult out = parse_op(r);
  if (out.status == OpStatus::ok && lease_until && r.elements.size() > 1)
    *lease_until = reply_int(r.elements[1]);
  return out;
}

OpResult QueueStore::release(const std::string& uid, const std::string& agent, bool any_holder) {
  return parse_op(impl_->run(impl_->release, {uid, agent, any_holder ? "1" : "0"}));
}

OpResult QueueStore::submit_reply(const std::string& uid, const std::string& agent, const std::string& text,
                                  const std::string& reply_id, bool external, TimeMs* submitted_at,
                                  const std::string& same_text) {
  if (reply_id.empty()) throw std::invalid_argument("submit_reply: empty reply id");
  const RedisReply r =
      impl_->run(impl_->reply, {uid, agent, text, reply_id, external ? "1" : "0", fmt(options_.lease.count()), same_text});
  OpResult out = parse_op(r);
  if (out.status == OpStatus::ok && submitted_at && r.elements.size() > 1) *submitted_at = reply_int(r.elements[1]);
  return out;
}

std::string QueueStore::new_reply_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^ (std::uint64_t(std::random_device{}()) << 32)};
  static const char* hex = "0123456789abcdef";
  std::string id = "r";
  for (int part = 0; part < 2; ++part) {
    const std::uint64_t v = rng();
    for (int i = 60; i >= 0; i -= 4) id.push_back(hex[(v >> i) & 0xF]);
  }
  return id;
}

std::optional<TakenReply> QueueStore::take_reply(const std::string& token, std::chrono::milliseconds sending_lease) {
  const RedisReply r = impl_->run(impl_->reply_take, {token, fmt(std::max<std::int64_t>(1, sending_lease.count()))});
  if (!r.is_array() || r.elements.size() < 12) return std::nullopt;
  TakenReply t;
  const auto& e = r.elements;
  t.reply.id = e[0].str;
  t.reply.uid = e[1].str;
  t.reply.agent = e[2].str;
  t.reply.text = e[3].str;
  t.reply.state = "sending";
  t.previous_state = e[4].str;
  t.reply.attempts = reply_int(e[5]) + 1;
  t.reply.submitted_at = reply_int(e[6]);
  t.reply.first_attempt_at = reply_int(e[7]);
  t.mention_json = e[8].str;
  t.source = e[9].str;
  t.mention_state = e[10].str;
  t.needs_settling = t.previous_state == "sending" || e[11].str == "1";
  return t;
}

bool QueueStore::record_reply_sent(const std::string& reply_id, const std::string& token, const std::string& post_id,
                                   const std::string& post_uid, const std::string& post_url, TimeMs platform_at) {
  const RedisReply r = impl_->run(impl_->reply_done,
                                  {reply_id, token, "sent", post_id, post_uid, post_url, fmt(std::max<TimeMs>(0, platform_at)),
                                   fmt(options_.dedup_ttl.count()), fmt(options_.dedup_ttl.count())});
  return !r.elements.empty() && r.elements[0].str == "ok";
}

bool QueueStore::record_reply_retry(const std::string& reply_id, const std::string& token, const std::string& error,
                                    std::chrono::milliseconds retry_in, bool may_have_posted) {
  const RedisReply r = impl_->run(impl_->reply_done, {reply_id, token, "retry", error,
                                                      fmt(std::max<std::int64_t>(0, retry_in.count())),
                                                      may_have_posted ? "1" : "0"});
  return !r.elements.empty() && r.elements[0].str == "ok";
}

bool QueueStore::record_reply_failed(const std::string& reply_id, const std::string& token, const std::string& error) {
  const RedisReply r =
      impl_->run(impl_->reply_done, {reply_id, token, "failed", error, fmt(options_.lease.count())});
  return !r.elements.empty() && r.elements[0].str == "ok";
}

std::int64_t QueueStore::outbox_depth() { return reply_int(impl_->command({"ZCARD", impl_->kp + ":outbox"})); }

OpResult QueueStore::resolve(const std::string& uid, const std::string& agent) {
  return parse_op(impl_->run(impl_->resolve, {uid, agent, fmt(options_.dedup_ttl.count())}));
}

OpResult QueueStore::record_native_reply(const std::string& parent_uid, const std::string& reply_uid, TimeMs at,
                                         const std::string& actor) {
  return parse_op(
      impl_->run(impl_->native_reply, {parent_uid, reply_uid, fmt(at), actor, fmt(options_.dedup_ttl.count())}));
}

std::optional<MentionRecord> QueueStore::get(const std::string& uid, bool with_events) {
  // One script: the hash, its history and its replies as of one moment.
  const RedisReply all = impl_->run(impl_->get, {uid, with_events ? "1" : "0"});
  if (!all.is_array() || all.elements.size() < 3) return std::nullopt;
  const RedisReply& hash = all.elements[0];
  const RedisReply& history = all.elements[1];
  const RedisReply& replies = all.elements[2];
  if (hash.elements.empty()) return std::nullopt;
  MentionRecord rec;
  for (size_t i = 0; i + 1 < hash.elements.size(); i += 2) {
    const std::string& k = hash.elements[i].str;
    if (k == redis_field::json) rec.mention_json = hash.elements[i + 1].str;
    else rec.state[k] = hash.elements[i + 1].str;
  }
  if (with_events) {
    // Enqueue's two events are in the shared stream only (which is trimmed); the hash holds
    // their ids and every field they carried, so they are rebuilt here exactly as written.
    for (auto& e : enqueue_events(uid, rec.state)) rec.events.push_back(std::move(e));
    for (auto& e : parse_events(history)) rec.events.push_back(std::move(e));
  }
  rec.state.erase(redis_field::ingested_event);
  rec.state.erase(redis_field::queued_event);
  for (const auto& r : replies.elements)
    if (r.is_array() && r.elements.size() == 2) rec.replies.push_back(parse_reply(r.elements[0].str, r.elements[1]));
  return rec;
}

std::vector<std::string> QueueStore::queues() { return impl_->queue_names(); }

std::vector<QueueDepth> QueueStore::depths() {
  const auto names = impl_->queue_names();
  std::vector<QueueDepth> out;
  if (names.empty()) return out;
  const RedisReply r = impl_->run(impl_->depths, names);
  for (const auto& row : r.elements) {
    if (row.elements.size() < 5) continue;
    QueueDepth d;
    d.queue = row.elements[0].str;
    d.priority = static_cast<int>(reply_int(row.elements[1]));
    d.waiting = reply_int(row.elements[2]);
    d.claimed = reply_int(row.elements[3]);
    d.oldest_queued_at = reply_int(row.elements[4]);
    out.push_back(d);
  }
  return out;
}

std::vector<Event> QueueStore::events(TimeMs since, TimeMs until, size_t limit) {
  since = std::max<TimeMs>(since, 0);
  if (until < since || limit == 0) return {};
  return parse_events(impl_->command(
      {"XRANGE", impl_->events_key, fmt(since), fmt(until), "COUNT", std::to_string(limit)}));
}

std::vector<Event> QueueStore::events_after(const std::string& after, size_t limit) {
  if (limit == 0) return {};
  return parse_events(impl_->command({"XRANGE", impl_->events_key, after.empty() ? "-" : "(" + after, "+",
                                      "COUNT", std::to_string(limit)}));
}

std::string QueueStore::last_event_id() {
  const RedisReply r = impl_->command({"XREVRANGE", impl_->events_key, "+", "-", "COUNT", "1"});
  if (r.is_array() && !r.elements.empty() && r.elements[0].is_array() && !r.elements[0].elements.empty())
    return r.elements[0].elements[0].str;
  return "0-0";
}

size_t QueueStore::reap_expired() {
  const auto names = impl_->queue_names();
  if (names.empty()) return 0;
  std::vector<std::string> args{fmt(options_.lease.count())};
  args.insert(args.end(), names.begin(), names.end());
  return static_cast<size_t>(std::max<std::int64_t>(0, reply_int(impl_->run(impl_->reap, args))));
}

void QueueStore::trim(TimeMs before) {
  std::vector<std::string> args{fmt(std::max<TimeMs>(before, 0))};
  const auto names = impl_->queue_names();
  args.insert(args.end(), names.begin(), names.end());
  impl_->run(impl_->trim, args);
}

}  // namespace carewatch
