// Loading the configuration, in four passes over one RapidJSON document:
//   1. parse (comments and trailing commas allowed);
//   2. expand "${NAME}" in every string value ("$${" is a literal "${");
//   3. validate against the embedded schema (config/schema/config.schema.json);
//   4. check values the schema cannot express (durations, addresses, URLs, unique names, each
//      source's options against its connector type's schema) and fill Config.
// Every error is one line "path: expected X, got Y". Values that came from the environment are
// shown as written in the file ("${REDIS_PASSWORD}"), values of secret-looking keys (password,
// token, secret, key) are never shown, and passwords inside URLs are masked.
#include "daemon/config/config.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <sstream>

#include "connectors/registry.h"
#include "mention/common/duration.h"
#include "mention/common/file.h"

namespace carewatch {

extern const char* const kConfigSchema;

namespace {

namespace fs = std::filesystem;
using rapidjson::Value;
using std::chrono::milliseconds;

constexpr unsigned kParseFlags = rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag;

// ---------------------------------------------------------------------------------------------
// Paths and error reporting

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}
std::string index_path(const std::string& parent, size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}
std::string shown_path(const std::string& path) { return path.empty() ? "top level" : path; }

struct Report {
  std::vector<std::string>& errors;
  std::set<std::string> quiet;                 // paths whose "${...}" could not be expanded
  std::map<std::string, std::string> written;  // path -> text as written, for expanded values
  std::set<std::string> removed;               // paths dropped after a schema error
  // For arrays that lost items after a schema error: array path -> original index of each
  // remaining item, so later errors still name the item as written in the file.
  std::map<std::string, std::vector<size_t>> original_index;

  std::string item_path(const std::string& array_path, size_t i) const {
    auto it = original_index.find(array_path);
    return index_path(array_path, it == original_index.end() || i >= it->second.size() ? i : it->second[i]);
  }

