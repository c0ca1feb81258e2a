// Everything that is Redis. Nothing else in carewatch builds Redis commands.
//
// Layout (prefix P, default "cw", always inside a hash tag "{P}"):
//   {P}:seen:<uid>           string SET NX EX          dedup
//   {P}:m:<uid>              hash                      mention JSON + state + timestamps
//   {P}:q:<queue>:p<0-3>     stream, group "agents"    work queue per priority
//   {P}:queues               set                       names of queues that exist
//   {P}:events               stream                    every state change (audit + latency)
//   {P}:cursor:<source>      string                    connector checkpoint
//   {P}:lease:<name>         string SET NX PX token    poller / reaper leases
//   {P}:r:<reply id>         hash                      an agent's reply: text, state, attempts
//   {P}:mr:<uid>             list                      a mention's reply ids, in order
//   {P}:outbox               sorted set                replies to post, scored by when due
//   {P}:own:<uid>            string EX                 a post carewatch made -> its reply id
//   {P}:nr:<reply uid>       string EX                 a native brand reply already recorded
//   {P}:early:<uid>          sorted set                brand replies seen before <uid> itself
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/store/queue_store_options.h"
#include "daemon/store/redis_pool.h"
#include "daemon/store/redis_endpoint.h"
#include "mention/mention.h"

namespace carewatch {

class DeskStore;  // daemon/store/desk_store.h
struct VolumeFacts;  // daemon/store/volume_store.h

enum class EnqueueOutcome { queued, stored, duplicate };  // stored: kept but routed to no queue

// pending: resolve asked while a reply is still queued or sending; the mention is resolved when
// the reply is sent (and stays with its agent if it fails).
enum class OpStatus { ok, not_found, not_claimed, conflict, pending };

struct OpResult {
  OpStatus status = OpStatus::ok;
  std::string message;       // for conflict: who holds it
};

struct Event {
  std::string id;            // stream id
  std::string type;          // ingested|queued|claimed|renewed|released|expired|replied|
                             // reply_queued|reply_sent|reply_failed|resolved
  std::string uid;
  std::string actor;         // agent id, source name or "reaper"
  TimeMs at = 0;
  std::map<std::string, std::string> fields;  // queue, platform, priority, durations (redis_fields.def)
};

// One reply of an agent, as the outbox holds it ({P}:r:<id>).
struct ReplyRecord {
  std::string id;
  std::string uid;
  std::string agent;
  std::string text;
  std::string state;         // queued | sending | sent | failed
  bool external = false;     // made outside carewatch and recorded
  std::int64_t attempts = 0; // requests made to the platform
  TimeMs submitted_at = 0;
  TimeMs first_attempt_at = 0;
  TimeMs next_attempt_at = 0;  // queued: when due; sending: when the attempt is given up as lost
  TimeMs sent_at = 0;
  std::string error;         // the platform's latest error
  bool will_retry = false;   // with error: it is queued again
  std::string post_id;       // sent: the platform's id and permalink of the post
  std::string post_url;
};

struct MentionRecord {
  std::string mention_json;  // the Mention as written by to_json
  std::map<std::string, std::string> state;  // state, owner, queue, priority, *_at timestamps
  std::vector<Event> events; // filled by get(uid, true)
  std::vector<ReplyRecord> replies;  // filled by get(uid, true), in submission order
};

// A reply the outbox worker took to post (QueueStore::take_reply).
struct TakenReply {
  ReplyRecord reply;         // state "sending", attempts counting this one
  std::string previous_state;  // "sending": a worker died or gave up mid-request
  // An earlier attempt may have posted (its worker died while sending, or it got no clear
  // answer): settle before posting again.
  bool needs_settling = false;
  std::string mention_json;
  std::string source;        // the source that fetched the mention: its connector posts
  std::string mention_state;
};

struct Claimed {
  std::string uid;
  std::string queue;
  int priority = 3;
  std::string mention_json;
  TimeMs lease_until = 0;
};

struct QueueDepth {
  std::string queue;
  int priority = 0;
  std::int64_t waiting = 0;  // not yet claimed
  std::int64_t claimed = 0;  // claimed, not resolved
  TimeMs oldest_queued_at = 0;  // 0 when nothing waits
};

class QueueStore {
 public:
  QueueStore(RedisEndpoint endpoint, QueueStoreOptions options);
  ~QueueStore();
  QueueStore(const QueueStore&) = delete;
  QueueStore& operator=(const QueueStore&) = delete;

  const QueueStoreOptions& options() const { return options_; }
  // The connections, shared with the other stores of daemon/store (alerts, SLA timers, detector
  // counts): one pool per daemon.
  RedisPool& pool();
  // The agent's desk (hand-offs, notes, customer indexes) on the same pool and prefix.
  DeskStore& desk();
  bool ping();  // true when Redis answers; never throws
  // The same, waiting at most about `bound` (for a free connection, to connect, for the reply):
  // for /readyz, which must answer promptly while Redis hangs.
  bool ping(std::chrono::milliseconds bound);

