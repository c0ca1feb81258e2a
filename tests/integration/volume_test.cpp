// The marketing figures on a real redis-server: generated mentions with known platforms,
// categories, sentiments, languages, tags, words, authors and posted times go through
// QueueStore::enqueue (lua/enqueue.lua counts them) and GET /v1/stats/volume and /v1/stats/top
// (through ApiRoutes::handle) must equal a count made here from the same data, for every `by`,
// both steps, filter combinations, and after the same mentions are enqueued again.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "daemon/api/api_key.h"
#include "daemon/api/api_routes.h"
#include "daemon/pipeline/ingest.h"
#include "daemon/store/spike_store.h"
#include "daemon/store/volume_store.h"
#include "mention/common/time.h"
#include "rules/default_rules.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::TestRedis;

constexpr const char* kViewerKey = "viewer-volume-key";
constexpr TimeMs kHour = VolumeStore::kHour, kDay = VolumeStore::kDay;

const std::vector<std::string> kPlatforms = {"x", "mastodon", "reddit"};
const std::vector<Category> kCategories = {Category::complaint, Category::question, Category::praise,
                                           Category::spam, Category::ignore};
const std::vector<std::string> kLanguages = {"en", "es", ""};
const std::vector<std::string> kTags = {"refund", "outage", "a|b"};  // a '|' is written '/'
// Words the figures keep (lowercase form), how the text writes them.
const std::vector<std::pair<std::string, std::string>> kWords = {
    {"delayed", "Delayed"}, {"luggage", "luggage"}, {"crew", "CREW"}, {"seat", "seat"}, {"wifi", "wifi"},
    {"lounge", "lounge"},   {"boarding", "boarding"}, {"gate", "gate"}, {"café", "Café"}, {"straße", "Straße"},
    {"upgrade", "upgrade"}, {"pilot", "pilot"}};
const std::vector<std::pair<std::string, std::string>> kHashtags = {
    {"fail", "#fail"}, {"refund", "#Refund"}, {"travel", "#travel"}};

struct Expected {
  std::string platform, category, sentiment, language;
  std::vector<std::string> tags, words, hashtags;
  std::string handle, name;
  long long followers = 0;
  TimeMs at = 0;
};

class VolumeTest : public ::testing::Test {
 protected:
  VolumeTest() {
    QueueStoreOptions o;
    o.lease = 60s;
    o.connect_timeout = 500ms;
    o.command_timeout = 20000ms;
    store = std::make_unique<QueueStore>(redis.endpoint(), o);
    config.store = o;
    config.api_rate_limit_per_minute = 1'000'000;
    config.agents = {{"vic", sha256_hex(kViewerKey), AgentRole::viewer}};
    routes = std::make_unique<ApiRoutes>(config, *store, metrics, [] { return true; }, [this] { return now; });
  }

  ApiResponse get(const std::string& target) {
    ApiRequest r;
    r.method = "GET";
    r.target = target;
    r.authorization = std::string("Bearer ") + kViewerKey;
    r.client_address = "127.0.0.1";
    return routes->handle(r);
  }

