#include "daemon/alerts/alert_channel_text.h"

#include <algorithm>
#include <cstdlib>

#include "mention/common/url.h"

namespace carewatch {

namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The largest cut <= n that does not split a UTF-8 sequence.
size_t utf8_cut(std::string_view s, size_t n) {
  if (n >= s.size()) return s.size();
  while (n > 0 && is_continuation(static_cast<unsigned char>(s[n]))) --n;
  return n;
}

bool same_set(const std::vector<Alert>& alerts) {
  for (const auto& a : alerts)
    if (a.kind != alerts.front().kind) return false;
  return true;
}

const char* kind_noun(AlertKind k) {
  switch (k) {
    case AlertKind::urgent: return "urgent mentions";
    case AlertKind::sla_warning: return "SLA warnings";
    case AlertKind::sla_breach: return "SLA breaches";
    case AlertKind::spike: return "spikes";
    case AlertKind::spike_over: return "spikes over";
    case AlertKind::source_down: return "sources down";
    case AlertKind::source_silent: return "silent sources";
    case AlertKind::source_recovered: return "sources recovered";
    case AlertKind::recurring_issue: return "recurring issues";
    case AlertKind::digest: return "digests";
  }
  return "alerts";
}

}  // namespace

std::string slack_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string truncate_utf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  if (max_bytes < kEllipsis.size()) return std::string();
  const size_t cut = utf8_cut(s, max_bytes - kEllipsis.size());
  return std::string(s.substr(0, cut)) + std::string(kEllipsis);
}

std::string truncate_mrkdwn(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  if (max_bytes < kEllipsis.size()) return std::string();
  size_t cut = utf8_cut(s, max_bytes - kEllipsis.size());
  // Back off from an entity (&...;) or a link (<...>) the cut would split.
  const std::string_view kept = s.substr(0, cut);
  const size_t amp = kept.rfind('&');
  if (amp != std::string_view::npos && kept.find(';', amp) == std::string_view::npos && cut - amp < 8) cut = amp;
  const size_t open = s.substr(0, cut).rfind('<');
  if (open != std::string_view::npos && s.substr(0, cut).find('>', open) == std::string_view::npos) cut = open;
  return std::string(s.substr(0, cut)) + std::string(kEllipsis);
}

std::string console_link(const std::string& console_url, const std::string& uid) {
  if (console_url.empty() || uid.empty()) return {};
  return console_url + percent_encode(uid);
}

std::string slack_link_target(std::string_view url) {
  std::string out;
  for (char c : url) {
    if (c == '|') out += "%7C";
    else if (c == ' ') out += "%20";
    else out += c;
  }
  return slack_escape(out);
}

std::string format_count(std::int64_t n) {
  const bool negative = n < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  const std::string digits = std::to_string(magnitude);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string format_span(std::int64_t ms) {
  const std::int64_t s = std::max<std::int64_t>(0, ms) / 1000;
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string(s / 60) + " min";
  if (s < 86400) {
    const std::int64_t h = s / 3600, m = (s % 3600) / 60;
    return std::to_string(h) + " h" + (m ? " " + std::to_string(m) + " min" : "");
  }
  return std::to_string(s / 86400) + " d" + (s % 86400 >= 3600 ? " " + std::to_string((s % 86400) / 3600) + " h" : "");
}

std::string format_sla_remaining(std::int64_t ms) {
  if (ms < 0) return "overdue by " + format_span(-ms);
  return format_span(ms) + " left";
}

const char* kind_emoji(AlertKind k) {
  switch (k) {
    case AlertKind::urgent: return ":rotating_light:";
    case AlertKind::sla_warning: return ":hourglass_flowing_sand:";
    case AlertKind::sla_breach: return ":alarm_clock:";
    case AlertKind::spike: return ":chart_with_upwards_trend:";
    case AlertKind::spike_over: return ":chart_with_downwards_trend:";
    case AlertKind::source_down: return ":red_circle:";
    case AlertKind::source_silent: return ":mute:";
    case AlertKind::source_recovered: return ":large_green_circle:";
    case AlertKind::recurring_issue: return ":repeat:";
    case AlertKind::digest: return ":package:";
  }
  return ":bell:";
}

const char* kind_label(AlertKind k) {
  switch (k) {
    case AlertKind::urgent: return "Urgent";
    case AlertKind::sla_warning: return "SLA warning";
    case AlertKind::sla_breach: return "SLA breach";
    case AlertKind::spike: return "Spike";
    case AlertKind::spike_over: return "Spike over";
    case AlertKind::source_down: return "Source down";
    case AlertKind::source_silent: return "Source silent";
    case AlertKind::source_recovered: return "Source recovered";
    case AlertKind::recurring_issue: return "Recurring issue";
    case AlertKind::digest: return "Digest";
  }
  return "Alert";
}

std::string digest_title(const std::vector<Alert>& alerts) {
  if (alerts.empty()) return "No alerts";
  TimeMs first = alerts.front().at, last = alerts.front().at;
  for (const auto& a : alerts) {
    first = std::min(first, a.at);
    last = std::max(last, a.at);
  }
  const std::string noun = same_set(alerts) ? kind_noun(alerts.front().kind) : "alerts";
  std::string title = std::to_string(alerts.size()) + " more " + noun;
  if (last - first >= 60000) title += " in " + format_span(last - first);
  else title += " in under a minute";
  return title;
}

std::string alert_log_line(const Alert& a, const std::string& console_url) {
  auto one_line = [](std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    return s;
  };
  std::string line = std::string("ALERT [") + to_string(a.kind) + "] " + one_line(a.title);
  if (!a.detail.empty()) line += " (" + one_line(truncate_utf8(a.detail, 300)) + ")";
  if (!a.mentions.empty()) {
    const AlertMention& m = a.mentions.front();
    if (!m.author_handle.empty()) line += " by @" + one_line(m.author_handle);
    if (m.followers > 0) line += " (" + format_count(m.followers) + " followers)";
    if (!m.text.empty()) line += " \xE2\x80\x94 \"" + one_line(truncate_utf8(m.text, 280)) + "\"";
    if (m.sla_remaining_ms) line += " \xE2\x80\x94 SLA " + format_sla_remaining(*m.sla_remaining_ms);
    const std::string link = console_link(console_url, m.uid);
    if (!link.empty()) line += " \xE2\x80\x94 " + link;
    else if (!m.url.empty()) line += " \xE2\x80\x94 " + m.url;
    if (a.mentions.size() > 1) line += " (+" + std::to_string(a.mentions.size() - 1) + " more mentions)";
  }
  for (const auto& f : a.facts) line += " | " + one_line(f.label) + ": " + one_line(f.value);
  return line;
}

}  // namespace carewatch