  // Enqueue a batch: per mention one atomic script (dedup + hash + XADD + events), pipelined
  // in one round trip. A mention whose decision has an empty queue or category ignore is
  // stored and deduplicated but not queued. Returns one outcome per mention, in order.
  std::vector<EnqueueOutcome> enqueue(const std::vector<Mention>& batch);
  // The same, calling prepare(begin, end) (e.g. to decide batch[begin .. end) by the rules)
  // just before those mentions are sent, a chunk of up to kEnqueueChunk at a time: Redis works
  // on the mentions already sent while the next ones are prepared.
  // `early_first_responses`, when given, grows by one for each mention stored by this call that
  // brand replies seen before it answered: they were applied as it was stored (see
  // lua/native_reply.lua), and the earliest became its first response.
  // `volume`, when given, holds one VolumeFacts per mention of the batch (prepare may fill a
  // chunk's just before it is sent): the marketing figures count each mention stored by this
  // call that has facts, in the same script call (daemon/store/volume_store.h).
  static constexpr size_t kEnqueueChunk = 32;
  std::vector<EnqueueOutcome> enqueue(std::vector<Mention>& batch,
                                      const std::function<void(size_t begin, size_t end)>& prepare,
                                      size_t* early_first_responses = nullptr,
                                      const std::vector<VolumeFacts>* volume = nullptr);

  std::optional<std::string> get_cursor(const std::string& source);
  void set_cursor(const std::string& source, const std::string& cursor);
  // Forgets a source's position (its next poll starts as the first one did); true when there was
  // one. For a cursor the connector cannot read (`carewatch reset-cursor`).
  bool reset_cursor(const std::string& source);
  // The Redis key of a source's cursor, for messages ("{cw}:cursor:<source>").
  std::string cursor_key(const std::string& source) const;

  // Leases shared between daemon instances (one poller per source, one reaper).
  bool acquire_lease(const std::string& name, const std::string& token, std::chrono::milliseconds ttl);
  void release_lease(const std::string& name, const std::string& token);

  // Agents. claim takes the most urgent entry of the queue (p0 first; within a priority, the
  // oldest; expired claims first), or nullopt when the queue is empty.
  std::optional<Claimed> claim(const std::string& queue, const std::string& agent);
  OpResult renew(const std::string& uid, const std::string& agent, TimeMs* lease_until = nullptr);
  // Gives the claim back to the queue, first in line. Only the holder's, unless `any_holder` (a
  // lead): then whoever holds it (the released event's actor is `agent`, its owner the holder).
  OpResult release(const std::string& uid, const std::string& agent, bool any_holder = false);
  // An agent's reply (only the claim holder's; renews the lease). Not external: into the outbox
  // (state queued, event reply_queued), posted by an outbox worker. External: a reply made
  // outside carewatch, recorded as sent now (event replied, external "1"). `reply_id` is new
  // (new_reply_id()); submitted_at is set on ok.
  // `same_text`, when not empty, is the text normalized for the same-text warning: counted for
  // today (UTC) once the reply is accepted (DeskStore::same_text_today reads it).
  OpResult submit_reply(const std::string& uid, const std::string& agent, const std::string& text,
                        const std::string& reply_id, bool external, TimeMs* submitted_at = nullptr,
                        const std::string& same_text = {});
  // A fresh reply id: "r" + 32 hex digits, random.
  static std::string new_reply_id();
  // Resolves; OpStatus::pending while one of the agent's replies is queued or sending.
  OpResult resolve(const std::string& uid, const std::string& agent);
  // Records a reply made natively on the platform by the brand's own account: `reply_uid` is the
  // uid of the brand's post, `parent_uid` the mention it answers. Earlier than the recorded first
  // response, it becomes the first response. A parent not stored yet: the reply is kept and applied
  // when the parent arrives (OpStatus::pending). A post carewatch made itself (reply_sent) is not
  // recorded (OpStatus::conflict, message "own").
  OpResult record_native_reply(const std::string& parent_uid, const std::string& reply_uid, TimeMs at,
                               const std::string& actor);

  // The outbox, for its workers (pipeline/reply_sender.h). take_reply takes the most overdue due
  // reply, marks it sending by `token` and makes it due again after `sending_lease` (a worker that
  // dies mid-request leaves it to be taken again). The record_* calls return false when `token`
  // no longer holds the reply (its sending lease ran out and another worker took it).
  std::optional<TakenReply> take_reply(const std::string& token, std::chrono::milliseconds sending_lease);
  // A post carewatch made is remembered as its own (post_uid -> reply id) for dedup_ttl.
  bool record_reply_sent(const std::string& reply_id, const std::string& token, const std::string& post_id,
                         const std::string& post_uid, const std::string& post_url, TimeMs platform_at);
  // `may_have_posted`: the attempt got no clear answer, so the next one is settled first.
  bool record_reply_retry(const std::string& reply_id, const std::string& token, const std::string& error,
                          std::chrono::milliseconds retry_in, bool may_have_posted = true);
  bool record_reply_failed(const std::string& reply_id, const std::string& token, const std::string& error);
  // Replies still to post (queued or sending).
  std::int64_t outbox_depth();

  std::optional<MentionRecord> get(const std::string& uid, bool with_events = true);
  std::vector<std::string> queues();
  std::vector<QueueDepth> depths();
  // Events with at in [since, until], oldest first, at most `limit`.
  std::vector<Event> events(TimeMs since, TimeMs until, size_t limit = 1000000);
  // Events newer than the one with stream id `after` ("" for the oldest), oldest first, at
  // most `limit`; for following the stream.
  std::vector<Event> events_after(const std::string& after, size_t limit);
  // The stream id of the newest event, "0-0" when there is none.
  std::string last_event_id();

  // Gives expired claims back to their queue (event "expired"); returns how many.
  size_t reap_expired();
  // Trims the events stream and acknowledged queue entries older than `before` (MINID).
  void trim(TimeMs before);

 private:
  struct Impl;
  QueueStoreOptions options_;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<DeskStore> desk_;
};

}  // namespace carewatch
