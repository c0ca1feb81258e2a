// Every connector at once, end to end: the carewatch binary with one source of each platform, each
// against its fake server on loopback, one real redis-server. Posts arrive on every platform while
// the daemon runs, it is killed with SIGKILL in the middle of paging, more posts arrive while it is
// down, and after a restart every post is stored exactly once: no page skipped, none fetched
// twice into a second mention, whatever the cursors of the platforms are.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include <ctime>
#include <iostream>

#include "mention/common/time.h"
#include "tests/support/daemon_process.h"
#include "tests/support/fake_appstore.h"
#include "tests/support/fake_bluesky.h"
#include "tests/support/fake_discourse.h"
#include "tests/support/fake_googleplay.h"
#include "tests/support/fake_hackernews.h"
#include "tests/support/fake_mastodon.h"
#include "tests/support/fake_reddit.h"
#include "tests/support/fake_rss.h"
#include "tests/support/fake_x.h"
#include "tests/support/fake_youtube.h"
#include "tests/support/redis_fixture.h"
#include "tests/support/redis_probe.h"
#include "tests/support/temp_dir.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::kSlow;
using testing::Probe;

const std::string kBinary = CAREWATCH_BINARY;

// One platform under test: its fake server, the source that reads it, and the uids of every post
// added to it so far (what the daemon must store, each once).
class Platform {
 public:
  virtual ~Platform() = default;
  virtual std::string source_json() const = 0;  // {"name", "type", "interval", "options"}
  virtual void add_posts(int n) = 0;            // n new customer posts, newest last
  const std::set<std::string>& expected() const { return expected_; }

 protected:
  std::set<std::string> expected_;
};

std::string source(const std::string& name, const std::string& type, const std::string& options) {
  return R"({"name": ")" + name + R"(", "type": ")" + type + R"(", "interval": "150ms", "options": )" + options + "}";
}

// Mastodon: the brand account's mentions (notifications), 5 a page, 2 pages a poll.
class MastodonPlatform : public Platform {
 public:
  MastodonPlatform() : fake_("mastodon-token") {}
  std::string source_json() const override {
    return source("masto", "mastodon",
                  R"({"instance": ")" + fake_.base_url() +
                      R"(", "access_token": "mastodon-token", "notifications": true, "limit": 5, "max_pages": 2})");
  }
  void add_posts(int n) override {
    for (int i = 0; i < n; ++i, ++next_) {
      testing::CustomerPost p;
      p.notification_id = std::to_string(50000 + next_);
      p.status_id = std::to_string(113552000000000000LL + next_);
      p.text = "@acmeair my bag never arrived, case " + std::to_string(next_);
      fake_.add_mention(p);
      expected_.insert("mastodon:" + p.status_id);
    }
  }

 private:
  testing::FakeMastodon fake_;
  int next_ = 1;
};

// exec: the example Discourse plugin against a fake forum, 3 posts a page.
class ExecPlatform : public Platform {
 public:
  ExecPlatform() : forum_(server_, 3) {}
  std::string source_json() const override {
    return source("forum", "exec",
                  R"({"program": ")" + std::string(CAREWATCH_SOURCE_DIR) +
                      R"(/connectors/exec/examples/discourse_forum.py", "platform": "discourse", "timeout": "30s",)"
                      R"( "settings": {"base_url": ")" + server_.base_url() + R"(", "max_pages": 100}})");
  }
  void add_posts(int n) override {
    for (int i = 0; i < n; ++i, ++next_) {
      forum_.add(next_, "<p>Refund still not here, order " + std::to_string(next_) + "</p>");
      expected_.insert("discourse:" + std::to_string(next_));
    }
  }

 private:
  testing::FakeHttpServer server_;
  testing::FakeForum forum_;
  int next_ = 100;
};


// Bluesky: the account's notifications, signed in with an app password.
class BlueskyPlatform : public Platform {
 public:
  std::string source_json() const override {
    return source("bsky", "bluesky",
                  R"({"base_url": ")" + fake_.base_url() + R"(", "identifier": ")" + testing::kFakeBlueskyHandle +
                      R"(", "app_password": ")" + testing::kFakeBlueskyPassword + R"(", "page_size": 25, "max_pages": 3})");
  }
  void add_posts(int n) override {
    for (int i = 0; i < n; ++i, ++next_) {
      testing::BlueskyPost p;
      p.text = "@acmeair.bsky.social the app logs me out every hour (" + std::to_string(next_) + ")";
      expected_.insert("bluesky:" + fake_.add_mention(p));
    }
  }

 private:
  testing::FakeBluesky fake_;
  int next_ = 1;
};

