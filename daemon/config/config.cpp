// Loading the configuration, in four passes over one RapidJSON document:
//   1. parse (comments and trailing commas allowed);
//   2. expand "${NAME}" in every string value (env_expansion);
//   3. validate against the embedded schema (config/schema/config.schema.json, json_schema) and
//      drop what it found invalid, so the next pass reads only valid values and still reports
//      every other error;
//   4. check values the schema cannot express (durations, addresses, URLs, unique names, each
//      source's options against its connector type's schema) and fill Config.
// Every error is one line "path: expected X, got Y", its value shown by ConfigReport::shown.
#include "daemon/config/config.h"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>

#include "connectors/registry.h"
#include "daemon/config/address.h"
#include "daemon/config/config_report.h"
#include "daemon/config/env_expansion.h"
#include "daemon/config/json_schema.h"
#include "daemon/config/redis_url.h"
#include "daemon/config/sla_config.h"
#include "mention/common/duration.h"
#include "mention/common/file.h"

namespace carewatch {

extern const char* const kConfigSchema;

namespace {

namespace fs = std::filesystem;
using rapidjson::Value;
using std::chrono::milliseconds;

constexpr unsigned kParseFlags = rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag;

const JsonSchema& config_schema() {
  static const JsonSchema schema(kConfigSchema);
  return schema;
}

const JsonSchema* options_schema(const std::string& type) {
  static const auto schemas = [] {
    std::map<std::string, std::unique_ptr<JsonSchema>> m;
    for (const auto& t : connector_types()) m[t.type] = std::make_unique<JsonSchema>(t.options_schema);
    return m;
  }();
  auto it = schemas.find(type);
  return it == schemas.end() ? nullptr : it->second.get();
}

// Reports each error and removes what it names from `root` (an array item becomes null, keeping
// the indices of the others), so reading on sees valid values only. False when the root itself is
// invalid.
bool report_and_drop(Value& root, const std::vector<SchemaError>& errors, const std::string& prefix,
                     ConfigReport& report) {
  bool root_valid = true;
  for (const auto& e : errors) {
    report.add(e.path, e.message);
    // Walk to the value to drop, remembering its parent.
    const std::vector<JsonStep>& steps = e.where;  // the value, the object lacking a key, or the member
    if (steps.empty()) {
      root_valid = false;
      continue;
    }
    Value* parent = &root;
    std::string path = prefix;
    bool found = true;
    for (size_t i = 0; i + 1 < steps.size() && found; ++i) {
      if (const auto* key = std::get_if<std::string>(&steps[i]); key && parent->IsObject() && parent->HasMember(key->c_str())) {
        parent = &(*parent)[key->c_str()];
        path = child_path(path, *key);
      } else if (const auto* index = std::get_if<size_t>(&steps[i]); index && parent->IsArray() && *index < parent->Size()) {
        parent = &(*parent)[static_cast<rapidjson::SizeType>(*index)];
        path = index_path(path, *index);
      } else {
        found = false;
      }
    }
    if (!found) continue;  // inside something dropped already
    if (const auto* key = std::get_if<std::string>(&steps.back())) {
      if (parent->IsObject() && parent->EraseMember(key->c_str())) report.removed.insert(child_path(path, *key));
    } else if (const size_t index = std::get<size_t>(steps.back()); parent->IsArray() && index < parent->Size()) {
      (*parent)[static_cast<rapidjson::SizeType>(index)].SetNull();
      report.removed.insert(index_path(path, index));
    }
  }
  return root_valid;
}


std::string str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// A string member, or nullptr when it is absent or was dropped after a schema error (reported).
const Value* string_member(const Value& obj, const char* name) {
  const Value* v = json_member(&obj, name);
  return v && v->IsString() ? v : nullptr;
}

// Bytes: an integer, or "<n>B" / "<n>KB" / "<n>MB" (1KB = 1024 bytes).
std::optional<size_t> parse_size(const Value& v) {
  if (v.IsUint64()) return static_cast<size_t>(v.GetUint64());
  if (!v.IsString()) return std::nullopt;
  const std::string_view s(v.GetString(), v.GetStringLength());
  size_t i = 0;
  uint64_t n = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (n > (uint64_t{1} << 40)) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(s[i++] - '0');
  }
  if (i == 0) return std::nullopt;
  std::string unit(s.substr(i));
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::toupper(c); });
  if (unit == "" || unit == "B") return n;
  if (unit == "KB" || unit == "K") return n * 1024;
  if (unit == "MB" || unit == "M") return n * 1024 * 1024;
  return std::nullopt;
}

