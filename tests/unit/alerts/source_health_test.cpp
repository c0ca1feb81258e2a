// The pure decisions of the source watch: down after the limit only, silent only against a
// learnt history (its floor, its usual gap, its longest normal quiet), one alert per episode and
// one recovered, and the state's Redis fields.
#include "daemon/alerts/source_health.h"

#include <gtest/gtest.h>

#include "daemon/alerts/source_alert.h"

namespace carewatch {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using Kind = SourceTransition::Kind;

constexpr TimeMs kMin = 60 * 1000;
constexpr TimeMs kHour = 60 * kMin;
constexpr TimeMs kDay = 24 * kHour;
constexpr TimeMs kT0 = 1764806400000;  // 2025-12-04T00:00:00Z, a midnight

// One source, polled every minute.
struct Source {
  SourceHealth s;
  SourceHealthOptions o;
  TimeMs now = kT0;

  void ok(TimeMs at, size_t new_mentions = 0, TimeMs posted = 0) {
    PollSample p;
    p.at = at;
    p.ok = true;
    p.new_mentions = new_mentions;
    p.newest_posted_at = new_mentions ? (posted ? posted : at - 1000) : 0;
    apply_poll(s, p, o);
    now = at;
  }
  void fail(TimeMs at, const std::string& error = "GET https://mastodon.example/api/v1/timelines: HTTP 503",
            bool fatal = false, bool redis = false) {
    PollSample p;
    p.at = at;
    p.error = error;
    p.fatal = fatal;
    p.redis = redis;
    apply_poll(s, p, o);
    now = at;
  }
  // Polls every minute up to `until` (exclusive), bringing a mention every `every` (0: none).
  void run(TimeMs until, TimeMs every = 0) {
    for (TimeMs t = now + kMin; t < until; t += kMin)
      ok(t, every && (t - kT0) % every == 0 ? 1 : 0);
  }
  std::vector<SourceTransition> decide_at(TimeMs at) { return decide(s, o, at); }
};

TEST(SourceHealth, DownOnlyAfterDownAfterThenOneAlertThenOneRecovered) {
  Source src;
  src.ok(kT0);
  const TimeMs first_failure = kT0 + kMin;
  for (TimeMs t = first_failure; t <= first_failure + 15 * kMin; t += kMin) {
    src.fail(t);
    const auto ts = src.decide_at(t);
    if (t - first_failure < 15 * kMin) {
      EXPECT_TRUE(ts.empty()) << "failing for " << (t - first_failure) / kMin << " min";
    } else {
      ASSERT_EQ(ts.size(), 1u);
      EXPECT_EQ(ts[0].kind, Kind::down);
      EXPECT_EQ(ts[0].since, first_failure);
      EXPECT_EQ(transition_key("masto", ts[0]), "source_down:masto:" + std::to_string(first_failure));
    }
  }
  EXPECT_EQ(src.s.failed_polls, 16);
  for (int i = 0; i < 30; ++i) {  // still failing: no second alert
    src.fail(src.now + kMin);
    EXPECT_TRUE(src.decide_at(src.now).empty());
  }
  src.ok(src.now + kMin);
  const auto rec = src.decide_at(src.now + 1000);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec[0].kind, Kind::down_recovered);
  EXPECT_EQ(rec[0].since, first_failure);
  EXPECT_EQ(rec[0].until, src.now);
  EXPECT_EQ(transition_key("masto", rec[0]), "source_recovered:masto:down:" + std::to_string(first_failure));
  src.ok(src.now + kMin);
  EXPECT_TRUE(src.decide_at(src.now).empty());
}

TEST(SourceHealth, AShortFailureIsNoEpisode) {
  Source src;
  src.ok(kT0);
  src.fail(kT0 + kMin);
  src.fail(kT0 + 10 * kMin);
  src.ok(kT0 + 14 * kMin);
  for (TimeMs t = kT0 + 14 * kMin; t < kT0 + kHour; t += kMin) EXPECT_TRUE(src.decide_at(t).empty());
}

