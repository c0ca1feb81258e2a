// `carewatch eval-groups --data FILE.csv`: how well recurring-issue grouping (rules/
// complaint_groups.h, the same rules as the daemon's Redis groups) finds complaints about the
// same thing. Replays a labelled file's negative texts in time order and measures the groups
// against a reason column: purity (the share of members of a group of at least min_mentions
// whose reason is their group's majority reason, weighted by size), coverage (the share of texts
// in such groups), the number of groups, and the same figures for baselines (random groups of
// the same sizes; groups by airline/brand column and window). Shows no text of the file.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace carewatch {

struct GroupEvalOptions {
  std::string data;                          // CSV (RFC 4180) with a header row
  std::string text_field = "text";
  std::string time_field = "tweet_created";  // "24-02-2015 11.35" (day-month-year hour.minute) or ISO 8601
  std::string reason_field = "negativereason";
  std::string author_field = "name";
  std::string filter_field = "airline_sentiment";  // rows kept: filter_value; "" keeps every row
  std::string filter_value = "negative";
  std::string brand_field = "airline";        // for the brand-and-window baseline; "" for none
  std::string window = "2h";
  size_t min_mentions = 5;
  size_t min_authors = 3;
  int bands = 32;
  int rows = 2;
  int min_band_hits = 2;
  bool bigrams = true;
  std::uint64_t seed = 1;                    // of the random baseline
};

// 0 ok, 2 bad input.
int run_group_eval(const GroupEvalOptions& options, std::ostream& out, std::ostream& err);

}  // namespace carewatch
