#include "connectors/mastodon/mastodon_connector.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "connectors/http/http_client.h"
#include "connectors/registry.h"
#include "mention/common/url.h"
#include "mention/mention_json.h"
#include "tests/support/fake_http_server.h"

namespace carewatch {

extern const char* const kMastodonOptionsSchema;

namespace {

namespace fs = std::filesystem;
using carewatch::testing::FakeHttpServer;
using carewatch::testing::FakeRequest;
using carewatch::testing::FakeResponse;
using std::chrono::milliseconds;

const std::string kFixtures = std::string(CAREWATCH_SOURCE_DIR) + "/tests/fixtures/mastodon/";
const std::string kToken = "s3cret-T0ken-never-shown";

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string fixture(const std::string& name) {
  const std::string text = read_file(kFixtures + name);
  EXPECT_FALSE(text.empty()) << "missing fixture " << name;
  return text;
}

std::string to_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::map<std::string, std::string> parse_form(const std::string& body) {
  std::map<std::string, std::string> form;
  const auto pairs = parse_query(body);
  EXPECT_TRUE(pairs) << body;
  if (pairs)
    for (const auto& [key, value] : *pairs) form[key] = value;
  return form;
}

// Builds a connector the way the daemon does: through the registry, which reads the options.
std::unique_ptr<Connector> build(const std::string& options_json, std::string& error) {
  return find_connector_type("mastodon")->create({"acme-mastodon", "mastodon", options_json, ""},
                                                 make_cpprest_http_client(), error);
}

bool has_query(const FakeRequest& r, const std::string& key, const std::string& value) {
  return std::find(r.query_list.begin(), r.query_list.end(), std::make_pair(key, value)) != r.query_list.end();
}

// A hashtag timeline with Mastodon's paging: newest first; max_id = older than, min_id = the page
// immediately newer than, since_id = the newest page newer than; Link: next (older) and prev (newer).
class FakeTimeline {
 public:
  explicit FakeTimeline(const FakeHttpServer& server) : base_(server.base_url()) {
    rapidjson::Document page;
    page.Parse(fixture("tag_acmeair.json").c_str());
    template_.CopyFrom(page[1], template_.GetAllocator());  // a plain status (with a content warning)
    template_["spoiler_text"].SetString("");
  }

  // Appends `n` statuses newer than all others; returns their ids.
  std::vector<std::string> post(int n) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      const long long id = 113552000000001000LL + static_cast<long long>(ids_.size()) * 7;
      ids_.push_back(id);
      ids.push_back(std::to_string(id));
    }
    return ids;
  }

  FakeResponse serve(const FakeRequest& r) {
    std::lock_guard lock(mutex_);
    const size_t limit = r.query.count("limit") ? std::stoul(r.query.at("limit")) : 20;
    std::vector<long long> page;  // newest first
    if (r.query.count("min_id")) {
      const long long min_id = std::stoll(r.query.at("min_id"));
      for (long long id : ids_)
        if (id > min_id && page.size() < limit) page.push_back(id);
      std::reverse(page.begin(), page.end());
    } else {
      const long long max_id = r.query.count("max_id") ? std::stoll(r.query.at("max_id")) : LLONG_MAX;
      for (auto it = ids_.rbegin(); it != ids_.rend() && page.size() < limit; ++it)
        if (*it < max_id) page.push_back(*it);
    }
    rapidjson::Document doc(rapidjson::kArrayType);
    auto& a = doc.GetAllocator();
    for (long long id : page) {
      rapidjson::Value s(template_, a);
      const std::string sid = std::to_string(id);
      s["id"].SetString(sid.c_str(), a);
      const std::string content = "<p>status " + sid + " about <a href=\"https://mastodon.example/tags/acmeair\" "
                                  "class=\"mention hashtag\" rel=\"tag\">#<span>acmeair</span></a></p>";
      s["content"].SetString(content.c_str(), a);
      doc.PushBack(s, a);
    }
    FakeResponse resp;
    resp.body = to_text(doc);
    if (!page.empty()) {
      const std::string path = base_ + r.path + "?limit=" + std::to_string(limit);
      // "via=link" marks the URLs a client took from this header.
      resp.headers.emplace_back("Link", "<" + path + "&via=link&max_id=" + std::to_string(page.back()) +
                                            ">; rel=\"next\", <" + path + "&via=link&min_id=" +
                                            std::to_string(page.front()) + ">; rel=\"prev\"");
    }
    return resp;
  }

 private:
  std::string base_;
  std::mutex mutex_;
  std::vector<long long> ids_;  // oldest first
  rapidjson::Document template_;
};

class MastodonTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connector> make(const std::string& options_json) {
    std::string error;
    auto c = build(options_json, error);
    EXPECT_TRUE(c) << error;
    return c;
  }

  std::unique_ptr<Connector> make_tag(const std::string& extra = "") {
    return make(R"({"instance": ")" + server_.base_url() + R"(", "hashtags": ["acmeair"])" + extra + "}");
  }

  Batch ok(Connector& c, const std::string& cursor) {
    PollResult r = c.poll(cursor);
    EXPECT_TRUE(r.batch) << (r.error ? r.error->message : "");
    EXPECT_FALSE(r.error);
    return r.batch ? std::move(*r.batch) : Batch{};
  }

  PollError failed(Connector& c, const std::string& cursor = "") {
    PollResult r = c.poll(cursor);
    EXPECT_FALSE(r.batch);
    EXPECT_TRUE(r.error);
    return r.error ? *r.error : PollError{};
  }

  void serve_tag(FakeResponse response) {
    server_.on("GET", "/api/v1/timelines/tag/acmeair", [response](const FakeRequest&) { return response; });
  }

  static std::vector<std::string> ids_of(const Batch& b) {
    std::vector<std::string> ids;
    for (const auto& m : b.mentions) ids.push_back(m.native_id);
    return ids;
  }

  FakeHttpServer server_;
};

// ---- paging ----------------------------------------------------------------------------------

TEST_F(MastodonTest, FirstPollTakesTheNewestPageOnly) {
  FakeTimeline timeline(server_);
  const auto ids = timeline.post(100);
  server_.on("GET", "/api/v1/timelines/tag/acmeair", [&](const FakeRequest& r) { return timeline.serve(r); });
  auto c = make_tag();

  const Batch b = ok(*c, "");
  // The 40 newest, oldest first; nothing older is backfilled.
  EXPECT_EQ(ids_of(b), std::vector<std::string>(ids.begin() + 60, ids.end()));
  EXPECT_FALSE(b.more);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].query.at("limit"), "40");
  EXPECT_EQ(requests[0].query.count("min_id"), 0u);
  EXPECT_EQ(requests[0].headers.count("authorization"), 0u);  // public timeline, no token configured

  rapidjson::Document cursor;
  cursor.Parse(b.next_cursor.c_str());
  ASSERT_TRUE(cursor.IsObject()) << b.next_cursor;
  EXPECT_EQ(std::string(cursor["tag:acmeair"].GetString()), ids.back());
}

TEST_F(MastodonTest, LaterPollsAskForWhatIsNewerThanTheCursor) {
  FakeTimeline timeline(server_);
  const auto first = timeline.post(5);
  server_.on("GET", "/api/v1/timelines/tag/acmeair", [&](const FakeRequest& r) { return timeline.serve(r); });
  auto c = make_tag();
  const Batch b1 = ok(*c, "");
  EXPECT_EQ(ids_of(b1), first);

  const auto added = timeline.post(3);
  server_.clear_requests();
  const Batch b2 = ok(*c, b1.next_cursor);
  EXPECT_EQ(ids_of(b2), added);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].query.at("min_id"), first.back());

  // Nothing new: an empty batch, the cursor keeps its place.
  server_.clear_requests();
  const Batch b3 = ok(*c, b2.next_cursor);
  EXPECT_TRUE(b3.mentions.empty());
  EXPECT_FALSE(b3.more);
  EXPECT_EQ(b3.next_cursor, b2.next_cursor);
  requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].query.at("min_id"), added.back());
}

TEST_F(MastodonTest, FollowsLinkPrevAcrossPagesWithoutGapsOrDuplicates) {
  FakeTimeline timeline(server_);
  std::vector<std::string> all = timeline.post(5);
  server_.on("GET", "/api/v1/timelines/tag/acmeair", [&](const FakeRequest& r) { return timeline.serve(r); });
  auto c = make_tag(R"(, "limit": 5, "max_pages": 3)");
  Batch b = ok(*c, "");
  std::vector<std::string> seen = ids_of(b);

  // 12 new statuses: pages of 5, 5 and 2 in one poll.
  for (const auto& id : timeline.post(12)) all.push_back(id);
  server_.clear_requests();
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(b.mentions.size(), 12u);
  EXPECT_FALSE(b.more);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].query.at("min_id"), all[4]);
  EXPECT_EQ(requests[0].query.count("via"), 0u);
  EXPECT_EQ(requests[1].query.at("min_id"), all[9]);   // the Link header's rel="prev" of page 1
  EXPECT_EQ(requests[1].query.count("via"), 1u);
  EXPECT_EQ(requests[2].query.at("min_id"), all[14]);
  EXPECT_EQ(requests[2].query.count("via"), 1u);
  for (const auto& id : ids_of(b)) seen.push_back(id);

  // 23 new: three full pages this poll (more = true), the rest on the next.
  for (const auto& id : timeline.post(23)) all.push_back(id);
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(b.mentions.size(), 15u);
  EXPECT_TRUE(b.more);
  for (const auto& id : ids_of(b)) seen.push_back(id);
  b = ok(*c, b.next_cursor);
  EXPECT_EQ(b.mentions.size(), 8u);
  EXPECT_FALSE(b.more);
  for (const auto& id : ids_of(b)) seen.push_back(id);

  EXPECT_EQ(seen, all);  // every status once, in posting order
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
}

