// valijson does the validation; what it reports (the path of each failure and a description) is
// turned into carewatch's messages here. valijson stays in this one translation unit.
//
// valijson's descriptions name the failed constraint; this file maps them back to the keyword and
// phrases the message from the schema node that applies at the error's path. It also reports
// every unknown key of an object (valijson names the first), leaves out the wrapper errors
// valijson adds on every ancestor of a failure ("Failed to validate item #2 ..."), and reports a
// failed anyOf / oneOf / not / if once, as itself, not with the failures of its alternatives.
#include "daemon/config/json_schema.h"

#include <rapidjson/error/en.h>
#include <rapidjson/pointer.h>

#include <valijson/adapters/rapidjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <limits>
#include <cstdlib>
#include <regex>
#include <set>

#include "daemon/config/schema_messages.h"

namespace carewatch {

namespace {

using rapidjson::Value;

// What one valijson description says failed.
struct Failure {
  enum class Kind { wrapper, keyword, required, unknown_key } kind = Kind::wrapper;
  std::string keyword;   // for Kind::keyword
  std::string key;       // for required / unknown_key: the key named in the description
};

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The name between the last pair of single quotes: "Missing required property 'type'." -> "type".
std::string quoted_name(const std::string& s) {
  const size_t close = s.rfind('\'');
  const size_t open = close == std::string::npos || close == 0 ? std::string::npos : s.rfind('\'', close - 1);
  return open == std::string::npos ? std::string() : s.substr(open + 1, close - open - 1);
}

Failure classify(const std::string& d) {
  auto kw = [](const char* k) { return Failure{Failure::Kind::keyword, k, {}}; };
  // On every ancestor of a failure; the failure itself is reported where it is.
  if (starts_with(d, "Failed to validate item #") || starts_with(d, "Failed to validate against schema associated with") ||
      starts_with(d, "Failed to validate against additional properties schema") ||
      starts_with(d, "Failed to validate against child schema #"))
    return {};
  if (starts_with(d, "Missing required property '")) return {Failure::Kind::required, {}, quoted_name(d)};
  if (starts_with(d, "Object contains a property that could not be validated"))
    return {Failure::Kind::unknown_key, {}, quoted_name(d)};
  if (starts_with(d, "Value type not permitted")) return kw("type");
  if (starts_with(d, "Failed to match against any enum")) return kw("enum");
  if (starts_with(d, "Failed to match expected value set by 'const'")) return kw("const");
  if (starts_with(d, "Failed to match regex")) return kw("pattern");
  if (starts_with(d, "String should be no fewer than")) return kw("minLength");
  if (starts_with(d, "String should be no more than")) return kw("maxLength");
  if (starts_with(d, "String should be a valid")) return kw("format");
  if (starts_with(d, "Expected number greater than")) return kw("minimum");
  if (starts_with(d, "Expected number less than")) return kw("maximum");
  if (starts_with(d, "Array should contain no fewer than")) return kw("minItems");
  if (starts_with(d, "Array should contain no more than")) return kw("maxItems");
  if (starts_with(d, "Array contains more items than allowed") || starts_with(d, "Cannot validate item #"))
    return kw("additionalItems");
  if (starts_with(d, "Elements at indexes #")) return kw("uniqueItems");
  if (starts_with(d, "Object should have no fewer than")) return kw("minProperties");
  if (starts_with(d, "Object should have no more than")) return kw("maxProperties");
  if (starts_with(d, "Value should be a multiple of") || starts_with(d, "Value could not be converted"))
    return kw("multipleOf");
  if (starts_with(d, "Missing dependency") || starts_with(d, "Failed to validate against dependent schema"))
    return kw("dependencies");
  if (starts_with(d, "Failed to validate against any schemas allowed by anyOf")) return kw("anyOf");
  if (starts_with(d, "Failed to validate against any child schemas allowed by oneOf") ||
      starts_with(d, "Failed to validate against exactly one child schema"))
    return kw("oneOf");
  if (starts_with(d, "Target should not validate against schema specified in 'not'")) return kw("not");
  if (starts_with(d, "Failed to validate against a conditional schema")) return kw("if");
  if (starts_with(d, "Failed to any values against subschema in 'contains'")) return kw("contains");
  return {Failure::Kind::keyword, d, {}};  // unknown to this file: valijson's own words
}

bool is_combinator(const Failure& f) {
  return f.kind == Failure::Kind::keyword &&
         (f.keyword == "anyOf" || f.keyword == "oneOf" || f.keyword == "not" || f.keyword == "if");
}

// valijson's context ("<root>", "[sources]", "[2]") without its root entry.
std::vector<std::string> context_names(const std::vector<std::string>& context) {
  std::vector<std::string> names;
  for (size_t i = 1; i < context.size(); ++i) {
    const std::string& c = context[i];
    names.push_back(c.size() >= 2 ? c.substr(1, c.size() - 2) : c);
  }
  return names;
}

bool is_under(const std::vector<std::string>& path, const std::vector<std::string>& base) {
  return path.size() >= base.size() && std::equal(base.begin(), base.end(), path.begin());
}

struct Raw {
  std::vector<std::string> names;  // the path, as member names and indices
  Failure failure;
  bool dropped = false;
};

// Walking a value and its schema together along a valijson path.
class Walker {
 public:
  explicit Walker(const rapidjson::Document& schema) : schema_(schema) {}

