#include "daemon/api/api_json.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "mention/mention_json.h"

namespace carewatch {
namespace {

constexpr TimeMs kT = 1'795'341'600'000;  // 2026-11-22T10:00:00Z

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

// Fields are written by their declared type (daemon/store/redis_fields.def), not by their names'
// suffixes: lease_until is a time, native a string, and an undeclared name stays a string.
TEST(ApiJson, MentionFieldsAreWrittenByTheirDeclaredType) {
  MentionRecord rec;
  rec.mention_json = R"({"uid":"x:1"})";
  rec.state = {{"posted_at", std::to_string(kT)}, {"lease_until", std::to_string(kT + 60000)},
               {"priority", "1"},  {"replies", "2"}, {"entry_id", "1795341600000-0"},
               {"state", "claimed"}, {"owner", "ana"}, {"surprise_at", "12"}};
  Event e;
  e.id = "1795341600000-0";
  e.type = "replied";
  e.uid = "x:1";
  e.actor = "brand:acme";
  e.at = kT;
  e.fields = {{"queue", "care"}, {"priority", ""}, {"frt_ms", "90500"}, {"native", "1"},
              {"reply_at", std::to_string(kT)}};
  rec.events.push_back(e);
  SlaClock sla;
  const auto d = parse(mention_json("x:1", rec, sla));

  const auto& state = d["state"];
  EXPECT_STREQ(state["posted_at"].GetString(), "2026-11-22T10:00:00.000Z");
  EXPECT_STREQ(state["lease_until"].GetString(), "2026-11-22T10:01:00.000Z");
  EXPECT_EQ(state["priority"].GetInt64(), 1);
  EXPECT_EQ(state["replies"].GetInt64(), 2);
  EXPECT_STREQ(state["entry_id"].GetString(), "1795341600000-0");
  EXPECT_STREQ(state["surprise_at"].GetString(), "12");  // not declared: left as it is
  const auto& ev = d["events"][0];
  EXPECT_STREQ(ev["at"].GetString(), "2026-11-22T10:00:00.000Z");
  EXPECT_EQ(ev["frt_ms"].GetInt64(), 90500);
  EXPECT_STREQ(ev["native"].GetString(), "1");
  EXPECT_STREQ(ev["priority"].GetString(), "");  // not the number its type promises: as stored
  EXPECT_STREQ(ev["reply_at"].GetString(), "2026-11-22T10:00:00.000Z");
  EXPECT_FALSE(ev.HasMember("uid"));
  EXPECT_STREQ(d["sla"]["status"].GetString(), "none");
  EXPECT_STREQ(d["mention"]["uid"].GetString(), "x:1");
}

// The README says every time the API writes is ISO 8601: the nested mention's posted_at and
// seen_at too, though the store keeps the mention as written by to_json (epoch ms).
TEST(ApiJson, TheNestedMentionsTimesAreIso8601) {
  Mention m;
  m.uid = "x:1";
  m.platform = "x";
  m.native_id = "1";
  m.text = "my bag is lost";
  m.posted_at = kT;
  m.seen_at = kT + 1500;
  const std::string stored = to_json(m);
  ASSERT_NE(stored.find("\"posted_at\":1795341600000"), std::string::npos) << stored;

  MentionRecord rec;
  rec.mention_json = stored;
  const auto got = parse(mention_json("x:1", rec, SlaClock{}));
  EXPECT_STREQ(got["mention"]["posted_at"].GetString(), "2026-11-22T10:00:00.000Z");
  EXPECT_STREQ(got["mention"]["seen_at"].GetString(), "2026-11-22T10:00:01.500Z");
  EXPECT_STREQ(got["mention"]["text"].GetString(), "my bag is lost");

  Claimed c;
  c.uid = "x:1";
  c.queue = "care";
  c.priority = 1;
  c.lease_until = kT + 300000;
  c.mention_json = stored;
  const auto claim = parse(claimed_json(c));
  EXPECT_STREQ(claim["mention"]["posted_at"].GetString(), "2026-11-22T10:00:00.000Z");
  EXPECT_STREQ(claim["mention"]["seen_at"].GetString(), "2026-11-22T10:00:01.500Z");
  EXPECT_STREQ(claim["lease_until"].GetString(), "2026-11-22T10:05:00.000Z");
}

// A stored mention that is not JSON is written as null, not as broken JSON.
TEST(ApiJson, AMentionThatDoesNotParseIsNull) {
  MentionRecord rec;
  rec.mention_json = "{not json";
  const auto got = parse(mention_json("x:1", rec, SlaClock{}));
  EXPECT_TRUE(got["mention"].IsNull());
}

TEST(ApiJson, ErrorsAreEscaped) {
  EXPECT_EQ(json_coded_error("say \"hi\"", "conflict"), R"({"error":"say \"hi\"","code":"conflict"})");
}

}  // namespace
}  // namespace carewatch