std::string absolute_path(const std::string& base_dir, const std::string& p) {
  fs::path path(p);
  if (path.is_relative()) path = fs::path(base_dir) / path;
  return path.lexically_normal().string();
}

// Reads a duration member; reports and returns nullopt when malformed or below `min`.
std::optional<milliseconds> duration_at(const Value& obj, const char* key, const std::string& path,
                                        milliseconds min, ConfigReport& report) {
  const Value* v = json_member(&obj, key);
  if (!v) return std::nullopt;
  const std::string p = child_path(path, key);
  auto d = parse_duration(str(*v));
  if (!d) {
    report.add(p, "expected a duration like \"30s\", got " + report.shown(*v, p));
  } else if (d->count() <= 0) {
    report.add(p, "expected a duration above 0, got " + report.shown(*v, p));
    d.reset();
  } else if (*d < min) {
    report.add(p, "expected a duration of at least " + std::to_string(min.count() / 1000) + "s, got " +
                      report.shown(*v, p));
    d.reset();
  }
  return d;
}

void read_redis(const Value& redis, Config& cfg, ConfigReport& report) {
  const Value* url = json_member(&redis, "url");
  const Value* password = json_member(&redis, "password");
  if (const Value* fsync = json_member(&redis, "appendfsync")) {
    if (url)
      report.add("redis.appendfsync", "expected no appendfsync with an external Redis (\"url\"), got " +
                                          report.shown(*fsync, "redis.appendfsync"));
    else
      cfg.appendfsync = str(*fsync);
  }
  if (!url) {
    if (password)
      report.add("redis.password", "expected a \"url\" with it (without one carewatch starts its own "
                                   "redis-server, which needs no password), got no url");
    return;
  }
  RedisEndpoint ep;
  if (auto problem = parse_redis_url(str(*url), ep)) {
    report.add("redis.url", *problem + ", got " + report.shown(*url, "redis.url"));
    return;
  }
  if (password) {
    if (!ep.password.empty()) {
      report.add("redis.password", "expected the password either in \"url\" or here, got both");
      return;
    }
    ep.password = str(*password);
  }
  cfg.redis = ep;
}

void read_api(const Value& api, Config& cfg, ConfigReport& report) {
  if (const Value* listen = json_member(&api, "listen")) {
    std::string host, port;
    std::optional<int> p;
    if (split_host_port(str(*listen), host, port) && valid_host(host) && (p = parse_port(port))) {
      cfg.api_host = host;
      cfg.api_port = *p;
      cfg.api_listen_shown = report.shown(*listen, "api.listen");
    } else {
      report.add("api.listen", "expected \"host:port\" like \"127.0.0.1:8640\" (port 0-65535), got " +
                                   report.shown(*listen, "api.listen"));
    }
  }
  if (const Value* body = json_member(&api, "max_body")) {
    auto size = parse_size(*body);
    if (!size || *size < 1024)
      report.add("api.max_body", "expected a size of at least 1KB like \"64KB\" or \"1MB\", got " +
                                     report.shown(*body, "api.max_body"));
    else
      cfg.api_max_body = *size;
  }
  if (const Value* rate = json_member(&api, "rate_limit_per_minute")) {
    if (rate->IsInt())
      cfg.api_rate_limit_per_minute = rate->GetInt();
    else
      report.add("api.rate_limit_per_minute", "expected an integer of at most " +
                                                  std::to_string(std::numeric_limits<int>::max()) + ", got " +
                                                  report.shown(*rate, "api.rate_limit_per_minute"));
  }
  if (const Value* metrics = json_member(&api, "metrics")) {  // the schema's enum checked the value
    const std::string m = str(*metrics);
    cfg.api_metrics = m == "public" ? MetricsAccess::open : m == "off" ? MetricsAccess::off : MetricsAccess::key;
  }
  if (auto d = duration_at(api, "session_idle", "api", std::chrono::minutes(1), report)) cfg.api_session_idle = *d;
  if (const Value* secure = json_member(&api, "secure_cookies"); secure && secure->IsBool())  // else a schema error
    cfg.api_secure_cookies = secure->GetBool();
}

