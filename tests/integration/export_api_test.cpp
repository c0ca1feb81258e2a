// The CSV export (GET /v1/export.csv) and the SLA breaches (GET /v1/sla/breaches) over real HTTP
// on loopback, against a real redis-server: an export of more mentions than one page checked row
// by row (order, columns, filters, a hostile text), sent chunked; breaches written by the SLA
// watch read back newest first.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <set>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "daemon/alerts/sla_watch.h"
#include "daemon/api/api_key.h"
#include "daemon/api/export_routes.h"
#include "daemon/api/http_api.h"
#include "daemon/store/export_store.h"
#include "daemon/store/redis_fields.h"
#include "daemon/store/sla_store.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using testing::TestRedis;

constexpr const char* kAliceKey = "export-alice-key";
constexpr const char* kVicKey = "export-viewer-key";
constexpr const char* kHostile = "=cmd|' /C calc'!A0, \"quoted\"\nsecond line\r\nthird, @last";

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  size_t chunks = 0;       // chunks the body came in (0: not chunked)
  size_t largest_chunk = 0;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  rapidjson::Document json() const {
    rapidjson::Document d;
    d.Parse(body.c_str());
    EXPECT_FALSE(d.HasParseError()) << "not JSON: " << body;
    return d;
  }
};

// One GET on `socket` (kept alive), counting the chunks of a chunked body.
Reply get_on(tcp::socket& socket, const std::string& target, const std::string& key = kAliceKey) {
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::authorization, std::string("Bearer ") + key);
  http::write(socket, req);

  Reply out;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  std::function<void(std::uint64_t, beast::string_view, beast::error_code&)> on_chunk =
      [&out](std::uint64_t size, beast::string_view, beast::error_code&) {
        if (size == 0) return;  // the last chunk
        ++out.chunks;
        out.largest_chunk = std::max<size_t>(out.largest_chunk, size);
      };
  parser.on_chunk_header(on_chunk);
  beast::flat_buffer buffer;
  http::read(socket, buffer, parser);
  const auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  return out;
}

// One GET on a fresh connection.
Reply get(int port, const std::string& target, const std::string& key = kAliceKey) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  timeval tv{20, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return get_on(socket, target, key);
}

// RFC 4180, read independently of the writer: rows of cells; CRLF ends a row outside quotes.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      EXPECT_TRUE(cell.empty()) << "a quote inside an unquoted cell at byte " << i;
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      EXPECT_NE(c, '\n') << "a bare LF outside quotes at byte " << i;
      EXPECT_NE(c, '\r') << "a bare CR outside quotes at byte " << i;
      cell += c;
    }
    any = true;
  }
  EXPECT_FALSE(quoted) << "the body ends inside a quoted cell";
  EXPECT_TRUE(!any || (row.empty() && cell.empty())) << "the last row does not end in CRLF";
  return rows;
}

// "2026-11-22T10:00:00.000Z" -> "20261122T100000Z"
std::string compact(TimeMs t) {
  const std::string iso = format_iso8601(t);
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 2) + iso.substr(14, 2) +
         iso.substr(17, 2) + "Z";
}

std::string uid_of(int i) { return (i % 5 == 0 ? "x:" : "mastodon:") + std::to_string(i); }

std::string score3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

class ExportApiTest : public ::testing::Test {
 protected:
  ExportApiTest() {
    QueueStoreOptions o;
    o.prefix = "exp";
    o.lease = 60s;
    o.connect_timeout = 500ms;
    o.command_timeout = 5000ms;
    store = std::make_unique<QueueStore>(redis.endpoint(), o);
    config.api_host = "127.0.0.1";
    config.api_port = 0;
    config.api_rate_limit_per_minute = 10'000;
    config.agents = {{"alice", sha256_hex(kAliceKey)}, {"vic", sha256_hex(kVicKey), AgentRole::viewer}};
  }

  void start() {
    api = std::make_unique<HttpApi>(config, *store, metrics, [] { return true; });
    api->start();
    ASSERT_GT(api->port(), 0);
  }
  int port() const { return api->port(); }

  TestRedis redis;
  std::unique_ptr<QueueStore> store;
  Config config;
  Metrics metrics;
  std::unique_ptr<HttpApi> api;  // last: stopped before the store goes away
};

