// A mention as a connector would deliver it, for tests of what comes after the connectors.
#pragma once

#include <string>

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

}  // namespace carewatch::testing
