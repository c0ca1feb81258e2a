// Connector options: the one typed reader (connectors/options/option_reader.h), the registry's
// reading of every connector type's options, and the README tables generated from the schemas.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "connectors/options/option_reader.h"
#include "connectors/options/options_table.h"
#include "connectors/registry.h"

namespace carewatch {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

const char* const kSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "required": ["name"],
  "properties": {
    "name": {"type": "string", "description": "A name."},
    "count": {"type": "integer", "minimum": 1, "maximum": 9, "default": 3, "description": "How many | at most."},
    "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "default": 0.5, "description": "A ratio."},
    "on": {"type": "boolean", "default": true, "description": "On or off."},
    "tags": {"type": "array", "items": {"type": "string"}, "default": [], "description": "Tags."},
    "wait": {"type": ["string", "integer"], "minimum": 1000, "maximum": 60000, "default": "5s",
             "description": "A wait: a duration or milliseconds."},
    "delay": {"type": "string", "default": "1m30s", "description": "A delay."},
    "file": {"type": "string", "description": "A file, relative to the configuration's directory."},
    "mode": {"enum": ["a", "b"], "description": "<mode> of it."}
  }
})";

struct Example {
  std::string name;
  int count = 0;
  double ratio = 0;
  bool on = false;
  std::vector<std::string> tags;
  milliseconds wait{};
  milliseconds delay{};
  std::optional<OptionPath> file;
  std::optional<std::string> mode;

  void read(OptionReader& r) {
    r.read("name", name);
    r.read("count", count);
    r.read("ratio", ratio);
    r.read("on", on);
    r.read("tags", tags);
    r.read("wait", wait);
    r.read("delay", delay);
    r.read("file", file);
    r.read("mode", mode);
  }
};

// Reads `json`; returns the error ("" when none).
std::string read_example(const std::string& json, Example& e, const std::string& base_dir = "/etc/carewatch") {
  OptionReader r(json, kSchema, base_dir);
  e.read(r);
  std::string error;
  r.finish(error);
  return error;
}

TEST(OptionReader, AbsentOptionsGetTheSchemasDefaultsReadLikeConfiguredOnes) {
  Example e;
  ASSERT_EQ(read_example(R"({"name": "x"})", e), "");
  EXPECT_EQ(e.name, "x");
  EXPECT_EQ(e.count, 3);
  EXPECT_EQ(e.ratio, 0.5);
  EXPECT_TRUE(e.on);
  EXPECT_TRUE(e.tags.empty());
  EXPECT_EQ(e.wait, milliseconds(5000));   // "5s", parsed as a configured duration would be
  EXPECT_EQ(e.delay, milliseconds(90000));
  EXPECT_FALSE(e.file);                    // no default: a std::optional stays empty
  EXPECT_FALSE(e.mode);
}

TEST(OptionReader, ConfiguredValuesAreRead) {
  Example e;
  ASSERT_EQ(read_example(R"({"name": "x", "count": 9, "ratio": 2, "on": false, "tags": ["a", "b"], "wait": 1500,
                             "delay": "2h", "file": "m.jsonl", "mode": "b"})",
                         e),
            "");
  EXPECT_EQ(e.count, 9);
  EXPECT_EQ(e.ratio, 2.0);
  EXPECT_FALSE(e.on);
  EXPECT_EQ(e.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(e.wait, milliseconds(1500));  // an integer of milliseconds: the schema allows "integer"
  EXPECT_EQ(e.delay, milliseconds(7200000));
  ASSERT_TRUE(e.file);
  EXPECT_EQ(e.file->configured, "m.jsonl");
  EXPECT_EQ(e.file->resolved, (fs::path("/etc/carewatch") / "m.jsonl").string());
  EXPECT_EQ(e.mode, "b");

  ASSERT_EQ(read_example(R"({"name": "x", "file": "/var/m.jsonl"})", e), "");
  EXPECT_EQ(e.file->resolved, "/var/m.jsonl");
  ASSERT_EQ(read_example(R"({"name": "x", "file": "m.jsonl"})", e, ""), "");
  EXPECT_EQ(e.file->resolved, "m.jsonl");
}