  void add(const std::string& path, const std::string& message) {
    if (quiet.count(path)) return;
    errors.push_back(shown_path(path) + ": " + message);
  }
};

std::string json_text(const Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  v.Accept(writer);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string json_quoted(std::string_view s) {
  Value v(rapidjson::StringRef(s.data(), s.size()));
  return json_text(v);
}

// "redis://:hunter2@host" -> "redis://:***@host" (and user:pass@ likewise).
std::string mask_url_password(std::string s) {
  const size_t scheme = s.find("://");
  if (scheme == std::string::npos) return s;
  const size_t start = scheme + 3;
  const size_t end = s.find_first_of("/?#", start);
  const size_t at = s.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < start) return s;
  const size_t colon = s.find(':', start);
  if (colon == std::string::npos || colon > at) return s;
  return s.substr(0, colon + 1) + "***" + s.substr(at);
}

// Keys whose values are never shown: any '_'/'-' separated word of the key is one of these
// ("access_token", "key_sha256", "client_secret"; not "keywords").
bool is_secret_key(const std::string& path) {
  const size_t dot = path.find_last_of(".]");
  std::string key = dot == std::string::npos ? path : path.substr(dot + 1);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::set<std::string> kSecretWords = {"key", "apikey", "password", "passwd", "pass", "token",
                                                     "secret", "credential", "credentials", "auth"};
  size_t start = 0;
  while (start <= key.size()) {
    const size_t end = std::min(key.find_first_of("_-", start), key.size());
    if (kSecretWords.count(key.substr(start, end - start))) return true;
    start = end + 1;
  }
  return false;
}

// What a value looks like in "got ...": never a secret.
std::string describe(const Value& v, const std::string& path, const Report& report) {
  if (auto w = report.written.find(path); w != report.written.end()) return json_quoted(w->second);
  if (v.IsObject()) return "an object";
  if (v.IsArray()) return "an array";
  if (!v.IsString()) return json_text(v);
  std::string s(v.GetString(), v.GetStringLength());
  if (is_secret_key(path))
    return "a string of " + std::to_string(s.size()) + " characters (not shown)";
  s = mask_url_password(std::move(s));
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return json_quoted(s);
}

// ---------------------------------------------------------------------------------------------
// "${NAME}" expansion

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Returns false (with `problem` set) when the text has a malformed reference or names an unset
// variable.
bool expand_text(std::string_view in, std::string& out, const EnvLookup& env, std::string& problem) {
  out.clear();
  for (size_t i = 0; i < in.size();) {
    if (in[i] == '$' && in.substr(i, 3) == "$${") {
      out += "${";
      i += 3;
    } else if (in[i] == '$' && in.substr(i, 2) == "${") {
      const size_t close = in.find('}', i + 2);
      const std::string_view name =
          close == std::string_view::npos ? std::string_view() : in.substr(i + 2, close - i - 2);
      if (name.empty() || !is_name_start(name[0]) ||
          !std::all_of(name.begin(), name.end(), is_name_char)) {
        problem = "expected \"${NAME}\" with NAME made of letters, digits and '_' (write \"$${\" for a "
                  "literal \"${\"), got " + json_quoted(in);
        return false;
      }
      auto value = env ? env(std::string(name)) : std::nullopt;
      if (!value) {
        problem = "environment variable " + std::string(name) + " is not set";
        return false;
      }
      out += *value;
      i = close + 1;
    } else {
      out += in[i++];
    }
  }
  return true;
}

void expand_env(Value& v, const std::string& path, rapidjson::Document::AllocatorType& alloc,
                const EnvLookup& env, Report& report) {
  if (v.IsObject()) {
    for (auto& m : v.GetObject())
      expand_env(m.value, child_path(path, std::string(m.name.GetString(), m.name.GetStringLength())),
                 alloc, env, report);
  } else if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) expand_env(v[i], index_path(path, i), alloc, env, report);
  } else if (v.IsString()) {
    const std::string_view text(v.GetString(), v.GetStringLength());
    if (text.find("${") == std::string_view::npos) return;
    std::string out, problem;
    if (!expand_text(text, out, env, problem)) {
      report.add(path, problem);
      report.quiet.insert(path);
      return;
    }
    report.written[path] = std::string(text);
    v.SetString(out.data(), static_cast<rapidjson::SizeType>(out.size()), alloc);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON schema validation with readable errors

struct CompiledSchema {
  rapidjson::Document json;
  std::unique_ptr<rapidjson::SchemaDocument> schema;
  std::string error;  // set when the schema text itself is broken (a build defect)
};

std::unique_ptr<CompiledSchema> compile_schema(const char* text) {
  auto c = std::make_unique<CompiledSchema>();
  c->json.Parse(text ? text : "");
  if (c->json.HasParseError() || !c->json.IsObject()) {
    c->error = "schema is not valid JSON (" +
               std::string(rapidjson::GetParseError_En(c->json.GetParseError())) + " at offset " +
               std::to_string(c->json.GetErrorOffset()) + ")";
    return c;
  }
  c->schema = std::make_unique<rapidjson::SchemaDocument>(c->json);
  return c;
}

std::string type_phrase(const std::string& t) {
  if (t == "string") return "a string";
  if (t == "integer") return "an integer";
  if (t == "number") return "a number";
  if (t == "boolean") return "true or false";
  if (t == "object") return "an object";
  if (t == "array") return "an array";
  if (t == "null") return "null";
  return t;
}

std::string types_of(const Value* schema) {
  if (!schema || !schema->IsObject() || !schema->HasMember("type")) return "a value";
  const Value& t = (*schema)["type"];
  if (t.IsString()) return type_phrase(t.GetString());
  std::string out;
  if (t.IsArray())
    for (const auto& e : t.GetArray())
      if (e.IsString()) out += (out.empty() ? "" : " or ") + type_phrase(e.GetString());
  return out.empty() ? "a value" : out;
}

std::string pattern_phrase(const std::string& pattern) {
  if (pattern == "^[A-Za-z0-9_.-]+$") return "letters, digits, '_', '.' and '-' only";
  if (pattern == "^[a-z0-9_.-]+$") return "lower-case letters, digits, '_', '.' and '-' only";
  if (pattern == "^[0-9a-f]{64}$") return "64 lower-case hex characters (a SHA-256)";
  return "a string matching " + pattern;
}

const Value* member(const Value* obj, const char* name) {
  if (!obj || !obj->IsObject()) return nullptr;
  auto it = obj->FindMember(name);
  return it == obj->MemberEnd() ? nullptr : &it->value;
}

std::string number_of(const Value* schema, const char* name) {
  const Value* n = member(schema, name);
  return n ? json_text(*n) : "?";
}

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// "expected X, got Y" for one failed keyword.
std::string keyword_message(const std::string& keyword, const Value* schema, const Value& value,
                            const std::string& path, const Report& report) {
  const std::string got = describe(value, path, report);
  auto expected = [&](const std::string& what, const std::string& g) { return "expected " + what + ", got " + g; };
  if (keyword == "type") return expected(types_of(schema), got);
  if (keyword == "enum") {
    std::string list;
    if (const Value* e = member(schema, "enum"); e && e->IsArray())
      for (const auto& item : e->GetArray()) list += (list.empty() ? "" : ", ") + json_text(item);
    return expected("one of " + list, got);
  }
  if (keyword == "pattern") {
    const Value* p = member(schema, "pattern");
    return expected(pattern_phrase(p && p->IsString() ? p->GetString() : "?"), got);
  }
  if (keyword == "minLength") {
    const Value* n = member(schema, "minLength");
    if (n && n->IsUint() && n->GetUint() == 1) return expected("a non-empty string", got);
    return expected("a string of at least " + number_of(schema, "minLength") + " characters", got);
  }
  if (keyword == "maxLength")
    return expected("a string of at most " + number_of(schema, "maxLength") + " characters", got);
  if (keyword == "minimum" || keyword == "maximum") {
    const bool min = keyword == "minimum";
    const Value* ex = member(schema, min ? "exclusiveMinimum" : "exclusiveMaximum");
    const bool exclusive = ex && ex->IsBool() && ex->GetBool();
    const char* op = min ? (exclusive ? " > " : " >= ") : (exclusive ? " < " : " <= ");
    return expected(types_of(schema) + op + number_of(schema, keyword.c_str()), got);
  }
  if (keyword == "multipleOf") return expected("a multiple of " + number_of(schema, "multipleOf"), got);
  const size_t count = value.IsArray() ? value.Size() : value.IsObject() ? value.MemberCount() : 0;
  if (keyword == "minItems")
    return expected("at least " + number_of(schema, "minItems") + " items", plural(count, "item"));
  if (keyword == "maxItems" || keyword == "additionalItems")
    return expected("at most " + number_of(schema, "maxItems") + " items", plural(count, "item"));
  if (keyword == "uniqueItems") return expected("unique items", "a repeated item");
  if (keyword == "minProperties")
    return expected("at least " + number_of(schema, "minProperties") + " keys", plural(count, "key"));
  if (keyword == "maxProperties")
    return expected("at most " + number_of(schema, "maxProperties") + " keys", plural(count, "key"));
  if (keyword == "dependencies") {
    std::string list;
    if (const Value* d = member(schema, "dependencies"); d && d->IsObject())
      for (const auto& m : d->GetObject()) list += (list.empty() ? "" : ", ") + std::string(m.name.GetString());
    return expected("the keys that " + list + " depend on", got);
  }
  if (keyword == "anyOf" || keyword == "oneOf") {
    // The common shape: alternatives that each require some keys ("at least one of ...").
    std::vector<std::string> keys;
    bool all_required = false;
    if (const Value* alts = member(schema, keyword.c_str()); alts && alts->IsArray() && !alts->Empty()) {
      all_required = true;
      for (const auto& alt : alts->GetArray()) {
        const Value* req = member(&alt, "required");
        if (!req || !req->IsArray() || req->Empty()) {
          all_required = false;
          break;
        }
        std::string names;
        for (const auto& r : req->GetArray())
          if (r.IsString()) names += (names.empty() ? "" : " and ") + std::string(r.GetString());
        keys.push_back(names);
      }
    }
    if (all_required && value.IsObject()) {
      std::string list;
      for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
      return expected((keyword == "anyOf" ? "at least one of " : "exactly one of ") + list,
                      "an object without a valid one");
    }
    return expected(keyword == "anyOf" ? "a value matching one of the allowed forms"
                                       : "a value matching exactly one of the allowed forms", got);
  }
  if (keyword == "allOf") return expected("a value matching all of the required forms", got);
  if (keyword == "not") return expected("a value other than the excluded form", got);
  return expected("a value valid for \"" + keyword + "\"", got);
}

struct Step {
  Value* value;
  std::string path;
};

// Validates `root` against `compiled`, reporting errors under `prefix`. To report more than the
// first error (RapidJSON 1.1 stops at the first), each offending value is removed and validation
// repeats. Returns true when the (possibly pruned) value is valid, false when an error could not
// be pruned (the caller must then not read the value).
bool validate(Value& root, const CompiledSchema& compiled, const std::string& prefix, Report& report) {
  if (!compiled.schema) {
    report.add(prefix, compiled.error);
    return false;
  }
  std::set<std::string>& removed = report.removed;
  for (int round = 0; round < 200; ++round) {
    rapidjson::SchemaValidator validator(*compiled.schema);
    if (root.Accept(validator)) return true;
    const std::string keyword = validator.GetInvalidSchemaKeyword();
    const Value* schema = validator.GetInvalidSchemaPointer().Get(compiled.json);
    const auto& pointer = validator.GetInvalidDocumentPointer();

    // Walk the pointer, keeping the chain of values and their display paths.
    std::vector<Step> chain{{&root, prefix}};
    for (size_t i = 0; i < pointer.GetTokenCount(); ++i) {
      const auto& token = pointer.GetTokens()[i];
      Value& cur = *chain.back().value;
      const std::string name(token.name, token.length);
      if (cur.IsArray() && token.index < cur.Size()) {
        chain.push_back({&cur[token.index], report.item_path(chain.back().path, token.index)});
      } else if (cur.IsObject() && cur.HasMember(name.c_str())) {
        chain.push_back({&cur[name.c_str()], child_path(chain.back().path, name)});
      } else {
        report.add(chain.back().path, "invalid (" + keyword + ")");
        return false;
      }
    }

    // Removes chain[at] from its parent; false when that is impossible (the root).
    auto prune = [&](size_t at) {
      if (at == 0) return false;
      Value& parent = *chain[at - 1].value;
      const std::string& path = chain[at].path;
      if (parent.IsArray()) {
        auto& original = report.original_index[chain[at - 1].path];
        if (original.empty())
          for (size_t i = 0; i < parent.Size(); ++i) original.push_back(i);
        for (rapidjson::SizeType i = 0; i < parent.Size() && i < original.size(); ++i)
          if (&parent[i] == chain[at].value) {
            parent.Erase(parent.Begin() + i);
            original.erase(original.begin() + i);
            removed.insert(path);
            return true;
          }
        return false;
      }
      for (auto m = parent.MemberBegin(); m != parent.MemberEnd(); ++m)
        if (&m->value == chain[at].value) {
          parent.EraseMember(m);
          removed.insert(path);
          return true;
        }
      return false;
    };

    if (keyword == "additionalProperties" && chain.size() >= 2 && chain[chain.size() - 2].value->IsObject()) {
      Value& obj = *chain[chain.size() - 2].value;
      const std::string& obj_path = chain[chain.size() - 2].path;
      const Value* props = member(schema, "properties");
      std::string known;
      if (props && props->IsObject())
        for (const auto& p : props->GetObject()) known += (known.empty() ? "" : ", ") + std::string(p.name.GetString());
      // Every unknown key of this object at once (unless patternProperties make that a guess).
      std::vector<std::string> unknown;
      if (!member(schema, "patternProperties"))
        for (const auto& m : obj.GetObject()) {
          const std::string name(m.name.GetString(), m.name.GetStringLength());
          if (!props || !props->IsObject() || !props->HasMember(name.c_str())) unknown.push_back(name);
        }
      if (unknown.empty()) {
        const auto& last = pointer.GetTokens()[pointer.GetTokenCount() - 1];
        unknown.emplace_back(last.name, last.length);
      }
      for (const auto& name : unknown) {
        report.add(obj_path, "unknown key " + json_quoted(name) +
                                 (known.empty() ? std::string(" (no keys allowed here)") : " (known keys: " + known + ")"));
        auto it = obj.FindMember(name.c_str());
        if (it == obj.MemberEnd()) return false;
        obj.EraseMember(it);  // keeps the order of the other keys
      }
      continue;
    }

    if (keyword == "required") {
      Value& obj = *chain.back().value;
      const Value* required = member(schema, "required");
      const Value* props = member(schema, "properties");
      if (required && required->IsArray() && obj.IsObject())
        for (const auto& r : required->GetArray()) {
          if (!r.IsString() || obj.HasMember(r)) continue;
          const std::string path = child_path(chain.back().path, r.GetString());
          if (removed.count(path)) continue;  // already reported as invalid
          report.add(path, "expected " + types_of(member(props, r.GetString())) + " (required), got nothing");
        }
      if (!prune(chain.size() - 1)) return false;
      continue;
    }

    // A combinator failing on an object we already pruned is most likely a consequence of that
    // pruning: not reported twice.
    static const std::set<std::string> kCombinators = {"anyOf", "oneOf", "allOf", "not", "dependencies"};
    const std::string& at = chain.back().path;
    const bool consequence = kCombinators.count(keyword) && std::any_of(removed.begin(), removed.end(), [&](const std::string& r) {
      return r.size() > at.size() && r.compare(0, at.size(), at) == 0 && (at.empty() || r[at.size()] == '.' || r[at.size()] == '[');
    });
    if (!consequence) report.add(at, keyword_message(keyword, schema, *chain.back().value, at, report));
    if (!prune(chain.size() - 1)) return false;
  }
  report.add(prefix, "too many errors");
  return false;
}

const CompiledSchema& config_schema() {
  static const std::unique_ptr<CompiledSchema> compiled = compile_schema(kConfigSchema);
  return *compiled;
}

const CompiledSchema* options_schema(const std::string& type) {
  static const auto schemas = [] {
    std::map<std::string, std::unique_ptr<CompiledSchema>> m;
    for (const auto& t : connector_types()) m[t.type] = compile_schema(t.options_schema);
    return m;
  }();
  auto it = schemas.find(type);
  return it == schemas.end() ? nullptr : it->second.get();
}

// ---------------------------------------------------------------------------------------------
// Values the schema cannot express

std::optional<int> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const int port = std::stoi(std::string(s));
  if (port > 65535) return std::nullopt;
  return port;
}