TEST_F(MastodonTest, ALinkToAnotherHostIsNotFollowed) {
  // The token must only ever go to the configured instance.
  rapidjson::Document fixture_page;
  fixture_page.Parse(fixture("tag_acmeair.json").c_str());
  rapidjson::Document two(rapidjson::kArrayType);
  two.PushBack(rapidjson::Value(fixture_page[2], two.GetAllocator()), two.GetAllocator());  // ...402
  two.PushBack(rapidjson::Value(fixture_page[3], two.GetAllocator()), two.GetAllocator());  // ...401
  const std::string body = to_text(two);
  server_.on("GET", "/api/v1/timelines/tag/acmeair", [body](const FakeRequest& r) {
    if (r.query.count("min_id") && r.query.at("min_id") == "113552000000000400")
      return FakeResponse{200,
                          {{"Link", "<http://other.invalid/api/v1/timelines/tag/acmeair?min_id=113552000000000402>; rel=\"prev\""}},
                          body};
    return FakeResponse{200, {}, "[]"};
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "hashtags": ["acmeair"], "limit": 2})");
  const Batch b = ok(*c, R"({"tag:acmeair": "113552000000000400"})");
  EXPECT_EQ(ids_of(b), (std::vector<std::string>{"113552000000000401", "113552000000000402"}));
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].query.at("min_id"), "113552000000000402");
  EXPECT_EQ(requests[1].headers.at("authorization"), "Bearer " + kToken);
}

TEST_F(MastodonTest, IdsCompareAsBigNumbersNotAsDoubles) {
  // Two ids that are equal as doubles: the cursor must still move past the first one.
  const std::string older = "9007199254740993";
  const std::string newer = "9007199254740994";
  rapidjson::Document page;
  page.Parse(fixture("tag_acmeair.json").c_str());
  rapidjson::Document one(rapidjson::kArrayType);
  rapidjson::Value s(page[3], one.GetAllocator());
  s["id"].SetString(newer.c_str(), one.GetAllocator());
  one.PushBack(s, one.GetAllocator());
  serve_tag({200, {}, to_text(one)});
  auto c = make_tag();
  const Batch b = ok(*c, R"({"tag:acmeair": ")" + older + R"("})");
  EXPECT_EQ(ids_of(b), std::vector<std::string>{newer});
  // A shorter id is older, even if it is larger as text.
  const Batch none = ok(*c, R"({"tag:acmeair": "10000000000000000"})");
  EXPECT_TRUE(none.mentions.empty());
}

// ---- mapping ---------------------------------------------------------------------------------

TEST_F(MastodonTest, MapsStatusesToMentions) {
  serve_tag({200, {}, fixture("tag_acmeair.json")});
  auto c = make_tag();
  const Batch b = ok(*c, "");
  // The reblog (…404) is skipped; the rest come oldest first.
  ASSERT_EQ(ids_of(b), (std::vector<std::string>{"113552000000000401", "113552000000000402", "113552000000000403"}));
  EXPECT_EQ(mastodon_reblogs_skipped(*c), 1u);
  EXPECT_TRUE(b.warnings.empty());

  const Mention& lounge = b.mentions[0];
  EXPECT_EQ(lounge.text, "Loved the new lounge at FRA! #acmeair\n\nGreat coffee & friendly staff \xE2\x98\x95");
  EXPECT_EQ(lounge.author.handle, "lena@social.example");
  EXPECT_EQ(lounge.conversation_id, "113552000000000401");  // starts its own thread
  EXPECT_EQ(lounge.parent_id, "");

  const Mention& bag = b.mentions[1];
  EXPECT_EQ(bag.uid, "mastodon:113552000000000402");
  EXPECT_EQ(bag.platform, "mastodon");
  EXPECT_EQ(bag.source, "acme-mastodon");
  EXPECT_EQ(bag.url, "https://mastodon.example/@dan/113552000000000402");
  EXPECT_EQ(bag.text,
            "@acmeair my bag didn't make it to Lisbon.\nRef: LIS/48213 <urgent>\n"
            "Tracking: https://track.acmeair.example/bags/LIS48213 #acmeair");
  EXPECT_EQ(bag.language, "en");
  EXPECT_EQ(bag.author.id, "109412000000000777");
  EXPECT_EQ(bag.author.handle, "dan@127.0.0.1");  // a local account, qualified with the instance's host
  EXPECT_EQ(bag.author.display_name, "Dan O'Reilly");
  EXPECT_EQ(bag.author.followers, 312);
  EXPECT_FALSE(bag.author.verified);
  EXPECT_EQ(bag.parent_id, "113551000000000390");
  EXPECT_EQ(bag.conversation_id, "113551000000000390");
  TimeMs posted = 0;
  ASSERT_TRUE(parse_iso8601("2026-11-22T08:03:42.512Z", posted));
  EXPECT_EQ(bag.posted_at, posted);
  EXPECT_GT(bag.seen_at, posted);
  rapidjson::Document raw;
  raw.Parse(bag.raw.c_str());
  ASSERT_TRUE(raw.IsObject());
  EXPECT_STREQ(raw["id"].GetString(), "113552000000000402");
  EXPECT_STREQ(raw["visibility"].GetString(), "public");

  const Mention& rant = b.mentions[2];
  EXPECT_EQ(rant.text, "CW: travel rant \xE2\x80\x94 Third delay today on #acmeair flight AA 112. Gate agents say \"maybe tomorrow\".");
  EXPECT_EQ(rant.author.handle, "priya@fosstodon.example");
  EXPECT_EQ(rant.author.display_name, "Priya \xF0\x9F\x8C\x8D");
  EXPECT_EQ(rant.author.followers, 1045);
}