  const Value* deref(const Value* s) const {
    for (int i = 0; i < 8 && s && s->IsObject(); ++i) {
      auto ref = s->FindMember("$ref");
      if (ref == s->MemberEnd() || !ref->value.IsString()) break;
      const std::string target = ref->value.GetString();
      if (target.empty() || target[0] != '#') return nullptr;
      s = rapidjson::Pointer(target.substr(1).c_str()).Get(schema_);
    }
    return s;
  }

  const Value* property(const Value* s, const std::string& key) const {
    s = deref(s);
    if (!s || !s->IsObject()) return nullptr;
    if (auto props = s->FindMember("properties"); props != s->MemberEnd() && props->value.IsObject())
      if (auto p = props->value.FindMember(key.c_str()); p != props->value.MemberEnd()) return deref(&p->value);
    if (auto pats = s->FindMember("patternProperties"); pats != s->MemberEnd() && pats->value.IsObject())
      for (const auto& p : pats->value.GetObject())
        if (std::regex_search(key, std::regex(p.name.GetString()))) return deref(&p.value);
    if (auto add = s->FindMember("additionalProperties"); add != s->MemberEnd() && add->value.IsObject())
      return deref(&add->value);
    return nullptr;
  }

  bool known(const Value* s, const std::string& key) const {
    s = deref(s);
    if (!s || !s->IsObject()) return false;
    if (auto props = s->FindMember("properties"); props != s->MemberEnd() && props->value.IsObject())
      if (props->value.HasMember(key.c_str())) return true;
    if (auto pats = s->FindMember("patternProperties"); pats != s->MemberEnd() && pats->value.IsObject())
      for (const auto& p : pats->value.GetObject())
        if (std::regex_search(key, std::regex(p.name.GetString()))) return true;
    return false;
  }

  const Value* item(const Value* s, size_t i) const {
    s = deref(s);
    if (!s || !s->IsObject()) return nullptr;
    auto items = s->FindMember("items");
    if (items == s->MemberEnd()) return nullptr;
    if (items->value.IsObject()) return deref(&items->value);
    if (items->value.IsArray() && i < items->value.Size()) return deref(&items->value[static_cast<rapidjson::SizeType>(i)]);
    auto additional = s->FindMember("additionalItems");
    return additional != s->MemberEnd() && additional->value.IsObject() ? deref(&additional->value) : nullptr;
  }

 private:
  const rapidjson::Document& schema_;
};

// An error with its place in the document, to sort by.
struct Placed {
  std::vector<size_t> position;
  SchemaError error;
};

constexpr size_t kAfterMembers = std::numeric_limits<size_t>::max() / 2;

}  // namespace

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}
const rapidjson::Value* json_member(const rapidjson::Value* obj, const char* name) {
  if (!obj || !obj->IsObject()) return nullptr;
  auto it = obj->FindMember(name);
  return it == obj->MemberEnd() ? nullptr : &it->value;
}

std::string index_path(const std::string& parent, size_t i) { return parent + "[" + std::to_string(i) + "]"; }

JsonSchema::JsonSchema(const char* text) {
  json_.Parse(text ? text : "");
  if (json_.HasParseError() || !json_.IsObject()) {
    error_ = "schema is not valid JSON (" + std::string(rapidjson::GetParseError_En(json_.GetParseError())) +
             " at offset " + std::to_string(json_.GetErrorOffset()) + ")";
    return;
  }
  try {
    auto schema = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft4);
    const valijson::adapters::RapidJsonAdapter adapter(json_);
    parser.populateSchema(adapter, *schema);
    schema_ = std::move(schema);
  } catch (const std::exception& e) {
    error_ = std::string("schema does not compile: ") + e.what();
  }
}

JsonSchema::~JsonSchema() = default;