// --- The export --------------------------------------------------------------------------------

struct Expected {
  Mention m;
  TimeMs posted_or_seen = 0;
  bool routed = true;
};

class ExportCsvTest : public ExportApiTest {
 protected:
  static constexpr int kMentions = 1234;  // more than two pages of kExportPage

  void SetUp() override {
    base = (now_ms() / 1000 - 4 * 3600) * 1000;
    since = base;
    until = base + (kMentions / 3 + 10) * 1000;
    std::vector<Mention> batch;
    for (int i = 0; i < kMentions; ++i) batch.push_back(make(i, base + (i / 3) * 1000));  // three per ms: ties
    // posted_at unknown: its seen_at places it.
    Mention unknown = make(kMentions, 0);
    unknown.seen_at = base + 7 * 1000;
    batch.push_back(unknown);
    // At the edges: before since and at until are out, just before until is in.
    batch.push_back(make(kMentions + 1, since - 1));
    batch.push_back(make(kMentions + 2, until));
    batch.push_back(make(kMentions + 3, until - 1));
    const auto outcomes = store->enqueue(batch);
    for (size_t i = 0; i < batch.size(); ++i) ASSERT_NE(outcomes[i], EnqueueOutcome::duplicate) << i;
    for (const auto& m : batch) {
      const TimeMs t = m.posted_at > 0 ? m.posted_at : m.seen_at;
      if (t >= since && t < until) expected.push_back({m, t, !m.decision.queue.empty()});
    }
    std::sort(expected.begin(), expected.end(), [](const Expected& a, const Expected& b) {
      return std::tie(a.posted_or_seen, a.m.uid) < std::tie(b.posted_or_seen, b.m.uid);
    });
  }

  Mention make(int i, TimeMs posted) {
    const std::string platform = i % 5 == 0 ? "x" : "mastodon";
    Mention m = testing::test_mention(std::to_string(i), i == 17 ? kHostile : "mention " + std::to_string(i) + ", ok",
                                      posted, posted > 0 ? posted + 1500 : 0, "user" + std::to_string(i));
    m.platform = platform;
    m.uid = make_uid(platform, m.native_id);
    m.author.display_name = i == 17 ? "+Mallory \"M\"" : "User " + std::to_string(i);
    m.author.followers = i * 3;
    m.url = "https://example.social/@user" + std::to_string(i) + "/" + std::to_string(i);
    m.language = i % 4 == 0 ? "fr" : "en";
    m.decision.category = i % 3 == 0 ? Category::complaint : i % 3 == 1 ? Category::question : Category::praise;
    m.decision.priority = i == 1 ? 0 : 2;
    m.decision.queue = i % 7 == 0 ? "" : "care";  // every seventh is stored, routed to no queue
    m.decision.scored = true;
    m.decision.sentiment.compound = -0.5 + (i % 10) * 0.1;
    m.decision.complaint_score = (i % 10) / 10.0;
    m.decision.language = m.language;
    if (i % 6 == 0) m.decision.tags = {"billing"};
    return m;
  }

  // The rows expected for `keep`, as the export writes them.
  std::vector<std::vector<std::string>> rows_of(const std::function<bool(const Mention&)>& keep) {
    std::vector<std::vector<std::string>> out;
    for (const auto& e : expected) {
      if (!keep(e.m) || gone.count(e.m.uid)) continue;
      const Mention& m = e.m;
      const auto rec = store->get(m.uid, false);
      EXPECT_TRUE(rec.has_value()) << m.uid;
      const auto st = [&](const char* f) {
        auto it = rec->state.find(f);
        return it == rec->state.end() ? std::string() : it->second;
      };
      const auto iso = [&](const char* f) {
        const long long t = std::atoll(st(f).c_str());
        return t > 0 ? format_iso8601(t) : std::string();
      };
      const auto guard = [](const std::string& s) {
        return !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '@' || s[0] == '-') ? "'" + s : s;
      };
      out.push_back({m.uid, m.platform, m.source, m.posted_at > 0 ? format_iso8601(m.posted_at) : "",
                     m.author.handle, guard(m.author.display_name), std::to_string(m.author.followers), m.language,
                     to_string(m.decision.category), score3(m.decision.sentiment.compound),
                     score3(m.decision.complaint_score), std::to_string(m.decision.priority), m.decision.queue,
                     st("state"), iso("first_reply_at"), iso("resolved_at"), st("resolved_by"), m.url, guard(m.text)});
    }
    return out;
  }

  std::string range() const { return "since=" + format_iso8601(since) + "&until=" + format_iso8601(until); }

  // The export's rows (header checked and dropped).
  std::vector<std::vector<std::string>> export_rows(const std::string& query, Reply* reply = nullptr) {
    const Reply r = get(port(), "/v1/export.csv?" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    auto rows = parse_csv(r.body);
    EXPECT_FALSE(rows.empty());
    if (rows.empty()) return rows;
    EXPECT_EQ(rows[0], std::vector<std::string>(std::begin(kExportColumns), std::end(kExportColumns)));
    rows.erase(rows.begin());
    if (reply) *reply = r;
    return rows;
  }

  void expect_rows(const std::vector<std::vector<std::string>>& got,
                   const std::vector<std::vector<std::string>>& want, const std::string& what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << what << ": row " << i + 1;
  }

  TimeMs base = 0, since = 0, until = 0;
  std::vector<Expected> expected;
  std::set<std::string> gone;
};

