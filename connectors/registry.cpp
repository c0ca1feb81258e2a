#include "connectors/registry.h"

#include "connectors/mastodon/mastodon_connector.h"
#include "connectors/replay/replay_connector.h"

namespace carewatch {

extern const char* const kReplayOptionsSchema;
extern const char* const kMastodonOptionsSchema;

const std::vector<ConnectorType>& connector_types() {
  static const std::vector<ConnectorType> types = {
      {"replay", "mentions from a JSONL file in carewatch's mention format, at full speed or paced",
       kReplayOptionsSchema, make_replay_connector},
      {"mastodon", "a Mastodon instance: hashtag timelines, the account's mentions, search",
       kMastodonOptionsSchema, make_mastodon_connector},
  };
  return types;
}

const ConnectorType* find_connector_type(const std::string& type) {
  for (const auto& t : connector_types())
    if (t.type == type) return &t;
  return nullptr;
}

}  // namespace carewatch