// Two agents with one key_sha256 would share one key, and the key would log in as the first:
// an error naming both (the hash itself is never shown).
void read_agents(const Value& agents, Config& cfg, ConfigReport& report) {
  std::map<std::string, size_t> seen;
  std::map<std::string, std::pair<size_t, std::string>> keys;  // key_sha256 -> the first agent with it
  for (rapidjson::SizeType i = 0; i < agents.Size(); ++i) {
    const Value& a = agents[i];
    if (!a.IsObject()) continue;  // dropped after a schema error
    const Value* id = string_member(a, "id");
    const Value* key = string_member(a, "key_sha256");
    if (!id || !key) continue;  // dropped after a schema error (reported)
    AgentConfig agent{str(*id), str(*key)};
    if (const Value* role = string_member(a, "role"))
      if (auto r = agent_role_from_string(str(*role))) agent.role = *r;  // other values: a schema error
    const std::string path = index_path("agents", i) + ".id";
    if (auto [it, fresh] = seen.emplace(agent.id, i); !fresh) {
      report.add(path, "expected a unique agent id, got " + report.shown(*id, path) + " again (as " +
                           index_path("agents", it->second) + ")");
    } else if (auto [k, fresh_key] = keys.try_emplace(agent.key_sha256, i, agent.id); !fresh_key) {
      report.add(index_path("agents", i) + ".key_sha256",
                 "expected a key of its own, got the same key_sha256 as " + index_path("agents", k->second.first) +
                     " (agents " + json_quoted(k->second.second) + " and " + json_quoted(agent.id) +
                     " would share one key)");
    }
    cfg.agents.push_back(std::move(agent));
  }
}

void read_queues(const Value& q, Config& cfg, ConfigReport& report) {
  if (auto d = duration_at(q, "lease", "queues", std::chrono::seconds(1), report)) cfg.store.lease = *d;
  if (auto d = duration_at(q, "dedup_ttl", "queues", std::chrono::seconds(1), report))
    cfg.store.dedup_ttl = std::chrono::ceil<std::chrono::seconds>(*d);
  if (const Value* prefix = json_member(&q, "prefix")) cfg.store.prefix = str(*prefix);
  if (const Value* warn = json_member(&q, "sla_warn_at")) cfg.sla_warn_at = warn->GetDouble();
  if (const Value* sla = json_member(&q, "sla")) {
    cfg.sla_first_response.clear();
    for (int p = 0; p <= 3; ++p) {
      const std::string key = "p" + std::to_string(p);
      if (auto d = duration_at(*sla, key.c_str(), "queues.sla", milliseconds(0), report)) cfg.sla_first_response[p] = *d;
    }
  }
}

