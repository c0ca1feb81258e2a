#include "connectors/youtube/comment_mention.h"

#include <rapidjson/document.h>

#include "connectors/common/json_text.h"
#include "mention/utf8.h"

namespace carewatch::youtube {

using namespace text;  // the shared JSON and message text helpers
using rapidjson::Value;

std::string comment_url(const std::string& video_id, const std::string& comment_id) {
  if (video_id.empty()) return {};
  return "https://www.youtube.com/watch?v=" + video_id + "&lc=" + comment_id;
}

std::string video_of_url(const std::string& url) {
  const auto at = url.find("watch?v=");
  if (at == std::string::npos) return {};
  const auto start = at + 8;
  return url.substr(start, url.find('&', start) - start);
}

std::optional<Mention> comment_to_mention(const Value& c, const std::string& path, const CommentOrigin& origin,
                                          TimeMs now, const Warn& warn) {
  auto bad = [&](const std::string& field, const std::string& what) {
    warn(origin.label + ": " + path + "." + field + ": " + what);
    return std::nullopt;
  };
  if (!c.IsObject()) {
    warn(origin.label + ": " + path + ": expected an object, got " + type_name(c));
    return std::nullopt;
  }
  const auto id = c.FindMember("id");
  if (id == c.MemberEnd()) return bad("id", "missing");
  if (!id->value.IsString()) return bad("id", std::string("expected a string, got ") + type_name(id->value));
  if (id->value.GetStringLength() == 0) return bad("id", "empty");
  const auto sn = c.FindMember("snippet");
  if (sn == c.MemberEnd()) return bad("snippet", "missing");
  if (!sn->value.IsObject()) return bad("snippet", std::string("expected an object, got ") + type_name(sn->value));
  const Value& s = sn->value;
  auto field = [&](const char* name) -> const Value* {
    const auto it = s.FindMember(name);
    return it == s.MemberEnd() ? nullptr : &it->value;
  };

  Mention m;
  m.platform = "youtube";
  m.source = origin.source;
  m.native_id = json_string(id->value);
  m.uid = make_uid(m.platform, m.native_id);
  m.seen_at = now;

  const Value* published = field("publishedAt");
  if (!published) return bad("snippet.publishedAt", "missing");
  if (!published->IsString())
    return bad("snippet.publishedAt", std::string("expected a string, got ") + type_name(*published));
  if (!parse_iso8601(json_string(*published), m.posted_at))
    return bad("snippet.publishedAt", "expected an ISO 8601 time, got " + quoted(json_string(*published)));

  const Value* original = field("textOriginal");
  const Value* display = field("textDisplay");
  if (original && !original->IsString() && !original->IsNull())
    return bad("snippet.textOriginal", std::string("expected a string, got ") + type_name(*original));
  if (display && !display->IsString() && !display->IsNull())
    return bad("snippet.textDisplay", std::string("expected a string, got ") + type_name(*display));
  if (original && original->IsString() && original->GetStringLength() > 0) m.text = json_string(*original);
  else if (display && display->IsString()) m.text = json_string(*display);
  else return bad("snippet.textDisplay", "missing (and no textOriginal)");
  m.text = to_valid_utf8(m.text);

  if (const Value* name = field("authorDisplayName"); name && name->IsString()) {
    m.author.handle = json_string(*name);
    m.author.display_name = m.author.handle;
  } else if (name && !name->IsNull()) {
    warn(origin.label + ": " + path + ".snippet.authorDisplayName: expected a string, got " + type_name(*name) +
         " (kept without an author name)");
  }
  if (const Value* author = field("authorChannelId"); author && author->IsObject()) {
    const auto v = author->FindMember("value");
    if (v != author->MemberEnd() && v->value.IsString()) m.author.id = json_string(v->value);
  }
  if (const Value* parent = field("parentId"); parent && parent->IsString()) m.parent_id = json_string(*parent);
  std::string video = origin.video_id;
  if (const Value* v = field("videoId"); v && v->IsString() && v->GetStringLength() > 0) video = json_string(*v);
  m.url = comment_url(video, m.native_id);
  m.conversation_id = origin.thread_id.empty() ? m.native_id : origin.thread_id;
  m.raw = to_text(c);
  return m;
}

}  // namespace carewatch::youtube
