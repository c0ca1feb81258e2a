// The SLA policies of the "queues" section: defaults, the default policy, per-queue policies
// with business hours, and one test per kind of error (each one line naming path and value).
#include "daemon/config/sla_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "daemon/cli/check_config_command.h"
#include "daemon/config/config.h"
#include "tests/support/redis_fixture.h"

namespace carewatch {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

struct Parsed {
  std::optional<Config> config;
  std::vector<std::string> errors;
};

Parsed parse(const std::string& text) {
  Parsed p;
  p.config = parse_config(text, "test.json", "/srv/carewatch", p.errors,
                          [](const std::string&) { return std::nullopt; });
  return p;
}

std::string one_error(const std::string& text) {
  const Parsed p = parse(text);
  EXPECT_FALSE(p.config) << text;
  EXPECT_EQ(p.errors.size(), 1u) << ::testing::PrintToString(p.errors);
  return p.errors.empty() ? "" : p.errors.front();
}

TimeMs utc(const char* iso) {
  TimeMs t = 0;
  EXPECT_TRUE(parse_iso8601(iso, t)) << iso;
  return t;
}

TEST(SlaConfig, DefaultsKeepTheOldBehaviour) {
  const Parsed p = parse("{}");
  ASSERT_TRUE(p.config);
  const SlaPolicies& s = p.config->sla;
  EXPECT_TRUE(s.queues.empty());
  EXPECT_TRUE(s.fallback.calendar->always_open());
  EXPECT_EQ(s.fallback.targets[0].first_response, minutes(15));
  EXPECT_EQ(s.fallback.targets[3].first_response, hours(24));
  EXPECT_FALSE(s.fallback.targets[0].next_response);
  EXPECT_FALSE(s.fallback.targets[0].resolution);
  EXPECT_EQ(s.fallback.warnings, std::vector<double>{0.8});
  // sla and sla_warn_at still make the default policy.
  const Parsed old = parse(R"({"queues": {"sla": {"p0": "10m"}, "sla_warn_at": 0.5}})");
  ASSERT_TRUE(old.config);
  EXPECT_EQ(old.config->sla.fallback.targets[0].first_response, minutes(10));
  EXPECT_FALSE(old.config->sla.fallback.targets[1].first_response);
  EXPECT_EQ(old.config->sla.fallback.warnings, std::vector<double>{0.5});
}

TEST(SlaConfig, DefaultPolicyAndQueuePolicies) {
  const Parsed p = parse(R"({"queues": {
      "sla": {"p0": "15m", "p1": "1h"},
      "sla_warnings": [0.8, 0.5, 0.5],
      "sla_next_response": {"p0": "30m"},
      "sla_resolution": {"p0": "4h"},
      "business_hours": {"time_zone": "America/New_York", "holidays": ["2026-11-26"]},
      "policies": {
        "support": {"time_zone": "Europe/Berlin",
                    "hours": {"mon": ["09:00-12:00", "13:00-17:00"], "tue": ["09:00-17:00"], "sat": ["22:00-06:00"]},
                    "holidays": ["2026-12-25"],
                    "targets": {"p0": {"first_response": "20m"}, "p2": {"resolution": "2d"}},
                    "warnings": [0.9]},
        "vip": {"targets": {"p1": {"next_response": "5m"}}}
      }}})");
  ASSERT_TRUE(p.config) << ::testing::PrintToString(p.errors);
  const SlaPolicies& s = p.config->sla;
  EXPECT_EQ(s.fallback.warnings, (std::vector<double>{0.5, 0.8}));
  EXPECT_EQ(s.fallback.targets[0].next_response, minutes(30));
  EXPECT_EQ(s.fallback.targets[0].resolution, hours(4));
  EXPECT_EQ(s.fallback.calendar->zone_name(), "America/New_York");
  // Thanksgiving closed all day in the default calendar (hours left out: open all day otherwise).
  EXPECT_EQ(s.fallback.calendar->business_ms(utc("2026-11-26T05:00:00Z"), utc("2026-11-27T05:00:00Z")), 0);

  const SlaPolicy& support = s.for_queue("support");
  EXPECT_EQ(support.calendar->zone_name(), "Europe/Berlin");
  EXPECT_EQ(support.warnings, std::vector<double>{0.9});
  EXPECT_EQ(support.targets[0].first_response, minutes(20));
  EXPECT_EQ(support.targets[0].next_response, minutes(30));  // from the default policy
  EXPECT_EQ(support.targets[0].resolution, hours(4));
  EXPECT_EQ(support.targets[1].first_response, hours(1));
  EXPECT_EQ(support.targets[2].resolution, hours(48));
  // Monday 2026-12-07 in Berlin: 7 open hours.
  EXPECT_EQ(support.calendar->business_ms(utc("2026-12-06T23:00:00Z"), utc("2026-12-07T23:00:00Z")), 7 * 3600000LL);

  const SlaPolicy& vip = s.for_queue("vip");  // no calendar of its own: the default one
  EXPECT_EQ(vip.calendar, s.fallback.calendar);
  EXPECT_EQ(vip.targets[1].next_response, minutes(5));
  EXPECT_EQ(&s.for_queue("other"), &s.fallback);
}