  // n mentions over the 10 days before now (some without posted_at: counted at seen_at).
  void generate(size_t n, unsigned seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](size_t size) { return std::uniform_int_distribution<size_t>(0, size - 1)(rng); };
    std::uniform_int_distribution<TimeMs> ago(0, 10 * kDay - 1);
    std::uniform_real_distribution<double> compound(-1, 1);
    const auto rules = default_rules();
    for (size_t i = 0; i < n; ++i) {
      Mention m;
      m.platform = kPlatforms[pick(kPlatforms.size())];
      m.native_id = std::to_string(seed) + "-" + std::to_string(i);
      m.uid = make_uid(m.platform, m.native_id);
      m.source = "test";
      m.seen_at = now - 1000;
      m.posted_at = i % 17 == 0 ? 0 : now - ago(rng);
      const size_t author = pick(8);
      m.author.id = "id" + std::to_string(author);
      m.author.handle = "user" + std::to_string(author);
      m.author.display_name = "User " + std::to_string(author);
      m.author.followers = static_cast<std::int64_t>(author * 1000 + pick(500));
      m.language = kLanguages[pick(kLanguages.size())];
      Decision& d = m.decision;
      d.category = kCategories[pick(kCategories.size())];
      d.queue = i % 3 == 0 ? "" : "care";
      d.priority = static_cast<int>(pick(4));
      d.scored = i % 29 != 0;
      d.sentiment.compound = compound(rng);
      d.language = i % 5 == 0 ? "" : m.language;  // "": the platform's
      for (const auto& t : kTags)
        if (pick(3) == 0) d.tags.push_back(t);
      // Words, stop-words, the brand, a number, a link, a handle and hashtags.
      Expected e;
      std::string text = "@acmeair the";
      for (size_t k = 0, words = 1 + pick(5); k < words; ++k) {
        const auto& [word, written] = kWords[pick(kWords.size())];
        text += " " + written + (pick(2) ? " and my" : ",");
        if (std::find(e.words.begin(), e.words.end(), word) == e.words.end()) e.words.push_back(word);
      }
      text += " AcmeAir 42 https://t.co/xYz";
      for (const auto& [tag, written] : kHashtags)
        if (pick(3) == 0) {
          text += " " + written;
          e.hashtags.push_back(tag);
        }
      m.text = text;
      e.platform = m.platform;
      e.category = to_string(d.category);
      e.sentiment = !d.scored ? "unknown" : d.sentiment.compound >= 0.5 ? "positive"
                                          : d.sentiment.compound <= -0.5 ? "negative" : "neutral";
      e.language = d.language.empty() ? (m.language.empty() ? "unknown" : m.language) : d.language;
      for (const auto& t : d.tags) e.tags.push_back(t == "a|b" ? "a/b" : t);
      e.handle = m.author.handle;
      e.name = m.author.display_name;
      e.followers = m.author.followers;
      e.at = m.posted_at > 0 ? m.posted_at : m.seen_at;
      expected.push_back(e);
      facts.push_back(volume_facts(m, *rules, brand_terms({"AcmeAir"})));
      batch.push_back(std::move(m));
    }
  }

  void enqueue_all() {
    for (size_t at = 0; at < batch.size(); at += 250) {
      const size_t end = std::min(batch.size(), at + 250);
      std::vector<Mention> part(batch.begin() + static_cast<std::ptrdiff_t>(at), batch.begin() + static_cast<std::ptrdiff_t>(end));
      std::vector<VolumeFacts> f(facts.begin() + static_cast<std::ptrdiff_t>(at), facts.begin() + static_cast<std::ptrdiff_t>(end));
      store->enqueue(part, nullptr, nullptr, &f);
    }
  }

  // key -> points (t_ms -> count) of the expected series.
  using Series = std::map<std::string, std::map<TimeMs, long long>>;

  Series expected_series(const std::string& by, const std::map<std::string, std::string>& filter, TimeMs since,
                         TimeMs until, TimeMs step) const {
    Series out;
    for (const Expected& e : expected) {
      if (e.at < since || e.at >= until) continue;
      std::vector<std::string> tags = e.tags;
      const bool tagged = by == "tag" || filter.count("tag");
      if (!tagged) tags = {""};
      for (const auto& tag : tags) {
        const std::map<std::string, std::string> parts = {{"platform", e.platform}, {"category", e.category},
                                                          {"sentiment", e.sentiment}, {"language", e.language},
                                                          {"tag", tag}};
        bool ok = true;
        for (const auto& [k, v] : filter) ok = ok && parts.at(k) == v;
        if (ok) out[parts.at(by)][e.at - e.at % step] += 1;
      }
    }
    return out;
  }

  Series response_series(const std::string& body, TimeMs step, long long& points_per_series) {
    rapidjson::Document d;
    d.Parse(body.c_str());
    EXPECT_FALSE(d.HasParseError()) << body;
    Series out;
    EXPECT_EQ(d["step_s"].GetInt64(), step / 1000);
    EXPECT_TRUE(d["spikes"].IsArray());
    long long previous_total = -1;
    for (const auto& s : d["series"].GetArray()) {
      auto& points = out[s["key"].GetString()];
      long long total = 0;
      for (const auto& p : s["points"].GetArray()) {
        const TimeMs t = p[0].GetInt64();
        EXPECT_EQ(t % step, 0);
        if (p[1].GetInt64() != 0) points[t] = p[1].GetInt64();
        total += p[1].GetInt64();
      }
      EXPECT_EQ(s["total"].GetInt64(), total);
      if (previous_total >= 0) {
        EXPECT_LE(total, previous_total) << "series are ordered by total";
      }
      previous_total = total;
      points_per_series = static_cast<long long>(s["points"].GetArray().Size());
    }
    return out;
  }

  void check_volume(const std::string& by, const std::map<std::string, std::string>& filter, TimeMs step) {
    const TimeMs since = now - now % kDay - 10 * kDay, until = now - now % kDay + kDay;
    std::string target = "/v1/stats/volume?by=" + by + "&step=" + (step == kDay ? "1d" : "1h") +
                         "&since=" + format_iso8601(since) + "&until=" + format_iso8601(until);
    for (const auto& [k, v] : filter) target += "&" + k + "=" + (v == "a/b" ? "a%7Cb" : v);
    const ApiResponse r = get(target);
    ASSERT_EQ(r.status, 200) << target << ": " << r.body;
    long long points = 0;
    const Series got = response_series(r.body, step, points);
    if (filter.empty()) {
      EXPECT_GT(got.size(), 1u) << target;
    }
    EXPECT_EQ(got, expected_series(by, filter, since, until, step)) << target;
    if (!got.empty()) {
      EXPECT_EQ(points, (until - since) / step) << target;
    }
  }

  void check_everything() {
    for (const char* by : {"platform", "category", "sentiment", "language", "tag"})
      for (TimeMs step : {kHour, kDay}) check_volume(by, {}, step);
    const std::vector<std::map<std::string, std::string>> filters = {
        {{"platform", "x"}},
        {{"category", "complaint"}},
        {{"tag", "refund"}},
        {{"tag", "a/b"}},
        {{"language", "es"}, {"platform", "mastodon"}},
        {{"sentiment", "negative"}, {"category", "question"}, {"language", "en"}},
        {{"platform", "reddit"}, {"category", "spam"}, {"sentiment", "positive"}, {"language", "unknown"},
         {"tag", "outage"}}};
    for (const auto& f : filters)
      for (const char* by : {"platform", "category", "sentiment", "language", "tag"}) {
        check_volume(by, f, kHour);
        check_volume(by, f, kDay);
      }
    check_top("");
    check_top("mastodon");
  }

  void check_top(const std::string& platform) {
    const TimeMs since = now - now % kDay - 10 * kDay, until = now - now % kDay + kDay;
    std::string target = "/v1/stats/top?limit=100&since=" + format_iso8601(since) + "&until=" + format_iso8601(until);
    if (!platform.empty()) target += "&platform=" + platform;
    const ApiResponse r = get(target);
    ASSERT_EQ(r.status, 200) << target << ": " << r.body;
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    long long total = 0, complaints = 0;
    std::map<std::string, long long> words, hashtags;
    std::map<std::pair<std::string, std::string>, std::tuple<long long, long long, std::string>> authors;
    for (const Expected& e : expected) {
      if (!platform.empty() && e.platform != platform) continue;
      ++total;
      if (e.category == "complaint") ++complaints;
      for (const auto& w : e.words) ++words[w];
      for (const auto& h : e.hashtags) ++hashtags[h];
      auto& [followers, mentions, name] = authors[{e.platform, e.handle}];
      followers = std::max(followers, e.followers);
      ++mentions;
      name = e.name;
    }
    EXPECT_EQ(d["total"].GetInt64(), total) << target;
    EXPECT_EQ(d["complaints"].GetInt64(), complaints) << target;
    EXPECT_NEAR(d["complaint_share"].GetDouble(), static_cast<double>(complaints) / static_cast<double>(total), 1e-9);
    std::map<std::string, long long> got_words, got_hashtags;
    long long previous = -1;
    for (const auto& w : d["words"].GetArray()) {
      got_words[w["word"].GetString()] = w["count"].GetInt64();
      if (previous >= 0) {
        EXPECT_LE(w["count"].GetInt64(), previous);
      }
      previous = w["count"].GetInt64();
    }
    for (const auto& h : d["hashtags"].GetArray()) got_hashtags[h["tag"].GetString()] = h["count"].GetInt64();
    EXPECT_EQ(got_words, words) << target;
    EXPECT_EQ(got_hashtags, hashtags) << target;
    std::vector<std::tuple<long long, long long, std::string, std::string, std::string>> want, got;
    for (const auto& [key, v] : authors)
      want.emplace_back(-std::get<0>(v), -std::get<1>(v), key.first, key.second, std::get<2>(v));
    std::sort(want.begin(), want.end());
    for (const auto& a : d["authors"].GetArray())
      got.emplace_back(-a["followers"].GetInt64(), -a["mentions"].GetInt64(), a["platform"].GetString(),
                       a["handle"].GetString(), a["display_name"].GetString());
    EXPECT_EQ(got, want) << target;
  }

  TestRedis redis;
  std::unique_ptr<QueueStore> store;
  Config config;
  Metrics metrics;
  TimeMs now = now_ms();
  std::unique_ptr<ApiRoutes> routes;
  std::vector<Mention> batch;
  std::vector<VolumeFacts> facts;
  std::vector<Expected> expected;
};

