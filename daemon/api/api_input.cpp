#include "daemon/api/api_input.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>

#include "daemon/api/desk_input.h"
#include "mention/mention.h"
#include "mention/utf8.h"

namespace carewatch {

namespace {

constexpr size_t kMaxUid = 512;

}  // namespace

std::optional<std::string> utf8_problem(std::string_view s, std::string_view what) {
  char32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t n = decode_utf8(s, i, cp);
    if (n == 0) return std::string(what) + ": invalid UTF-8 at byte offset " + std::to_string(i);
    i += n;
  }
  return std::nullopt;
}

std::optional<std::string> route_param_problem(const RouteMatch& m) {
  const std::string& p = m.param;
  switch (m.id) {
    case RouteId::claim:
      if (is_queue_name(p)) return std::nullopt;
      return "queue: expected a queue name (at most 64 letters, digits, '-', '_', '.'), got a name of " +
             std::to_string(p.size()) + " bytes with other characters";
    case RouteId::mention:
    case RouteId::renew:
    case RouteId::release:
    case RouteId::resolve:
    case RouteId::reply:
    case RouteId::handoff:
    case RouteId::notes:
    case RouteId::note_add:
    case RouteId::conversation:
    case RouteId::history: {
      if (auto bad = utf8_problem(p, "uid")) return bad;
      if (p.size() > kMaxUid) return "uid: expected at most 512 bytes, got " + std::to_string(p.size());
      const bool control = std::any_of(p.begin(), p.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
      });
      if (control) return std::string("uid: expected no control characters, got some");
      if (p.find(':') == std::string::npos || p.front() == ':')
        return std::string("uid: expected \"<platform>:<id>\" like \"mastodon:1234\"");
      return std::nullopt;
    }
    case RouteId::customer: return identity_problem(p, "identity");
    default: return std::nullopt;
  }
}

ReplyText read_reply_text(std::string_view body) {
  ReplyText out;
  if ((out.problem = utf8_problem(body, "body"))) return out;
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    out.problem = "body: expected a JSON object like {\"text\": \"...\"}";
    return out;
  }
  if (const auto ext = doc.FindMember("external"); ext != doc.MemberEnd()) {
    if (!ext->value.IsBool()) {
      out.problem = "external: expected true or false";
      return out;
    }
    out.external = ext->value.GetBool();
  }
  const auto it = doc.FindMember("text");
  if (it == doc.MemberEnd() || !it->value.IsString() || it->value.GetStringLength() == 0) {
    out.problem = "text: expected a non-empty string";
    out.rule = "empty";
    return out;
  }
  out.text.assign(it->value.GetString(), it->value.GetStringLength());
  // Escapes can still spell what the bytes could not ("\ud800", a lone surrogate).
  if ((out.problem = utf8_problem(out.text, "text"))) return out;
  if (is_blank(out.text)) {
    out.problem = "text: expected something to say, got only white space";
    out.rule = "empty";
  }
  return out;
}

std::optional<size_t> read_limit(const Query& query, size_t fallback, size_t max, std::string& problem) {
  const auto it = query.values.find("limit");
  if (it == query.values.end()) return fallback;
  const std::string& s = it->second;
  size_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < 1 || v > max) {
    problem = "limit: expected an integer from 1 to " + std::to_string(max) + ", got \"" +
              to_valid_utf8(s.substr(0, 40)) + "\"";
    return std::nullopt;
  }
  return v;
}

std::string unknown_queue_message(const std::string& queue, std::vector<std::string> queues) {
  std::sort(queues.begin(), queues.end());
  std::string names;
  for (const auto& q : queues) names += (names.empty() ? "" : ", ") + q;
  return "queue " + queue + " does not exist; queues: " + (names.empty() ? std::string("none yet") : names);
}

std::optional<std::string> read_queue_filter(const Query& query, const std::vector<std::string>& queues, int& status,
                                             std::string& problem) {
  const auto it = query.values.find("queue");
  if (it == query.values.end()) return std::string();
  RouteMatch as_claim;
  as_claim.id = RouteId::claim;
  as_claim.param = it->second;
  if (auto bad = route_param_problem(as_claim)) {
    status = 400;
    problem = "queue: " + *bad;
    return std::nullopt;
  }
  if (std::find(queues.begin(), queues.end(), it->second) == queues.end()) {
    status = 404;
    problem = unknown_queue_message(it->second, queues);
    return std::nullopt;
  }
  return it->second;
}

}  // namespace carewatch
