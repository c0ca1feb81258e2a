#include "connectors/hackernews/hit_mention.h"

#include <rapidjson/document.h>

#include "connectors/common/html_text.h"
#include "connectors/common/json_text.h"

namespace carewatch::hackernews {

namespace {

using rapidjson::Value;
using text::json_string;
using text::type_name;

// A field that may be absent or null, else must be a string.
bool optional_string(const Value& hit, const char* name, const std::string& where, const Warn& warn,
                     std::string& out) {
  const auto it = hit.FindMember(name);
  if (it == hit.MemberEnd() || it->value.IsNull()) return true;
  if (!it->value.IsString()) {
    warn(where + "." + name + ": expected a string, got " + type_name(it->value));
    return false;
  }
  out = json_string(it->value);
  return true;
}

// A field that may be absent or null, else must be an integer (Algolia's ids of parents and
// stories are numbers).
bool optional_id(const Value& hit, const char* name, const std::string& where, const Warn& warn, std::string& out) {
  const auto it = hit.FindMember(name);
  if (it == hit.MemberEnd() || it->value.IsNull()) return true;
  if (it->value.IsUint64()) {
    out = std::to_string(it->value.GetUint64());
    return true;
  }
  warn(where + "." + name + ": expected an integer, got " + type_name(it->value));
  return false;
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool has_tag(const Value& hit, const char* tag) {
  const auto it = hit.FindMember("_tags");
  if (it == hit.MemberEnd() || !it->value.IsArray()) return false;
  for (const auto& t : it->value.GetArray())
    if (t.IsString() && json_string(t) == tag) return true;
  return false;
}

}  // namespace

std::optional<HitKey> hit_key(const Value& hit, const std::string& where, const Warn& warn) {
  if (!hit.IsObject()) {
    warn(where + ": expected an object, got " + type_name(hit));
    return std::nullopt;
  }
  HitKey k;
  const auto id = hit.FindMember("objectID");
  if (id == hit.MemberEnd()) {
    warn(where + ".objectID: missing");
    return std::nullopt;
  }
  if (!id->value.IsString()) {
    warn(where + ".objectID: expected a string, got " + type_name(id->value));
    return std::nullopt;
  }
  k.id = json_string(id->value);
  if (k.id.empty() || k.id.size() > 64) {
    warn(where + ".objectID: expected an id, got " + text::quoted(k.id));
    return std::nullopt;
  }
  const auto at = hit.FindMember("created_at_i");
  if (at == hit.MemberEnd()) {
    warn(where + ".created_at_i: missing");
    return std::nullopt;
  }
  if (!at->value.IsInt64() || at->value.GetInt64() < 0) {
    warn(where + ".created_at_i: expected seconds since the epoch, got " + type_name(at->value));
    return std::nullopt;
  }
  k.created_at = at->value.GetInt64();
  return k;
}

std::optional<Mention> hit_to_mention(const Value& hit, const HitKey& key, const std::string& where,
                                      const std::string& source, TimeMs now, const Warn& warn) {
  std::string author, title, url, story_text, comment_text, parent_id, story_id;
  if (!optional_string(hit, "author", where, warn, author) || !optional_string(hit, "title", where, warn, title) ||
      !optional_string(hit, "url", where, warn, url) ||
      !optional_string(hit, "story_text", where, warn, story_text) ||
      !optional_string(hit, "comment_text", where, warn, comment_text) ||
      !optional_id(hit, "parent_id", where, warn, parent_id) || !optional_id(hit, "story_id", where, warn, story_id))
    return std::nullopt;

  Mention m;
  m.platform = "hackernews";
  m.source = source;
  m.native_id = key.id;
  m.uid = make_uid(m.platform, m.native_id);
  m.url = "https://news.ycombinator.com/item?id=" + key.id;
  m.author.handle = author;
  m.author.display_name = author;
  m.posted_at = key.created_at * 1000;
  m.seen_at = now;
  const bool comment = has_tag(hit, "comment") || (!comment_text.empty() && title.empty());
  if (comment) {
    m.text = html_to_text(comment_text);
    m.parent_id = parent_id;
    m.conversation_id = story_id;
  } else {
    m.text = trim(title);  // HN titles are plain text ("Show HN: a <div> parser")
    if (!url.empty()) m.text += (m.text.empty() ? "" : "\n") + url;
    const std::string body = html_to_text(story_text);
    if (!body.empty()) m.text += (m.text.empty() ? "" : "\n\n") + body;
    m.conversation_id = key.id;
  }
  if (m.text.empty()) {
    warn(where + ": no title, comment_text or story_text");
    return std::nullopt;
  }
  rapidjson::Document raw;
  raw.CopyFrom(hit, raw.GetAllocator());
  raw.RemoveMember("_highlightResult");
  m.raw = text::to_text(raw);
  return m;
}

}  // namespace carewatch::hackernews