TEST(SourceHealth, RedisAwayCountsAsNotUp) {
  Source src;
  src.ok(kT0);
  for (TimeMs t = kT0 + kMin; t <= kT0 + 20 * kMin; t += kMin) src.fail(t, "redis: connection refused", false, true);
  const auto ts = src.decide_at(src.now);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].kind, Kind::down);
  EXPECT_TRUE(src.s.last_redis);
  const Alert a = source_alert("masto", "mastodon", src.s, ts[0], src.now);
  EXPECT_NE(a.title.find("Redis"), std::string::npos) << a.title;
}

TEST(SourceHealth, ANewFailingRunAfterRecoveryIsANewEpisode) {
  Source src;
  src.fail(kT0);  // a source failing from its very first poll is down too
  src.fail(kT0 + 20 * kMin);
  auto first = src.decide_at(src.now);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].since, kT0);
  src.ok(kT0 + 21 * kMin);
  src.fail(kT0 + 22 * kMin);  // fails again before the watch looked
  auto next = src.decide_at(kT0 + 22 * kMin);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].kind, Kind::down_recovered);
  src.fail(kT0 + 40 * kMin);
  next = src.decide_at(src.now);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].kind, Kind::down);
  EXPECT_EQ(next[0].since, kT0 + 22 * kMin);
}

TEST(SourceHealth, DownAfterIsPerSource) {
  Source src;
  src.o.down_after = hours(1);
  src.ok(kT0);
  for (TimeMs t = kT0 + kMin; t <= kT0 + 59 * kMin; t += kMin) {
    src.fail(t);
    EXPECT_TRUE(src.decide_at(t).empty());
  }
  src.fail(kT0 + 62 * kMin);
  EXPECT_EQ(src.decide_at(src.now).size(), 1u);
}

TEST(SourceHealth, NoSilenceBeforeEnoughHistory) {
  Source src;
  src.ok(kT0, 1);
  src.run(kT0 + 3 * kHour + kMin, 10 * kMin);  // 18 gaps in 3 hours
  EXPECT_EQ(src.s.gaps_seen, 18);
  src.run(src.now + 10 * kHour);  // quiet for 10 hours
  EXPECT_FALSE(silence_limit(src.s, src.o, src.now));
  EXPECT_TRUE(src.decide_at(src.now).empty());

  Source many;  // enough gaps, but less than a day of them
  many.ok(kT0, 1);
  many.run(kT0 + 6 * kHour + kMin, 10 * kMin);
  EXPECT_GE(many.s.gaps_seen, 20);
  many.run(many.now + 10 * kHour);
  EXPECT_FALSE(silence_limit(many.s, many.o, many.now));
  EXPECT_TRUE(many.decide_at(many.now).empty());
}

// A busy source: a mention every 10 minutes for two days, then none. Its learnt limit
// (6 x 10 min, 1.5 x 10 min) is below the floor, so the floor decides: silent after 2 hours.
TEST(SourceHealth, SilentAfterTheFloorThenOneAlertThenOneRecovered) {
  Source src;
  src.ok(kT0, 1);
  src.run(kT0 + 2 * kDay + kMin, 10 * kMin);
  const TimeMs last = kT0 + 2 * kDay;
  EXPECT_EQ(src.s.last_mention_at, last);
  const auto limit = silence_limit(src.s, src.o, last);
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->usual_gap, minutes(10));
  EXPECT_EQ(limit->longest_quiet, minutes(10));
  EXPECT_EQ(limit->limit, hours(2));
  const auto gaps_before = src.s.gaps_seen;
  src.run(last + 2 * kHour + kMin);  // polls succeed, nothing new
  EXPECT_TRUE(src.decide_at(last + 2 * kHour).empty()) << "exactly the floor is not yet more than it";
  auto ts = src.decide_at(last + 2 * kHour + 1000);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].kind, Kind::silent);
  EXPECT_EQ(ts[0].since, last);
  EXPECT_EQ(ts[0].silence.limit, hours(2));
  EXPECT_EQ(transition_key("masto", ts[0]), "source_silent:masto:" + std::to_string(last));
  src.run(last + 9 * kHour);
  EXPECT_TRUE(src.decide_at(src.now).empty()) << "one alert per episode";
  src.ok(src.now + kMin, 2);
  ts = src.decide_at(src.now);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].kind, Kind::silent_recovered);
  EXPECT_EQ(ts[0].since, last);
  EXPECT_EQ(ts[0].until, src.now);
  EXPECT_EQ(src.s.gaps_seen, gaps_before) << "the silent gap is no normal quiet: not learnt";
  EXPECT_TRUE(src.decide_at(src.now + kMin).empty());
}

