// The connector interface: how carewatch fetches mentions from one platform.
//
// A connector never touches Redis. The scheduler calls poll(cursor) and stores the returned
// next_cursor only after the batch is safely enqueued, so a crash re-polls a page instead of
// losing one (dedup makes the replay harmless).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mention/mention.h"

namespace carewatch {

// What a poll cost and what the platform said of its limits: the source's metrics. Set on a good
// poll and on a failed one alike (a failed poll may have read a page before it failed).
struct SourceUsage {
  // Calls left in the platform's current rate-limit window, from its headers, when it says
  // (carewatch_source_rate_limit_remaining{source}).
  std::optional<double> rate_limit_remaining;
  // Items the platform returned, duplicates and skipped ones included: what a platform that bills
  // per read (X) counts (carewatch_source_posts_read_total{source}).
  std::uint64_t posts_read = 0;
  // Units of the source's daily budget this poll spent, in the platform's unit (posts read on X,
  // quota units on YouTube), and what is left of today's (carewatch_source_budget_used_total,
  // carewatch_source_budget_remaining). Only for sources with a budget.
  std::uint64_t budget_used = 0;
  std::optional<double> budget_remaining;
};

struct Batch {
  std::vector<Mention> mentions;
  std::string next_cursor;            // opaque to the scheduler; empty = unchanged
  // Set when the platform asked us to slow down (429 / rate-limit headers) or the connector wants
  // to be called again sooner/later than its interval (e.g. replay pacing, more pages waiting).
  std::optional<std::chrono::milliseconds> retry_after;
  bool more = false;                  // more pages are ready now: poll again without waiting
  bool exhausted = false;             // a finite source (replay) has nothing left at all
  // Input the connector skipped but that an operator should hear about (e.g. a malformed line of
  // a replay file: "mentions.jsonl:12: text: expected a string"). The batch is still good.
  std::vector<std::string> warnings;
  // What the source says that is not a problem, for the log at info level (an exec plugin's
  // {"log": ..., "level": "info"} lines). Not counted as warnings.
  std::vector<std::string> notes;
};

// The outcome of an operation that can fail: ok, retry later, or fatal (configuration/token).
struct PollError {
  enum class Kind { retry, fatal } kind = Kind::retry;
  std::string message;                // names what was wrong (url, status, field)
  std::optional<std::chrono::milliseconds> retry_after;  // from Retry-After / rate-limit headers
  // The stored cursor could not be read (fatal): the operator resets it (`carewatch reset-cursor`).
  bool bad_cursor = false;
};

struct PollResult {
  std::optional<Batch> batch;         // set on success
  std::optional<PollError> error;     // set on failure
  SourceUsage usage;                  // what the poll cost, good or failed
  static PollResult ok(Batch b, SourceUsage u = {}) {
    PollResult r;
    r.batch = std::move(b);
    r.usage = u;
    return r;
  }
  static PollResult fail(PollError e, SourceUsage u = {}) {
    PollResult r;
    r.error = std::move(e);
    r.usage = u;
    return r;
  }
};

// --- Replies: the contract every connector that can answer keeps ---------------------------
//
// An agent's reply is checked against the platform's rules when it is submitted (check_reply: a
// refusal is a 400 naming the rule), then posted from the outbox by a worker (reply). What the
// worker does with each outcome:
//   sent          recorded as reply_sent with the post's id and URL; the first response from then
//   retry         429, 5xx, a transport error: tried again with backoff (retry_after honoured)
//   permanent     4xx other than 429 (a deleted post, a revoked token, a text the platform
//                 counted differently): recorded as reply_failed, the mention stays with its agent
//   cannot_reply  the source cannot answer at all (replay, rss, hackernews): permanent
// Exactly once. A reply is posted once even when carewatch dies between the platform's answer and
// recording it. The worker marks a reply "sending" before each request; a reply found "sending"
// later (its daemon died) or retried after an answer that may have reached the platform (a
// transport error, a 5xx) is settled before it is posted again:
//   - within ReplyRules::idempotency_window of its first attempt, by posting again with the same
//     reply_id as the platform's idempotency key: the platform answers with the post it made;
//   - after it, by find_reply (ReplyRules::can_reconcile): the brand's post in reply to the
//     mention with the same text is taken as the one sent;
//   - where neither is possible the reply is failed for good ("may or may not have been posted:
//     check <url>"), never posted twice.
// The rules, the idempotency and the reconciliation of each platform are in the README ("Replies").

struct ReplyRules {
  bool can_reply = false;          // false: the source cannot answer (check_reply says where to)
  size_t max_length = 0;           // the longest text, counted the platform's way (check_reply)
  std::string length_unit;         // how it is counted, for messages: "characters", "graphemes", ...
  // How long the platform dedupes a repeated request by its idempotency key (Mastodon: 1 hour);
  // 0: it has none.
  std::chrono::milliseconds idempotency_window{0};
  bool can_reconcile = false;      // find_reply can look on the platform for a reply already made
};

// Why a reply may not be sent: rule is one of "empty", "max_length", "visibility", "cannot_reply"
// (or a platform's own), message names it with the figures ("max_length: 512 characters, the
// limit on mastodon is 500 (the @handle prefix counts)").
struct ReplyProblem {
  std::string rule;
  std::string message;
};

// The post a reply became on the platform.
struct PostedReply {
  std::string id;                  // the platform's id of the new post
  std::string url;                 // its permalink, may be empty
  TimeMs posted_at = 0;            // the platform's time of it, 0 when it does not say
};

struct ReplyOutcome {
  enum class Kind { sent, retry, permanent, cannot_reply } kind = Kind::permanent;
  PostedReply post;                // kind == sent
  std::string error;               // otherwise: what the platform said, never a secret
  std::optional<std::chrono::milliseconds> retry_after;  // kind == retry, from Retry-After
  // kind == retry: false only when the platform surely made no post (a 429, a refused
  // connection), so the next attempt needs no settling; a timeout or a 5xx may hide a post.
  bool may_have_posted = true;
};

// What find_reply found: the post (found), no such post (not_found), or it could not look
// (unknown: retried later).
struct ReplySearch {
  enum class Kind { found, not_found, unknown } kind = Kind::unknown;
  PostedReply post;
  std::string error;
};

class Connector {
 public:
  virtual ~Connector() = default;
  // Fetches what is new since `cursor` (empty on the first poll). Must not throw.
  virtual PollResult poll(const std::string& cursor) = 0;
  // True for a source that ends (a replay file): `carewatch run --exit-when-done` waits for every
  // finite source to report Batch.exhausted, and for no other.
  virtual bool finite() const { return false; }