TEST(OptionReader, ErrorsNameTheOptionAndWhatWasExpected) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({})", "options.name: required"},
      {R"({"name": 1})", "options.name: expected a string, got 1"},
      {R"({"name": "x", "count": "3"})", "options.count: expected an integer, got \"3\""},
      {R"({"name": "x", "count": 2.5})", "options.count: expected an integer, got 2.5"},
      {R"({"name": "x", "ratio": true})", "options.ratio: expected a number, got true"},
      {R"({"name": "x", "on": "yes"})", "options.on: expected true or false, got \"yes\""},
      {R"({"name": "x", "tags": "a"})", "options.tags: expected an array of strings, got \"a\""},
      {R"({"name": "x", "tags": ["a", {}]})", "options.tags[1]: expected a string, got an object"},
      {R"({"name": "x", "wait": "soon"})",
       "options.wait: expected a duration from 1s to 1m like \"10s\", \"500ms\" or \"2m\", or an integer of "
       "milliseconds, got \"soon\""},
      {R"({"name": "x", "wait": "2m"})", "options.wait: expected a duration from 1s to 1m like"},
      {R"({"name": "x", "wait": 999})", "options.wait: expected a duration from 1s to 1m like"},
      {R"({"name": "x", "delay": 5})", "options.delay: expected a duration like \"10s\", \"500ms\" or \"2m\", got 5"},
      {R"({"name": "x", "delay": "30s1m"})", "options.delay: expected a duration like"},
      {R"({"name": "x", "file": ""})", "options.file: expected a file name, got \"\""},
      {R"({"name": "x", "nmae": 1})",
       "options.nmae: unknown option (known: name, count, ratio, on, tags, wait, delay, file, mode)"},
      {R"([])", "options: expected an object, got an array"},
      {R"({"name": )", "options: invalid JSON at offset 9"},
  };
  for (const auto& [json, expected] : cases) {
    Example e;
    const std::string error = read_example(json, e);
    EXPECT_EQ(error.rfind(expected, 0), 0u) << json << "\n  gave: " << error << "\n  expected: " << expected;
  }
  Example e;
  EXPECT_EQ(read_example("", e), "options.name: required");  // no options at all: {}
}

TEST(OptionReader, AConnectorOutOfStepWithItsSchemaIsABug) {
  struct Unknown {
    std::string x;
    void read(OptionReader& r) { r.read("not_in_schema", x); }
  };
  struct NoDefault {
    std::string mode;  // the schema has no default: must be a std::optional
    void read(OptionReader& r) { r.read("mode", mode); }
  };
  struct Forgets {
    std::string name;
    void read(OptionReader& r) { r.read("name", name); }
  };
  std::string error;
  OptionReader a(R"({"name": "x"})", kSchema, "");
  Unknown{}.read(a);
  EXPECT_FALSE(a.finish(error));
  EXPECT_EQ(error, "options.not_in_schema: not in the connector's schema.json (a connector bug)");
  OptionReader b(R"({"name": "x"})", kSchema, "");
  NoDefault{}.read(b);
  EXPECT_FALSE(b.finish(error));
  EXPECT_EQ(error.rfind("options.mode: schema.json gives no default", 0), 0u) << error;
  OptionReader c(R"({"name": "x", "count": 2})", kSchema, "");
  Forgets{}.read(c);
  EXPECT_FALSE(c.finish(error));
  EXPECT_EQ(error, "options.count: in the schema but not read by the connector (a connector bug)");
}

TEST(OptionReader, FailNamesTheOptionAndTheFirstProblemWins) {
  OptionReader r(R"({"name": "x"})", kSchema, "");
  r.fail("name", "first");
  r.fail("count", "second");
  std::string error;
  EXPECT_FALSE(r.finish(error));
  EXPECT_EQ(error, "options.name: first");
}