TEST_F(MastodonTest, MalformedStatusesAreSkippedWithWarningsAndTheOthersKept) {
  serve_tag({200, {}, fixture("tag_malformed.json")});
  auto c = make_tag();
  const Batch b = ok(*c, "");
  EXPECT_EQ(ids_of(b), (std::vector<std::string>{"113552000000000501", "113552000000000505"}));
  auto warned = [&](const std::string& what) {
    return std::any_of(b.warnings.begin(), b.warnings.end(),
                       [&](const std::string& w) { return w.find(what) != std::string::npos; });
  };
  EXPECT_TRUE(warned("#acmeair: statuses[3].id: expected a string")) << ::testing::PrintToString(b.warnings);
  EXPECT_TRUE(warned("statuses[1].account: missing")) << ::testing::PrintToString(b.warnings);
  EXPECT_TRUE(warned("statuses[2].content: expected a string")) << ::testing::PrintToString(b.warnings);
  EXPECT_EQ(b.warnings.size(), 3u);
  EXPECT_NE(b.next_cursor.find("113552000000000505"), std::string::npos);
}

TEST_F(MastodonTest, AMentionFoundByTwoStreamsComesOnce) {
  serve_tag({200, {}, fixture("tag_acmeair.json")});
  server_.on("GET", "/api/v1/timelines/tag/acme", [&](const FakeRequest&) {
    return FakeResponse{200, {}, fixture("tag_acmeair.json")};
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "hashtags": ["acmeair", "acme"]})");
  const Batch b = ok(*c, "");
  EXPECT_EQ(b.mentions.size(), 3u);
  rapidjson::Document cursor;
  cursor.Parse(b.next_cursor.c_str());
  EXPECT_STREQ(cursor["tag:acmeair"].GetString(), "113552000000000404");
  EXPECT_STREQ(cursor["tag:acme"].GetString(), "113552000000000404");
}

// ---- notifications and search ------------------------------------------------------------------

TEST_F(MastodonTest, NotificationsAskForMentionsWithTheToken) {
  server_.on("GET", "/api/v1/notifications", [&](const FakeRequest&) {
    return FakeResponse{200, {}, fixture("notifications_mentions.json")};
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "notifications": true})");
  const Batch b = ok(*c, "");
  ASSERT_EQ(ids_of(b), (std::vector<std::string>{"113552000000000610", "113552000000000620"}));
  EXPECT_EQ(b.mentions[0].text, "@acmeair please refund booking Q7XK2P, the flight was cancelled");
  EXPECT_EQ(b.mentions[0].author.handle, "kim@mas.example");
  EXPECT_EQ(b.mentions[1].parent_id, "113552000000000600");

  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(has_query(requests[0], "types[]", "mention"));
  EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer " + kToken);
  EXPECT_EQ(requests[0].target.find(kToken), std::string::npos);  // never in the URL

  // The cursor follows notification ids, not status ids.
  rapidjson::Document cursor;
  cursor.Parse(b.next_cursor.c_str());
  EXPECT_STREQ(cursor["notifications"].GetString(), "48213");
  server_.clear_requests();
  ok(*c, b.next_cursor);
  requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].query.at("min_id"), "48213");
}

TEST_F(MastodonTest, SearchFindsStatusesAndDropsThoseAlreadySeen) {
  server_.on("GET", "/api/v2/search", [&](const FakeRequest&) {
    return FakeResponse{200, {}, fixture("search_statuses.json")};  // ignores min_id
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "search": ["acme air"]})");
  const Batch b = ok(*c, "");
  ASSERT_EQ(ids_of(b), (std::vector<std::string>{"113552000000000701", "113552000000000702"}));
  EXPECT_EQ(b.mentions[1].text, "Acme Air lost my booking again \xF0\x9F\x98\xA1");
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].query.at("q"), "acme air");
  EXPECT_EQ(requests[0].query.at("type"), "statuses");
  EXPECT_EQ(requests[0].query.at("resolve"), "false");
  EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer " + kToken);

  server_.clear_requests();
  const Batch again = ok(*c, b.next_cursor);
  EXPECT_TRUE(again.mentions.empty());
  requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].query.at("min_id"), "113552000000000702");
}