  // Replies (see above). The defaults are a source that cannot answer. None of these throw.
  virtual ReplyRules reply_rules() const { return {}; }
  // The longest text an agent may write in reply to `mention`, counted the platform's way
  // (reply_rules().length_unit): the platform's limit less what the connector adds to every reply
  // to it (Mastodon's "@handle " prefix). What the console counts down from; 0 when it cannot reply.
  virtual size_t reply_length_left(const Mention& mention) const {
    (void)mention;
    const ReplyRules r = reply_rules();
    return r.can_reply ? r.max_length : 0;
  }
  // nullopt when `text` may be posted in reply to `mention`; never touches the network.
  virtual std::optional<ReplyProblem> check_reply(const Mention& mention, const std::string& text) const {
    (void)text;
    return ReplyProblem{"cannot_reply", cannot_reply_message(mention)};
  }
  // Posts `text` in reply to `mention`; `reply_id` is stable across attempts (the idempotency key).
  virtual ReplyOutcome reply(const Mention& mention, const std::string& text, const std::string& reply_id) {
    (void)text;
    (void)reply_id;
    ReplyOutcome o;
    o.kind = ReplyOutcome::Kind::cannot_reply;
    o.error = cannot_reply_message(mention);
    return o;
  }
  // Looks on the platform for the brand's reply to `mention` with `text` (what reply would post).
  virtual ReplySearch find_reply(const Mention& mention, const std::string& text, const std::string& reply_id) {
    (void)mention;
    (void)text;
    (void)reply_id;
    ReplySearch s;
    s.error = "this source cannot look for replies";
    return s;
  }

  // "this source cannot reply: answer on <url>" (or "... : answer on the platform" without a url).
  static std::string cannot_reply_message(const Mention& mention) {
    return "this source cannot reply: answer on " + (mention.url.empty() ? std::string("the platform") : mention.url);
  }
};

// The connector of a configured source by name, or nullptr when there is no such source: how the
// reply outbox and the API find who can post a mention's reply.
using ConnectorLookup = std::function<std::shared_ptr<Connector>(const std::string& source)>;

}  // namespace carewatch