// Every connector type, built through the registry with every option of its schema set: each
// option is read (the reader refuses options nothing read), and each schema describes each option.
TEST(ConnectorTypes, EveryOptionOfEverySchemaIsRead) {
  const fs::path dir = fs::temp_directory_path() / ("carewatch-connector-options-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "m.jsonl") << "";
  std::ofstream(dir / "plugin.sh") << "#!/bin/sh\n";
  fs::permissions(dir / "plugin.sh", fs::perms::owner_all);
  const std::map<std::string, std::string> every_option = {
      {"replay", R"({"path": "m.jsonl", "pace": "timestamps", "speed": 2, "batch_size": 10, "rebase_time": false,
                     "platform": "x"})"},
      {"mastodon", R"({"instance": "https://mastodon.example", "access_token": "t", "hashtags": ["a"],
                       "notifications": true, "search": ["q"], "limit": 10, "max_pages": 2, "timeout": "5s",
                       "max_characters": 1000})"},
      {"exec", R"({"program": "plugin.sh", "args": ["--quiet"], "settings": {"board": "support"},
                   "env": {"FORUM_KEY": "k"}, "platform": "forum", "timeout": "30s", "kill_grace": "2s",
                   "max_mentions": 100, "max_line_bytes": 65536})"},
      {"youtube", R"({"base_url": "https://yt.example/youtube/v3", "channel_id": "UCacmeAir0000000000000AA",
                      "api_key": "k", "quota_per_day": 5000, "page_size": 50, "max_pages": 3, "timeout": "5s",
                      "oauth_client_id": "id", "oauth_client_secret": "s", "oauth_refresh_token": "r",
                      "token_url": "https://oauth.example/token", "max_characters": 5000})"},
      {"reddit", R"x({"base_url": "https://oauth.reddit.com", "auth_url": "https://www.reddit.com", "client_id": "i",
                     "client_secret": "s", "username": "acmecare", "password": "p",
                     "user_agent": "linux:acme-care:1.0 (by /u/acmecare)", "subreddits": ["acmeair"],
                     "search": ["acme air"], "mentions": true, "page_size": 50, "max_pages": 3, "timeout": "5s"})x"},
      {"rss", R"({"feeds": ["Acme https://reviews.example/acme.rss"], "platform": "reviewsite", "max_items": 50,
                  "max_bytes": 100000, "user_agent": "carewatch test", "rating_field": "rating",
                  "rating_pattern": "([1-5]) stars?", "window": "7d", "backfill": true, "timeout": "5s"})"},
      {"hackernews", R"({"base_url": "https://hn.example/api/v1", "terms": ["acme"], "tags": ["story"],
                         "hits_per_page": 50, "max_pages": 2, "backfill": "1d", "timeout": "5s"})"},
      {"x", R"({"base_url": "https://api.x.com", "bearer_token": "b", "user_id": "1590000000000000001",
                "search": ["acme"], "max_posts_per_day": 1000, "max_results": 50, "max_pages": 2,
                "timeout": "5s", "consumer_key": "k", "consumer_secret": "s", "access_token": "t",
                "access_token_secret": "u"})"},
      {"appstore", R"({"base_url": "https://itunes.apple.com", "app_id": "1234567890", "countries": ["us", "gb"],
                       "max_pages": 3, "timeout": "5s", "connect_base_url": "https://api.appstoreconnect.apple.com",
                       "issuer_id": "i", "key_id": "k", "private_key": "p", "private_key_path": "AuthKey_k.p8"})"},
      {"googleplay", R"({"base_url": "https://androidpublisher.googleapis.com",
                         "token_url": "https://oauth2.googleapis.com/token", "package_name": "com.acmeair.app",
                         "service_account_key": "{}", "service_account_key_path": "key.json", "max_pages": 2,
                         "page_size": 50, "translation_language": "en", "timeout": "5s"})"},
      {"bluesky", R"({"base_url": "https://bsky.example", "identifier": "acme.bsky.social", "app_password": "a-b-c-d",
                      "notifications": true, "search_terms": ["acme"], "page_size": 10, "max_pages": 2,
                      "timeout": "5s", "max_graphemes": 300})"},
  };
  for (const auto& t : connector_types()) {
    SCOPED_TRACE(t.type);
    ASSERT_TRUE(every_option.count(t.type)) << "add an example with every option of " << t.type;
    rapidjson::Document schema, example;
    schema.Parse(t.options_schema);
    ASSERT_FALSE(schema.HasParseError());
    example.Parse(every_option.at(t.type).c_str());
    for (const auto& p : schema["properties"].GetObject()) {
      EXPECT_TRUE(example.HasMember(p.name)) << p.name.GetString();
      EXPECT_TRUE(p.value.HasMember("description")) << p.name.GetString();
    }
    std::string error;
    EXPECT_TRUE(t.create({"s", t.type, every_option.at(t.type), dir.string()}, make_cpprest_http_client(), error))
        << error;
  }
  fs::remove_all(dir);
}