TEST_F(ExportCsvTest, EveryMentionInRangeOnceInPostedOrderChunkedAPageAtATime) {
  // One mention answered and resolved: its reply and resolution are in its row.
  const auto claimed = store->claim("care", "alice");
  ASSERT_TRUE(claimed.has_value());
  ASSERT_EQ(claimed->uid, "mastodon:1");
  ASSERT_EQ(store->submit_reply("mastodon:1", "alice", "sorry, on it", QueueStore::new_reply_id(), true).status,
            OpStatus::ok);
  ASSERT_EQ(store->resolve("mastodon:1", "alice").status, OpStatus::ok);
  start();

  Reply r;
  const auto rows = export_rows(range(), &r);
  EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.header("content-disposition"),
            "attachment; filename=\"carewatch-mentions-" + compact(since) + "-" + compact(until) + ".csv\"");
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  EXPECT_EQ(r.header("content-length"), "");
  // The header and the first page, then one chunk per page.
  const size_t pages = (expected.size() + kExportPage - 1) / kExportPage;
  EXPECT_GE(r.chunks, pages) << r.chunks << " chunks";
  EXPECT_LT(r.largest_chunk, kExportPage * 400) << "a chunk holds a page, not the export";
  std::printf("export: %zu rows, %zu bytes in %zu chunks, largest %zu bytes\n", rows.size(), r.body.size(), r.chunks,
              r.largest_chunk);

  ASSERT_GT(expected.size(), 2 * kExportPage);
  expect_rows(rows, rows_of([](const Mention&) { return true; }), "all");
  // The resolved one, the stored one, the hostile one.
  const auto find = [&](const std::string& uid) {
    for (const auto& row : rows)
      if (row[0] == uid) return row;
    return std::vector<std::string>();
  };
  const auto one = find("mastodon:1");
  ASSERT_EQ(one.size(), std::size(kExportColumns));
  EXPECT_EQ(one[13], "resolved");
  EXPECT_FALSE(one[14].empty());
  EXPECT_FALSE(one[15].empty());
  EXPECT_EQ(one[16], "alice");
  EXPECT_EQ(find("mastodon:14")[13], "stored");
  EXPECT_EQ(find("mastodon:14")[12], "");
  const auto hostile = find("mastodon:17");
  ASSERT_EQ(hostile.size(), std::size(kExportColumns));
  EXPECT_EQ(hostile[18], std::string("'") + kHostile);
  EXPECT_EQ(hostile[5], "'+Mallory \"M\"");
  EXPECT_NE(r.body.find("\"'=cmd|' /C calc'!A0, \"\"quoted\"\"\nsecond line\r\nthird, @last\""), std::string::npos);
  // A negative sentiment stays a number.
  EXPECT_EQ(find("mastodon:2")[9], "-0.300");
  // The edges: since is in, until is out; an unknown posted_at falls back to seen_at.
  EXPECT_EQ(find(uid_of(kMentions + 1)).size(), 0u);
  EXPECT_EQ(find(uid_of(kMentions + 2)).size(), 0u);
  EXPECT_EQ(find(uid_of(kMentions + 3)).size(), std::size(kExportColumns));
  ASSERT_EQ(find(uid_of(kMentions)).size(), std::size(kExportColumns));
  EXPECT_EQ(find(uid_of(kMentions))[3], "");

  // Any role may read it. The connection stays usable after a streamed body: two exports and a
  // JSON answer on one connection.
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port())));
  timeval tv{20, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const Reply again = get_on(socket, "/v1/export.csv?" + range(), kVicKey);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, r.body);
  EXPECT_EQ(get_on(socket, "/v1/export.csv?" + range() + "&tag=billing", kVicKey).status, 200);
  const Reply queues = get_on(socket, "/v1/queues", kVicKey);
  EXPECT_EQ(queues.status, 200);
  EXPECT_EQ(queues.chunks, 0u);
  EXPECT_TRUE(queues.json().HasMember("queues"));
}