TEST(SourceHealth, TheLearntGapAdapts) {
  Source src;
  src.ok(kT0, 1);
  src.run(kT0 + 3 * kDay + kMin, kHour);  // hourly for three days
  auto limit = silence_limit(src.s, src.o, src.now);
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->usual_gap, hours(1));
  EXPECT_EQ(limit->limit, hours(6)) << "6 x the usual gap, above the floor and 1.5 x the longest quiet";
  const TimeMs last = src.s.last_mention_at;
  src.run(last + 6 * kHour);
  EXPECT_TRUE(src.decide_at(last + 6 * kHour).empty());
  EXPECT_EQ(src.decide_at(last + 6 * kHour + 1000).size(), 1u);

  Source busy;  // hourly for a day, then every 5 minutes for a day: the usual gap follows
  busy.ok(kT0, 1);
  busy.run(kT0 + kDay + kMin, kHour);
  EXPECT_EQ(silence_limit(busy.s, busy.o, busy.now)->usual_gap, hours(1));
  busy.run(kT0 + 2 * kDay + kMin, 5 * kMin);
  limit = silence_limit(busy.s, busy.o, busy.now);
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->usual_gap, minutes(5));
  EXPECT_EQ(limit->longest_quiet, hours(1)) << "yesterday's hourly gaps still count as normal quiets";
  EXPECT_EQ(limit->limit, hours(2));
  EXPECT_EQ(busy.s.gaps.size(), kRecentGaps);
}

// Mentions from 08:00 to midnight every 10 minutes, none at night: the nights are in its
// history, so a night is no silence; a whole day without a mention is.
TEST(SourceHealth, ANightlyQuietIsNoSilence) {
  Source src;
  for (int day = 0; day < 4; ++day) {
    const TimeMs morning = kT0 + day * kDay + 8 * kHour;
    src.run(morning);  // the night: polls, no mentions
    if (day > 0) {
      EXPECT_TRUE(src.decide_at(src.now).empty()) << "night " << day;
    }
    src.ok(morning, 1);
    src.run(morning + 16 * kHour, 10 * kMin);
  }
  const auto limit = silence_limit(src.s, src.o, src.now);
  ASSERT_TRUE(limit);
  EXPECT_EQ(limit->longest_quiet, hours(8) + minutes(10));
  EXPECT_EQ(limit->limit, milliseconds(static_cast<std::int64_t>(1.5 * (8 * kHour + 10 * kMin))));
  // Day 5: nothing at all.
  const TimeMs last = src.s.last_mention_at;
  src.run(last + 12 * kHour + 15 * kMin);
  EXPECT_TRUE(src.decide_at(src.now).empty());
  src.run(last + 12 * kHour + 17 * kMin);
  const auto ts = src.decide_at(src.now);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].kind, Kind::silent);
}

TEST(SourceHealth, AnExplicitSilentAfterNeedsNoHistory) {
  Source src;
  src.o.silent_after = hours(3);
  src.ok(kT0, 1);
  src.run(kT0 + 3 * kHour);
  EXPECT_TRUE(src.decide_at(kT0 + 3 * kHour).empty());
  src.ok(kT0 + 3 * kHour + kMin);
  const auto ts = src.decide_at(src.now);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_FALSE(ts[0].silence.learnt);
  const Alert a = source_alert("blog", "rss", src.s, ts[0], src.now);
  EXPECT_NE(a.detail.find("silent_after"), std::string::npos) << a.detail;
}

TEST(SourceHealth, FiniteAndDisabledSourcesNeverAlarm) {
  Source finite;
  finite.o.finite = true;
  finite.o.silent_after = hours(1);
  finite.ok(kT0, 1);
  finite.run(kT0 + 5 * kHour);
  EXPECT_TRUE(finite.decide_at(finite.now).empty());

  Source off;
  off.o.enabled = false;
  off.o.silent_after = hours(1);
  off.ok(kT0, 1);
  off.run(kT0 + 5 * kHour);
  const TimeMs end = off.now + kHour;
  for (TimeMs t = off.now + kMin; t < end; t += kMin) off.fail(t);
  EXPECT_TRUE(off.decide_at(off.now).empty());
}