TEST_F(VolumeTest, FiguresEqualACountOfTheSameMentionsForEveryGroupingStepAndFilter) {
  generate(900, 7);
  enqueue_all();
  check_everything();
}

TEST_F(VolumeTest, ADuplicateMentionIsNotCountedTwice) {
  generate(300, 11);
  enqueue_all();
  enqueue_all();  // every mention again: refused by the dedup, so not counted
  // and one mention twice within a batch
  std::vector<Mention> twice = {batch.front(), batch.front()};
  std::vector<VolumeFacts> twice_facts = {facts.front(), facts.front()};
  const auto outcomes = store->enqueue(twice, nullptr, nullptr, &twice_facts);
  EXPECT_EQ(outcomes[0], EnqueueOutcome::duplicate);
  EXPECT_EQ(outcomes[1], EnqueueOutcome::duplicate);
  check_everything();
}

TEST_F(VolumeTest, TheIngestCountsDecidedMentionsButNotTheBrandsOwnPosts) {
  std::vector<Mention> in;
  for (int i = 0; i < 3; ++i) {
    Mention m;
    m.platform = "mastodon";
    m.native_id = "ingest-" + std::to_string(i);
    m.uid = make_uid(m.platform, m.native_id);
    m.source = "test";
    m.seen_at = now - 1000;
    m.posted_at = now - 60'000;
    m.author.handle = i == 2 ? "acmeair" : "traveller" + std::to_string(i);
    m.text = i == 2 ? "We are sorry about the delay #acmeair" : "My luggage is lost again, worst airline #fail";
    in.push_back(std::move(m));
  }
  const auto counts = ingest_batch(in, *default_rules(), *store, {"acmeair"});
  EXPECT_EQ(counts.queued + counts.stored, 3u);
  const ApiResponse r = get("/v1/stats/top?window=1h");
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  EXPECT_EQ(d["total"].GetInt64(), 2);
  EXPECT_EQ(d["complaints"].GetInt64(), 2) << r.body;
  std::map<std::string, long long> words;
  for (const auto& w : d["words"].GetArray()) words[w["word"].GetString()] = w["count"].GetInt64();
  EXPECT_EQ(words, (std::map<std::string, long long>{{"luggage", 2}, {"lost", 2}, {"worst", 2}, {"airline", 2}}));
  ASSERT_EQ(d["hashtags"].GetArray().Size(), 1u);
  EXPECT_STREQ(d["hashtags"][0]["tag"].GetString(), "fail");
  EXPECT_EQ(d["authors"].GetArray().Size(), 2u);
  const ApiResponse s = get("/v1/stats/volume?by=sentiment&window=2h");
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_NE(s.body.find("\"key\":\"negative\",\"total\":2"), std::string::npos) << s.body;
}

