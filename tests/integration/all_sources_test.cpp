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

#include "tests/support/daemon_process.h"
#include "tests/support/fake_discourse.h"
#include "tests/support/fake_mastodon.h"
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

class AllSourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    platforms_.push_back(std::make_unique<MastodonPlatform>());
    platforms_.push_back(std::make_unique<ExecPlatform>());
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

  bool wait_until_stored(Probe& probe, size_t n, DaemonProcess& daemon, std::chrono::seconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout * kSlow;
    while (stored(probe) < n && std::chrono::steady_clock::now() < until && daemon.running())
      std::this_thread::sleep_for(10ms);
    return stored(probe) >= n;
  }

  testing::TestRedis redis_;
  testing::TempDir dir_{"carewatch-all-sources-"};
  std::vector<std::unique_ptr<Platform>> platforms_;
};

TEST_F(AllSourcesTest, KilledMidPagesAndRestartedEveryPostIsStoredOnce) {
  const std::string cfg = config();
  Probe probe(redis_.endpoint());
  add_posts(1);  // the first poll of each source takes the newest page: this post
  size_t before_kill = 0;
  {
    DaemonProcess first(kBinary, {"run", "--config", cfg}, dir_.path(""));
    ASSERT_TRUE(wait_until_stored(probe, expected().size(), first, 60s)) << first.stderr_text();
    add_posts(40);
    const size_t all = expected().size();
    // Killed once a part of the new posts is in: most sources are in the middle of their pages.
    wait_until_stored(probe, platforms_.size() + all / 4, first, 60s);
    first.signal(SIGKILL);
    EXPECT_EQ(first.wait(10s), 128 + SIGKILL) << first.stderr_text();
    before_kill = stored(probe);
  }
  add_posts(25);  // while the daemon is down
  const size_t all = expected().size();
  EXPECT_LT(before_kill, all);

  DaemonProcess second(kBinary, {"run", "--config", cfg}, dir_.path(""));
  ASSERT_TRUE(wait_until_stored(probe, all, second, 120s))
      << stored(probe) << " of " << all << " stored\n" << second.stderr_text();
  // A few more polls of every source: nothing comes twice.
  std::this_thread::sleep_for(1500ms);
  for (const auto& p : platforms_) {
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