TEST_F(ExportCsvTest, FiltersKeepOnlyTheMatchingRows) {
  start();
  expect_rows(export_rows(range() + "&platform=x"), rows_of([](const Mention& m) { return m.platform == "x"; }),
              "platform=x");
  expect_rows(export_rows(range() + "&category=complaint"),
              rows_of([](const Mention& m) { return m.decision.category == Category::complaint; }), "category");
  expect_rows(export_rows(range() + "&language=fr"), rows_of([](const Mention& m) { return m.language == "fr"; }),
              "language=fr");
  expect_rows(export_rows(range() + "&tag=billing"),
              rows_of([](const Mention& m) { return !m.decision.tags.empty() && m.decision.tags[0] == "billing"; }),
              "tag=billing");
  expect_rows(export_rows(range() + "&platform=x&category=question&language=en"), rows_of([](const Mention& m) {
                return m.platform == "x" && m.decision.category == Category::question && m.language == "en";
              }),
              "platform, category and language");
  EXPECT_TRUE(export_rows(range() + "&platform=nowhere").empty());
  // A narrower window.
  const TimeMs from = base + 100 * 1000, to = base + 101 * 1000;
  expect_rows(export_rows("since=" + format_iso8601(from) + "&until=" + format_iso8601(to)),
              rows_of([&](const Mention& m) { return m.posted_at >= from && m.posted_at < to; }), "one second");
}