TEST_F(VolumeTest, ADaysTopListsStayBoundedAndKeepTheirLeaders) {
  const auto rules = default_rules();
  std::vector<Mention> in;
  std::vector<VolumeFacts> f;
  const size_t n = static_cast<size_t>(VolumeStore::kTopTrimAt) + 300;
  for (size_t i = 0; i < n; ++i) {
    Mention m;
    m.platform = "x";
    m.native_id = "bound-" + std::to_string(i);
    m.uid = make_uid(m.platform, m.native_id);
    m.source = "test";
    m.seen_at = now;
    m.posted_at = now;
    m.author.handle = "author" + std::to_string(i);
    m.author.followers = static_cast<std::int64_t>(i);
    m.text = "common word" + std::to_string(i);
    m.decision.scored = true;
    f.push_back(volume_facts(m, *rules, {}));
    in.push_back(std::move(m));
  }
  store->enqueue(in, nullptr, nullptr, &f);
  VolumeStore volume(store->pool(), config.store.prefix);
  const TimeMs day = now - now % kDay;
  for (const char* list : {"w", "au"}) {
    const RedisReply card = store->pool().command({"ZCARD", volume.top_key(day, list, "x")});
    EXPECT_LE(card.integer, VolumeStore::kTopTrimAt) << list;
    EXPECT_GE(card.integer, VolumeStore::kTopKept) << list;
  }
  const RedisReply info = store->pool().command({"HLEN", volume.top_key(day, "ai", "x")});
  const RedisReply authors = store->pool().command({"ZCARD", volume.top_key(day, "au", "x")});
  EXPECT_EQ(info.integer, 2 * authors.integer);  // a count and a name per author kept
  const RedisReply ttl = store->pool().command({"PTTL", volume.top_key(day, "w", "x")});
  EXPECT_GT(ttl.integer, 790 * kDay);
  const RedisReply hour_ttl = store->pool().command({"PTTL", volume.cube_key({'h', now - now % kHour}, false)});
  EXPECT_GT(hour_ttl.integer, 61 * kDay);
  EXPECT_LE(hour_ttl.integer, 62 * kDay);

  const ApiResponse r = get("/v1/stats/top?limit=3&window=1h");
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  EXPECT_STREQ(d["words"][0]["word"].GetString(), "common");
  EXPECT_EQ(d["words"][0]["count"].GetInt64(), static_cast<long long>(n));
  ASSERT_EQ(d["authors"].GetArray().Size(), 3u);
  EXPECT_STREQ(d["authors"][0]["handle"].GetString(), ("author" + std::to_string(n - 1)).c_str());
  EXPECT_EQ(d["authors"][0]["followers"].GetInt64(), static_cast<long long>(n - 1));
  EXPECT_EQ(d["authors"][0]["mentions"].GetInt64(), 1);
}

