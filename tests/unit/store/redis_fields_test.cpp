// The Redis field catalogue (daemon/store/redis_fields.def) against the Lua scripts that use it.
#include "daemon/store/redis_fields.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace carewatch {
namespace {

struct Script {
  std::string name;
  std::string code;  // comments removed
};

std::vector<Script> lua_scripts() {
  std::vector<Script> out;
  for (const auto& entry : std::filesystem::directory_iterator(CAREWATCH_SOURCE_DIR "/daemon/store/lua")) {
    if (entry.path().extension() != ".lua") continue;
    std::ifstream in(entry.path());
    std::string code;
    for (std::string line; std::getline(in, line);) code += line.substr(0, line.find("--")) + "\n";
    out.push_back({entry.path().filename().string(), code});
  }
  EXPECT_GE(out.size(), 13u);
  return out;
}

bool declared(std::string_view name, bool RedisField::*where) {
  const RedisField* f = find_redis_field(name);
  return f && f->*where;
}

// Each match of `pattern`'s first group in `code`.
std::vector<std::string> matches(const std::string& code, const std::regex& pattern) {
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(code.begin(), code.end(), pattern); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

TEST(RedisFields, ScriptsNameOnlyDeclaredFieldsThroughTheCatalogueTables) {
  const std::regex mf(R"(\bMF\.([A-Za-z_0-9]+))"), ef(R"(\bEF\.([A-Za-z_0-9]+))"), qf(R"(\bQF\.([A-Za-z_0-9]+))"),
      rf(R"(\bRF\.([A-Za-z_0-9]+))"), af(R"(\bAF\.([A-Za-z_0-9]+))"),
      sf(R"(\bSF\.([A-Za-z_0-9]+))"), nf(R"(\bNF\.([A-Za-z_0-9]+))");
  size_t uses = 0;
  for (const Script& s : lua_scripts()) {
    const std::pair<const std::regex*, bool RedisField::*> tables[] = {
        {&mf, &RedisField::in_hash}, {&ef, &RedisField::in_event}, {&qf, &RedisField::in_entry},
        {&rf, &RedisField::in_reply}, {&af, &RedisField::in_alert}, {&sf, &RedisField::in_session},
        {&nf, &RedisField::in_note}};
    for (const auto& [pattern, where] : tables) {
      for (const auto& n : matches(s.code, *pattern)) {
        EXPECT_TRUE(declared(n, where)) << s.name << ": " << n << " is not declared for that table";
        ++uses;
      }
    }
  }
  EXPECT_GT(uses, 40u);
}

// A loaded mention hash is read as h.<field> (see lua/common.lua load()): each must be declared.
TEST(RedisFields, ScriptsReadOnlyDeclaredFieldsOfAMentionHash) {
  const std::regex read(R"(\bh\.([A-Za-z_0-9]+))");
  for (const Script& s : lua_scripts())
    for (const auto& n : matches(s.code, read)) EXPECT_TRUE(declared(n, &RedisField::in_hash)) << s.name << ": h." << n;
}

// A field name written as a string literal would bypass the catalogue.
TEST(RedisFields, ScriptsDoNotSpellAFieldNameAsAStringLiteral) {
  const std::regex quoted(R"(['"]([A-Za-z_0-9]+)['"])");
  for (const Script& s : lua_scripts())
    for (const auto& n : matches(s.code, quoted))
      EXPECT_EQ(find_redis_field(n), nullptr) << s.name << ": '" << n << "' is a field: use MF/EF/QF/RF/AF/SF." << n;
}

TEST(RedisFields, TheCatalogueDeclaresEachNameOnceWithItsType) {
  std::set<std::string_view> names;
  for (const RedisField& f : redis_fields()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_TRUE(std::regex_match(std::string(f.name), std::regex("[a-z][a-z0-9_]*"))) << f.name;
    EXPECT_TRUE(f.in_hash || f.in_event || f.in_entry || f.in_reply || f.in_alert || f.in_session || f.in_note) << f.name;
    EXPECT_FALSE(f.what.empty()) << f.name;
  }
  EXPECT_EQ(std::string_view(redis_field::posted_at), "posted_at");
  EXPECT_EQ(find_redis_field("posted_at")->type, RedisFieldType::timestamp_ms);
  // Not every time ends in _at, and not every number is a duration: the type says.
  EXPECT_EQ(find_redis_field("lease_until")->type, RedisFieldType::timestamp_ms);
  EXPECT_EQ(find_redis_field("detect_ms")->type, RedisFieldType::duration_ms);
  EXPECT_EQ(find_redis_field("replies")->type, RedisFieldType::integer);
  EXPECT_EQ(find_redis_field("entry_id")->type, RedisFieldType::stream_id);
  EXPECT_EQ(find_redis_field("native")->type, RedisFieldType::text);
  EXPECT_EQ(find_redis_field("postd_at"), nullptr);
}

TEST(RedisFields, DetectionDelayIsSeenMinusPostedWhenBothAreKnown) {
  EXPECT_EQ(detection_delay_ms(1000, 2500), 1500);
  EXPECT_EQ(detection_delay_ms(3000, 2500), -500);  // a platform clock ahead of ours
  EXPECT_EQ(detection_delay_ms(0, 2500), std::nullopt);
  EXPECT_EQ(detection_delay_ms(1000, 0), std::nullopt);
  EXPECT_EQ(detection_delay_ms(-1, 2500), std::nullopt);
}

}  // namespace
}  // namespace carewatch
