#include "connectors/registry.h"

#include "connectors/bluesky/bluesky_connector.h"
#include "connectors/mastodon/mastodon_connector.h"
#include "connectors/options/option_reader.h"
#include "connectors/replay/replay_connector.h"

namespace carewatch {

extern const char* const kReplayOptionsSchema;
extern const char* const kMastodonOptionsSchema;
extern const char* const kBlueskyOptionsSchema;

namespace {

// A connector's typed factory: receives its options read, never JSON.
template <class Options>
using TypedFactory = std::unique_ptr<Connector> (*)(const std::string& source, Options options,
                                                    std::shared_ptr<HttpClient> http, std::string& error);

// The one place options become a typed struct: read through OptionReader (defaults from the
// schema), then handed to the typed factory, which checks what the schema cannot express.
template <class Options>
ConnectorType connector_type(std::string type, std::string description, const char* schema,
                             TypedFactory<Options> make) {
  auto create = [schema, make](const SourceSpec& spec, std::shared_ptr<HttpClient> http,
                               std::string& error) -> std::unique_ptr<Connector> {
    OptionReader reader(spec.options_json, schema, spec.base_dir);
    Options options{};
    options.read(reader);
    if (!reader.finish(error)) return nullptr;
    return make(spec.name, std::move(options), std::move(http), error);
  };
  return {std::move(type), std::move(description), schema, std::move(create)};
}

}  // namespace

const std::vector<ConnectorType>& connector_types() {
  static const std::vector<ConnectorType> types = {
      connector_type("replay", "mentions from a JSONL file in carewatch's mention format, at full speed or paced",
                     kReplayOptionsSchema, make_replay_connector),
      connector_type("mastodon", "a Mastodon instance: hashtag timelines, the account's mentions, search",
                     kMastodonOptionsSchema, make_mastodon_connector),
      connector_type("bluesky", "a Bluesky account (AT Protocol): its mentions, replies and quotes, post search",
                     kBlueskyOptionsSchema, make_bluesky_connector),
  };
  return types;
}

const ConnectorType* find_connector_type(const std::string& type) {
  for (const auto& t : connector_types())
    if (t.type == type) return &t;
  return nullptr;
}

}  // namespace carewatch
