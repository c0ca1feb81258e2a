// The recurring_issue alert of a group: its key, title, facts and samples.
#include "daemon/alerts/recurring_watch.h"

#include <gtest/gtest.h>

namespace carewatch {
namespace {

GroupSummary group() {
  GroupSummary g;
  g.id = "17";
  g.size = 14;
  g.authors = 11;
  g.created = 1'700'000'000'000;
  g.terms = {{"refund", 9}, {"cancelled flight", 8}, {"cancelled", 8}, {"flight", 8}, {"#refund", 6}, {"voucher", 5}};
  g.samples = {"mastodon:2", "mastodon:1"};
  g.platforms = {{"mastodon", 10}, {"x", 4}};
  return g;
}

TEST(RecurringAlert, TitleKeyFactsAndSamples) {
  Mention m;
  m.uid = "mastodon:2";
  m.platform = "mastodon";
  m.text = "where is my refund";
  m.author.handle = "ana";
  const Alert a = recurring_alert(group(), {m}, std::chrono::hours(2), 1'700'000'100'000);
  EXPECT_EQ(a.kind, AlertKind::recurring_issue);
  EXPECT_EQ(a.key, "recurring:17");
  EXPECT_EQ(a.title, "Recurring issue: 14 complaints from 11 people about \"refund, cancelled flight, voucher\"");
  EXPECT_EQ(a.category, "complaint");
  EXPECT_EQ(a.platform, "");  // two platforms
  ASSERT_EQ(a.mentions.size(), 1u);
  EXPECT_EQ(a.mentions[0].uid, "mastodon:2");
  EXPECT_EQ(a.mentions[0].author_handle, "ana");
  bool window = false, platforms = false;
  for (const auto& f : a.facts) {
    if (f.label == "Window") window = f.value == "2h";
    if (f.label == "Platforms") platforms = f.value == "mastodon 10, x 4";
  }
  EXPECT_TRUE(window);
  EXPECT_TRUE(platforms);
}

TEST(RecurringAlert, TitleTermsSkipWordsOfChosenBigramsAndTagsOfChosenWords) {
  EXPECT_EQ(title_terms(group().terms, 3), (std::vector<std::string>{"refund", "cancelled flight", "voucher"}));
  EXPECT_EQ(title_terms({}, 3), std::vector<std::string>{});
}

}  // namespace
}  // namespace carewatch
