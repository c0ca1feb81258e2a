#include "connectors/x/tweet_mention.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <map>

#include "connectors/common/json_text.h"
#include "connectors/x/cursor.h"

namespace carewatch::x {

using rapidjson::Value;
using text::json_string;
using text::quoted;
using text::to_text;
using text::type_name;

namespace {

constexpr size_t kMaxPartialErrors = 5;

const Value* member(const Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  const auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string string_member(const Value& obj, const char* name) {
  const Value* v = member(obj, name);
  return v && v->IsString() ? json_string(*v) : std::string();
}

struct User {
  std::string username;
  std::string name;
  std::int64_t followers = 0;
  bool verified = false;
};

std::map<std::string, User> users_of(const Value& doc, const std::string& label, const Warn& warn) {
  std::map<std::string, User> users;
  const Value* includes = member(doc, "includes");
  if (!includes) return users;
  if (!includes->IsObject()) {
    warn(label + ": includes: expected an object, got " + type_name(*includes) + " (authors unknown)");
    return users;
  }
  const Value* list = member(*includes, "users");
  if (!list) return users;
  if (!list->IsArray()) {
    warn(label + ": includes.users: expected an array, got " + type_name(*list) + " (authors unknown)");
    return users;
  }
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const Value& u = (*list)[i];
    const std::string at = label + ": includes.users[" + std::to_string(i) + "]";
    const Value* id = member(u, "id");
    if (!u.IsObject() || !id || !id->IsString()) {
      warn(at + (u.IsObject() ? std::string(".id: expected a string, got ") + (id ? type_name(*id) : "nothing")
                              : std::string(": expected an object, got ") + type_name(u)));
      continue;
    }
    User user;
    const Value* username = member(u, "username");
    if (username && !username->IsString()) {
      warn(at + ".username: expected a string, got " + type_name(*username));
      continue;
    }
    user.username = string_member(u, "username");
    user.name = string_member(u, "name");
    if (const Value* metrics = member(u, "public_metrics")) {
      const Value* f = member(*metrics, "followers_count");
      if (f && f->IsInt64()) user.followers = std::max<std::int64_t>(0, f->GetInt64());
      else if (f) warn(at + ".public_metrics.followers_count: expected a number, got " + type_name(*f));
    }
    if (const Value* v = member(u, "verified"); v && v->IsBool()) user.verified = v->GetBool();
    users[json_string(*id)] = std::move(user);
  }
  return users;
}

void partial_errors(const Value& doc, const std::string& label, const Warn& warn) {
  const Value* errors = member(doc, "errors");
  if (!errors || !errors->IsArray()) return;
  size_t n = 0;
  for (const auto& e : errors->GetArray()) {
    if (n++ == kMaxPartialErrors) {
      warn(label + ": X reported " + std::to_string(errors->Size() - kMaxPartialErrors) + " more partial errors");
      break;
    }
    std::string what = string_member(e, "title");
    const std::string detail = string_member(e, "detail");
    if (!detail.empty()) what += (what.empty() ? "" : ": ") + detail;
    if (what.empty()) what = string_member(e, "message");
    if (what.empty()) what = "an error without a title";
    warn(label + ": X reported: " + what);
  }
}

}  // namespace

std::string decode_post_text(std::string_view s) {
  static const std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    bool done = false;
    if (s[i] == '&')
      for (const auto& [name, c] : kEntities)
        if (s.substr(i, name.size()) == name) {
          out.push_back(c);
          i += name.size();
          done = true;
          break;
        }
    if (!done) out.push_back(s[i++]);
  }
  return out;
}

std::string language_of(std::string_view lang) {
  if (lang == "und" || lang == "zxx") return {};
  if (lang.size() == 3 && lang[0] == 'q') return {};  // qme, qht, qam, qct, qst: no language
  return std::string(lang);
}