std::vector<SchemaError> JsonSchema::validate(const Value& value, const std::string& prefix,
                                              const ShowValue& show) const {
  if (!schema_) return {SchemaError{SchemaError::Invalid::value, {}, prefix, error_}};
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  if (validator.validate(*schema_, valijson::adapters::RapidJsonAdapter(value), &results)) return {};

  std::vector<Raw> raw;
  for (const auto& e : results) {
    Failure f = classify(e.description);
    if (f.kind != Failure::Kind::wrapper) raw.push_back({context_names(e.context), std::move(f)});
  }
  // A failed combinator: valijson reports the failures of its alternatives just before it, at its
  // path or below; they are not errors of the document.
  for (size_t i = 0; i < raw.size(); ++i) {
    if (!is_combinator(raw[i].failure)) continue;
    for (size_t j = i; j-- > 0;) {
      if (!is_under(raw[j].names, raw[i].names)) break;
      if (raw[j].names == raw[i].names && is_combinator(raw[j].failure)) break;
      raw[j].dropped = true;
    }
  }
  // A combinator failing where another error is also reported is most likely a consequence of
  // that error: reported once the other is fixed.
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i].dropped || !is_combinator(raw[i].failure)) continue;
    for (size_t j = 0; j < raw.size(); ++j)
      if (j != i && !raw[j].dropped && !is_combinator(raw[j].failure) && is_under(raw[j].names, raw[i].names)) {
        raw[i].dropped = true;
        break;
      }
  }

  const Walker walker(json_);
  std::vector<Placed> placed;
  std::set<std::vector<std::string>> listed_unknown;  // objects whose unknown keys are reported
  for (const auto& r : raw) {
    if (r.dropped) continue;
    const Value* v = &value;
    const Value* s = walker.deref(&json_);
    std::string path = prefix;
    std::vector<JsonStep> where;
    std::vector<size_t> position;
    bool found = true;
    for (const auto& name : r.names) {
      if (v->IsArray()) {
        const size_t i = std::strtoul(name.c_str(), nullptr, 10);
        if (i >= v->Size()) { found = false; break; }
        v = &(*v)[static_cast<rapidjson::SizeType>(i)];
        s = walker.item(s, i);
        path = index_path(path, i);
        where.emplace_back(i);
        position.push_back(i);
      } else if (v->IsObject()) {
        auto m = v->FindMember(name.c_str());
        if (m == v->MemberEnd()) { found = false; break; }
        position.push_back(static_cast<size_t>(m - v->MemberBegin()));
        v = &m->value;
        s = walker.property(s, name);
        path = child_path(path, name);
        where.emplace_back(name);
      } else {
        found = false;
        break;
      }
    }
    if (!found) continue;  // valijson named a value that is not there: cannot happen

    switch (r.failure.kind) {
      case Failure::Kind::required: {
        size_t rank = 0;
        if (const Value* ds = walker.deref(s); ds && ds->IsObject())
          if (auto req = ds->FindMember("required"); req != ds->MemberEnd() && req->value.IsArray())
            for (rapidjson::SizeType k = 0; k < req->value.Size(); ++k)
              if (req->value[k].IsString() && r.failure.key == req->value[k].GetString()) rank = k;
        position.push_back(kAfterMembers + rank);
        placed.push_back({position,
                          {SchemaError::Invalid::object_missing_key, where, child_path(path, r.failure.key),
                           "expected " + types_of(walker.property(s, r.failure.key)) + " (required), got nothing"}});
        break;
      }
      case Failure::Kind::unknown_key: {
        if (!v->IsObject() || !listed_unknown.insert(r.names).second) break;
        for (auto m = v->MemberBegin(); m != v->MemberEnd(); ++m) {
          const std::string key(m->name.GetString(), m->name.GetStringLength());
          if (walker.known(s, key)) continue;
          auto member_where = where;
          member_where.emplace_back(key);
          auto member_position = position;
          member_position.push_back(static_cast<size_t>(m - v->MemberBegin()));
          placed.push_back({member_position,
                            {SchemaError::Invalid::unknown_member, member_where, path,
                             unknown_key_message(key, walker.deref(s))}});
        }
        break;
      }
      case Failure::Kind::keyword:
        placed.push_back({position,
                          {SchemaError::Invalid::value, where, path,
                           keyword_message(r.failure.keyword, walker.deref(s), *v, show(*v, path))}});
        break;
      case Failure::Kind::wrapper:
        break;
    }
  }
  std::stable_sort(placed.begin(), placed.end(),
                   [](const Placed& a, const Placed& b) { return a.position < b.position; });
  std::vector<SchemaError> errors;
  for (auto& p : placed) errors.push_back(std::move(p.error));
  return errors;
}

}  // namespace carewatch
