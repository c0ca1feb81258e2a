// Recurring issues in memory (the rules the Redis group store follows): grouping alike
// complaints, one announcement at the N-complaints-from-M-authors crossing, the sliding window,
// replays. Texts are invented.
#include "rules/complaint_groups.h"

#include <gtest/gtest.h>

namespace carewatch::rules {
namespace {

constexpr TimeMs kMinute = 60'000;
constexpr TimeMs kT0 = 1'700'000'000'000;

const char* const kOutage[] = {
    "@acmeair the app crashes at login after the update",
    "app crashes at login after the update, useless @acmeair",
    "@acmeair your app crashes at login since the update",
    "after the update the app crashes at login @acme_help",
    "app crashes at login after the update again",
    "the app crashes at login after the update. fix it",
};

GroupingParams params(size_t n = 5, size_t m = 3) {
  GroupingParams p;
  p.window = 60 * kMinute;
  p.min_mentions = n;
  p.min_authors = m;
  return p;
}

TEST(ComplaintGroups, AlikeComplaintsShareAGroupAndItIsAnnouncedOnceAtTheCrossing) {
  ComplaintGroups g(params());
  std::vector<GroupResult> r;
  const char* const authors[] = {"ana", "bo", "ana", "cy", "bo", "dee"};
  for (int i = 0; i < 6; ++i)
    r.push_back(g.add("m:" + std::to_string(i), authors[i], kT0 + i * kMinute, complaint_signature(kOutage[i])));
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(r[static_cast<size_t>(i)].group, r[0].group) << i;
    EXPECT_EQ(r[static_cast<size_t>(i)].size, i + 1);
  }
  EXPECT_EQ(r[4].authors, 3);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(r[static_cast<size_t>(i)].announce, i == 4) << i;  // the 5th, 3 authors
  const auto top = g.top_terms(r[0].group, 3);
  ASSERT_FALSE(top.empty());
  EXPECT_EQ(top[0].second, 6);

  const auto other = g.add("m:x", "eve", kT0 + 7 * kMinute,
                           complaint_signature("refund for my cancelled flight never arrived"));
  EXPECT_NE(other.group, r[0].group);
  EXPECT_EQ(other.size, 1);
}

TEST(ComplaintGroups, OneAuthorAloneIsNotAnIssue) {
  ComplaintGroups g(params(3, 2));
  for (int i = 0; i < 5; ++i)
    EXPECT_FALSE(g.add("m:" + std::to_string(i), "ana", kT0 + i * kMinute, complaint_signature(kOutage[i])).announce);
  EXPECT_TRUE(g.add("m:5", "bo", kT0 + 6 * kMinute, complaint_signature(kOutage[5])).announce);
}

TEST(ComplaintGroups, TheWindowSlides) {
  ComplaintGroups g(params(3, 1));
  const auto a = g.add("m:0", "ana", kT0, complaint_signature(kOutage[0]));
  const auto b = g.add("m:1", "bo", kT0 + 40 * kMinute, complaint_signature(kOutage[1]));
  EXPECT_EQ(b.group, a.group);
  // 70 minutes after the first: it left the window, the group lives on (its last member is recent).
  const auto c = g.add("m:2", "cy", kT0 + 70 * kMinute, complaint_signature(kOutage[2]));
  EXPECT_EQ(c.group, a.group);
  EXPECT_EQ(c.size, 2);
  EXPECT_FALSE(c.announce);
  // Quiet for longer than the window: the group died; the same complaint starts a new one.
  const auto d = g.add("m:3", "dee", kT0 + 200 * kMinute, complaint_signature(kOutage[3]));
  EXPECT_NE(d.group, a.group);
  EXPECT_EQ(d.size, 1);
}

TEST(ComplaintGroups, AReplayedUidChangesNothing) {
  ComplaintGroups g(params(2, 1));
  const auto a = g.add("m:0", "ana", kT0, complaint_signature(kOutage[0]));
  const auto again = g.add("m:0", "ana", kT0 + kMinute, complaint_signature(kOutage[0]));
  EXPECT_EQ(again.group, a.group);
  EXPECT_EQ(again.size, 1);
  EXPECT_FALSE(again.announce);
  EXPECT_TRUE(g.add("m:1", "bo", kT0 + 2 * kMinute, complaint_signature(kOutage[1])).announce);
}

TEST(ComplaintGroups, TextsWithoutSalientTermsAreNotGrouped) {
  ComplaintGroups g(params());
  EXPECT_EQ(g.add("m:0", "ana", kT0, complaint_signature("@acmeair why??")).group, 0);
}

TEST(TopTerms, ByCountThenBigramsFirst) {
  const auto top = top_terms_of({{"app", 4}, {"app crash", 4}, {"login", 6}, {"update", 1}}, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].first, "login");
  EXPECT_EQ(top[1].first, "app crash");
  EXPECT_EQ(top[2].first, "app");
}

}  // namespace
}  // namespace carewatch::rules