void read_replies(const Value& r, Config& cfg, ConfigReport& report) {
  if (const Value* w = json_member(&r, "workers")) cfg.replies.workers = w->GetUint();
  if (auto d = duration_at(r, "sending_lease", "replies", std::chrono::seconds(1), report)) cfg.replies.sending_lease = *d;
  if (auto d = duration_at(r, "retry_initial", "replies", std::chrono::seconds(1), report)) cfg.replies.retry_initial = *d;
  if (auto d = duration_at(r, "retry_max", "replies", std::chrono::seconds(1), report)) cfg.replies.retry_max = *d;
  if (auto d = duration_at(r, "give_up_after", "replies", std::chrono::minutes(1), report)) cfg.replies.give_up_after = *d;
  if (const Value* w = json_member(&r, "same_text_warning"))
    cfg.replies.same_text_warning = w->IsInt64() ? w->GetInt64() : std::numeric_limits<std::int64_t>::max();
}

std::string known_types() {
  std::string list;
  for (const auto& t : connector_types()) list += (list.empty() ? "" : ", ") + json_quoted(t.type);
  return list;
}

void read_sources(const Value& sources, Config& cfg, ConfigReport& report) {
  std::map<std::string, size_t> names;
  const ShowValue show = [&report](const Value& v, const std::string& path) { return report.shown(v, path); };
  for (rapidjson::SizeType i = 0; i < sources.Size(); ++i) {
    const Value& s = sources[i];
    if (!s.IsObject()) continue;  // dropped after a schema error
    const std::string path = index_path("sources", i);
    SourceConfig sc;
    const Value* name = string_member(s, "name");
    const Value* type = string_member(s, "type");  // either may have been dropped (reported)
    if (name) sc.name = str(*name);
    if (type) sc.type = str(*type);
    if (name)
      if (auto [it, fresh] = names.emplace(sc.name, i); !fresh)
        report.add(path + ".name", "expected a unique source name, got " + report.shown(*name, path + ".name") +
                                       " again (as " + index_path("sources", it->second) + ")");
    if (auto d = duration_at(s, "interval", path, milliseconds(0), report)) sc.interval = *d;
    if (const Value* enabled = json_member(&s, "enabled")) sc.enabled = enabled->GetBool();

    if (type && !report.removed.count(path + ".options")) {  // not an object: already reported
      const Value empty(rapidjson::kObjectType);
      const Value* options = json_member(&s, "options");
      if (!options) options = &empty;
      const JsonSchema* schema = options_schema(sc.type);
      if (!schema) {
        report.add(path + ".type", "expected a connector type, one of " + known_types() + ", got " +
                                       report.shown(*type, path + ".type"));
      } else {
        const auto errors = schema->validate(*options, path + ".options", show);
        for (const auto& e : errors) report.add(e.path, e.message);
        if (errors.empty()) sc.options_json = json_text(*options);
      }
    }
    cfg.sources.push_back(std::move(sc));
  }
}