TEST_F(VolumeTest, BadParametersAreRefusedNamingThem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/v1/stats/volume?step=30m", "step:"},
      {"/v1/stats/volume?step=90m", "step:"},
      {"/v1/stats/volume?step=soon", "step:"},
      {"/v1/stats/volume?by=mood", "by:"},
      {"/v1/stats/volume?since=yesterday", "since:"},
      {"/v1/stats/volume?until=2026-13-01", "until:"},
      {"/v1/stats/volume?since=2026-11-22T10:00:00Z&until=2026-11-22T09:00:00Z", "since:"},
      {"/v1/stats/volume?window=1h&since=2026-11-22T10:00:00Z", "window:"},
      {"/v1/stats/volume?window=90d&step=1h", "step:"},
      {"/v1/stats/volume?window=700d&step=1d&until=" + format_iso8601(now), ""},
      {"/v1/stats/volume?window=6000d&step=1d", "step:"},  // 6000 points: too many
      {"/v1/stats/top?limit=0", "limit:"},
      {"/v1/stats/top?limit=101", "limit:"},
      {"/v1/stats/top?category=complaint", "category:"},
      {"/v1/stats/top?language=en", "language:"},
      {"/v1/stats/top?tag=refund", "tag:"},
  };
  for (const auto& [target, what] : cases) {
    const ApiResponse r = get(target);
    if (what.empty()) {
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
      continue;
    }
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_NE(r.body.find("\"error\":\"" + what), std::string::npos) << target << ": " << r.body;
  }
  const ApiResponse hours = get("/v1/stats/volume?window=60d&step=1h");
  EXPECT_EQ(hours.status, 200) << hours.body;
}

