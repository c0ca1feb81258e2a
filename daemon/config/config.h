// The daemon's configuration: one JSON file (comments allowed), validated against the embedded
// schema (config/schema/config.schema.json) before anything starts. Unknown keys are errors;
// "${ENV_VAR}" in any string expands from the environment ("$${" is a literal "${"); an unset
// variable is an error. Secrets never appear in errors: values that came from the environment are
// shown as written ("${REDIS_PASSWORD}"), values of keys such as *_token, *_key, password are
// not shown, and passwords inside URLs are masked.
//
// redis.url forms: "redis://host[:port][/db]", "redis://:password@host[:port][/db]" (password
// percent-encoded), "redis://[::1]:6379", "unix:///path/to/redis.sock[?db=N]". No url (or no
// "redis" section): a private redis-server is started; redis.appendfsync applies only to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/agent_config.h"
#include "daemon/config/alerts_config.h"
#include "daemon/config/env_expansion.h"
#include "daemon/config/spike_config.h"
#include "daemon/config/source_watch_config.h"
#include "daemon/config/recurring_config.h"
#include "daemon/store/queue_store_options.h"
#include "daemon/store/redis_endpoint.h"
#include "daemon/telemetry/sla_policy.h"

namespace carewatch {

struct SourceConfig {
  std::string name;
  std::string type;
  std::chrono::milliseconds interval{std::chrono::seconds(60)};
  bool enabled = true;
  std::string options_json = "{}";   // validated against the connector type's options schema
};

// The reply outbox (config "replies"; what each does: config/schema/config.schema.json).
struct RepliesConfig {
  size_t workers = 2;
  std::chrono::milliseconds sending_lease{std::chrono::minutes(2)};
  std::chrono::milliseconds retry_initial{std::chrono::seconds(5)};
  std::chrono::milliseconds retry_max{std::chrono::minutes(10)};
  std::chrono::milliseconds give_up_after{std::chrono::hours(24)};
  std::int64_t same_text_warning = 3;  // replies of the same text today before the console warns
};

// Who may read /metrics (api.metrics): anyone, a caller with a valid agent key as Bearer, nobody.
enum class MetricsAccess { open, key, off };

struct Config {
  std::string path;                  // the file it came from ("" for text)
  std::string base_dir;              // relative paths resolve against this
  std::string log_level = "info";    // trace|debug|info|warn|error
  std::string state_dir;             // absolute; default "<base_dir>/.carewatch"

  // Redis: nullopt = start a private redis-server under state_dir.
  std::optional<RedisEndpoint> redis;
  std::string appendfsync = "everysec";  // private redis only: always|everysec
  QueueStoreOptions store;           // prefix, lease, dedup_ttl, pool size

  std::string api_host = "127.0.0.1";  // as written; an address once resolve_api_listen ran
  int api_port = 8640;
  std::string api_listen_shown = "\"127.0.0.1:8640\"";  // api.listen as an error shows it
  size_t api_max_body = 64 * 1024;
  int api_rate_limit_per_minute = 1200;  // per agent key
  MetricsAccess api_metrics = MetricsAccess::key;
  // Console sessions (api.session_idle, api.secure_cookies): a session unused this long ends;
  // the cookie carries Secure when the console is served over TLS (through a reverse proxy).
  std::chrono::milliseconds api_session_idle{std::chrono::hours(8)};
  bool api_secure_cookies = false;
  std::vector<AgentConfig> agents;

  // SLA first-response targets per priority (p0..p3) and the fraction at which a warning fires.
  std::map<int, std::chrono::milliseconds> sla_first_response;
  double sla_warn_at = 0.8;
  // The SLA policies (daemon/config/sla_config.h): the default one is built from the two above
  // and queues.sla_warnings / sla_next_response / sla_resolution / business_hours; per queue from
  // queues.policies.
  SlaPolicies sla;

  RepliesConfig replies;
  RecurringConfig recurring;         // detectors.recurring

  AlertsConfig alerts;               // alert channels, routes and the alert outbox

  // Handles of the brand's own accounts ("acme", "acme@mastodon.social"): a mention by one of
  // them that replies to a queued mention counts as that mention's first response.
  std::vector<std::string> brand_handles;

  SpikeConfig spikes;                // detectors.spikes

  std::string rules_path;            // absolute; empty = built-in default rules
  std::vector<SourceConfig> sources;

  SourceWatchConfig source_watch;    // detectors.sources: alerts on silent and broken sources
};

std::optional<std::string> process_env(const std::string& name);

// Each error is one line "path: what was expected, got what", e.g.
//   sources[2].interval: expected a duration like "30s", got "fast"
std::optional<Config> parse_config(std::string_view text, const std::string& origin,
                                   const std::string& base_dir, std::vector<std::string>& errors,
                                   const EnvLookup& env = process_env);
std::optional<Config> load_config(const std::string& path, std::vector<std::string>& errors,
                                  const EnvLookup& env = process_env);

// Replaces api_host, a host name or an address, by the address it resolves to (its first IPv4
// address, else its first IPv6 one), as `carewatch run` and `check-config` both do before
// anything starts. Returns the error line otherwise:
//   api.listen: expected a host name that resolves, or an IP address, got "nohost:8640" (...)
std::optional<std::string> resolve_api_listen(Config& cfg);

}  // namespace carewatch
