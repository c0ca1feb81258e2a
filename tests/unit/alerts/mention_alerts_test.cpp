// The alerts about one mention (urgent, SLA), the daily digest's figures and its local day.
#include "daemon/alerts/mention_alerts.h"

#include <gtest/gtest.h>

#include "daemon/alerts/daily_digest.h"
#include "tests/support/test_mention.h"

namespace carewatch {
namespace {

constexpr TimeMs kNow = 1'795'341'600'000;  // 2026-11-22T10:00:00Z

Mention urgent_mention() {
  Mention m = testing::test_mention("42", "Flight AC12 cancelled <again> & no refund", kNow - 60000, kNow, "maria");
  m.author.followers = 12345;
  m.url = "https://mastodon.example/@maria/42";
  m.decision.category = Category::complaint;
  m.decision.priority = 0;
  m.decision.queue = "care";
  m.decision.rules = {"outage-words", "big-reach"};
  m.decision.tags = {"outage"};
  m.decision.scored = true;
  m.decision.complaint_score = 0.934;
  m.decision.sentiment.compound = -0.71;
  return m;
}

TEST(ShortCount, ReadsLikePeopleWriteIt) {
  EXPECT_EQ(short_count(0), "0");
  EXPECT_EQ(short_count(999), "999");
  EXPECT_EQ(short_count(1234), "1.2k");
  EXPECT_EQ(short_count(12345), "12k");
  EXPECT_EQ(short_count(1500000), "1.5M");
  EXPECT_EQ(short_count(25000000), "25M");
}

TEST(ShortSpan, MinutesHoursDaysAndOverdue) {
  EXPECT_EQ(short_span(0), "0s");
  EXPECT_EQ(short_span(8000), "8s");
  EXPECT_EQ(short_span(7500), "8s");  // a partial second of time left counts
  EXPECT_EQ(short_span(61 * 1000), "2m");  // a partial minute of time left counts
  EXPECT_EQ(short_span(14 * 60000), "14m");
  EXPECT_EQ(short_span(125 * 60000), "2h 05m");
  EXPECT_EQ(short_span((3 * 24 + 4) * 3600000LL), "3d 4h");
  EXPECT_EQ(short_span(-12 * 60000), "-12m");
}

TEST(UrgentAlert, SaysWhoWhereAndWhy) {
  const Alert a = urgent_alert(urgent_mention(), 14 * 60000, kNow);
  EXPECT_EQ(a.kind, AlertKind::urgent);
  EXPECT_EQ(a.key, "urgent:mastodon:42");
  EXPECT_EQ(a.title, "Urgent complaint on mastodon from @maria (12k followers)");
  EXPECT_NE(a.detail.find("Priority p0"), std::string::npos);
  EXPECT_NE(a.detail.find("rules: outage-words, big-reach"), std::string::npos);
  EXPECT_NE(a.detail.find("complaint 0.93, sentiment -0.71"), std::string::npos);
  ASSERT_EQ(a.mentions.size(), 1u);
  EXPECT_EQ(a.mentions[0].text, "Flight AC12 cancelled <again> & no refund");  // plain: channels escape
  EXPECT_EQ(a.mentions[0].url, "https://mastodon.example/@maria/42");
  EXPECT_EQ(a.mentions[0].sla_remaining_ms, 14 * 60000);
  EXPECT_EQ(a.queue, "care");
  EXPECT_EQ(a.priority, 0);
  EXPECT_EQ(a.category, "complaint");
  EXPECT_EQ(a.platform, "mastodon");
  EXPECT_EQ(a.tags, std::vector<std::string>{"outage"});
}

TEST(UrgentAlert, ByTagNamesTheTag) {
  Mention m = urgent_mention();
  m.decision.priority = 2;
  const Alert a = urgent_alert(m, std::nullopt, kNow, "outage");
  EXPECT_EQ(a.detail.rfind("Tagged outage: p2 complaint", 0), 0u) << a.detail;
  for (const auto& f : a.facts) EXPECT_NE(f.label, "SLA left");
}

TEST(SlaAlert, WarningAndBreachHaveOneKeyPerTargetAndFraction) {
  const Mention m = urgent_mention();
  const Alert w = sla_alert(m, "care", 0, "first_response", 0.5, 15 * 60000, 7 * 60000 + 30000, kNow);
  EXPECT_EQ(w.kind, AlertKind::sla_warning);
  EXPECT_EQ(w.key, "sla:mastodon:42:first_response:0.500");
  EXPECT_EQ(w.title, "SLA warning: 50% of the first response target (15m) gone on a p0 mention in care");
  const Alert b = sla_alert(m, "care", 0, "resolution", 1.0, 4 * 3600000, -5 * 60000, kNow);
  EXPECT_EQ(b.kind, AlertKind::sla_breach);
  EXPECT_EQ(b.key, "sla:mastodon:42:resolution:1.000");
  EXPECT_EQ(b.title, "SLA breached: resolution target (4h 00m) missed on a p0 mention in care");
  bool overdue = false;
  for (const auto& f : b.facts) overdue |= f.label == "Overdue by" && f.value == "5m";
  EXPECT_TRUE(overdue);
}

Event event(const std::string& type, const std::string& uid, const std::string& queue,
            std::map<std::string, std::string> fields = {}) {
  Event e;
  e.type = type;
  e.uid = uid;
  e.at = kNow;
  e.fields = std::move(fields);
  e.fields["queue"] = queue;
  return e;
}

TEST(DigestTally, CountsPerQueueAndFirstResponsesOnce) {
  DigestTally t;
  t.add(event("queued", "a", "care"));
  t.add(event("queued", "b", "care"));
  t.add(event("queued", "c", "sales"));
  t.add(event("queued", "d", ""));  // routed to no queue: not in the digest
  t.add(event("reply_sent", "a", "care", {{"frt_ms", "60000"}}));
  t.add(event("replied", "a", "care", {{"frt_ms", "30000"}}));  // an earlier native reply: counted once
  t.add(event("replied", "b", "care", {{"frt_ms", "120000"}}));
  t.add(event("resolved", "a", "care"));
  t.add(event("sla_warning", "b", "care"));
  t.add(event("sla_breached", "c", "sales"));
  t.add_depth({"care", 1, 2, 1, kNow - 600000});
  const auto days = t.days();
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].queue, "care");
  EXPECT_EQ(days[0].queued, 2);
  EXPECT_EQ(days[0].first_responses, 2);
  EXPECT_EQ(days[0].first_response.count, 2u);
  EXPECT_DOUBLE_EQ(days[0].first_response.p50, 60.0);
  EXPECT_EQ(days[0].resolved, 1);
  EXPECT_EQ(days[0].sla_warnings, 1);
  EXPECT_EQ(days[0].waiting, 2);
  EXPECT_EQ(days[1].queue, "sales");
  EXPECT_EQ(days[1].sla_breaches, 1);
  const Alert a = digest_alert(days, "2026-11-22", kNow - 86400000, kNow, kNow);
  EXPECT_EQ(a.kind, AlertKind::digest);
  EXPECT_EQ(a.key, "digest:2026-11-22");
  EXPECT_EQ(a.title, "Daily digest for 2026-11-22: 3 queued, 2 answered, 1 SLA breaches, 2 waiting");
  ASSERT_EQ(a.facts.size(), 2u);
  EXPECT_NE(a.facts[0].value.find("first response p50 1m, p90 2m"), std::string::npos) << a.facts[0].value;
  EXPECT_NE(a.facts[0].value.find("oldest waiting 10m"), std::string::npos) << a.facts[0].value;
}