// The spikes the detector logged are marked on the charts of their window, as the filters take them.
TEST_F(VolumeTest, TheChartsListTheSpikesOfTheirWindowThatTheFiltersTake) {
  const TimeMs hour = now - now % kHour;
  SpikeStore log(store->pool(), config.store.prefix, std::chrono::hours(24));
  auto mark = [&](std::string series, std::string platform, std::string category, std::string tag, TimeMs at) {
    SpikeStore::Mark m;
    m.series = std::move(series);
    m.platform = std::move(platform);
    m.category = std::move(category);
    m.tag = std::move(tag);
    m.at = at;
    m.bucket = at + 300'000;
    m.until = at + 600'000;
    m.count = 40;
    m.expected = 4.04;
    log.log_spike(m, now);
    return m;
  };
  mark("mastodon|complaint", "mastodon", "complaint", "", hour - 3 * kHour + 600'000);
  mark("tag:outage", "", "", "outage", hour - 2 * kHour);
  mark("reddit|praise", "reddit", "praise", "", hour - 30 * kHour);  // before the window below
  log.log_over("mastodon|complaint", hour - 3 * kHour + 900'000, hour - 2 * kHour);

  auto spikes = [&](const std::string& query) {
    const ApiResponse r = get("/v1/stats/volume?window=6h&until=" + format_iso8601(hour) + query);
    EXPECT_EQ(r.status, 200) << r.body;
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    std::vector<std::string> keys;
    for (const auto& x : d["spikes"].GetArray()) keys.push_back(x["key"].GetString());
    return std::make_pair(keys, r.body);
  };
  const auto [all, body] = spikes("");
  EXPECT_EQ(all, (std::vector<std::string>{"mastodon|complaint", "tag:outage"}));
  EXPECT_NE(body.find("{\"at\":\"" + format_iso8601(hour - 3 * kHour + 600'000) + "\",\"until\":\"" +
                      format_iso8601(hour - 3 * kHour + 1'200'000) +
                      "\",\"key\":\"mastodon|complaint\",\"kind\":\"spike\",\"platform\":\"mastodon\","
                      "\"category\":\"complaint\",\"count\":40,\"expected\":4.0,\"ended\":\"" +
                      format_iso8601(hour - 2 * kHour) + "\"}"),
            std::string::npos)
      << body;
  EXPECT_EQ(spikes("&by=category").first, all);  // every chart of the window marks them
  EXPECT_EQ(spikes("&platform=mastodon").first, std::vector<std::string>{"mastodon|complaint"});
  EXPECT_EQ(spikes("&category=complaint&platform=mastodon").first, std::vector<std::string>{"mastodon|complaint"});
  EXPECT_EQ(spikes("&tag=outage").first, std::vector<std::string>{"tag:outage"});
  EXPECT_TRUE(spikes("&platform=reddit").first.empty());
  EXPECT_TRUE(spikes("&sentiment=negative").first.empty());  // no spike counts a sentiment
  EXPECT_TRUE(spikes("&language=en").first.empty());
  const ApiResponse longer = get("/v1/stats/volume?window=2d&until=" + format_iso8601(hour));
  EXPECT_NE(longer.body.find("\"key\":\"reddit|praise\""), std::string::npos);
}

TEST_F(VolumeTest, AWindowIsRoundedToWholeHoursAndSaysSo) {
  const TimeMs hour = now - now % kHour;
  const ApiResponse r = get("/v1/stats/volume?since=" + format_iso8601(hour - 2 * kHour + 17 * 60'000) +
                            "&until=" + format_iso8601(hour - 5 * 60'000));
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  EXPECT_EQ(std::string(d["since"].GetString()), format_iso8601(hour - 2 * kHour));
  EXPECT_EQ(std::string(d["until"].GetString()), format_iso8601(hour));
  EXPECT_EQ(std::string(d["by"].GetString()), "platform");
  EXPECT_EQ(d["series"].GetArray().Size(), 0u);
}

}  // namespace
}  // namespace carewatch