// ---- errors ----------------------------------------------------------------------------------

TEST_F(MastodonTest, TooManyRequestsIsRetriedAfterWhatTheServerSaid) {
  serve_tag({429, {{"Retry-After", "1"}}, R"({"error": "Too many requests"})"});
  auto c = make_tag();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  ASSERT_TRUE(e.retry_after);
  EXPECT_EQ(*e.retry_after, milliseconds(1000));
  EXPECT_NE(e.message.find("429"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, ServerErrorIsRetried) {
  serve_tag({500, {}, R"({"error": "boom"})"});
  auto c = make_tag();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("500"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("/api/v1/timelines/tag/acmeair"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, UnreachableInstanceIsRetried) {
  std::string base;
  {
    FakeHttpServer gone;
    base = gone.base_url();
  }
  auto c = make(R"({"instance": ")" + base + R"(", "hashtags": ["acmeair"], "timeout": "5s"})");
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
}

TEST_F(MastodonTest, HtmlErrorPageIsRetriedAndNamed) {
  serve_tag({200, {{"Content-Type", "text/html; charset=utf-8"}},
             "<!DOCTYPE html><html><body><h1>We're down for maintenance</h1></body></html>"});
  auto c = make_tag();
  PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("HTML"), std::string::npos) << e.message;

  // Labelled as JSON, but still a page.
  serve_tag({200, {{"Content-Type", "application/json"}}, "\n  <html><body>Bad gateway</body></html>"});
  e = failed(*c);
  EXPECT_NE(e.message.find("HTML"), std::string::npos) << e.message;

  serve_tag({200, {{"Content-Type", "text/plain"}}, "Service temporarily unavailable"});
  e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("invalid JSON at offset 0"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, TruncatedJsonIsRetried) {
  const std::string page = fixture("tag_acmeair.json");
  serve_tag({200, {}, page.substr(0, page.size() / 2)});
  auto c = make_tag();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("invalid JSON"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, AnObjectInsteadOfAnArrayIsRetried) {
  serve_tag({200, {}, R"({"statuses": []})"});
  auto c = make_tag();
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::retry);
  EXPECT_NE(e.message.find("expected a JSON array of statuses, got an object"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, UnauthorizedIsFatalAndNeverShowsTheToken) {
  server_.on("GET", "/api/v1/notifications", [](const FakeRequest&) {
    return FakeResponse{401, {}, R"({"error": "The access token is invalid"})"};
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "notifications": true})");
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("401"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(server_.base_url() + "/api/v1/notifications"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("The access token is invalid"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find(kToken), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("Bearer"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, NotFoundIsFatal) {
  auto c = make_tag();  // no handler: the fake server answers 404
  const PollError e = failed(*c);
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("404"), std::string::npos) << e.message;
}

TEST_F(MastodonTest, OneFailingStreamDoesNotHoldBackTheOthers) {
  serve_tag({200, {}, fixture("tag_acmeair.json")});
  server_.on("GET", "/api/v1/timelines/tag/acmeairlines", [](const FakeRequest&) {
    return FakeResponse{503, {}, R"({"error": "unavailable"})"};
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "hashtags": ["acmeairlines", "acmeair"]})");
  const Batch b = ok(*c, "");
  EXPECT_EQ(b.mentions.size(), 3u);
  ASSERT_EQ(b.warnings.size(), 1u);
  EXPECT_NE(b.warnings[0].find("#acmeairlines"), std::string::npos) << b.warnings[0];
  EXPECT_NE(b.warnings[0].find("503"), std::string::npos) << b.warnings[0];
  rapidjson::Document cursor;
  cursor.Parse(b.next_cursor.c_str());
  EXPECT_TRUE(cursor.HasMember("tag:acmeair"));
  EXPECT_FALSE(cursor.HasMember("tag:acmeairlines"));
}

TEST_F(MastodonTest, AGoodPageThatUsedUpTheRateLimitAsksToWait) {
  const std::string reset = format_iso8601(now_ms() + 120000);
  serve_tag({200, {{"X-RateLimit-Limit", "300"}, {"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", reset}},
             fixture("tag_acmeair.json")});
  auto c = make_tag();
  const Batch b = ok(*c, "");
  EXPECT_EQ(b.mentions.size(), 3u);
  ASSERT_TRUE(b.retry_after);
  EXPECT_GT(b.retry_after->count(), 0);
  EXPECT_FALSE(b.more);
}

TEST_F(MastodonTest, ABrokenCursorIsFatal) {
  auto c = make_tag();
  const PollError e = failed(*c, "not json");
  EXPECT_EQ(e.kind, PollError::Kind::fatal);
  EXPECT_NE(e.message.find("cursor"), std::string::npos) << e.message;
  EXPECT_TRUE(server_.requests().empty());
}

// ---- reply -----------------------------------------------------------------------------------

TEST_F(MastodonTest, ReplyPostsAStatusInReplyToTheMention) {
  server_.on("POST", "/api/v1/statuses", [&](const FakeRequest&) {
    return FakeResponse{200, {}, fixture("status_reply.json")};
  });
  serve_tag({200, {}, fixture("tag_acmeair.json")});
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "hashtags": ["acmeair"]})");
  const Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 3u);
  const Mention& bag = b.mentions[1];
  server_.clear_requests();

  EXPECT_EQ(c->reply(bag, "So sorry about your bag, Dan. We have asked Lisbon to deliver it today."), std::nullopt);
  auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer " + kToken);
  EXPECT_NE(requests[0].headers.at("content-type").find("application/x-www-form-urlencoded"), std::string::npos);
  EXPECT_FALSE(requests[0].headers.at("idempotency-key").empty());
  auto form = parse_form(requests[0].body);
  EXPECT_EQ(form["in_reply_to_id"], "113552000000000402");
  // The author is mentioned so Mastodon notifies them.
  EXPECT_EQ(form["status"], "@dan@127.0.0.1 So sorry about your bag, Dan. We have asked Lisbon to deliver it today.");
  EXPECT_EQ(form.count("visibility"), 0u);  // a public status: the account's default

  // Text that already mentions the author is sent as written.
  server_.clear_requests();
  EXPECT_EQ(c->reply(bag, "@dan your bag is on its way & arrives at 18:00"), std::nullopt);
  form = parse_form(server_.requests().at(0).body);
  EXPECT_EQ(form["status"], "@dan your bag is on its way & arrives at 18:00");

  // "@daniel" is someone else.
  server_.clear_requests();
  EXPECT_EQ(c->reply(bag, "cc @daniel: please check"), std::nullopt);
  form = parse_form(server_.requests().at(0).body);
  EXPECT_EQ(form["status"], "@dan@127.0.0.1 cc @daniel: please check");
}

TEST_F(MastodonTest, ReplyToADirectMessageStaysDirect) {
  server_.on("GET", "/api/v1/notifications", [&](const FakeRequest&) {
    return FakeResponse{200, {}, fixture("notifications_mentions.json")};
  });
  server_.on("POST", "/api/v1/statuses", [&](const FakeRequest&) {
    return FakeResponse{200, {}, fixture("status_reply.json")};
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "notifications": true})");
  const Batch b = ok(*c, "");
  ASSERT_EQ(b.mentions.size(), 2u);
  server_.clear_requests();
  EXPECT_EQ(c->reply(b.mentions[0], "We have refunded Q7XK2P."), std::nullopt);
  const auto form = parse_form(server_.requests().at(0).body);
  EXPECT_EQ(form.at("visibility"), "direct");
  EXPECT_EQ(form.at("status"), "@kim@mas.example We have refunded Q7XK2P.");
  EXPECT_EQ(form.at("in_reply_to_id"), "113552000000000610");
}

TEST_F(MastodonTest, ReplyErrorsNameTheStatusButNotTheToken) {
  server_.on("POST", "/api/v1/statuses", [](const FakeRequest&) {
    return FakeResponse{422, {}, R"({"error": "Validation failed: Text character limit of 500 exceeded"})"};
  });
  auto c = make(R"({"instance": ")" + server_.base_url() + R"(", "access_token": ")" + kToken +
                R"(", "hashtags": ["acmeair"]})");
  Mention m;
  m.platform = "mastodon";
  m.native_id = "113552000000000402";
  m.uid = "mastodon:113552000000000402";
  m.author.handle = "dan@127.0.0.1";
  const auto error = c->reply(m, std::string(600, 'x'));
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("422"), std::string::npos) << *error;
  EXPECT_NE(error->find("character limit"), std::string::npos) << *error;
  EXPECT_EQ(error->find(kToken), std::string::npos) << *error;

  Mention other = m;
  other.platform = "x";
  EXPECT_TRUE(c->reply(other, "hi"));

  auto no_token = make_tag();
  const auto needs_token = no_token->reply(m, "hi");
  ASSERT_TRUE(needs_token);
  EXPECT_NE(needs_token->find("options.access_token"), std::string::npos) << *needs_token;
}

// ---- options ---------------------------------------------------------------------------------

std::string option_error(const std::string& options_json) {
  std::string error;
  auto c = build(options_json, error);
  EXPECT_FALSE(c) << options_json;
  return error;
}

// What the connector refuses itself: mistyped values (options built by hand are not validated),
// what the schema cannot express (a duration's range in its string form, letter case, tokens,
// which streams need a token) and an instance URL it cannot use. Ranges, patterns and unknown
// keys are the schema's (see the next tests).
TEST(MastodonOptions, ErrorsNameTheOption) {
  const std::string inst = R"("instance": "https://mastodon.example")";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"hashtags": ["acmeair"]})", "options.instance: required"},
      {R"({"instance": "ftp://mastodon.example", "hashtags": ["acmeair"]})", "options.instance: expected a base URL"},
      {R"({"instance": "mastodon.example", "hashtags": ["acmeair"]})", "options.instance: expected a base URL"},
      {R"({"instance": "https://user:pw@mastodon.example", "hashtags": ["acmeair"]})", "options.instance"},
      {R"({"instance": 7, "hashtags": ["acmeair"]})", "options.instance: expected a string, got 7"},
      {"{" + inst + R"(, "hashtags": ["acmeair", 3]})", "options.hashtags[1]: expected a string, got 3"},
      {"{" + inst + R"(, "hashtags": ["acmeair", "AcmeAir"]})", "options.hashtags[1]: \"AcmeAir\" is listed twice"},
      {"{" + inst + R"(, "hashtags": "acmeair"})", "options.hashtags: expected an array of strings"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "limit": "40"})", "options.limit: expected an integer, got \"40\""},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "timeout": "fast"})",
       "options.timeout: expected a duration from 1ms to 10m like \"10s\", \"500ms\" or \"2m\", or an integer of "
       "milliseconds, got \"fast\""},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "timeout": 0})", "options.timeout: expected a duration from 1ms to 10m"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "timeout": "11m"})", "options.timeout: expected a duration from 1ms to 10m"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "timeout": "0s"})", "options.timeout: expected a duration from 1ms to 10m"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "notifications": "yes"})", "options.notifications: expected true or false"},
      {"{" + inst + R"(, "notifications": true})", "options.notifications: needs options.access_token"},
      {"{" + inst + R"(, "search": ["acme air"]})", "options.search: needs options.access_token"},
      {"{" + inst + R"(, "search": ["acme air", "Acme Air"], "access_token": "t"})",
       "options.search[1]: \"Acme Air\" is listed twice"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "access_token": 42})", "options.access_token: expected a string"},
      {"{" + inst + R"(, "hashtags": ["acmeair"], "bogus": 1})", "options.bogus: unknown option (known: instance, "},
      {"[1]", "options: expected an object"},
      {"{", "options: invalid JSON"},
  };
  for (const auto& [json, expected] : cases)
    EXPECT_EQ(option_error(json).rfind(expected, 0), 0u)
        << json << "\n  gave: " << option_error(json) << "\n  expected: " << expected;
}