TEST(LocalDay, FollowsTheZoneAcrossMidnightAndDst) {
  // 2026-11-22T10:00Z is 11:00 in Berlin (CET), 05:00 in New York (EST).
  EXPECT_EQ(local_day(kNow, "Europe/Berlin", 9, 0).date, "2026-11-22");
  EXPECT_TRUE(local_day(kNow, "Europe/Berlin", 9, 0).due);
  EXPECT_FALSE(local_day(kNow, "America/New_York", 9, 0).due);
  EXPECT_TRUE(local_day(kNow, "", 10, 0).due);  // UTC
  EXPECT_FALSE(local_day(kNow, "", 10, 1).due);
  // 2026-11-22T23:30Z is already the 23rd in Berlin and still the 22nd in Los Angeles.
  const TimeMs late = kNow + 13 * 3600000LL + 30 * 60000;
  EXPECT_EQ(local_day(late, "Europe/Berlin", 0, 0).date, "2026-11-23");
  EXPECT_EQ(local_day(late, "America/Los_Angeles", 0, 0).date, "2026-11-22");
  // 2026-07-01T07:30Z is 09:30 in Berlin in summer (CEST, +2).
  const TimeMs summer = 1'782'891'000'000;
  EXPECT_TRUE(local_day(summer, "Europe/Berlin", 9, 30).due);
  EXPECT_FALSE(local_day(summer, "Europe/Berlin", 9, 31).due);
  EXPECT_THROW(local_day(kNow, "Mars/Base", 9, 0), std::runtime_error);
}

}  // namespace
}  // namespace carewatch
