// A JSON schema (draft 4), compiled once with valijson, that validates RapidJSON values and reports
// every error as one readable line "expected X, got Y" with the path of the value, in the order
// the values appear in the document. Used for the configuration file and for each source's options
// against its connector type's schema.
#pragma once

#include <rapidjson/document.h>

#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace valijson {
class Schema;
}

namespace carewatch {

// One step from a value to one inside it: a member name or an array index.
using JsonStep = std::variant<std::string, size_t>;

struct SchemaError {
  // What is wrong, for a caller that drops it and reads on: the value at `where` (wrong type,
  // enum, pattern, ...); the object at `where`, which lacks a required key; or the member `where`
  // names (a key the schema does not know).
  enum class Invalid { value, object_missing_key, unknown_member };
  Invalid invalid = Invalid::value;
  std::vector<JsonStep> where;  // from the validated value
  std::string path;             // as shown: "sources[2].interval", the prefix included
  std::string message;          // "expected a string, got 7", "unknown key \"x\" (known keys: a, b)"
};

// How a value is shown after "got ", given its path as shown (for redaction, and for values that
// came from the environment, shown as written).
using ShowValue = std::function<std::string(const rapidjson::Value&, const std::string& path)>;

class JsonSchema {
 public:
  // Compiles `text`; a schema that does not compile (a build defect) sets error() and then reports
  // that error for every value validated.
  explicit JsonSchema(const char* text);
  ~JsonSchema();
  JsonSchema(const JsonSchema&) = delete;
  JsonSchema& operator=(const JsonSchema&) = delete;

  const std::string& error() const { return error_; }

  // Every error of `value`, in document order; paths start with `prefix` ("" = top level).
  std::vector<SchemaError> validate(const rapidjson::Value& value, const std::string& prefix,
                                    const ShowValue& show) const;

 private:
  rapidjson::Document json_;                  // the schema itself, to phrase messages from
  std::unique_ptr<valijson::Schema> schema_;  // compiled
  std::string error_;
};

// Display paths: "a" + "b" -> "a.b" ("" + "b" -> "b"); "a" + 2 -> "a[2]".
// The member `name` of `obj`, or nullptr when `obj` is not an object or has no such member.
const rapidjson::Value* json_member(const rapidjson::Value* obj, const char* name);

std::string child_path(const std::string& parent, const std::string& key);
std::string index_path(const std::string& parent, size_t i);

}  // namespace carewatch
