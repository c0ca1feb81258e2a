#include "connectors/http/retry_policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <string_view>
#include <vector>

#include "mention/mention_json.h"

namespace carewatch {

namespace {

using std::chrono::milliseconds;

// Query parameters that carry credentials; they never appear in messages or logs.
constexpr std::array<std::string_view, 8> kSecretParams = {"access_token",  "token",    "key",
                                                           "api_key",       "apikey",   "client_secret",
                                                           "refresh_token", "password"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Non-negative integer, saturating at `cap`.
long long parse_count(std::string_view s, long long cap) {
  long long v = 0;
  for (char c : s) {
    v = v * 10 + (c - '0');
    if (v >= cap) return cap;
  }
  return v;
}

// See redact_url.
std::string redact_url_impl(const std::string& url) {
  std::string out = url;
  const auto scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    const auto authority_start = scheme_end + 3;
    const auto authority_end = out.find_first_of("/?#", authority_start);
    const auto at = out.rfind('@', authority_end == std::string::npos ? out.size() : authority_end);
    if (at != std::string::npos && at >= authority_start) out.erase(authority_start, at + 1 - authority_start);
  }
  const auto q = out.find('?');
  if (q == std::string::npos) return out;
  const auto hash = out.find('#', q);
  const std::string query = out.substr(q + 1, hash == std::string::npos ? std::string::npos : hash - q - 1);
  const std::string fragment = hash == std::string::npos ? std::string() : out.substr(hash);
  std::string kept;
  size_t start = 0;
  while (start <= query.size()) {
    const auto amp = std::min(query.find('&', start), query.size());
    const std::string part = query.substr(start, amp - start);
    const std::string name = lower(part.substr(0, part.find('=')));
    const bool secret = std::find(kSecretParams.begin(), kSecretParams.end(), name) != kSecretParams.end();
    if (!part.empty() && !secret) kept += (kept.empty() ? "" : "&") + part;
    start = amp + 1;
  }
  out.erase(q);
  if (!kept.empty()) out += "?" + kept;
  return out + fragment;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 425: return "Too Early";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

// A short, single-line excerpt of an error body, so "401: {"error":"The access token is
// invalid"}" tells the operator what the platform said.
std::string body_excerpt(const std::string& body) {
  constexpr size_t kMax = 200;
  std::string out;
  for (char c : body) {
    if (out.size() >= kMax) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  return std::string(trim(out));
}

int month_index(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                               "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() < 3) return -1;
  const std::string l = lower(name.substr(0, 3));
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (l == kMonths[i]) return static_cast<int>(i) + 1;
  return -1;
}

// Days since 1970-01-01 of a proleptic Gregorian date.
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// An HTTP-date in any of the three forms of RFC 9110 section 5.6.7 (IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT", asctime
// "Sun Nov  6 08:49:37 1994"), as ms since the epoch.
std::optional<long long> parse_http_date(std::string_view s) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '-')) ++i;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != ',' && s[i] != '-') ++i;
    if (i > start) tokens.push_back(s.substr(start, i - start));
  }
  int day = -1, month = -1, hh = -1, mm = -1, ss = -1;
  long long year = -1;
  for (std::string_view t : tokens) {
    if (t.size() == 8 && t[2] == ':' && t[5] == ':' && all_digits(t.substr(0, 2)) && all_digits(t.substr(3, 2)) &&
        all_digits(t.substr(6, 2))) {
      hh = (t[0] - '0') * 10 + (t[1] - '0');
      mm = (t[3] - '0') * 10 + (t[4] - '0');
      ss = (t[6] - '0') * 10 + (t[7] - '0');
    } else if (all_digits(t) && t.size() <= 2 && day < 0) {
      day = static_cast<int>(parse_count(t, 99));
    } else if (all_digits(t) && (t.size() == 4 || t.size() == 2)) {
      year = parse_count(t, 9999);
      // RFC 850 two-digit years: RFC 9110 says to read a year more than 50 years ahead as past.
      if (t.size() == 2) year += year < 70 ? 2000 : 1900;
    } else if (month < 0 && month_index(t) > 0 && t.size() == 3) {
      month = month_index(t);
    }
  }
  if (day < 1 || day > 31 || month < 1 || year < 1970 || hh < 0 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  const long long days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 86400) + hh * 3600 + mm * 60 + ss) * 1000;
}

