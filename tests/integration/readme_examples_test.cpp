// The README's examples, run against the binary: the alert expressions of "Metrics and alerts"
// against a running daemon's /metrics, and the agent API example block with the real curl.
// A real redis-server per test (TestRedis), the bundled sample mentions replayed.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "connectors/http/http_client.h"
#include "tests/support/daemon_process.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::TestRedis;

const std::string kBinary = CAREWATCH_BINARY;
const std::string kSourceDir = CAREWATCH_SOURCE_DIR;
using testing::kSlow;

// The README's text from the heading `heading` to the next heading of any level.
std::string readme_section(const std::string& heading) {
  const std::string readme = testing::file_text(kSourceDir + "/README.md");
  const size_t start = readme.find("\n" + heading + "\n");
  EXPECT_NE(start, std::string::npos) << "README has no " << heading;
  if (start == std::string::npos) return "";
  const size_t end = readme.find("\n#", start + heading.size() + 2);
  return readme.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// One series of /metrics text: its name, labels and value.
struct Series {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

std::vector<Series> parse_metrics(const std::string& text) {
  std::vector<Series> out;
  const std::regex label(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)")re");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    Series s;
    const size_t brace = line.find('{');
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    s.name = line.substr(0, std::min(brace, space));
    if (brace != std::string::npos && brace < space) {
      const std::string labels = line.substr(brace, line.rfind('}') - brace);
      for (auto it = std::sregex_iterator(labels.begin(), labels.end(), label); it != std::sregex_iterator(); ++it)
        s.labels[(*it)[1]] = (*it)[2];
    }
    s.value = std::strtod(line.c_str() + space + 1, nullptr);
    out.push_back(std::move(s));
  }
  return out;
}

// An expression of the README's alerts: a selector `family{label="value",...}` with an optional
// comparison with a number (the subset of PromQL the README uses); a bare family name is the
// prose naming a family.
struct Alert {
  std::string text, family, op;
  std::map<std::string, std::string> matchers;
  double threshold = 0;
};

std::vector<Alert> readme_alerts() {
  const std::string section = readme_section("### Metrics and alerts");
  const std::regex span("`([^`]*)`");
  const std::regex expr(R"re(^(carewatch_[a-z_]+)(\{([^}]*)\})?(\s*(==|!=|>=|<=|>|<)\s*([0-9.]+))?$)re");
  const std::regex matcher(R"re(\s*([a-z_]+)="([^"]*)"\s*,?)re");
  std::vector<Alert> out;
  for (auto it = std::sregex_iterator(section.begin(), section.end(), span); it != std::sregex_iterator(); ++it) {
    const std::string text = (*it)[1];
    std::smatch m;
    if (!std::regex_match(text, m, expr)) continue;  // prose like `..._first_response_...`
    Alert a;
    a.text = text;
    a.family = m[1];
    const std::string matchers = m[3];
    for (auto mi = std::sregex_iterator(matchers.begin(), matchers.end(), matcher); mi != std::sregex_iterator();
         ++mi)
      a.matchers[(*mi)[1]] = (*mi)[2];
    a.op = m[5];
    if (!a.op.empty()) a.threshold = std::stod(m[6]);
    out.push_back(std::move(a));
  }
  return out;
}

bool in_family(const std::string& series, const std::string& family) {
  if (series == family) return true;
  for (const char* suffix : {"_bucket", "_sum", "_count"})
    if (series == family + suffix) return true;
  return false;
}

// The series an alert's selector picks from /metrics (before its comparison).
std::vector<Series> select(const Alert& a, const std::vector<Series>& all) {
  std::vector<Series> out;
  for (const Series& s : all) {
    if (!in_family(s.name, a.family)) continue;
    bool match = true;
    for (const auto& [k, v] : a.matchers) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) match = false;
    }
    if (match) out.push_back(s);
  }
  return out;
}

bool compare(double value, const std::string& op, double threshold) {
  if (op == "==") return value == threshold;
  if (op == "!=") return value != threshold;
  if (op == ">=") return value >= threshold;
  if (op == "<=") return value <= threshold;
  if (op == ">") return value > threshold;
  if (op == "<") return value < threshold;
  return true;
}

class ReadmeExamplesTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::make_temp_dir("carewatch-readme-test"); }
  void TearDown() override { testing::remove_tree(dir_); }

  // The bundled sample replayed at full speed, the demo's agent ana and brand handle.
  std::string config() {
    api_port_ = testing::free_port();
    std::ostringstream c;
    c << "{\n  \"log\": {\"level\": \"info\"},\n"
      << "  \"redis\": {\"url\": \"redis://127.0.0.1:" << redis_.server().port() << "/0\"},\n"
      << "  \"api\": {\"listen\": \"127.0.0.1:" << api_port_ << "\"},\n"
      << "  \"agents\": [{\"id\": \"ana\", \"key_sha256\": "
         "\"64ead5f60f903128119308ea277aa21901bfaea9bb7dbc3e3fc7d3167c7e30ae\"}],\n"
      << "  \"brand\": {\"handles\": [\"acmeair\"]},\n"
      << "  \"sources\": [{\"name\": \"sample\", \"type\": \"replay\", \"interval\": \"100ms\",\n"
      << "    \"options\": {\"path\": \"" << kSourceDir
      << "/config/samples/mentions.jsonl\", \"pace\": \"full\", \"rebase_time\": true}}]\n}\n";
    const std::string path = dir_ + "/carewatch.json";
    std::ofstream(path) << c.str();
    return path;
  }

  std::string get(const std::string& target) {
    HttpRequest req;
    req.url = "http://127.0.0.1:" + std::to_string(api_port_) + target;
    req.headers.emplace_back("Authorization", "Bearer cw_demo_ana_key");  // /metrics may want a key
    return http_->send(req).body;
  }

  // Polls /metrics until it contains every one of `needles`; returns the last text.
  std::string metrics_with(const std::vector<std::string>& needles, DaemonProcess& daemon) {
    std::string body;
    const auto until = std::chrono::steady_clock::now() + 60s * kSlow;
    while (std::chrono::steady_clock::now() < until && daemon.running()) {
      body = get("/metrics");
      bool all = true;
      for (const auto& n : needles) all = all && body.find(n) != std::string::npos;
      if (all) break;
      std::this_thread::sleep_for(200ms);
    }
    return body;
  }

  TestRedis redis_;
  std::string dir_;
  int api_port_ = 0;
  std::shared_ptr<HttpClient> http_ = make_cpprest_http_client();
};

// Every alert expression of "Metrics and alerts" names a family the daemon exports and selects
// series of it: labels and label values as /metrics writes them. The p0 queue gauge alert
// failed here while the gauges wrote priority="0" and the histograms "p0".
TEST_F(ReadmeExamplesTest, AlertExpressionsSelectSeriesTheDaemonExports) {
  const auto alerts = readme_alerts();
  std::vector<std::string> texts;
  for (const auto& a : alerts) texts.push_back(a.text);
  ASSERT_GE(alerts.size(), 3u);
  EXPECT_NE(std::find(texts.begin(), texts.end(), R"(carewatch_queue_oldest_age_seconds{priority="p0"} > 900)"),
            texts.end());

  DaemonProcess daemon(kBinary, {"run", "--config", config()}, dir_);
  ASSERT_TRUE(daemon.wait_for_output("listening", 30s * kSlow)) << daemon.stderr_text();
  const std::string before = metrics_with({"carewatch_queue_oldest_age_seconds{", "carewatch_source_up{",
                                           "carewatch_first_response_seconds_count{"},
                                          daemon);
  ASSERT_NE(before.find("carewatch_queue_oldest_age_seconds{"), std::string::npos) << before;
  // A rising poll_errors_total{kind="redis"} needs Redis to go away: it does, for a moment.
  redis_.server().stop();
  const std::string body = metrics_with({R"(kind="redis")"}, daemon);
  redis_.server().start();
  const auto series = parse_metrics(body);
  ASSERT_FALSE(series.empty()) << body;

  for (const Alert& a : alerts) {
    SCOPED_TRACE(a.text);
    // A family named in the prose (no label, no comparison) need only be one /metrics declares.
    EXPECT_NE(body.find("# TYPE " + a.family + " "), std::string::npos) << "not a family of /metrics";
    if (a.matchers.empty() && a.op.empty()) continue;
    const auto selected = select(a, series);
    EXPECT_FALSE(selected.empty()) << "selects nothing in /metrics:\n" << body;
    size_t firing = 0;
    for (const Series& s : selected) firing += compare(s.value, a.op, a.threshold) ? 1 : 0;
    EXPECT_LE(firing, selected.size());
  }
  // One label form: the gauges and the histograms both write "p0".."p3".
  for (const Series& s : series) {
    auto it = s.labels.find("priority");
    if (it == s.labels.end()) continue;
    EXPECT_TRUE(std::regex_match(it->second, std::regex("p[0-3]|unknown"))) << s.name << " " << it->second;
  }
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s * kSlow), 0) << daemon.stderr_text();
}

