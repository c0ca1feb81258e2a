#include "daemon/api/desk_input.h"

#include <rapidjson/document.h>

#include <algorithm>

#include "daemon/api/api_input.h"
#include "mention/mention.h"
#include "mention/utf8.h"
#include "rules/text_tokens.h"

namespace carewatch {

namespace {

// The JSON object of a body, or the problem ("body: ...").
std::optional<std::string> parse_object(std::string_view body, rapidjson::Document& doc, const char* example) {
  if (auto bad = utf8_problem(body, "body")) return bad;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::string("body: expected a JSON object like ") + example;
  return std::nullopt;
}

// Member `name` as a string: nullopt with no problem when absent, the problem when not a string
// or not valid UTF-8 once unescaped.
std::optional<std::string> string_member(const rapidjson::Document& doc, const char* name, std::string& out,
                                         bool& present) {
  present = false;
  const auto it = doc.FindMember(name);
  if (it == doc.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsString()) return std::string(name) + ": expected a string";
  present = true;
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return utf8_problem(out, name);
}

bool is_space(char32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

}  // namespace

HandoffBody read_handoff_body(std::string_view body) {
  HandoffBody out;
  rapidjson::Document doc;
  if ((out.problem = parse_object(body, doc, "{\"queue\": \"billing\", \"note\": \"...\"}"))) return out;
  bool present = false;
  if ((out.problem = string_member(doc, "queue", out.queue, present))) return out;
  if (!present || out.queue.empty()) {
    out.problem = "queue: expected the name of the queue to hand the mention to";
    return out;
  }
  if (!is_queue_name(out.queue)) {
    out.problem = "queue: expected a queue name (at most 64 letters, digits, '-', '_', '.'), got \"" +
                  to_valid_utf8(out.queue.substr(0, 80)) + "\"";
    return out;
  }
  if ((out.problem = string_member(doc, "note", out.note, present))) return out;
  if (is_blank(out.note)) out.note.clear();
  if (out.note.size() > kMaxNoteBytes)
    out.problem = "note: expected at most " + std::to_string(kMaxNoteBytes) + " bytes, got " +
                  std::to_string(out.note.size());
  return out;
}

TextBody read_text_body(std::string_view body, const char* member) {
  TextBody out;
  rapidjson::Document doc;
  const std::string example = std::string("{\"") + member + "\": \"...\"}";
  if ((out.problem = parse_object(body, doc, example.c_str()))) return out;
  bool present = false;
  if ((out.problem = string_member(doc, member, out.text, present))) return out;
  if (!present || is_blank(out.text)) {
    out.problem = std::string(member) + ": expected a non-empty string";
    return out;
  }
  return out;
}

LinkBody read_link_body(std::string_view body) {
  LinkBody out;
  rapidjson::Document doc;
  if ((out.problem = parse_object(body, doc, "{\"a\": \"mastodon:123\", \"b\": \"bluesky:did:plc:xyz\"}"))) return out;
  for (auto [name, value] : {std::pair{"a", &out.a}, std::pair{"b", &out.b}}) {
    bool present = false;
    if ((out.problem = string_member(doc, name, *value, present))) return out;
    if (!present) {
      out.problem = std::string(name) + ": expected an identity \"<platform>:<author id>\"";
      return out;
    }
    if ((out.problem = identity_problem(*value, name))) return out;
  }
  if (out.a == out.b) out.problem = "b: expected an identity other than a (" + out.a + ")";
  return out;
}

std::optional<std::string> identity_problem(std::string_view identity, std::string_view what) {
  const std::string w(what);
  if (auto bad = utf8_problem(identity, what)) return bad;
  const size_t colon = identity.find(':');
  const std::string expected = w + ": expected an identity \"<platform>:<author id>\" like \"mastodon:109\"";
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == identity.size()) return expected;
  const std::string_view platform = identity.substr(0, colon);
  const bool platform_ok = platform.size() <= 32 && std::all_of(platform.begin(), platform.end(), [](char c) {
                             return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                           });
  if (!platform_ok) return expected + " (the platform in lowercase letters, digits, '-', '_')";
  const std::string_view author = identity.substr(colon + 1);
  if (author.size() > 512) return w + ": expected an author id of at most 512 bytes, got " + std::to_string(author.size());
  if (std::any_of(author.begin(), author.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }))
    return w + ": expected no control characters";
  return std::nullopt;
}

std::string same_text_form(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const size_t n = decode_utf8(text, i, cp);
    if (n == 0) {  // not UTF-8 (checked before): keep the byte
      out.push_back(text[i++]);
      continue;
    }
    i += n;
    if (is_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    append_utf8(out, rules::to_lower(cp));
  }
  return out;
}

}  // namespace carewatch