bool valid_host(std::string_view h) {
  if (h.empty()) return false;
  return std::all_of(h.begin(), h.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '%';
  });
}

// "host:port" or "[v6]:port"; host without brackets.
bool split_host_port(std::string_view s, std::string& host, std::string& port) {
  if (!s.empty() && s[0] == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
    host = std::string(s.substr(1, close - 1));
    port = std::string(s.substr(close + 2));
    return !host.empty() && host.find(':') != std::string::npos;
  }
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return false;
  host = std::string(s.substr(0, colon));
  port = std::string(s.substr(colon + 1));
  return host.find(':') == std::string::npos;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

std::optional<int> parse_db(std::string_view s) {
  if (s.empty() || s.size() > 4 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoi(std::string(s));
}

// Fills `ep` from a redis:// or unix:// URL; on failure returns what is wrong.
std::optional<std::string> parse_redis_url(std::string_view url, RedisEndpoint& ep) {
  if (url.starts_with("rediss://")) return "TLS (rediss://) is not supported";
  if (url.starts_with("unix://")) {
    std::string_view rest = url.substr(7);
    std::string_view query;
    if (const size_t q = rest.find('?'); q != std::string_view::npos) {
      query = rest.substr(q + 1);
      rest = rest.substr(0, q);
    }
    if (rest.empty() || rest[0] != '/') return "expected an absolute socket path, as in \"unix:///run/redis.sock\"";
    ep.unix_socket = std::string(rest);
    if (!query.empty()) {
      if (!query.starts_with("db=")) return "expected only \"?db=N\" after the socket path";
      auto db = parse_db(query.substr(3));
      if (!db) return "expected a database number after \"?db=\"";
      ep.db = *db;
    }
    return std::nullopt;
  }
  if (!url.starts_with("redis://"))
    return "expected \"redis://[:password@]host[:port][/db]\" or \"unix:///path/to/redis.sock\"";
  std::string_view rest = url.substr(8);
  std::string_view path;
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = userinfo.find(':');
    if (colon != 0)
      return "user names (Redis ACL) are not supported: expected \"redis://:password@host\"";
    auto password = percent_decode(userinfo.substr(1));
    if (!password) return "expected a percent-encoded password";
    ep.password = *password;
  }
  std::string host;
  if (!rest.empty() && rest[0] == '[') {  // [IPv6]
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return "expected \"]\" after an IPv6 address";
    host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return "expected \":port\" after the IPv6 address";
  } else {
    const size_t colon = rest.find(':');
    host = std::string(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon);
  }
  if (!valid_host(host)) return "expected a host name or address after \"redis://\"";
  if (!rest.empty()) {  // ":port"
    auto p = parse_port(rest.substr(1));
    if (!p || *p == 0) return "expected a port 1-65535 after the host";
    ep.port = *p;
  }
  ep.host = host;
  if (!path.empty()) {
    auto db = parse_db(path);
    if (!db) return "expected a database number after the host, as in \"redis://host:6379/0\"";
    ep.db = *db;
  }
  return std::nullopt;
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

std::string str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// Reads a duration member; reports and returns nullopt when malformed or below `min`.
std::optional<milliseconds> duration_at(const Value& obj, const char* key, const std::string& path,
                                        milliseconds min, bool above_zero, Report& report) {
  const Value* v = member(&obj, key);
  if (!v) return std::nullopt;
  const std::string p = child_path(path, key);
  auto d = parse_duration(str(*v));
  if (!d) {
    report.add(p, "expected a duration like \"30s\", got " + describe(*v, p, report));
  } else if (above_zero && d->count() <= 0) {
    report.add(p, "expected a duration above 0, got " + describe(*v, p, report));
    d.reset();
  } else if (*d < min) {
    report.add(p, "expected a duration of at least " + std::to_string(min.count() / 1000) + "s, got " +
                      describe(*v, p, report));
    d.reset();
  }
  return d;
}

void read_redis(const Value& redis, Config& cfg, Report& report) {
  const Value* url = member(&redis, "url");
  const Value* password = member(&redis, "password");
  if (const Value* fsync = member(&redis, "appendfsync")) {
    if (url) report.add("redis.appendfsync", "expected no appendfsync with an external Redis (\"url\"), got " +
                                                 describe(*fsync, "redis.appendfsync", report));
    else cfg.appendfsync = str(*fsync);
  }
  if (!url) {
    if (password)
      report.add("redis.password", "expected a \"url\" with it (without one carewatch starts its own "
                                   "redis-server, which needs no password), got no url");
    return;
  }
  RedisEndpoint ep;
  if (auto problem = parse_redis_url(str(*url), ep)) {
    report.add("redis.url", *problem + ", got " + describe(*url, "redis.url", report));
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

void read_api(const Value& api, Config& cfg, Report& report) {
  if (const Value* listen = member(&api, "listen")) {
    std::string host, port;
    std::optional<int> p;
    if (split_host_port(str(*listen), host, port) && valid_host(host) && (p = parse_port(port))) {
      cfg.api_host = host;
      cfg.api_port = *p;
    } else {
      report.add("api.listen", "expected \"host:port\" like \"127.0.0.1:8640\" (port 0-65535), got " +
                                   describe(*listen, "api.listen", report));
    }
  }
  if (const Value* body = member(&api, "max_body")) {
    auto size = parse_size(*body);
    if (!size || *size < 1024)
      report.add("api.max_body", "expected a size of at least 1KB like \"64KB\" or \"1MB\", got " +
                                     describe(*body, "api.max_body", report));
    else cfg.api_max_body = *size;
  }
  if (const Value* rate = member(&api, "rate_limit_per_minute")) {
    if (rate->IsInt()) cfg.api_rate_limit_per_minute = rate->GetInt();
    else report.add("api.rate_limit_per_minute", "expected an integer of at most " +
                                                     std::to_string(std::numeric_limits<int>::max()) + ", got " +
                                                     describe(*rate, "api.rate_limit_per_minute", report));
  }
}

void read_agents(const Value& agents, Config& cfg, Report& report) {
  std::map<std::string, size_t> seen;
  for (rapidjson::SizeType i = 0; i < agents.Size(); ++i) {
    const Value& a = agents[i];
    AgentConfig agent{str(a["id"]), str(a["key_sha256"])};
    const std::string path = report.item_path("agents", i) + ".id";
    if (auto [it, fresh] = seen.emplace(agent.id, i); !fresh)
      report.add(path, "expected a unique agent id, got " + describe(a["id"], path, report) + " again (as " +
                           report.item_path("agents", it->second) + ")");
    cfg.agents.push_back(std::move(agent));
  }
}

void read_queues(const Value& q, Config& cfg, Report& report) {
  if (auto d = duration_at(q, "lease", "queues", std::chrono::seconds(1), true, report)) cfg.store.lease = *d;
  if (auto d = duration_at(q, "dedup_ttl", "queues", std::chrono::seconds(1), true, report))
    cfg.store.dedup_ttl = std::chrono::ceil<std::chrono::seconds>(*d);
  if (const Value* prefix = member(&q, "prefix")) cfg.store.prefix = str(*prefix);
  if (const Value* warn = member(&q, "sla_warn_at")) cfg.sla_warn_at = warn->GetDouble();
  if (const Value* sla = member(&q, "sla")) {
    cfg.sla_first_response.clear();
    for (int p = 0; p <= 3; ++p) {
      const std::string key = "p" + std::to_string(p);
      if (auto d = duration_at(*sla, key.c_str(), "queues.sla", milliseconds(0), true, report))
        cfg.sla_first_response[p] = *d;
    }
  }
}

std::string known_types() {
  std::string list;
  for (const auto& t : connector_types()) list += (list.empty() ? "" : ", ") + json_quoted(t.type);
  return list;
}

void read_sources(Value& sources, Config& cfg, Report& report, rapidjson::Document::AllocatorType& alloc) {
  std::map<std::string, size_t> names;
  for (rapidjson::SizeType i = 0; i < sources.Size(); ++i) {
    Value& s = sources[i];
    const std::string path = report.item_path("sources", i);
    SourceConfig sc;
    sc.name = str(s["name"]);
    sc.type = str(s["type"]);
    if (auto [it, fresh] = names.emplace(sc.name, i); !fresh)
      report.add(path + ".name", "expected a unique source name, got " + describe(s["name"], path + ".name", report) +
                                     " again (as " + report.item_path("sources", it->second) + ")");
    if (auto d = duration_at(s, "interval", path, milliseconds(0), true, report)) sc.interval = *d;
    if (const Value* enabled = member(&s, "enabled")) sc.enabled = enabled->GetBool();

    if (report.removed.count(path + ".options")) {  // not an object: already reported
      cfg.sources.push_back(std::move(sc));
      continue;
    }
    if (!s.HasMember("options")) s.AddMember("options", Value(rapidjson::kObjectType), alloc);
    Value& options = s["options"];
    const CompiledSchema* schema = options_schema(sc.type);
    if (!schema) {
      report.add(path + ".type", "expected a connector type, one of " + known_types() + ", got " +
                                     describe(s["type"], path + ".type", report));
    } else if (validate(options, *schema, path + ".options", report)) {
      sc.options_json = json_text(options);
    }
    cfg.sources.push_back(std::move(sc));
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
  Report report{errors, {}, {}, {}, {}};

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
  if (!validate(doc, config_schema(), "", report)) return std::nullopt;

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

  if (const Value* log = member(&doc, "log"))
    if (const Value* level = member(log, "level")) cfg.log_level = str(*level);
  if (const Value* dir = member(&doc, "state_dir")) cfg.state_dir = absolute_path(cfg.base_dir, str(*dir));
  if (const Value* redis = member(&doc, "redis")) read_redis(*redis, cfg, report);
  if (const Value* api = member(&doc, "api")) read_api(*api, cfg, report);
  if (const Value* agents = member(&doc, "agents")) read_agents(*agents, cfg, report);
  if (const Value* queues = member(&doc, "queues")) read_queues(*queues, cfg, report);
  if (const Value* brand = member(&doc, "brand"))
    if (const Value* handles = member(brand, "handles"))
      for (const auto& h : handles->GetArray()) cfg.brand_handles.push_back(str(h));
  if (const Value* rules = member(&doc, "rules")) cfg.rules_path = absolute_path(cfg.base_dir, str(*rules));
  if (doc.HasMember("sources")) read_sources(doc["sources"], cfg, report, doc.GetAllocator());

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

}  // namespace carewatch
