#include "daemon/tools/sentiment_eval_command.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "rules/sentiment.h"

namespace carewatch {
namespace {

struct Row {
  double rating = 0;
  std::string text;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A field written CSV-style ("...", with "" for a quote) is unquoted; anything else is literal.
std::string unquote(std::string_view field) {
  if (field.size() < 2 || field.front() != '"' || field.back() != '"') return std::string(field);
  std::string out;
  const std::string_view inner = field.substr(1, field.size() - 2);
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '"') {
      if (i + 1 < inner.size() && inner[i + 1] == '"') ++i;
      else return std::string(field);  // a lone quote inside: the field was not CSV-quoted
    }
    out += inner[i];
  }
  return out;
}

// Reads "id<TAB>mean_rating<TAB>text" rows after a header; the text may itself contain tabs.
bool read_rows(const std::string& path, std::vector<Row>& rows, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path;
    return false;
  }
  std::string line;
  size_t number = 0;
  bool header = true;
  while (std::getline(in, line)) {
    ++number;
    std::string_view l = line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (header) {
      if (l.substr(0, 3) == "\xef\xbb\xbf") l.remove_prefix(3);  // UTF-8 byte order mark
      const size_t t1 = l.find('\t'), t2 = t1 == std::string_view::npos ? t1 : l.find('\t', t1 + 1);
      if (t2 == std::string_view::npos || trim(l.substr(t1 + 1, t2 - t1 - 1)) != "mean_rating" ||
          trim(l.substr(t2 + 1)) != "text") {
        error = path + ":" + std::to_string(number) +
                ": expected the header \"id<TAB>mean_rating<TAB>text\", got \"" + std::string(l.substr(0, 80)) + "\"";
        return false;
      }
      header = false;
      continue;
    }
    if (trim(l).empty()) continue;
    const size_t t1 = l.find('\t'), t2 = t1 == std::string_view::npos ? t1 : l.find('\t', t1 + 1);
    if (t2 == std::string_view::npos) {
      error = path + ":" + std::to_string(number) + ": expected 3 tab-separated fields (id, mean_rating, text)";
      return false;
    }
    std::string rating_text = unquote(trim(l.substr(t1 + 1, t2 - t1 - 1)));
    Row row;
    const char* end = rating_text.data() + rating_text.size();
    const auto [ptr, ec] = std::from_chars(rating_text.data(), end, row.rating);
    if (rating_text.empty() || ec != std::errc() || ptr != end || !std::isfinite(row.rating)) {
      error = path + ":" + std::to_string(number) + ": mean_rating \"" + rating_text + "\" is not a number";
      return false;
    }
    row.text = unquote(l.substr(t2 + 1));
    rows.push_back(std::move(row));
  }
  if (header) {
    error = path + ": empty file (expected the header \"id<TAB>mean_rating<TAB>text\")";
    return false;
  }
  if (in.bad()) {
    error = "error reading " + path;
    return false;
  }
  return true;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace

int run_sentiment_eval(const std::string& tsv_path, std::ostream& out, std::ostream& err) {
  std::vector<Row> rows;
  std::string error;
  if (!read_rows(tsv_path, rows, error)) {
    err << "eval-sentiment: " << error << "\n";
    return 2;
  }
  if (rows.size() < 2) {
    err << "eval-sentiment: " << tsv_path << ": need at least 2 rated rows, found " << rows.size() << "\n";
    return 2;
  }
  const auto analyzer = rules::SentimentAnalyzer::builtin();

  std::vector<double> compound(rows.size()), rating(rows.size());
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  for (size_t i = 0; i < rows.size(); ++i) {
    compound[i] = analyzer->score(rows[i].text).compound;
    rating[i] = rows[i].rating;
  }
  // Repeat the scoring pass for a steadier speed figure (at least ~0.2 s of work).
  size_t scored = rows.size();
  auto elapsed = Clock::now() - start;
  while (elapsed < std::chrono::milliseconds(200)) {
    double sink = 0;
    for (const Row& r : rows) sink += analyzer->score(r.text).compound;
    if (std::isnan(sink)) break;  // keeps the pass from being optimised away
    scored += rows.size();
    elapsed = Clock::now() - start;
  }
  const double seconds = std::chrono::duration<double>(elapsed).count();

  double abs_error = 0;
  for (size_t i = 0; i < rows.size(); ++i) abs_error += std::abs(compound[i] * 4 - rating[i]);
  const double r = pearson(compound, rating);
  if (!std::isfinite(r)) {
    err << "eval-sentiment: " << tsv_path << ": Pearson r is undefined (all ratings or all scores equal)\n";
    return 2;
  }

  std::ostringstream report;
  report.setf(std::ios::fixed);
  report.precision(4);
  report << "file: " << tsv_path << "\n"
         << "n: " << rows.size() << "\n"
         << "pearson_r: " << r << "\n"
         << "mae_compound_x4: " << abs_error / static_cast<double>(rows.size()) << "\n";
  report.precision(1);
  report << "scored: " << scored << " texts in " << seconds * 1000 << " ms ("
         << static_cast<double>(scored) / seconds << " mentions/s, one thread)\n";
  out << report.str();
  return 0;
}

}  // namespace carewatch
