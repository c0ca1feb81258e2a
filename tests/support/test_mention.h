// A mention as a connector would deliver it, for tests of what comes after the connectors.
#pragma once

#include <string>

#include "mention/common/time.h"
#include "mention/mention.h"

namespace carewatch::testing {

inline Mention test_mention(const std::string& id, const std::string& text, TimeMs posted_at, TimeMs seen_at,
                            const std::string& handle = "ana", const std::string& source = "tag") {
  Mention m;
  m.platform = "mastodon";
  m.native_id = id;
  m.uid = make_uid(m.platform, id);
  m.source = source;
  m.text = text;
  m.author.handle = handle;
  m.posted_at = posted_at;
  m.seen_at = seen_at;
  return m;
}

// A complaint a minute old, routed to `queue` at `priority` (what the API tests queue and claim):
// text "order <id> never arrived", author "customer<id>", seen 2 s after it was posted.
inline Mention routed_complaint(const std::string& id, int priority = 1, const std::string& queue = "care",
                                const std::string& platform = "mastodon") {
  Mention m;
  m.platform = platform;
  m.native_id = id;
  m.uid = make_uid(platform, id);
  m.source = "brand-tag";
  m.text = "order " + id + " never arrived";
  m.author.handle = "customer" + id;
  m.posted_at = now_ms() - 60'000;
  m.seen_at = m.posted_at + 2'000;
  m.decision.category = Category::complaint;
  m.decision.priority = priority;
  m.decision.queue = queue;
  return m;
}

}  // namespace carewatch::testing