// Requests record what the connector asked for, and answer with an empty page.
struct RecordingHttpClient : HttpClient {
  std::vector<HttpRequest> requests;
  HttpResponse send(const HttpRequest& request) override {
    requests.push_back(request);
    return HttpResponse{200, {}, "[]", ""};
  }
};

TEST(MastodonOptions, DefaultsAreTheSchemasAndDurationsReadLikeTheConfigurations) {
  const std::vector<std::tuple<std::string, std::string, milliseconds>> cases = {
      {"", "limit=40", milliseconds(10000)},  // schema.json: limit 40, timeout "10s"
      {R"(, "limit": 7, "timeout": 2500)", "limit=7", milliseconds(2500)},
      {R"(, "timeout": "500ms")", "limit=40", milliseconds(500)},
      {R"(, "timeout": "2m")", "limit=40", milliseconds(120000)},
      {R"(, "timeout": "1m30s")", "limit=40", milliseconds(90000)},  // the one duration grammar
  };
  for (const auto& [extra, limit, timeout] : cases) {
    auto http = std::make_shared<RecordingHttpClient>();
    std::string error;
    auto c = find_connector_type("mastodon")->create(
        {"acme-mastodon", "mastodon", R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"])" + extra + "}",
         ""},
        http, error);
    ASSERT_TRUE(c) << extra << ": " << error;
    ASSERT_TRUE(c->poll("").batch);
    ASSERT_EQ(http->requests.size(), 1u);
    EXPECT_EQ(http->requests[0].url, "https://mastodon.example/api/v1/timelines/tag/acmeair?" + limit) << extra;
    EXPECT_EQ(http->requests[0].timeout, timeout) << extra;
  }
}