TEST(SourceHealth, AStaleStateIsNotJudged) {
  Source src;
  src.o.silent_after = hours(1);
  src.ok(kT0, 1);
  src.fail(kT0 + kMin);
  // Nobody polls it for a day (the daemons were stopped): nothing is alarmed from old news.
  EXPECT_TRUE(src.decide_at(kT0 + kDay).empty());
  // Polling resumes: the silence clock restarts, the gap is not learnt.
  src.ok(kT0 + kDay);
  EXPECT_EQ(silence_from(src.s), kT0 + kDay);
  EXPECT_TRUE(src.decide_at(kT0 + kDay + 30 * kMin).empty());
  src.run(kT0 + kDay + kHour + 2 * kMin);
  EXPECT_EQ(src.decide_at(src.now).size(), 1u);
  src.ok(src.now + kMin, 1);
  EXPECT_EQ(src.s.gaps_seen, 0);
}

TEST(SourceHealth, OldPostsUnderNewIdsAreNoSignOfLife) {
  Source src;
  src.ok(kT0, 1, kT0 - 5000);
  src.ok(kT0 + kMin, 3, kT0 - 60 * kMin);  // new to carewatch, but older than what it had
  EXPECT_EQ(src.s.last_mention_at, kT0);
  src.ok(kT0 + 2 * kMin, 1, kT0 + 2 * kMin + kHour);  // a clock ahead: taken as the poll's time
  EXPECT_EQ(src.s.last_mention_at, kT0 + 2 * kMin);
  EXPECT_EQ(src.s.newest_posted_at, kT0 + 2 * kMin);
  src.ok(kT0 + 3 * kMin, 1, 0);  // posted_at unknown: the poll's time
  EXPECT_EQ(src.s.last_mention_at, kT0 + 3 * kMin);
}

TEST(SourceHealth, SilenceWaitsWhileDownAndRestartsAfterIt) {
  Source src;
  src.o.silent_after = hours(2);
  src.ok(kT0, 1);
  for (TimeMs t = kT0 + kMin; t <= kT0 + 3 * kHour; t += kMin) src.fail(t);
  auto ts = src.decide_at(src.now);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].kind, Kind::down) << "down, not silent: the down alert says it";
  src.ok(kT0 + 3 * kHour + kMin);
  ts = src.decide_at(src.now);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].kind, Kind::down_recovered);
  EXPECT_EQ(silence_from(src.s), kT0 + 3 * kHour + kMin) << "the silence clock restarts when it is up again";
  src.run(kT0 + 5 * kHour);
  EXPECT_TRUE(src.decide_at(src.now).empty());
  src.run(kT0 + 5 * kHour + 3 * kMin);
  ts = src.decide_at(src.now);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].kind, Kind::silent);
}

TEST(SourceHealth, TheStateSurvivesItsRedisFields) {
  Source src;
  src.ok(kT0, 1);
  src.run(kT0 + 2 * kDay, 7 * kMin);
  src.fail(src.now + kMin, "HTTP 401 \"token\"", true);
  src.s.down_alerted = 42;
  src.s.silent_alerted = 43;
  const SourceHealth back = source_health_from_fields(to_fields(src.s));
  EXPECT_EQ(to_fields(back), to_fields(src.s));
  EXPECT_EQ(back.gaps, src.s.gaps);
  EXPECT_EQ(back.longest_by_day, src.s.longest_by_day);
  EXPECT_EQ(back.last_error, "HTTP 401 \"token\"");
  EXPECT_TRUE(back.last_fatal);
  EXPECT_EQ(back.down_alerted, 42);
  const SourceHealth empty = source_health_from_fields({{"gaps", "x,,3"}, {"longest_by_day", "nonsense"}});
  EXPECT_EQ(empty.last_poll_at, 0);
  EXPECT_EQ(empty.gaps, (std::vector<std::int64_t>{0, 3}));
  EXPECT_TRUE(empty.longest_by_day.empty());
}

