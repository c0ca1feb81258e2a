#include "daemon/config/schema_messages.h"

#include <vector>

#include "daemon/config/json_schema.h"
#include "daemon/config/redaction.h"

namespace carewatch {

namespace {

using rapidjson::Value;

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

std::string pattern_phrase(const std::string& pattern) {
  if (pattern == "^[A-Za-z0-9_.-]+$") return "letters, digits, '_', '.' and '-' only";
  if (pattern == "^[a-z0-9_.-]+$") return "lower-case letters, digits, '_', '.' and '-' only";
  if (pattern == "^[0-9a-f]{64}$") return "64 lower-case hex characters (a SHA-256)";
  return "a string matching " + pattern;
}


std::string number_of(const Value* schema, const char* name) {
  const Value* n = json_member(schema, name);
  return n ? json_text(*n) : "?";
}

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

// "one of "a", "b"" from the schema's enum.
std::string one_of_enum(const Value* schema) {
  std::string list;
  if (const Value* e = json_member(schema, "enum"); e && e->IsArray())
    for (const auto& item : e->GetArray()) list += (list.empty() ? "" : ", ") + json_text(item);
  return "one of " + list;
}

std::string expected(const std::string& what, const std::string& got) { return "expected " + what + ", got " + got; }

// anyOf / oneOf whose alternatives each require some keys (the common shape: "at least one of
// hashtags, search, notifications"): the lists of keys, or nothing for another shape.
std::vector<std::string> required_alternatives(const Value* alternatives) {
  std::vector<std::string> keys;
  if (!alternatives || !alternatives->IsArray() || alternatives->Empty()) return {};
  for (const auto& alt : alternatives->GetArray()) {
    const Value* req = json_member(&alt, "required");
    if (!req || !req->IsArray() || req->Empty()) return {};
    std::string names;
    for (const auto& r : req->GetArray())
      if (r.IsString()) names += (names.empty() ? "" : " and ") + std::string(r.GetString());
    keys.push_back(names);
  }
  return keys;
}

}  // namespace

std::string types_of(const Value* schema) {
  const Value* t = json_member(schema, "type");
  if (!t && json_member(schema, "enum")) return one_of_enum(schema);
  if (!t) return "a value";
  if (t->IsString()) return type_phrase(t->GetString());
  std::string out;
  if (t->IsArray())
    for (const auto& e : t->GetArray())
      if (e.IsString()) out += (out.empty() ? "" : " or ") + type_phrase(e.GetString());
  return out.empty() ? "a value" : out;
}

std::string keyword_message(const std::string& keyword, const Value* schema, const Value& value,
                            const std::string& got) {
  if (keyword == "type") return expected(types_of(schema), got);
  if (keyword == "enum") return expected(one_of_enum(schema), got);
  if (keyword == "const") {
    const Value* c = json_member(schema, "const");
    return expected(c ? json_text(*c) : "the one allowed value", got);
  }
  if (keyword == "pattern") {
    const Value* p = json_member(schema, "pattern");
    return expected(p && p->IsString() ? pattern_phrase(p->GetString()) : "a string matching the pattern", got);
  }
  if (keyword == "minLength") {
    const Value* n = json_member(schema, "minLength");
    if (n && n->IsUint() && n->GetUint() == 1) return expected("a non-empty string", got);
    return expected("a string of at least " + number_of(schema, "minLength") + " characters", got);
  }
  if (keyword == "maxLength") return expected("a string of at most " + number_of(schema, "maxLength") + " characters", got);
  if (keyword == "minimum" || keyword == "maximum") {
    const bool min = keyword == "minimum";
    const Value* ex = json_member(schema, min ? "exclusiveMinimum" : "exclusiveMaximum");
    const bool exclusive = ex && ex->IsBool() && ex->GetBool();
    const char* op = min ? (exclusive ? " > " : " >= ") : (exclusive ? " < " : " <= ");
    return expected(types_of(schema) + op + number_of(schema, keyword.c_str()), got);
  }
  if (keyword == "multipleOf") return expected("a multiple of " + number_of(schema, "multipleOf"), got);
  const size_t count = value.IsArray() ? value.Size() : value.IsObject() ? value.MemberCount() : 0;
  if (keyword == "minItems") return expected("at least " + number_of(schema, "minItems") + " items", plural(count, "item"));
  if (keyword == "maxItems" || keyword == "additionalItems")
    return expected("at most " + number_of(schema, "maxItems") + " items", plural(count, "item"));
  if (keyword == "uniqueItems") return expected("unique items", "a repeated item");
  if (keyword == "minProperties")
    return expected("at least " + number_of(schema, "minProperties") + " keys", plural(count, "key"));
  if (keyword == "maxProperties")
    return expected("at most " + number_of(schema, "maxProperties") + " keys", plural(count, "key"));
  if (keyword == "dependencies") {
    std::string list;
    if (const Value* d = json_member(schema, "dependencies"); d && d->IsObject())
      for (const auto& m : d->GetObject()) list += (list.empty() ? "" : ", ") + std::string(m.name.GetString());
    return expected("the keys that " + list + " depend on", got);
  }
  if (keyword == "anyOf" || keyword == "oneOf") {
    const auto keys = required_alternatives(json_member(schema, keyword.c_str()));
    if (!keys.empty() && value.IsObject()) {
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

std::string unknown_key_message(const std::string& key, const Value* schema) {
  std::string known;
  if (const Value* props = json_member(schema, "properties"); props && props->IsObject())
    for (const auto& p : props->GetObject()) known += (known.empty() ? "" : ", ") + std::string(p.name.GetString());
  return "unknown key " + json_quoted(key) +
         (known.empty() ? std::string(" (no keys allowed here)") : " (known keys: " + known + ")");
}

}  // namespace carewatch