TEST(MastodonOptions, TokenValueIsNeverInAnError) {
  const std::string error = option_error(
      R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "access_token": "abc def-secret"})");
  EXPECT_NE(error.find("options.access_token"), std::string::npos) << error;
  EXPECT_EQ(error.find("secret"), std::string::npos) << error;
}

TEST(MastodonOptions, ValidOptionsAreAccepted) {
  for (const std::string json : {
           R"({"instance": "https://mastodon.example/", "hashtags": ["acmeair", "acme_air"]})",
           R"({"instance": "http://127.0.0.1:8080", "access_token": "t", "notifications": true, "timeout": "500ms"})",
           R"({"instance": "https://mastodon.example", "access_token": "t", "search": ["acme air"], "limit": 1,
               "max_pages": 100, "timeout": 2500})",
           R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "timeout": "2m"})",
       }) {
    std::string error;
    EXPECT_TRUE(build(json, error)) << json << ": " << error;
  }
}

TEST(MastodonOptions, SchemaDescribesEveryOptionAndRejectsWhatTheConnectorRejects) {
  rapidjson::Document schema_doc;
  schema_doc.Parse(kMastodonOptionsSchema);
  ASSERT_FALSE(schema_doc.HasParseError());
  ASSERT_TRUE(schema_doc["properties"].IsObject());
  EXPECT_FALSE(schema_doc["additionalProperties"].GetBool());
  for (const auto& p : schema_doc["properties"].GetObject())
    EXPECT_TRUE(p.value.HasMember("description")) << p.name.GetString();
  const rapidjson::SchemaDocument schema(schema_doc);

  auto valid = [&](const std::string& json) {
    rapidjson::Document d;
    d.Parse(json.c_str());
    EXPECT_FALSE(d.HasParseError()) << json;
    rapidjson::SchemaValidator validator(schema);
    return d.Accept(validator);
  };
  EXPECT_TRUE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"]})"));
  EXPECT_TRUE(valid(R"({"instance": "http://127.0.0.1:8080", "access_token": "t", "notifications": true,
                        "search": ["acme air"], "limit": 40, "max_pages": 5, "timeout": "10s"})"));
  EXPECT_TRUE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "timeout": 2500})"));
  EXPECT_FALSE(valid(R"({"hashtags": ["acmeair"]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example"})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "notifications": false})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "bogus": 1})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "limit": 41})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["#acmeair"]})"));
  EXPECT_FALSE(valid(R"({"instance": "ftp://mastodon.example", "hashtags": ["acmeair"]})"));
  // A duration's grammar and its range in string form are the connector's (the one duration
  // parser, mention/common/duration.h): see ErrorsNameTheOption.
  EXPECT_TRUE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "timeout": "1m30s"})"));
  // What the configuration loader refuses before any connector is built.
  EXPECT_FALSE(valid(R"({"instance": "mastodon.example", "hashtags": ["acmeair"]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://user:pw@mastodon.example", "hashtags": ["acmeair"]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair", 3]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair", "acmeair"]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "limit": 0})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "max_pages": 0})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "timeout": 0})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "timeout": 600001})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "access_token": "t", "search": [""]})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "access_token": ""})"));
  EXPECT_FALSE(valid(R"({"instance": "https://mastodon.example", "hashtags": ["acmeair"], "notifications": "yes"})"));
}

// ---- the real API's shapes ----------------------------------------------------------------------

#ifdef CAREWATCH_HAVE_SHARED
// Recorded responses of a real Mastodon server, when the shared data set is present: every status
// of a hashtag timeline page maps to a mention with an id, text and author.
TEST(MastodonRecorded, HashtagTimelinesMapToMentions) {
  const fs::path dir = fs::path(CAREWATCH_SHARED_DIR) / "fixtures" / "mastodon";
  ASSERT_TRUE(fs::is_directory(dir)) << "no recorded Mastodon responses at " << dir;
  FakeHttpServer server;
  size_t pages = 0, statuses = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("test_hashtag_tl.", 0) != 0) continue;
    const std::string body = read_file(entry.path().string());
    rapidjson::Document d;
    d.Parse(body.c_str());
    if (d.HasParseError() || !d.IsArray()) continue;  // the recording also holds other calls' answers
    ++pages;
    server.on("GET", "/api/v1/timelines/tag/hoot", [body](const FakeRequest&) { return FakeResponse{200, {}, body}; });
    std::string error;
    auto c = build(R"({"instance": ")" + server.base_url() + R"(", "hashtags": ["hoot"]})", error);
    ASSERT_TRUE(c) << error;
    const PollResult r = c->poll("");
    ASSERT_TRUE(r.batch) << name << ": " << (r.error ? r.error->message : "");
    EXPECT_TRUE(r.batch->warnings.empty()) << name << ": " << ::testing::PrintToString(r.batch->warnings);
    size_t reblogs = 0;
    for (const auto& s : d.GetArray())
      if (s.HasMember("reblog") && !s["reblog"].IsNull()) ++reblogs;
    EXPECT_EQ(r.batch->mentions.size() + reblogs, d.Size()) << name;
    for (const auto& m : r.batch->mentions) {
      ++statuses;
      EXPECT_FALSE(m.native_id.empty()) << name;
      EXPECT_FALSE(m.text.empty()) << name << " " << m.native_id;
      EXPECT_FALSE(m.author.id.empty()) << name << " " << m.native_id;
      EXPECT_FALSE(m.author.handle.empty()) << name << " " << m.native_id;
      EXPECT_GT(m.posted_at, 0) << name << " " << m.native_id;
      EXPECT_EQ(m.text.find('<'), std::string::npos) << name << ": " << m.text;
    }
  }
  EXPECT_GT(pages, 0u) << "no hashtag timeline page among the recorded responses in " << dir;
  EXPECT_GT(statuses, 0u);
}
#endif  // CAREWATCH_HAVE_SHARED

}  // namespace
}  // namespace carewatch