TEST(SourceHealth, SpansAsPeopleReadThem) {
  EXPECT_EQ(format_span(milliseconds(250)), "250ms");
  EXPECT_EQ(format_span(milliseconds(45 * 1000)), "45s");
  EXPECT_EQ(format_span(minutes(65)), "1h5m");
  EXPECT_EQ(format_span(hours(3)), "3h");
  EXPECT_EQ(format_span(hours(74) + minutes(3)), "3d2h");
  EXPECT_EQ(format_span(milliseconds(-5)), "0ms");
}

TEST(SourceHealth, AlertErrorsKeepNoSecrets) {
  EXPECT_EQ(alert_safe_error("GET https://x.example/a?q=acme&access_token=abc123&n=2: HTTP 401"),
            "GET https://x.example/a?q=acme&access_token=***&n=2: HTTP 401");
  EXPECT_EQ(alert_safe_error("sent Authorization: Bearer eyJhbGci.x.y and got 403"),
            "sent Authorization: Bearer *** and got 403");
  EXPECT_EQ(alert_safe_error("api_key=k1; client_secret=s2"), "api_key=***; client_secret=***");
  EXPECT_EQ(alert_safe_error("HTTP 503 from https://mastodon.example/api/v1/timelines/tag/acme?limit=40"),
            "HTTP 503 from https://mastodon.example/api/v1/timelines/tag/acme?limit=40");
  EXPECT_EQ(alert_safe_error(std::string(1000, 'x')).size(), 303u);
}

TEST(SourceAlert, SaysWhatHappenedWhatToCheckAndWhatRoutesFilterOn) {
  Source src;
  src.ok(kT0, 1);
  for (TimeMs t = kT0 + kMin; t <= kT0 + 20 * kMin; t += kMin)
    src.fail(t, "HTTP 401 from https://mastodon.example/api/v1/timelines/home?access_token=zzz", true);
  const auto ts = src.decide_at(src.now);
  ASSERT_EQ(ts.size(), 1u);
  const Alert a = source_alert("masto", "mastodon", src.s, ts[0], src.now);
  EXPECT_EQ(a.kind, AlertKind::source_down);
  EXPECT_EQ(a.key, "source_down:masto:" + std::to_string(kT0 + kMin));
  EXPECT_EQ(a.at, src.now);
  EXPECT_EQ(a.source, "masto");
  EXPECT_EQ(a.platform, "mastodon");
  EXPECT_EQ(a.title, "Source \"masto\" (mastodon) is down: the platform refuses it, for 19m now");
  EXPECT_NE(a.detail.find("carewatch reset-cursor --config <file> masto"), std::string::npos) << a.detail;
  EXPECT_EQ(a.detail.find("zzz"), std::string::npos) << a.detail;
  ASSERT_GE(a.facts.size(), 3u);
  EXPECT_EQ(a.facts[0].label, "Source");
  EXPECT_EQ(a.facts[1].label, "Type");
  EXPECT_EQ(a.facts[1].value, "mastodon");
  for (const auto& f : a.facts) EXPECT_EQ(f.value.find("zzz"), std::string::npos) << f.label;

  Source quiet;
  quiet.ok(kT0, 1);
  quiet.run(kT0 + 2 * kDay + kMin, 10 * kMin);
  quiet.run(quiet.now + 3 * kHour);
  const auto silent = quiet.decide_at(quiet.now);
  ASSERT_EQ(silent.size(), 1u);
  const Alert s = source_alert("masto", "mastodon", quiet.s, silent[0], quiet.now);
  EXPECT_EQ(s.kind, AlertKind::source_silent);
  EXPECT_NE(s.title.find("is silent: no new mention for 2h59m"), std::string::npos) << s.title;
  EXPECT_NE(s.detail.find("expired token or a changed API"), std::string::npos) << s.detail;
  EXPECT_NE(s.detail.find("within 10m"), std::string::npos) << s.detail;

  quiet.ok(quiet.now + kMin, 1);
  const auto back = quiet.decide_at(quiet.now);
  ASSERT_EQ(back.size(), 1u);
  const Alert r = source_alert("masto", "mastodon", quiet.s, back[0], quiet.now);
  EXPECT_EQ(r.kind, AlertKind::source_recovered);
  EXPECT_EQ(r.key, "source_recovered:masto:silent:" + std::to_string(silent[0].since));
  EXPECT_NE(r.title.find("recovered: a new mention after 3h of silence"), std::string::npos) << r.title;
}

}  // namespace
}  // namespace carewatch
