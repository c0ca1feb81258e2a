// The reusable schema validator (valijson underneath): every error at once, in document order,
// under a path prefix, each one line; combinators reported once; values shown through the caller.
#include "daemon/config/json_schema.h"

#include <gtest/gtest.h>

#include "daemon/config/redaction.h"

namespace carewatch {
namespace {

const char* const kSchema = R"({
  "$schema": "http://json-schema.org/draft-04/schema#",
  "type": "object",
  "additionalProperties": false,
  "required": ["name", "kind"],
  "definitions": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}},
  "properties": {
    "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"},
    "kind": {"enum": ["a", "b"]},
    "port": {"$ref": "#/definitions/port"},
    "tags": {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": true, "maxItems": 3},
    "api_token": {"type": "string", "minLength": 8},
    "feeds": {
      "type": "object",
      "additionalProperties": false,
      "anyOf": [{"required": ["rss"]}, {"required": ["atom"]}],
      "properties": {"rss": {"type": "string"}, "atom": {"type": "string"}, "every": {"type": "string"}}
    }
  }
})";

struct Validated {
  std::vector<SchemaError> errors;
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& e : errors) out.push_back(e.path + ": " + e.message);
    return out;
  }
};

Validated validate(const std::string& json, const std::string& prefix = "opts") {
  static const JsonSchema schema(kSchema);
  EXPECT_EQ(schema.error(), "");
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return {schema.validate(doc, prefix, redacted)};
}

TEST(JsonSchema, ValidValueHasNoErrors) {
  EXPECT_TRUE(validate(R"({"name": "x", "kind": "a", "port": 80, "tags": ["t"], "feeds": {"rss": "u"}})").errors.empty());
}

TEST(JsonSchema, EveryErrorInDocumentOrderUnderThePrefix) {
  EXPECT_EQ(validate(R"({"tags": ["ok", ""], "port": 0, "name": "a b", "kind": "c"})").lines(),
            (std::vector<std::string>{
                R"(opts.tags[1]: expected a non-empty string, got "")",
                "opts.port: expected an integer >= 1, got 0",
                R"(opts.name: expected letters, digits, '_', '.' and '-' only, got "a b")",
                R"(opts.kind: expected one of "a", "b", got "c")",
            }));
}

TEST(JsonSchema, MissingRequiredKeysInTheSchemasOrderAfterTheOthers) {
  const auto v = validate(R"({"port": 99999})", "");
  EXPECT_EQ(v.lines(), (std::vector<std::string>{"port: expected an integer <= 65535, got 99999",
                                                 "name: expected a string (required), got nothing",
                                                 R"(kind: expected one of "a", "b" (required), got nothing)"}))
      << "a key without a type is described by its enum";
  ASSERT_EQ(v.errors.size(), 3u);
  EXPECT_EQ(v.errors[1].invalid, SchemaError::Invalid::object_missing_key);
  EXPECT_TRUE(v.errors[1].where.empty()) << "the object lacking the key is the validated value";
}

TEST(JsonSchema, EveryUnknownKeyOfAnObject) {
  const auto v = validate(R"({"name": "x", "kind": "a", "colour": 1, "size": 2})");
  EXPECT_EQ(v.lines(),
            (std::vector<std::string>{
                R"(opts: unknown key "colour" (known keys: name, kind, port, tags, api_token, feeds))",
                R"(opts: unknown key "size" (known keys: name, kind, port, tags, api_token, feeds))"}));
  ASSERT_EQ(v.errors.size(), 2u);
  EXPECT_EQ(v.errors[1].invalid, SchemaError::Invalid::unknown_member);
  EXPECT_EQ(v.errors[1].where, std::vector<JsonStep>{std::string("size")});
}

TEST(JsonSchema, AnyOfIsReportedOnceAsItselfNotWithItsAlternatives) {
  EXPECT_EQ(validate(R"({"name": "x", "kind": "a", "feeds": {"every": "1h"}})").lines(),
            (std::vector<std::string>{
                "opts.feeds: expected at least one of rss, atom, got an object without a valid one"}));
  // Another error inside the object comes first; the anyOf is most likely its consequence.
  EXPECT_EQ(validate(R"({"name": "x", "kind": "a", "feeds": {"rss": 7}})").lines(),
            (std::vector<std::string>{"opts.feeds.rss: expected a string, got 7"}));
}

TEST(JsonSchema, ArrayKeywordsAndPathsOfItems) {
  const auto v = validate(R"({"name": "x", "kind": "a", "tags": ["a", "a", "b", "c"]})");
  EXPECT_EQ(v.lines(), (std::vector<std::string>{"opts.tags: expected at most 3 items, got 4 items",
                                                 "opts.tags: expected unique items, got a repeated item"}));
  const auto item = validate(R"({"name": "x", "kind": "a", "tags": [5]})");
  ASSERT_EQ(item.errors.size(), 1u);
  EXPECT_EQ(item.errors[0].where, (std::vector<JsonStep>{std::string("tags"), size_t{0}}));
}

TEST(JsonSchema, ValuesAreShownThroughTheCallerSoSecretsStayHidden) {
  EXPECT_EQ(validate(R"({"name": "x", "kind": "a", "api_token": "short"})").lines(),
            (std::vector<std::string>{
                "opts.api_token: expected a string of at least 8 characters, got a string of 5 characters (not shown)"}));
}

TEST(JsonSchema, ABrokenSchemaIsReportedForEveryValue) {
  const JsonSchema broken("{not json");
  EXPECT_NE(broken.error(), "");
  rapidjson::Document doc;
  doc.Parse("{}");
  const auto errors = broken.validate(doc, "sources[0].options", redacted);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "sources[0].options");
  EXPECT_EQ(errors[0].message.rfind("schema is not valid JSON", 0), 0u) << errors[0].message;
}

}  // namespace
}  // namespace carewatch
