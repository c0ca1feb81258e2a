#include "connectors/rss/feed_dates.h"

#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

namespace carewatch::rss {

namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

int month_of(const std::string& name) {
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  const std::string m = lower(name.substr(0, 3));
  for (int i = 0; i < 12; ++i)
    if (m == kMonths[i] && (name.size() == 3 || name.size() >= 4)) return i + 1;
  return 0;
}

// Minutes east of UTC of a zone: "+0200", "-05:30", "GMT", "UT", "Z", "EST", ...
bool zone_offset(const std::string& z, int& minutes) {
  if (z.empty()) {
    minutes = 0;  // no zone: read as UTC
    return true;
  }
  if (z[0] == '+' || z[0] == '-') {
    std::string digits;
    for (size_t i = 1; i < z.size(); ++i)
      if (z[i] != ':') digits.push_back(z[i]);
    if (!all_digits(digits) || (digits.size() != 4 && digits.size() != 2)) return false;
    const int h = std::stoi(digits.substr(0, 2));
    const int m = digits.size() == 4 ? std::stoi(digits.substr(2, 2)) : 0;
    if (h > 23 || m > 59) return false;
    minutes = (z[0] == '-' ? -1 : 1) * (h * 60 + m);
    return true;
  }
  static const struct {
    const char* name;
    int offset;
  } kZones[] = {{"gmt", 0},        {"ut", 0},         {"utc", 0},        {"z", 0},
                {"est", -5 * 60},  {"edt", -4 * 60},  {"cst", -6 * 60},  {"cdt", -5 * 60},
                {"mst", -7 * 60},  {"mdt", -6 * 60},  {"pst", -8 * 60},  {"pdt", -7 * 60},
                {"cet", 60},       {"cest", 120},     {"bst", 60},       {"ist", 330}};
  const std::string l = lower(z);
  for (const auto& zone : kZones)
    if (l == zone.name) {
      minutes = zone.offset;
      return true;
    }
  return false;
}

}  // namespace

bool parse_rfc822(std::string_view input, TimeMs& out) {
  std::string s = trim(input);
  // Tokens split on spaces and commas: [weekday] day month year time [zone].
  std::vector<std::string> tok;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!cur.empty()) tok.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) tok.push_back(std::move(cur));
  size_t i = 0;
  if (i < tok.size() && !tok[i].empty() && std::isalpha(static_cast<unsigned char>(tok[i][0]))) ++i;  // weekday
  if (tok.size() < i + 4) return false;
  // "02 Oct 2024" (RFC 822) and "Oct 02 2024" seen in the wild.
  std::string day = tok[i], mon = tok[i + 1];
  if (!all_digits(day) && all_digits(mon)) std::swap(day, mon);
  const std::string& year_text = tok[i + 2];
  const std::string& time_text = tok[i + 3];
  const std::string zone = tok.size() > i + 4 ? tok[i + 4] : "";
  if (tok.size() > i + 5) return false;
  if (!all_digits(day) || day.size() > 2 || !all_digits(year_text)) return false;
  const int month = month_of(mon);
  if (month == 0) return false;
  int year = std::stoi(year_text);
  if (year_text.size() == 2) year += year < 50 ? 2000 : 1900;
  else if (year_text.size() != 4) return false;
  const int d = std::stoi(day);
  if (d < 1 || d > 31) return false;
  // hh:mm[:ss]
  int hms[3] = {0, 0, 0};
  size_t part = 0;
  std::string num;
  for (size_t k = 0; k <= time_text.size(); ++k) {
    if (k == time_text.size() || time_text[k] == ':') {
      if (!all_digits(num) || num.size() > 2 || part > 2) return false;
      hms[part++] = std::stoi(num);
      num.clear();
    } else {
      num.push_back(time_text[k]);
    }
  }
  if (part < 2 || hms[0] > 23 || hms[1] > 59 || hms[2] > 60) return false;
  int offset = 0;
  if (!zone_offset(zone, offset)) return false;
  const std::int64_t seconds = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(d)) * 86400 +
                               hms[0] * 3600 + hms[1] * 60 + hms[2] - offset * 60;
  out = seconds * 1000;
  return true;
}

bool parse_feed_date(std::string_view input, TimeMs& out) {
  const std::string s = trim(input);
  if (s.empty()) return false;
  if (parse_rfc822(s, out)) return true;
  if (parse_iso8601(s, out)) return true;
  // A date alone.
  if (s.size() == 10 && s[4] == '-' && s[7] == '-') return parse_iso8601(s + "T00:00:00Z", out);
  // RFC 3339 with a space for the T, as some generators write it.
  if (s.size() > 10 && s[10] == ' ') {
    std::string t = s;
    t[10] = 'T';
    return parse_iso8601(t, out);
  }
  return false;
}

}  // namespace carewatch::rss
