// The agent's desk in Redis: hand-offs between queues, internal notes, the indexes behind a
// mention's conversation and its customer's history, linked identities, and the count of
// identical reply texts. The mention hashes, queue streams and replies themselves are the queue
// store's (queue_store.h); this store shares its connection pool and key prefix.
//
// Keys (prefix P, inside the hash tag "{P}"):
//   {P}:notes:<uid>           stream (NF fields)   a mention's internal notes, oldest first; the
//                                                  entry id is the note id; expires with the mention
//   {P}:au:<platform>:<author id>   sorted set     uids of the author's routed mentions, scored by
//                                                  posted_at (seen_at when unknown); written by
//                                                  enqueue.lua, refreshed to the dedup TTL on each
//                                                  new member and when one is resolved
//   {P}:cv:<platform>:<conversation id> sorted set uids of every stored mention of a conversation,
//                                                  scored and expiring the same way
//   {P}:cust:<identity>       string               the customer id of a linked identity
//   {P}:custs:<customer id>   set                  the identities of a customer (2 or more)
//   {P}:same:<UTC day number> hash EX 2 days       normalized reply text -> replies submitted that
//                                                  day with it (reply.lua)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/store/queue_store.h"
#include "daemon/store/redis_pool.h"

namespace carewatch {

struct DeskNote {
  std::string id;  // the stream id in {P}:notes:<uid>
  std::string agent;
  TimeMs at = 0;
  std::string text;
};

enum class HandoffStatus { ok, not_found, not_claimed, conflict, same_queue };

struct HandoffResult {
  HandoffStatus status = HandoffStatus::ok;
  std::string message;  // not_claimed: the state; conflict: who holds it; same_queue: the queue
  std::string note_id;  // ok with a note
};

// A reply of an agent as the desk shows it (conversation, history).
struct DeskReply {
  std::string agent;
  std::string text;
  std::string state;     // queued | sending | sent | failed
  TimeMs at = 0;         // sent_at when sent, else submitted_at
};

// A stored mention read for the desk: its hash (without the JSON) and the JSON, plus its replies.
struct DeskMention {
  std::string uid;
  std::string json;
  std::map<std::string, std::string> hash;
  std::vector<DeskReply> replies;
  std::string field(const char* name) const {
    const auto it = hash.find(name);
    return it == hash.end() ? std::string() : it->second;
  }
};

// A customer: the identities ("<platform>:<author id>") linked together. An identity never
// linked is a customer of its own, whose id is the identity.
struct Customer {
  std::string id;
  std::vector<std::string> identities;  // sorted
};

// A uid and its index score (posted_at, or seen_at when unknown).
struct IndexedUid {
  std::string uid;
  TimeMs at = 0;
};

class DeskStore {
 public:
  // `prefix` without braces ("cw"), as QueueStoreOptions::prefix.
  DeskStore(RedisPool& pool, const std::string& prefix);

  // Moves the mention `agent` holds (any holder's when `any_owner`, a lead) to `queue`, with an
  // optional note ("" = none): see lua/handoff.lua.
  HandoffResult handoff(const std::string& uid, const std::string& agent, bool any_owner, const std::string& queue,
                        const std::string& note);
  // Adds an internal note to a stored mention; nullopt when there is no such mention.
  std::optional<DeskNote> add_note(const std::string& uid, const std::string& agent, const std::string& text);
  // The mention's notes, oldest first.
  std::vector<DeskNote> notes(const std::string& uid);

  // The mentions among `uids` still stored, in the order given (gone ones left out).
  std::vector<DeskMention> read(const std::vector<std::string>& uids);
  // Members of a conversation index ("<platform>:<conversation id>"), oldest first, at most `limit`.
  std::vector<IndexedUid> conversation(const std::string& conversation, size_t limit);
  // An identity's routed mentions, newest first, at most `limit`.
  std::vector<IndexedUid> contacts(const std::string& identity, size_t limit);
  // How many of an identity's routed mentions have a score in [from, to).
  std::int64_t count_contacts(const std::string& identity, TimeMs from, TimeMs to);

  Customer customer(const std::string& identity);
  // Links two identities (and whatever each was already linked to) into one customer.
  Customer link(const std::string& a, const std::string& b);
  // Takes the identity out of its customer; returns the identity's own (single) customer.
  Customer unlink(const std::string& identity);

  // The mentions `agent` holds now (claimed or replied, not yet resolved, released or handed
  // off), read as read() reads them: by queue name, then priority, then claim order; at most
  // `limit` (lua/held.lua).
  std::vector<DeskMention> held(const std::string& agent, size_t limit);
  // Replies submitted today (UTC, Redis time) with this normalized text.
  std::int64_t same_text_today(const std::string& normalized_text);

 private:
  RedisPool& pool_;
  std::string kp_;
  std::string events_;
  RedisScript handoff_, note_add_, read_, link_, unlink_, held_;
};

}  // namespace carewatch
