#include "daemon/tools/group_eval_command.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>
#include <ostream>
#include <random>
#include <vector>

#include "daemon/tools/labelled_data.h"
#include "mention/common/duration.h"
#include "mention/common/time.h"
#include "rules/complaint_groups.h"

namespace carewatch {

namespace {

struct Row {
  std::string text, reason, author, brand;
  TimeMs at = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "24-02-2015 11.35" (or "24-02-2015 11:35"), else ISO 8601.
bool parse_time(const std::string& s, TimeMs& out) {
  int d = 0, mo = 0, y = 0, h = 0, mi = 0;
  char sep = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%d %d%c%d", &d, &mo, &y, &h, &sep, &mi) == 6 && (sep == '.' || sep == ':') &&
      mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
    out = ((days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 24 + h) * 60 + mi) * 60000;
    return true;
  }
  return parse_iso8601(s, out);
}

// One column of every row of the file, in file order.
bool column(const std::string& path, const std::string& field, std::vector<std::string>& out, std::string& error) {
  Dataset data;
  if (!load_data(path, field, "", data, error)) return false;
  out.clear();
  for (auto& e : data.examples) out.push_back(std::move(e.text));
  return true;
}

struct Figures {
  size_t groups = 0;       // groups of at least min_mentions members
  size_t members = 0;      // their members
  double purity = 0;       // share of those members with their group's majority reason
};

Figures measure(const std::vector<std::vector<size_t>>& groups, const std::vector<Row>& rows, size_t min_size) {
  Figures f;
  size_t majority_total = 0;
  for (const auto& g : groups) {
    if (g.size() < min_size) continue;
    std::map<std::string, size_t> count;
    for (size_t i : g) ++count[rows[i].reason];
    size_t majority = 0;
    for (const auto& [reason, n] : count) majority = std::max(majority, n);
    ++f.groups;
    f.members += g.size();
    majority_total += majority;
  }
  f.purity = f.members ? static_cast<double>(majority_total) / static_cast<double>(f.members) : 0;
  return f;
}

void print(std::ostream& out, const char* name, const Figures& f, size_t total, size_t all_groups) {
  char line[256];
  std::snprintf(line, sizeof line, "%-34s %8zu %10zu %9.1f%% %8.1f%%\n", name, all_groups, f.groups,
                total ? 100.0 * static_cast<double>(f.members) / static_cast<double>(total) : 0.0, 100.0 * f.purity);
  out << line;
}

long peak_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

}  // namespace

int run_group_eval(const GroupEvalOptions& o, std::ostream& out, std::ostream& err) {
  if (o.data.empty()) {
    err << "eval-groups: no data file given (--data FILE.csv)\n";
    return 2;
  }
  const auto window = parse_duration(o.window);
  if (!window || window->count() <= 0) {
    err << "eval-groups: --window: expected a duration like \"2h\", got \"" << o.window << "\"\n";
    return 2;
  }
  if (o.min_mentions < 2 || o.bands < 1 || o.rows < 1 || o.min_band_hits < 1) {
    err << "eval-groups: expected --min-mentions >= 2, --bands, --rows and --min-band-hits >= 1\n";
    return 2;
  }
  std::string error;
  std::vector<std::string> text, when, reason, author, filter, brand;
  if (!column(o.data, o.text_field, text, error) || !column(o.data, o.time_field, when, error) ||
      !column(o.data, o.reason_field, reason, error) || !column(o.data, o.author_field, author, error) ||
      (!o.filter_field.empty() && !column(o.data, o.filter_field, filter, error)) ||
      (!o.brand_field.empty() && !column(o.data, o.brand_field, brand, error))) {
    err << "eval-groups: " << error << "\n";
    return 2;
  }
  std::vector<Row> rows;
  size_t bad_time = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!o.filter_field.empty() && trim(filter[i]) != o.filter_value) continue;
    Row r{text[i], trim(reason[i]), trim(author[i]), brand.empty() ? std::string() : trim(brand[i]), 0};
    if (!parse_time(trim(when[i]), r.at)) {
      ++bad_time;
      continue;
    }
    rows.push_back(std::move(r));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.at < b.at; });
  if (rows.empty()) {
    err << "eval-groups: no rows to replay in " << o.data << "\n";
    return 2;
  }

  rules::GroupingParams params;
  params.window = window->count();
  params.min_mentions = o.min_mentions;
  params.min_authors = o.min_authors;
  params.min_band_hits = o.min_band_hits;
  rules::SignatureParams sp;
  sp.bands = o.bands;
  sp.rows = o.rows;
  sp.bigrams = o.bigrams;
  rules::ComplaintGroups grouper(params);
  std::map<std::int64_t, std::vector<size_t>> by_group;
  size_t announced = 0, ungrouped = 0;
  std::vector<size_t> announce_sizes;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto sig = rules::complaint_signature(rows[i].text, sp);
    const auto r = grouper.add("row:" + std::to_string(i), rows[i].author, rows[i].at, sig);
    if (r.group == 0) {
      ++ungrouped;
      continue;
    }
    by_group[r.group].push_back(i);
    if (r.announce) ++announced;
  }
  std::vector<std::vector<size_t>> groups;
  for (auto& [id, members] : by_group) groups.push_back(std::move(members));
  const Figures ours = measure(groups, rows, o.min_mentions);

  // Baseline: the same group sizes, members drawn at random from all the replayed texts.
  Figures random_avg;
  const int kShuffles = 20;
  std::mt19937_64 rng(o.seed);
  for (int s = 0; s < kShuffles; ++s) {
    std::vector<size_t> order(rows.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::vector<size_t>> shuffled;
    size_t at = 0;
    for (const auto& g : groups) {
      if (g.size() < o.min_mentions) continue;
      shuffled.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(at),
                            order.begin() + static_cast<std::ptrdiff_t>(at + g.size()));
      at += g.size();
    }
    const Figures f = measure(shuffled, rows, o.min_mentions);
    random_avg.groups = f.groups;
    random_avg.members = f.members;
    random_avg.purity += f.purity / kShuffles;
  }
  // Baseline: one group per brand and window-long time slot.
  std::vector<std::vector<size_t>> by_brand;
  if (!o.brand_field.empty()) {
    std::map<std::pair<std::string, TimeMs>, std::vector<size_t>> slots;
    for (size_t i = 0; i < rows.size(); ++i) slots[{rows[i].brand, rows[i].at / params.window}].push_back(i);
    for (auto& [k, v] : slots) by_brand.push_back(std::move(v));
  }
  // Baseline: everything in one group (the majority reason's share).
  const Figures one = measure({[&] {
                                std::vector<size_t> all(rows.size());
                                std::iota(all.begin(), all.end(), size_t{0});
                                return all;
                              }()},
                              rows, 1);

  out << "replayed " << rows.size() << " texts in time order (" << bad_time << " rows without a readable time left out; "
      << ungrouped << " without a salient term, never grouped)\n";
  out << "window " << o.window << ", min_mentions " << o.min_mentions << ", min_authors " << o.min_authors << ", bands "
      << o.bands << " x rows " << o.rows << ", min_band_hits " << o.min_band_hits << ", bigrams "
      << (o.bigrams ? "on" : "off") << "\n";
  out << "announced (reached min_mentions from min_authors): " << announced << " groups\n\n";
  char head[256];
  std::snprintf(head, sizeof head, "%-34s %8s %10s %10s %9s\n", "grouping", "groups", "size>=N", "coverage", "purity");
  out << head;
  print(out, "signatures (this)", ours, rows.size(), groups.size());
  print(out, "random groups of the same sizes", random_avg, rows.size(), groups.size());
  if (!o.brand_field.empty())
    print(out, "brand x window slot", measure(by_brand, rows, o.min_mentions), rows.size(), by_brand.size());
  print(out, "one group (majority reason share)", one, rows.size(), 1);
  out << "\ncoverage: share of the texts in groups of at least min_mentions; purity: share of those texts whose "
         "reason is their group's majority reason\npeak RSS " << peak_rss_kb() << " KB\n";
  return 0;
}

}  // namespace carewatch