// Reddit: a subreddit's new posts and comments, script-app OAuth.
class RedditPlatform : public Platform {
 public:
  std::string source_json() const override {
    return source("reddit", "reddit", fake_.options(R"(, "subreddits": ["acmeair"], "page_size": 5, "max_pages": 2)"));
  }
  void add_posts(int n) override {
    for (int i = 0; i < n; ++i, ++next_)
      expected_.insert("reddit:" + fake_.add_post("acmeair", "dana" + std::to_string(next_),
                                                  "Lost baggage again (" + std::to_string(next_) + ")",
                                                  "Third time this year. Nobody answers the phone."));
  }

 private:
  testing::FakeReddit fake_;
  int next_ = 1;
};

// X: the brand account's mentions, under a daily budget.
class XPlatform : public Platform {
 public:
  XPlatform() { fake_.add_user({"2244994945", "dana", "Dana", 1200, false}); }
  std::string source_json() const override {
    return source("x", "x",
                  R"({"base_url": ")" + fake_.base_url() + R"(", "bearer_token": ")" + testing::kFakeXBearer +
                      R"(", "user_id": ")" + testing::kFakeXBrandId +
                      R"(", "max_posts_per_day": 100000, "max_results": 10, "max_pages": 2})");
  }
  void add_posts(int n) override {
    for (const auto& id : fake_.add_posts(static_cast<size_t>(n), "2244994945", "where is my refund"))
      expected_.insert("x:" + id);
  }

 private:
  testing::FakeX fake_;
};

// YouTube: the comment threads of the brand's channel.
class YoutubePlatform : public Platform {
 public:
  std::string source_json() const override {
    return source("youtube", "youtube",
                  R"({"base_url": ")" + fake_.base_url() + R"(", "channel_id": ")" + testing::kFakeYoutubeChannel +
                      R"(", "api_key": ")" + testing::kFakeYoutubeKey + R"(", "page_size": 5, "max_pages": 2})");
  }
  void add_posts(int n) override {
    for (int i = 0; i < n; ++i, ++next_) {
      testing::YoutubeComment c;
      c.text = "The seat in this video is not what I got (" + std::to_string(next_) + ")";
      expected_.insert("youtube:" + fake_.add_thread("vid" + std::to_string(next_ % 3), c));
    }
  }

 private:
  testing::FakeYoutube fake_;
  int next_ = 1;
};

// Seconds since the epoch of the n-th review: a second apart, ending before now.
std::int64_t review_second(int n) { return now_ms() / 1000 - 3600 + n; }

// The App Store's public review feed, one country.
class AppStorePlatform : public Platform {
 public:
  std::string source_json() const override {
    return source("appstore", "appstore",
                  R"({"base_url": ")" + fake_.base_url() + R"(", "app_id": "1234567890", "countries": ["us"], "max_pages": 10})");
  }
  void add_posts(int n) override {
    for (int i = 0; i < n; ++i, ++next_) {
      testing::FakeAppReview r;
      r.id = std::to_string(9100000000LL + next_);
      r.title = "Crashes at check-in";
      r.content = "Version 4.2 crashes when I open my boarding pass (" + std::to_string(next_) + ")";
      r.updated = review_second(next_) * 1000;
      fake_.add_review(r);
      expected_.insert("appstore:" + r.id + "@" + std::to_string(review_second(next_)));
    }
  }

 private:
  testing::FakeAppStore fake_;
  int next_ = 1;
};

// Google Play's reviews, with a service account.
class GooglePlayPlatform : public Platform {
 public:
  GooglePlayPlatform() : key_json_(fake_.service_account_json(testing::make_test_rsa_key())) { fake_.set_page_size(5); }
  std::string source_json() const override {
    std::string escaped;
    for (const char c : key_json_) {
      if (c == '"' || c == '\\') escaped += '\\';
      if (c == '\n') {
        escaped += "\\n";
        continue;
      }
      escaped += c;
    }
    return source("play", "googleplay",
                  R"({"base_url": ")" + fake_.base_url() + R"(", "token_url": ")" + fake_.token_url() +
                      R"(", "package_name": "com.acmeair.app", "service_account_key": ")" + escaped +
                      R"(", "max_pages": 2})");
  }
  void add_posts(int n) override {
    for (int i = 0; i < n; ++i, ++next_) {
      testing::FakePlayReview r;
      r.id = "gp:AOqpTOGm4x" + std::to_string(1000 + next_);
      r.text = "Refund button does nothing (" + std::to_string(next_) + ")";
      r.modified = review_second(next_) * 1000;
      fake_.add_review(r);
      expected_.insert("googleplay:" + r.id + "@" + std::to_string(review_second(next_)));
    }
  }

 private:
  testing::FakeGooglePlay fake_;
  std::string key_json_;
  int next_ = 1;
};