// The README's agent API example block, run as written with curl against a daemon long after
// its first seconds (the replay is over): it claims, then replies to and resolves the uid the
// claim returned. Before, the block named a fixed uid that only the demo's first claim could get.
TEST_F(ReadmeExamplesTest, AgentApiExampleBlockWorksWheneverItIsRun) {
  const std::string section = readme_section("## HTTP API reference");
  const std::string marker = "<!-- example: agent API -->\n```sh\n";
  const size_t start = section.find(marker);
  ASSERT_NE(start, std::string::npos) << "the example block's marker is missing";
  std::string block = section.substr(start + marker.size());
  block = block.substr(0, block.find("```"));
  // Point it at this test's daemon; every curl answer on a line of its own.
  const std::string cfg = config();
  const std::string demo = "http://127.0.0.1:8640";
  ASSERT_NE(block.find(demo), std::string::npos) << block;
  block.replace(block.find(demo), demo.size(), "http://127.0.0.1:" + std::to_string(api_port_));
  const std::string script = dir_ + "/example.sh";
  std::ofstream(script) << "curl() { command curl \"$@\"; echo; }\n" << block;

  DaemonProcess daemon(kBinary, {"run", "--config", cfg}, dir_);
  ASSERT_TRUE(daemon.wait_for_output("listening", 30s * kSlow)) << daemon.stderr_text();
  // Wait for the replay to finish: every mention is in, the demo's first seconds long gone.
  const auto until = std::chrono::steady_clock::now() + 60s * kSlow;
  while (std::chrono::steady_clock::now() < until &&
         get("/metrics").find(R"(carewatch_mentions_total{source="sample",outcome="queued"})") == std::string::npos)
    std::this_thread::sleep_for(200ms);
  std::this_thread::sleep_for(1s);

  FILE* p = popen(("bash " + script + " 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = pclose(p);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;

  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  // queues, claimed:, the refused reply, the external one, resolve, mention, stats
  ASSERT_EQ(lines.size(), 7u) << out;
  const std::string prefix = "claimed: ";
  ASSERT_EQ(lines[1].rfind(prefix, 0), 0u) << out;
  const std::string uid = lines[1].substr(prefix.size());
  ASSERT_FALSE(uid.empty()) << "the claim returned no uid:\n" << out;
  auto json = [&](size_t i) {
    rapidjson::Document d;
    d.Parse(lines[i].c_str());
    EXPECT_FALSE(d.HasParseError()) << lines[i];
    EXPECT_TRUE(d.IsObject()) << lines[i];
    return d;
  };
  // A replay source cannot post: the refusal says where to answer.
  const auto refused = json(2);
  ASSERT_TRUE(refused.HasMember("code")) << lines[2];
  EXPECT_STREQ(refused["code"].GetString(), "cannot_reply");
  EXPECT_EQ(std::string(refused["error"].GetString()).rfind("this source cannot reply: answer on http", 0), 0u)
      << lines[2];
  const auto external = json(3);
  ASSERT_TRUE(external.HasMember("state")) << lines[3];
  EXPECT_STREQ(external["state"].GetString(), "sent");
  EXPECT_TRUE(external["external"].GetBool());
  EXPECT_EQ(external["uid"].GetString(), uid);
  const auto resolved = json(4);
  ASSERT_TRUE(resolved.HasMember("status")) << lines[4];
  EXPECT_STREQ(resolved["status"].GetString(), "ok");
  // The mention's history: resolved by ana, and every time in it ISO 8601 (the mention's own
  // posted_at and seen_at were epoch ms before).
  const auto mention = json(5);
  ASSERT_TRUE(mention.HasMember("state")) << lines[5];
  ASSERT_EQ(mention["replies"].Size(), 1u) << lines[5];
  EXPECT_TRUE(mention["replies"][0]["external"].GetBool()) << lines[5];
  EXPECT_TRUE(mention["state"]["first_reply_at"].IsString()) << lines[5];
  EXPECT_STREQ(mention["state"]["state"].GetString(), "resolved");
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  for (const char* key : {"posted_at", "seen_at"}) {
    ASSERT_TRUE(mention["mention"][key].IsString()) << key << " in " << lines[5];
    EXPECT_TRUE(std::regex_match(std::string(mention["mention"][key].GetString()), iso)) << lines[5];
    EXPECT_TRUE(std::regex_match(std::string(mention["state"][key].GetString()), iso)) << lines[5];
  }
  for (const auto& e : mention["events"].GetArray())
    EXPECT_TRUE(std::regex_match(std::string(e["at"].GetString()), iso)) << lines[5];
  // The figures by agent: ana is an agent, the replayed source and the brand's native replies
  // are groups of their own kinds, never agents.
  const auto stats = json(6);
  std::map<std::string, std::string> kinds;
  for (const auto& g : stats["groups"].GetArray()) kinds[g["group"].GetString()] = g["kind"].GetString();
  EXPECT_EQ(kinds["ana"], "agent") << lines[6];
  EXPECT_EQ(kinds["sample"], "source") << lines[6];
  EXPECT_EQ(kinds["brand:acmeair"], "brand") << lines[6];
  for (const auto& [group, kind] : kinds) {
    if (kind == "agent") {
      EXPECT_EQ(group, "ana") << lines[6];
    }
  }
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(30s * kSlow), 0) << daemon.stderr_text();
}

}  // namespace
}  // namespace carewatch