TEST(SlaConfig, ABadTimeZoneNamesPathAndValue) {
  EXPECT_EQ(one_error(R"({"queues": {"policies": {"support": {"time_zone": "Mars/Base"}}}})"),
            "queues.policies.support.time_zone: expected an IANA time zone like \"Europe/Berlin\", got \"Mars/Base\"");
  EXPECT_EQ(one_error(R"({"queues": {"business_hours": {"time_zone": "CEST+2"}}})"),
            "queues.business_hours.time_zone: expected an IANA time zone like \"Europe/Berlin\", got \"CEST+2\"");
}

TEST(SlaConfig, ABadHoursRangeNamesPathAndValue) {
  EXPECT_EQ(one_error(R"({"queues": {"policies": {"support": {"hours": {"mon": ["09:00-17:00", "9-5"]}}}}})"),
            "queues.policies.support.hours.mon[1]: expected opening hours like \"09:00-17:00\" (or overnight "
            "\"22:00-06:00\"), got \"9-5\"");
  EXPECT_EQ(one_error(R"({"queues": {"business_hours": {"hours": {"fri": ["10:00-10:00"]}}}})"),
            "queues.business_hours.hours.fri[0]: expected opening hours like \"09:00-17:00\" (or overnight "
            "\"22:00-06:00\"), got \"10:00-10:00\"");
  EXPECT_EQ(one_error(R"({"queues": {"business_hours": {"hours": {"mon": []}}}})"),
            "queues.business_hours.hours: expected at least one open interval in the week, got none");
}

TEST(SlaConfig, ABadDateNamesPathAndValue) {
  EXPECT_EQ(one_error(R"({"queues": {"policies": {"support": {"holidays": ["2026-12-25", "2026-02-30"]}}}})"),
            "queues.policies.support.holidays[1]: expected a date like \"2026-12-25\", got \"2026-02-30\"");
}

TEST(SlaConfig, ABadTargetNamesPathAndValue) {
  EXPECT_EQ(one_error(R"({"queues": {"policies": {"support": {"targets": {"p0": {"resolution": "soon"}}}}}})"),
            "queues.policies.support.targets.p0.resolution: expected a duration like \"30s\", got \"soon\"");
  EXPECT_EQ(one_error(R"({"queues": {"sla_resolution": {"p1": "later"}}})"),
            "queues.sla_resolution.p1: expected a duration like \"30s\", got \"later\"");
}

TEST(SlaConfig, TheSchemaRejectsUnknownKeysAndFractionsOutOfRange) {
  const auto unknown = one_error(R"({"queues": {"policies": {"support": {"timezone": "Europe/Berlin"}}}})");
  EXPECT_EQ(unknown.rfind("queues.policies.support", 0), 0u) << unknown;
  const auto fraction = one_error(R"({"queues": {"sla_warnings": [0.5, 1.5]}})");
  EXPECT_EQ(fraction.rfind("queues.sla_warnings[1]", 0), 0u) << fraction;
  const auto day = one_error(R"({"queues": {"business_hours": {"hours": {"monday": ["09:00-17:00"]}}}})");
  EXPECT_EQ(day.rfind("queues.business_hours.hours", 0), 0u) << day;
}

TEST(SlaConfig, CheckConfigReportsThem) {
  const std::string dir = testing::make_temp_dir("sla-config");
  const std::string path = dir + "/carewatch.json";
  std::ofstream(path) << R"({"queues": {"policies": {"support": {"time_zone": "Mars/Base"}}}})";
  std::ostringstream out, err;
  EXPECT_NE(run_check_config(path, out, err), 0);
  EXPECT_NE(err.str().find("queues.policies.support.time_zone: expected an IANA time zone like \"Europe/Berlin\", "
                           "got \"Mars/Base\""),
            std::string::npos)
      << err.str() << out.str();
  testing::remove_tree(dir);
}

}  // namespace
}  // namespace carewatch