// Retry-After: delta-seconds or an HTTP-date.
std::optional<milliseconds> retry_after_header(const HttpResponse& response, long long now_ms) {
  const std::string header = response.header("retry-after");
  const std::string_view v = trim(header);
  if (v.empty()) return std::nullopt;
  if (all_digits(v)) return milliseconds(parse_count(v, 1'000'000'000) * 1000);
  if (auto at = parse_http_date(v)) return milliseconds(std::max(0LL, *at - now_ms));
  return std::nullopt;
}

// The rate-limit headers of one family: "x-ratelimit-" (Mastodon, Reddit), "x-rate-limit-" (X),
// "ratelimit-" (Bluesky, the IETF draft). `remaining` empty when the response has none.
struct RateLimitHeaders {
  std::string remaining, reset;
};

RateLimitHeaders rate_limit_headers(const HttpResponse& response) {
  for (const char* prefix : {"x-ratelimit-", "x-rate-limit-", "ratelimit-"}) {
    std::string remaining = std::string(trim(response.header(std::string(prefix) + "remaining")));
    if (!remaining.empty())
      return {std::move(remaining), std::string(trim(response.header(std::string(prefix) + "reset")))};
  }
  return {};
}

// <remaining> = 0 with <reset> as an ISO 8601 time (Mastodon), epoch seconds (X, Bluesky) or,
// for small numbers, seconds until the reset (Reddit, the IETF draft).
std::optional<milliseconds> rate_limit_reset(const HttpResponse& response, long long now_ms) {
  const RateLimitHeaders h = rate_limit_headers(response);
  const std::string_view remaining = h.remaining;
  if (remaining.empty()) return std::nullopt;
  // Some platforms send a decimal ("0.0"); only the integer part matters.
  const std::string_view integral = remaining.substr(0, remaining.find('.'));
  if (!all_digits(integral) || parse_count(integral, 1) != 0) return std::nullopt;
  const std::string_view reset = h.reset;
  if (reset.empty()) return std::nullopt;
  const std::string_view reset_int = reset.substr(0, reset.find('.'));
  if (all_digits(reset_int) && (reset_int.size() == reset.size() || all_digits(reset.substr(reset_int.size() + 1)))) {
    const long long n = parse_count(reset_int, 1'000'000'000'000'000LL);
    constexpr long long kEpochThreshold = 1'000'000'000;  // 2001-09-09: smaller is a delta
    if (n < kEpochThreshold) return milliseconds(n * 1000);
    const long long at_ms = n >= 100'000'000'000LL ? n : n * 1000;  // epoch ms or epoch seconds
    return milliseconds(std::max(0LL, at_ms - now_ms));
  }
  TimeMs at = 0;
  if (parse_iso8601(reset, at)) return milliseconds(std::max<long long>(0, at - now_ms));
  return std::nullopt;
}

}  // namespace

std::string redact_url(const std::string& url) { return redact_url_impl(url); }

std::optional<double> rate_limit_remaining(const HttpResponse& response) {
  const std::string remaining = rate_limit_headers(response).remaining;
  if (remaining.empty()) return std::nullopt;
  const std::string_view integral = std::string_view(remaining).substr(0, remaining.find('.'));
  if (!all_digits(integral)) return std::nullopt;
  return static_cast<double>(parse_count(integral, 1'000'000'000'000LL));
}

Verdict classify_response(const HttpRequest& request, const HttpResponse& response, long long now_ms) {
  Verdict v;
  const std::string what = request.method + " " + redact_url_impl(request.url);

  auto wait = retry_after_header(response, now_ms);
  if (auto reset = rate_limit_reset(response, now_ms)) wait = wait ? std::max(*wait, *reset) : *reset;
  v.retry_after = wait;
  v.rate_limit_remaining = rate_limit_remaining(response);

  const int status = response.status;
  if (status == 0) {
    v.outcome = Outcome::retry;
    v.message = what + ": " + (response.error.empty() ? std::string("transport error") : response.error);
    return v;
  }
  v.message = what + ": " + std::to_string(status);
  if (const char* reason = reason_phrase(status); *reason) v.message += std::string(" ") + reason;

  if (status >= 200 && status < 300) {
    v.outcome = Outcome::ok;
    return v;
  }
  if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600)) {
    v.outcome = Outcome::retry;
  } else {
    v.outcome = Outcome::fatal;
    if (status == 401 || status == 403) v.message += " (check the access token and its scopes)";
    if (status >= 300 && status < 400 && !response.header("location").empty())
      v.message += " (redirected to " + redact_url_impl(response.header("location")) + ")";
  }
  if (const std::string excerpt = body_excerpt(response.body); !excerpt.empty()) v.message += ": " + excerpt;
  return v;
}

Backoff::Backoff(milliseconds initial, milliseconds max, unsigned seed)
    : initial_(std::max(initial, milliseconds(0))), max_(std::max(max, milliseconds(0))), rng_(seed) {}

milliseconds Backoff::next(std::optional<milliseconds> at_least) {
  const long long initial = initial_.count(), cap = max_.count();
  long long delay = std::min(initial, cap);
  // initial * 2^failures, saturating at max without overflowing.
  for (int i = 0; i < failures_ && delay > 0 && delay < cap; ++i) delay = delay > cap / 2 ? cap : delay * 2;
  delay = std::min(delay, cap);
  std::uniform_int_distribution<long long> jitter(delay / 2, delay);
  milliseconds result(jitter(rng_));
  if (at_least && *at_least > result) result = *at_least;
  if (failures_ < INT_MAX) ++failures_;
  return result;
}

}  // namespace carewatch