TEST_F(ExportCsvTest, ExpiredMentionsAreSkippedThenSweptOutOfTheIndex) {
  ExportStore index(store->pool(), "exp");
  const auto before = index.indexed();
  EXPECT_EQ(before, kMentions + 4);
  for (const char* uid : {"mastodon:31", "mastodon:32", "x:35"}) {
    redis.command(std::string("DEL {exp}:m:") + uid);
    gone.insert(uid);
  }
  start();
  expect_rows(export_rows(range()), rows_of([](const Mention&) { return true; }), "three expired");
  // Nothing is old enough to have expired: the sweep removes nothing.
  EXPECT_EQ(index.sweep(base - 3600'000).removed, 0u);
  // With every member below the horizon, in steps of 100: exactly the three.
  const auto s = index.sweep(now_ms() + 86400'000, 100);
  EXPECT_TRUE(s.done);
  EXPECT_EQ(s.removed, 3u);
  EXPECT_EQ(s.examined, static_cast<size_t>(before));
  EXPECT_EQ(index.indexed(), before - 3);
  expect_rows(export_rows(range()), rows_of([](const Mention&) { return true; }), "after the sweep");
}

// A page's cursor names the last member it examined; when that member leaves the index before the
// next page (swept), the next page starts at its score and skips what sorts before it: nothing
// is skipped, nothing comes twice, even among members sharing a millisecond.
TEST_F(ExportCsvTest, APageWhoseLastMemberLeftTheIndexGoesOnWhereItStood) {
  ExportStore index(store->pool(), "exp");
  ExportCursor cursor;
  cursor.since = since;
  cursor.until = until;
  std::vector<std::string> got;
  size_t pages = 0;
  while (!cursor.done) {
    const auto page = index.next_page(cursor, {}, 4);  // 4: pages end inside groups of equal score
    for (const auto& rec : page) got.push_back(rec.uid);
    ++pages;
    if (!cursor.done && pages % 2 == 0) {
      redis.command("ZREM {exp}:mentions:posted " + cursor.after_uid);
      redis.command("DEL {exp}:m:" + cursor.after_uid);
      gone.insert(cursor.after_uid);
    }
  }
  // Each removed member had been returned by the page it ended: every mention comes exactly once.
  std::vector<std::string> want;
  for (const auto& e : expected) want.push_back(e.m.uid);
  EXPECT_GT(gone.size(), 100u);
  EXPECT_EQ(cursor.examined, expected.size());
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(got, want);
  // The filters applied by the script.
  ExportCursor x;
  x.since = since;
  x.until = until;
  size_t rows = 0;
  while (!x.done)
    for (const auto& rec : index.next_page(x, {"x", "complaint"}, 100)) {
      EXPECT_EQ(rec.fields.at(redis_field::platform), "x");
      EXPECT_EQ(rec.fields.at(redis_field::category), "complaint");
      ++rows;
    }
  size_t want_x = 0;
  for (const auto& e : expected)
    if (!gone.count(e.m.uid) && e.m.platform == "x" && e.m.decision.category == Category::complaint) ++want_x;
  EXPECT_EQ(rows, want_x);
  EXPECT_GT(rows, 10u);
}

TEST_F(ExportCsvTest, BadParametersAre400NamingThem) {
  start();
  const auto error_of = [&](const std::string& q) {
    const Reply r = get(port(), "/v1/export.csv?" + q);
    EXPECT_EQ(r.status, 400) << q << ": " << r.body;
    const auto d = r.json();
    return d.IsObject() && d.HasMember("error") ? std::string(d["error"].GetString()) : std::string();
  };
  EXPECT_EQ(error_of("since=yesterday").rfind("since: expected an ISO 8601", 0), 0u);
  EXPECT_EQ(error_of("until=2026-13-40").rfind("until: expected an ISO 8601", 0), 0u);
  EXPECT_EQ(error_of("since=2026-11-22T10:00:00Z&until=2026-11-22T09:00:00Z"), "since: must be before until");
  EXPECT_EQ(error_of(range() + "&category=nope").rfind("category: expected one of unknown, complaint", 0), 0u);
  EXPECT_EQ(error_of(range() + "&tag=" + std::string(300, 'a')).rfind("tag: expected at most", 0), 0u);
}

// --- The breaches -------------------------------------------------------------------------------

TEST_F(ExportApiTest, BreachesTheWatchWroteComeNewestFirstWithTheirFields) {
  constexpr long long kMin = 60'000;
  const TimeMs posted = now_ms();
  std::atomic<TimeMs> clock{posted};
  SlaPolicies policies;
  policies.fallback.targets[0].first_response = 10min;
  policies.fallback.targets[0].resolution = 2h;
  policies.fallback.targets[1].first_response = 1h;

  std::vector<Mention> batch;
  for (int i = 0; i < 6; ++i) {
    Mention m = testing::test_mention("c" + std::to_string(i), "care " + std::to_string(i) + " is late",
                                      posted + i * kMin, posted + i * kMin + 1000, "ana" + std::to_string(i));
    m.decision.category = Category::complaint;
    m.decision.priority = 0;
    m.decision.queue = "care";
    batch.push_back(m);
  }
  for (int i = 0; i < 2; ++i) {
    Mention m = testing::test_mention("s" + std::to_string(i), "sales " + std::to_string(i),
                                      posted + 30'000 + i * kMin, posted + 31'000 + i * kMin, "bo" + std::to_string(i));
    m.decision.category = Category::question;
    m.decision.priority = 1;
    m.decision.queue = "sales";
    batch.push_back(m);
  }
  store->enqueue(batch);
  SlaStore sla(store->pool(), "exp");
  SlaWatch watch(sla, policies, nullptr, {}, [&clock] { return clock.load(); });
  for (long long minute : {30, 90, 200}) {
    clock = posted + minute * kMin;
    watch.tick();
  }
  // The events the watch wrote: the truth the route must match.
  std::map<std::pair<std::string, std::string>, Event> events;
  for (const auto& e : store->events_after("", 100000))
    if (e.type == "sla_breached") events[{e.uid, e.fields.at("target")}] = e;
  ASSERT_EQ(events.size(), 14u);  // 6 first responses and 6 resolutions in care, 2 first responses in sales
  start();

  const Reply r = get(port(), "/v1/sla/breaches?limit=500");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto d = r.json();
  const auto& items = d["items"];
  ASSERT_EQ(items.Size(), 14u) << r.body;
  std::vector<std::string> all_uids;
  TimeMs previous = INT64_MAX;
  std::map<std::string, std::string> text_of;
  for (const auto& m : batch) text_of[m.uid] = m.text;
  for (const auto& i : items.GetArray()) {
    for (const char* f : {"uid", "queue", "priority", "target", "at", "target_ms", "elapsed_ms", "platform", "text",
                          "author"})
      ASSERT_TRUE(i.HasMember(f)) << f;
    const std::string uid = i["uid"].GetString(), target = i["target"].GetString();
    const auto e = events.find({uid, target});
    ASSERT_NE(e, events.end()) << uid << " " << target;
    TimeMs at = 0;
    ASSERT_TRUE(parse_iso8601(i["at"].GetString(), at));
    EXPECT_EQ(at, std::stoll(e->second.fields.at("due_at"))) << uid;
    EXPECT_LE(at, previous) << "newest first";
    previous = at;
    EXPECT_EQ(i["target_ms"].GetInt64(), std::stoll(e->second.fields.at("target_ms")));
    EXPECT_EQ(i["elapsed_ms"].GetInt64(), std::stoll(e->second.fields.at("elapsed_ms")));
    EXPECT_GE(i["elapsed_ms"].GetInt64(), i["target_ms"].GetInt64());
    EXPECT_EQ(i["queue"].GetString(), uid.find(":c") != std::string::npos ? std::string("care") : "sales");
    EXPECT_EQ(i["priority"].GetInt(), uid.find(":c") != std::string::npos ? 0 : 1);
    EXPECT_STREQ(i["platform"].GetString(), "mastodon");
    EXPECT_EQ(i["text"].GetString(), text_of[uid]);
    EXPECT_EQ(std::string(i["author"].GetString()).substr(0, 2), uid.find(":c") != std::string::npos ? "an" : "bo");
    all_uids.push_back(uid + "/" + target);
  }
  // The newest: care's resolutions (posted + i min + 2h), c5's first.
  EXPECT_EQ(all_uids.front(), "mastodon:c5/resolution");

  // limit, queue and since.
  const Reply three = get(port(), "/v1/sla/breaches?limit=3");
  ASSERT_EQ(three.status, 200);
  ASSERT_EQ(three.json()["items"].Size(), 3u);
  for (unsigned k = 0; k < 3; ++k)
    EXPECT_EQ(std::string(three.json()["items"][k]["uid"].GetString()) + "/" +
                  three.json()["items"][k]["target"].GetString(),
              all_uids[k]);
  const Reply sales = get(port(), "/v1/sla/breaches?queue=sales");
  ASSERT_EQ(sales.status, 200);
  ASSERT_EQ(sales.json()["items"].Size(), 2u);
  EXPECT_STREQ(sales.json()["items"][0]["uid"].GetString(), "mastodon:s1");
  EXPECT_STREQ(sales.json()["items"][1]["uid"].GetString(), "mastodon:s0");
  const Reply recent = get(port(), "/v1/sla/breaches?since=" + format_iso8601(posted + 100 * kMin));
  ASSERT_EQ(recent.status, 200);
  EXPECT_EQ(recent.json()["items"].Size(), 6u);  // the resolutions (2 h on) only
  EXPECT_EQ(get(port(), "/v1/sla/breaches", kVicKey).json()["items"].Size(), 14u);  // the default: 50, 24 h back

  EXPECT_EQ(get(port(), "/v1/sla/breaches?limit=0").status, 400);
  EXPECT_EQ(get(port(), "/v1/sla/breaches?limit=501").status, 400);
  EXPECT_EQ(get(port(), "/v1/sla/breaches?since=soon").status, 400);
  EXPECT_EQ(get(port(), "/v1/sla/breaches?queue=a%20b").status, 400);
  const Reply unknown = get(port(), "/v1/sla/breaches?queue=nowhere");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("queues: care, sales"), std::string::npos) << unknown.body;
}

}  // namespace
}  // namespace carewatch