std::optional<std::string> read_page(const Value& doc, const std::string& label, const std::string& source,
                                     TimeMs now, const Warn& warn, Page& page) {
  if (!doc.IsObject()) return std::string("expected a JSON object with \"data\", got ") + type_name(doc);
  const Value* meta = member(doc, "meta");
  if (meta && meta->IsObject()) {
    if (const Value* token = member(*meta, "next_token")) {
      if (!token->IsString()) return std::string("meta.next_token: expected a string, got ") + type_name(*token);
      page.next_token = json_string(*token);
    }
    page.newest_id = string_member(*meta, "newest_id");
  }
  partial_errors(doc, label, warn);
  const Value* data = member(doc, "data");
  if (!data) return std::nullopt;  // no posts: {"meta": {"result_count": 0}}
  if (!data->IsArray()) return std::string("data: expected an array, got ") + type_name(*data);
  page.read = data->Size();
  const auto users = users_of(doc, label, warn);
  for (rapidjson::SizeType i = 0; i < data->Size(); ++i) {
    const Value& t = (*data)[i];
    const std::string at = label + ": data[" + std::to_string(i) + "]";
    if (!t.IsObject()) {
      warn(at + ": expected an object, got " + type_name(t));
      continue;
    }
    const Value* id = member(t, "id");
    if (!id) {
      warn(at + ".id: missing");
      continue;
    }
    if (!id->IsString()) {
      warn(at + ".id: expected a string, got " + type_name(*id));
      continue;
    }
    if (!valid_id(json_string(*id))) {
      warn(at + ".id: expected a post id of digits, got " + quoted(json_string(*id)));
      continue;
    }
    PagePost post;
    post.id = json_string(*id);
    auto skip = [&](const std::string& what) {
      warn(at + what);
      page.posts.push_back(std::move(post));  // still read: the cursor moves past it
    };

    const Value* refs = member(t, "referenced_tweets");
    if (refs && !refs->IsArray()) {
      skip(".referenced_tweets: expected an array, got " + std::string(type_name(*refs)));
      continue;
    }
    std::string parent;
    if (refs)
      for (const auto& r : refs->GetArray()) {
        const std::string type = string_member(r, "type");
        if (type == "retweeted") post.repost = true;
        if (type == "replied_to") parent = string_member(r, "id");
      }
    if (post.repost) {
      page.posts.push_back(std::move(post));
      continue;
    }
    const Value* body = member(t, "text");
    if (!body) {
      skip(".text: missing");
      continue;
    }
    if (!body->IsString()) {
      skip(".text: expected a string, got " + std::string(type_name(*body)));
      continue;
    }
    const Value* author = member(t, "author_id");
    if (author && !author->IsString()) {
      skip(".author_id: expected a string, got " + std::string(type_name(*author)));
      continue;
    }

    Mention m;
    m.platform = "x";
    m.source = source;
    m.native_id = post.id;
    m.uid = make_uid(m.platform, m.native_id);
    m.seen_at = now;
    std::string text = json_string(*body);
    if (const Value* note = member(t, "note_tweet"))
      if (const Value* full = member(*note, "text"); full && full->IsString()) text = json_string(*full);
    m.text = decode_post_text(text);
    m.language = language_of(string_member(t, "lang"));
    m.parent_id = valid_id(parent) ? parent : std::string();
    m.conversation_id = string_member(t, "conversation_id");
    if (m.conversation_id.empty()) m.conversation_id = m.parent_id.empty() ? m.native_id : m.parent_id;
    if (author) {
      m.author.id = json_string(*author);
      if (const auto u = users.find(m.author.id); u != users.end()) {
        m.author.handle = u->second.username;
        m.author.display_name = u->second.name;
        m.author.followers = u->second.followers;
        m.author.verified = u->second.verified;
      }
    }
    m.url = m.author.handle.empty() ? "https://x.com/i/web/status/" + m.native_id
                                    : "https://x.com/" + m.author.handle + "/status/" + m.native_id;
    const Value* created = member(t, "created_at");
    if (!created || !created->IsString() || !parse_iso8601(json_string(*created), m.posted_at)) {
      m.posted_at = snowflake_time(m.native_id);  // the id says when it was made, to the millisecond
      warn(at + ".created_at: expected an ISO 8601 time" +
           (created && created->IsString() ? ", got " + quoted(json_string(*created)) : std::string()) +
           " (kept, with the time its id gives)");
    }
    m.raw = to_text(t);
    post.mention = std::move(m);
    page.posts.push_back(std::move(post));
  }
  return std::nullopt;
}

}  // namespace carewatch::x