// An RSS feed of a review site. Its first poll takes nothing (what the feed lists then counts as
// seen): the posts added before it are not expected.
class RssPlatform : public Platform {
 public:
  std::string source_json() const override {
    return source("reviews", "rss", R"({"feeds": [")" + fake_.url("/acme/reviews.rss") + R"("], "platform": "reviewsite", "max_items": 100})");
  }
  void add_posts(int n) override {
    for (int i = 0; i < n; ++i, ++next_) {
      testing::FakeFeedItem item;
      item.id = "urn:reviewsite:acme:" + std::to_string(next_);
      item.title = "Two stars: delayed twice (" + std::to_string(next_) + ")";
      item.link = "https://reviews.example/acme/" + std::to_string(next_);
      item.html = "<p>Delayed <b>twice</b> &amp; no help at the desk.</p>";
      const std::time_t t = static_cast<std::time_t>(review_second(next_));
      char date[64];
      std::tm tm{};
      gmtime_r(&t, &tm);
      std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
      item.date = date;
      items_.insert(items_.begin(), item);  // newest first
      if (polled_) expected_.insert("reviewsite:" + item.id);
    }
    // A feed lists its newest items only: an item that drops off before a poll reads it is never
    // seen (documented). This one lists all of the test's, so none drops off while carewatch is down.
    if (items_.size() > 100) items_.resize(100);
    fake_.serve("/acme/reviews.rss", testing::FakeFeeds::rss_document("Acme Air reviews", items_),
                "application/rss+xml; charset=utf-8", "\"v" + std::to_string(next_) + "\"");
  }
  // From now on the source has made its first poll.
  void first_poll_done() { polled_ = true; }

 private:
  testing::FakeFeeds fake_;
  std::vector<testing::FakeFeedItem> items_;
  bool polled_ = false;
  int next_ = 1;
};

// Hacker News through Algolia's search.
class HackernewsPlatform : public Platform {
 public:
  std::string source_json() const override {
    return source("hn", "hackernews",
                  R"({"base_url": ")" + fake_.base_url() + R"(", "terms": ["acme"], "hits_per_page": 5, "max_pages": 2})");
  }
  void add_posts(int n) override {
    for (int i = 0; i < n; ++i, ++next_) {
      testing::FakeHnItem item;
      item.object_id = std::to_string(41000000 + next_);
      item.created_at_i = review_second(next_ / 2);  // two a second: the same-second boundary
      item.title = "Acme Air lost my bag and their bot closed the ticket (" + std::to_string(next_) + ")";
      fake_.add(item);
      expected_.insert("hackernews:" + item.object_id);
    }
  }

 private:
  testing::FakeHackernews fake_;
  int next_ = 1;
};

class AllSourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    platforms_.push_back(std::make_unique<MastodonPlatform>());
    platforms_.push_back(std::make_unique<ExecPlatform>());
    platforms_.push_back(std::make_unique<BlueskyPlatform>());
    platforms_.push_back(std::make_unique<RedditPlatform>());
    platforms_.push_back(std::make_unique<XPlatform>());
    platforms_.push_back(std::make_unique<YoutubePlatform>());
    platforms_.push_back(std::make_unique<AppStorePlatform>());
    platforms_.push_back(std::make_unique<GooglePlayPlatform>());
    auto rss = std::make_unique<RssPlatform>();
    rss_ = rss.get();
    platforms_.push_back(std::move(rss));
    platforms_.push_back(std::make_unique<HackernewsPlatform>());
  }

  std::string config() {
    std::string sources;
    for (const auto& p : platforms_) sources += (sources.empty() ? "" : ",\n    ") + p->source_json();
    std::ostringstream c;
    c << "{\n  \"log\": {\"level\": \"info\"},\n"
      << "  \"redis\": {\"url\": \"redis://127.0.0.1:" << redis_.server().port() << "/0\"},\n"
      << "  \"api\": {\"listen\": \"127.0.0.1:" << testing::free_port() << "\"},\n"
      << "  \"agents\": [{\"id\": \"ana\", \"key_sha256\": "
         "\"64ead5f60f903128119308ea277aa21901bfaea9bb7dbc3e3fc7d3167c7e30ae\"}],\n"
      << "  \"sources\": [\n    " << sources << "\n  ]\n}\n";
    return dir_.write("carewatch.json", c.str());
  }

  void add_posts(int n) {
    for (auto& p : platforms_) p->add_posts(n);
  }

  std::set<std::string> expected() const {
    std::set<std::string> all;
    for (const auto& p : platforms_) all.insert(p->expected().begin(), p->expected().end());
    return all;
  }

  // How many of the expected mentions are stored.
  size_t stored(Probe& probe) const {
    size_t n = 0;
    for (const auto& uid : expected()) n += probe.count_keys("{cw}:m:" + uid) == 1;
    return n;
  }

  // "<platform>: <n> (<first uid>, ...)" for each platform with posts not stored.
  std::string missing(Probe& probe) const {
    std::string out;
    for (const auto& p : platforms_) {
      std::vector<std::string> gone;
      for (const auto& uid : p->expected())
        if (probe.count_keys("{cw}:m:" + uid) != 1) gone.push_back(uid);
      if (gone.empty()) continue;
      out += "\n  " + std::to_string(gone.size()) + " of " + std::to_string(p->expected().size()) + ":";
      for (size_t i = 0; i < gone.size() && i < 4; ++i) out += " " + gone[i];
    }
    return out;
  }

  bool wait_until_stored(Probe& probe, size_t n, DaemonProcess& daemon, std::chrono::seconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout * kSlow;
    while (stored(probe) < n && std::chrono::steady_clock::now() < until && daemon.running())
      std::this_thread::sleep_for(10ms);
    return stored(probe) >= n;
  }

  testing::TestRedis redis_;
  testing::TempDir dir_{"carewatch-all-sources-"};
  std::vector<std::unique_ptr<Platform>> platforms_;
  RssPlatform* rss_ = nullptr;
  std::vector<std::string> source_names_ = {"masto", "forum", "bsky", "reddit", "x", "youtube", "appstore", "play",
                                            "reviews", "hn"};
};