// ---- the README's tables ----------------------------------------------------------------------

TEST(ConnectorOptionTables, RenderNamesTypesDefaultsAndDescriptions) {
  EXPECT_EQ(options_table(kSchema),
            "| option | type | default | meaning |\n"
            "|---|---|---|---|\n"
            "| `name` | string | required | A name. |\n"
            "| `count` | integer, 1 to 9 | `3` | How many \\| at most. |\n"
            "| `ratio` | number, &gt; 0 | `0.5` | A ratio. |\n"
            "| `on` | boolean | `true` | On or off. |\n"
            "| `tags` | array of strings | `[]` | Tags. |\n"
            "| `wait` | string or integer | `\"5s\"` | A wait: a duration or milliseconds. |\n"
            "| `delay` | string | `\"1m30s\"` | A delay. |\n"
            "| `file` | string | \xE2\x80\x94 | A file, relative to the configuration's directory. |\n"
            "| `mode` | `\"a\"` \\| `\"b\"` | \xE2\x80\x94 | &lt;mode&gt; of it. |\n");
}

std::string read_readme() {
  std::ifstream f(std::string(CAREWATCH_SOURCE_DIR) + "/README.md", std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(ConnectorOptionTables, TheReadmesTablesAreTheSchemas) {
  const std::string readme = read_readme();
  ASSERT_FALSE(readme.empty());
  std::string error;
  const auto generated = with_options_tables(readme, error);
  ASSERT_TRUE(generated) << error;
  EXPECT_TRUE(*generated == readme)
      << "README.md's connector option tables differ from the schemas: run scripts/connector-options-table";
}

TEST(ConnectorOptionTables, ADisagreementIsFound) {
  const std::string readme = read_readme();
  std::string error;
  // A description edited in the README only, and a table row lost.
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"Lines read per poll at most.", "Lines read per poll."},
           {"| `max_pages` |", "| `max_page` |"}}) {
    std::string edited = readme;
    const size_t at = edited.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    edited.replace(at, from.size(), to);
    const auto generated = with_options_tables(edited, error);
    ASSERT_TRUE(generated) << error;
    EXPECT_NE(*generated, edited) << from;
    EXPECT_EQ(*generated, *with_options_tables(readme, error));
  }
  // A connector type without a table.
  std::string no_table = readme;
  const size_t begin = no_table.find("<!-- options of mastodon:");
  ASSERT_NE(begin, std::string::npos);
  no_table.erase(begin, 4);
  EXPECT_FALSE(with_options_tables(no_table, error));
  EXPECT_NE(error.find("\"mastodon\""), std::string::npos) << error;
}

}  // namespace
}  // namespace carewatch