void fill(const Value& doc, Config& cfg, ConfigReport& report) {
  if (const Value* log = json_member(&doc, "log"))
    if (const Value* level = json_member(log, "level")) cfg.log_level = str(*level);
  if (const Value* dir = json_member(&doc, "state_dir")) cfg.state_dir = absolute_path(cfg.base_dir, str(*dir));
  if (const Value* redis = json_member(&doc, "redis")) read_redis(*redis, cfg, report);
  if (const Value* api = json_member(&doc, "api")) read_api(*api, cfg, report);
  if (const Value* agents = json_member(&doc, "agents")) read_agents(*agents, cfg, report);
  if (const Value* queues = json_member(&doc, "queues")) read_queues(*queues, cfg, report);
  cfg.sla = read_sla_policies(json_member(&doc, "queues"), cfg.sla_first_response, cfg.sla_warn_at, report);
  if (const Value* replies = json_member(&doc, "replies")) read_replies(*replies, cfg, report);
  if (const Value* alerts = json_member(&doc, "alerts")) read_alerts(*alerts, cfg.alerts, report);
  if (const Value* detectors = json_member(&doc, "detectors"))
    if (const Value* recurring = json_member(detectors, "recurring")) read_recurring(*recurring, cfg.recurring, report);
  if (const Value* brand = json_member(&doc, "brand"))
    if (const Value* handles = json_member(brand, "handles"))
      for (const auto& h : handles->GetArray())
        if (h.IsString()) cfg.brand_handles.push_back(str(h));
  if (const Value* rules = json_member(&doc, "rules")) cfg.rules_path = absolute_path(cfg.base_dir, str(*rules));
  if (const Value* sources = json_member(&doc, "sources")) read_sources(*sources, cfg, report);
  if (const Value* detectors = json_member(&doc, "detectors"))
    if (const Value* spikes = json_member(detectors, "spikes")) read_spike_config(*spikes, "detectors.spikes", cfg.spikes, report);
  if (const Value* watch = json_member(json_member(&doc, "detectors"), "sources")) {  // after sources: names them
    std::vector<std::string> names;
    for (const auto& s : cfg.sources) names.push_back(s.name);
    read_source_watch(*watch, "detectors.sources", names, cfg.source_watch, report);
  }
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

std::optional<Config> parse_config(std::string_view text, const std::string& origin, const std::string& base_dir,
                                   std::vector<std::string>& errors, const EnvLookup& env) {
  const size_t errors_before = errors.size();
  ConfigReport report{errors, {}, {}, {}};

  rapidjson::Document doc;
  doc.Parse<kParseFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    const size_t offset = std::min(doc.GetErrorOffset(), text.size());
    const std::string_view before = text.substr(0, offset);
    const size_t line = static_cast<size_t>(std::count(before.begin(), before.end(), '\n')) + 1;
    const size_t nl = before.rfind('\n');
    const size_t column = offset - (nl == std::string_view::npos ? 0 : nl + 1) + 1;
    errors.push_back("line " + std::to_string(line) + ", column " + std::to_string(column) +
                     ": expected JSON (comments allowed), got a syntax error: " +
                     rapidjson::GetParseError_En(doc.GetParseError()));
    return std::nullopt;
  }

  expand_env(doc, "", doc.GetAllocator(), env, report);
  const auto schema_errors = config_schema().validate(
      doc, "", [&report](const Value& v, const std::string& path) { return report.shown(v, path); });
  if (!report_and_drop(doc, schema_errors, "", report)) return std::nullopt;

  Config cfg;
  cfg.path = origin;
  std::error_code ec;
  const fs::path base = base_dir.empty() ? fs::path(".") : fs::path(base_dir);
  const fs::path absolute_base = fs::absolute(base, ec);
  cfg.base_dir = (ec ? base : absolute_base).lexically_normal().string();
  if (cfg.base_dir.size() > 1 && cfg.base_dir.back() == '/') cfg.base_dir.pop_back();
  cfg.state_dir = absolute_path(cfg.base_dir, ".carewatch");
  cfg.sla_first_response = {{0, std::chrono::minutes(15)},
                            {1, std::chrono::hours(1)},
                            {2, std::chrono::hours(4)},
                            {3, std::chrono::hours(24)}};
  fill(doc, cfg, report);

  if (errors.size() != errors_before) return std::nullopt;
  return cfg;
}

std::optional<Config> load_config(const std::string& path, std::vector<std::string>& errors, const EnvLookup& env) {
  std::string text, error;
  if (!read_file(path, text, error)) {
    errors.push_back(error);
    return std::nullopt;
  }
  std::error_code ec;
  const fs::path absolute = fs::absolute(fs::path(path), ec);
  const fs::path dir = (ec ? fs::path(path) : absolute).parent_path();
  return parse_config(text, path, dir.string(), errors, env);
}

std::optional<std::string> resolve_api_listen(Config& cfg) {
  std::string error;
  auto address = resolve_host(cfg.api_host, error);
  if (!address)
    return "api.listen: expected a host name that resolves, or an IP address, got " + cfg.api_listen_shown + " (" +
           error + ")";
  cfg.api_host = *address;
  return std::nullopt;
}

}  // namespace carewatch
