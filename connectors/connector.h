// The connector interface: how carewatch fetches mentions from one platform.
//
// A connector never touches Redis. The scheduler calls poll(cursor) and stores the returned
// next_cursor only after the batch is safely enqueued, so a crash re-polls a page instead of
// losing one (dedup makes the replay harmless).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mention/mention.h"

namespace carewatch {

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
  static PollResult ok(Batch b) { PollResult r; r.batch = std::move(b); return r; }
  static PollResult fail(PollError e) { PollResult r; r.error = std::move(e); return r; }
};

class Connector {
 public:
  virtual ~Connector() = default;
  // Fetches what is new since `cursor` (empty on the first poll). Must not throw.
  virtual PollResult poll(const std::string& cursor) = 0;
  // True for a source that ends (a replay file): `carewatch run --exit-when-done` waits for every
  // finite source to report Batch.exhausted, and for no other.
  virtual bool finite() const { return false; }
  // Posts a reply on the platform. Returns an error message, or nullopt on success.
  virtual std::optional<std::string> reply(const Mention& /*mention*/, const std::string& /*text*/) {
    return std::string("this connector cannot reply");
  }
};

}  // namespace carewatch
