#include "connectors/registry.h"

#include "connectors/appstore/appstore_connector.h"
#include "connectors/bluesky/bluesky_connector.h"
#include "connectors/exec/exec_connector.h"
#include "connectors/googleplay/googleplay_connector.h"
#include "connectors/hackernews/hackernews_connector.h"
#include "connectors/mastodon/mastodon_connector.h"
#include "connectors/options/option_reader.h"
#include "connectors/reddit/reddit_connector.h"
#include "connectors/replay/replay_connector.h"
#include "connectors/rss/rss_connector.h"
#include "connectors/x/x_connector.h"
#include "connectors/youtube/youtube_connector.h"

namespace carewatch {

extern const char* const kReplayOptionsSchema;
extern const char* const kMastodonOptionsSchema;
extern const char* const kExecOptionsSchema;
extern const char* const kYoutubeOptionsSchema;
extern const char* const kRedditOptionsSchema;
extern const char* const kRssOptionsSchema;
extern const char* const kHackernewsOptionsSchema;
extern const char* const kXOptionsSchema;
extern const char* const kAppstoreOptionsSchema;
extern const char* const kGoogleplayOptionsSchema;
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
      connector_type("exec", "a program in any language run once per poll, printing mentions as JSON lines",
                     kExecOptionsSchema, make_exec_connector),
      connector_type("youtube", "a YouTube channel: comments and replies on it and its videos (Data API v3)",
                     kYoutubeOptionsSchema, make_youtube_connector),
      connector_type("reddit", "Reddit: subreddit comments and posts, post search, the account's mentions",
                     kRedditOptionsSchema, make_reddit_connector),
      connector_type("rss", "RSS and Atom feeds: review sites, news and blog searches, alert feeds",
                     kRssOptionsSchema, make_rss_connector),
      connector_type("hackernews", "Hacker News stories and comments matching brand terms (Algolia HN Search)",
                     kHackernewsOptionsSchema, make_hackernews_connector),
      connector_type("x", "X (API v2): the brand account's mentions and recent search, under a daily budget of posts read",
                     kXOptionsSchema, make_x_connector),
      connector_type("appstore", "an app's App Store customer reviews (public feed, per country); replies via App Store Connect",
                     kAppstoreOptionsSchema, make_appstore_connector),
      connector_type("googleplay", "an app's Google Play reviews (androidpublisher v3, service account); replies",
                     kGoogleplayOptionsSchema, make_googleplay_connector),
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
