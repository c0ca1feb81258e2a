#include "connectors/reddit/reply_text.h"

#include <rapidjson/document.h>

#include <cctype>
#include <cmath>

#include "connectors/common/json_text.h"
#include "connectors/reddit/cursor.h"
#include "connectors/reddit/markdown_text.h"
#include "connectors/reddit/thing_mention.h"
#include "mention/utf8.h"

namespace carewatch::reddit {

using text::json_string;
using text::type_name;
using rapidjson::Value;

size_t comment_length(std::string_view text) { return code_points(text); }

std::optional<std::chrono::milliseconds> ratelimit_wait(std::string_view message) {
  std::string m;
  for (char c : message) m.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  const auto at = m.find("try again in ");
  if (at == std::string::npos) return std::nullopt;
  size_t i = at + 13;
  long long n = 0;
  bool digits = false;
  while (i < m.size() && std::isdigit(static_cast<unsigned char>(m[i])) && n < 100000) {
    n = n * 10 + (m[i++] - '0');
    digits = true;
  }
  if (!digits) return std::nullopt;
  while (i < m.size() && m[i] == ' ') ++i;
  const std::string_view unit = std::string_view(m).substr(i);
  if (unit.rfind("second", 0) == 0) return std::chrono::milliseconds(n * 1000);
  if (unit.rfind("minute", 0) == 0) return std::chrono::milliseconds(n * 60000);
  if (unit.rfind("hour", 0) == 0) return std::chrono::milliseconds(n * 3600000);
  return std::nullopt;
}

std::optional<PostedReply> posted_comment(const Value& data) {
  if (!data.IsObject()) return std::nullopt;
  PostedReply p;
  const auto name = data.FindMember("name");
  const auto id = data.FindMember("id");
  if (name != data.MemberEnd() && name->value.IsString()) p.id = json_string(name->value);
  else if (id != data.MemberEnd() && id->value.IsString()) p.id = "t1_" + json_string(id->value);
  if (!valid_fullname(p.id)) return std::nullopt;
  if (const auto link = data.FindMember("permalink"); link != data.MemberEnd() && link->value.IsString())
    p.url = permalink_url(json_string(link->value));
  if (const auto at = data.FindMember("created_utc"); at != data.MemberEnd() && at->value.IsNumber()) {
    const double secs = at->value.GetDouble();
    if (std::isfinite(secs) && secs > 0 && secs < 1e11) p.posted_at = static_cast<TimeMs>(std::llround(secs * 1000));
  }
  return p;
}

CommentAnswer read_comment_answer(const Value& doc) {
  CommentAnswer a;
  const auto json = doc.IsObject() ? doc.FindMember("json") : doc.MemberEnd();
  if (!doc.IsObject() || json == doc.MemberEnd() || !json->value.IsObject()) {
    a.problem = "expected {\"json\": {...}}";
    return a;
  }
  const Value& j = json->value;
  if (const auto errors = j.FindMember("errors"); errors != j.MemberEnd() && errors->value.IsArray()) {
    for (const auto& e : errors->value.GetArray()) {
      CommentError ce;
      if (e.IsArray()) {
        if (e.Size() > 0 && e[0].IsString()) ce.code = json_string(e[0]);
        if (e.Size() > 1 && e[1].IsString()) ce.message = json_string(e[1]);
        if (e.Size() > 2 && e[2].IsString()) ce.field = json_string(e[2]);
      } else if (e.IsString()) {
        ce.code = json_string(e);
      }
      if (ce.code.empty()) ce.code = "UNKNOWN";
      if (ce.code == "RATELIMIT") {
        a.wait = ratelimit_wait(ce.message);
        if (const auto rl = j.FindMember("ratelimit"); rl != j.MemberEnd() && rl->value.IsNumber()) {
          const double secs = rl->value.GetDouble();
          if (std::isfinite(secs) && secs >= 0 && secs < 86400)
            a.wait = std::chrono::milliseconds(std::llround(secs * 1000));
        }
      }
      a.errors.push_back(std::move(ce));
    }
  }
  if (!a.errors.empty()) return a;
  const auto data = j.FindMember("data");
  const auto things = data != j.MemberEnd() && data->value.IsObject() ? data->value.FindMember("things")
                                                                       : j.MemberEnd();
  if (data == j.MemberEnd() || !data->value.IsObject() || things == data->value.MemberEnd() ||
      !things->value.IsArray() || things->value.Empty() || !things->value[0].IsObject()) {
    a.problem = "json.data.things: expected the new comment";
    return a;
  }
  const Value& thing = things->value[0];
  const auto td = thing.FindMember("data");
  if (td != thing.MemberEnd()) a.post = posted_comment(td->value);
  if (!a.post) a.problem = "json.data.things[0].data.name: expected the new comment's fullname";
  return a;
}

namespace {

std::string normalized(std::string_view s) {
  std::string in = unescape_entities(s);
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n') continue;
    if (in[i] == '\n')
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
    out.push_back(in[i]);
  }
  const size_t first = out.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const size_t last = out.find_last_not_of(" \t\r\n");
  return out.substr(first, last - first + 1);
}

}  // namespace

bool same_comment_text(std::string_view body, std::string_view text) {
  // The posted text is what the agent wrote, not escaped: only the body read back is decoded.
  std::string posted(text);
  std::string t;
  for (size_t i = 0; i < posted.size(); ++i) {
    if (posted[i] == '\r' && i + 1 < posted.size() && posted[i + 1] == '\n') continue;
    if (posted[i] == '\n')
      while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
    t.push_back(posted[i]);
  }
  const size_t first = t.find_first_not_of(" \t\r\n");
  const size_t last = t.find_last_not_of(" \t\r\n");
  t = first == std::string::npos ? std::string() : t.substr(first, last - first + 1);
  return normalized(body) == t;
}

}  // namespace carewatch::reddit