TEST_F(AllSourcesTest, KilledMidPagesAndRestartedEveryPostIsStoredOnce) {
  const std::string cfg = config();
  Probe probe(redis_.endpoint());
  add_posts(1);  // the first poll of each source takes the newest page: this post
  size_t before_kill = 0;
  std::string first_log;
  {
    DaemonProcess first(kBinary, {"run", "--config", cfg}, dir_.path(""));
    ASSERT_TRUE(wait_until_stored(probe, expected().size(), first, 60s)) << first.stderr_text();
    // Every source has made its first poll and stored where it is.
    const auto until = std::chrono::steady_clock::now() + 60s * kSlow;
    auto polled = [&] {
      for (const auto& name : source_names_)
        if (probe.str({"GET", "{cw}:cursor:" + name}).empty()) return false;
      return true;
    };
    while (!polled() && std::chrono::steady_clock::now() < until && first.running())
      std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(polled()) << first.stderr_text();
    rss_->first_poll_done();
    add_posts(40);
    // Killed as soon as about a page of each source's new posts is in: most sources are in the
    // middle of their pages (counted with one KEYS call, so the kill lands within milliseconds).
    const long long trigger = probe.count_keys("{cw}:m:*") + static_cast<long long>(platforms_.size()) * 5;
    const auto kill_by = std::chrono::steady_clock::now() + 60s * kSlow;
    while (probe.count_keys("{cw}:m:*") < trigger && std::chrono::steady_clock::now() < kill_by && first.running())
      std::this_thread::sleep_for(1ms);
    first.signal(SIGKILL);
    first_log = first.stdout_text() + first.stderr_text();
    EXPECT_EQ(first.wait(10s), 128 + SIGKILL) << first.stderr_text();
    before_kill = stored(probe);
  }
  add_posts(25);  // while the daemon is down
  const size_t all = expected().size();
  EXPECT_LT(before_kill, all);
  std::cout << "[ figures  ] " << before_kill << " of the posts stored when the daemon was killed, " << all
            << " after the restart\n";

  DaemonProcess second(kBinary, {"run", "--config", cfg}, dir_.path(""));
  ASSERT_TRUE(wait_until_stored(probe, all, second, 120s))
      << stored(probe) << " of " << all << " stored; missing: " << missing(probe) << "\n"
      << "first run:\n" << first_log << "\nsecond run:\n" << second.stdout_text() << second.stderr_text();
  // A few more polls of every source: nothing comes twice.
  std::this_thread::sleep_for(1500ms);
  for (const auto& p : platforms_) {
    ASSERT_FALSE(p->expected().empty());
    const std::string platform = p->expected().begin()->substr(0, p->expected().begin()->find(':'));
    EXPECT_EQ(probe.count_keys("{cw}:m:" + platform + ":*"), static_cast<long long>(p->expected().size()))
        << platform;
  }
  EXPECT_EQ(probe.count_keys("{cw}:m:*"), static_cast<long long>(all));
  EXPECT_EQ(probe.count_events("ingested"), static_cast<long long>(all));
  const auto uids = probe.queued_uids();
  EXPECT_EQ(uids.size(), std::set<std::string>(uids.begin(), uids.end()).size()) << "a mention was queued twice";
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait(30s * kSlow), 0) << second.stderr_text();
}

}  // namespace
}  // namespace carewatch
