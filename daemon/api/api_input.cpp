#include "daemon/api/api_input.h"

#include <rapidjson/document.h>

#include <algorithm>

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

}  // namespace carewatch
