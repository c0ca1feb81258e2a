#include "connectors/reddit/thing_mention.h"

#include <rapidjson/document.h>

#include <cmath>

#include "connectors/common/json_text.h"
#include "connectors/reddit/cursor.h"
#include "connectors/reddit/markdown_text.h"

namespace carewatch::reddit {

using namespace text;  // json_string, quoted, type_name, to_text
using rapidjson::Value;

namespace {

constexpr const char* kSite = "https://www.reddit.com";

bool deleted_text(const std::string& s) { return s == "[deleted]" || s == "[removed]"; }

// "t3_" + the post id of a permalink or context path "/r/<sub>/comments/<post>/<slug>/...".
std::string post_of_path(const std::string& path) {
  const auto at = path.find("/comments/");
  if (at == std::string::npos) return {};
  const auto start = at + 10;
  const auto end = path.find('/', start);
  const std::string id = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
  const std::string fullname = "t3_" + id;
  return valid_fullname(fullname) ? fullname : std::string();
}

}  // namespace

std::string permalink_url(const std::string& path) {
  std::string p = path.substr(0, path.find_first_of("?#"));
  if (p.rfind("http://", 0) == 0 || p.rfind("https://", 0) == 0) return p;
  if (p.empty() || p.front() != '/') p = "/" + p;
  return kSite + p;
}

Thing read_thing(const Value& child, size_t index, const std::string& label, const std::string& source, TimeMs now,
                 const Warn& warn) {
  Thing thing;
  const std::string at = label + ": children[" + std::to_string(index) + "]";
  if (!child.IsObject()) {
    warn(at + ": expected an object, got " + type_name(child));
    return thing;
  }
  const auto kind_it = child.FindMember("kind");
  const auto data_it = child.FindMember("data");
  if (kind_it == child.MemberEnd() || !kind_it->value.IsString()) {
    warn(at + ".kind: expected a string, got " +
         (kind_it == child.MemberEnd() ? std::string("nothing") : type_name(kind_it->value)));
    return thing;
  }
  if (data_it == child.MemberEnd() || !data_it->value.IsObject()) {
    warn(at + ".data: expected an object, got " +
         (data_it == child.MemberEnd() ? std::string("nothing") : type_name(data_it->value)));
    return thing;
  }
  const std::string kind = json_string(kind_it->value);
  const Value& d = data_it->value;
  const std::string dat = at + ".data";
  auto field = [&](const char* name) -> const Value* {
    const auto it = d.FindMember(name);
    return it == d.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
  };
  auto bad = [&](const std::string& name, const std::string& expected, const Value* v) {
    warn(dat + "." + name + ": expected " + expected + ", got " + (v ? type_name(*v) : std::string("nothing")));
    return thing;
  };
  auto optional_string = [&](const char* name) {
    const Value* v = field(name);
    return v && v->IsString() ? json_string(*v) : std::string();
  };

  // Where it sits in the stream: its fullname and time.
  const Value* id = field("id");
  const Value* name = field("name");
  if (name && !name->IsString()) return bad("name", "a string", name);
  if (!name && id && !id->IsString()) return bad("id", "a string", id);
  std::string fullname = name ? json_string(*name) : (id ? kind + "_" + json_string(*id) : std::string());
  if (fullname.empty()) return bad("name", "a string", nullptr);
  if (!valid_fullname(fullname)) {
    warn(dat + ".name: expected a fullname like \"t1_k2x9q\", got " + quoted(fullname));
    return thing;
  }
  const Value* created = field("created_utc");
  if (!created || !created->IsNumber()) return bad("created_utc", "a number", created);
  const double secs = created->GetDouble();
  if (!std::isfinite(secs) || secs < 0 || secs > 1e11) {
    warn(dat + ".created_utc: expected seconds since 1970, got " + to_text(*created));
    return thing;
  }
  thing.fullname = fullname;
  thing.created = static_cast<std::int64_t>(secs);
  if (kind != "t1" && kind != "t3") return thing;  // another kind of thing: nothing to map
  if (fullname.compare(0, 3, kind + "_") != 0) {
    warn(dat + ".name: " + quoted(fullname) + " is not a " + kind);
    thing.fullname.clear();
    return thing;
  }

  // What it says.
  const Value* author = field("author");
  if (author && !author->IsString()) return bad("author", "a string", author);
  const std::string author_name = author ? json_string(*author) : "[deleted]";
  Mention m;
  m.platform = "reddit";
  m.source = source;
  m.native_id = fullname;
  m.uid = make_uid(m.platform, m.native_id);
  m.seen_at = now;
  m.posted_at = static_cast<TimeMs>(std::llround(secs * 1000));
  const std::string permalink = optional_string("permalink");
  if (kind == "t1") {
    const Value* body = field("body");
    if (!body || !body->IsString()) return bad("body", "a string", body);
    const std::string raw_body = json_string(*body);
    if (deleted_text(raw_body) || (author_name == "[deleted]" && raw_body.empty())) return thing;
    m.text = markdown_to_text(raw_body);
    const Value* parent = field("parent_id");
    if (parent && !parent->IsString()) return bad("parent_id", "a string", parent);
    if (parent) m.parent_id = json_string(*parent);
    const std::string context = optional_string("context");
    m.conversation_id = optional_string("link_id");
    if (m.conversation_id.empty()) m.conversation_id = post_of_path(!permalink.empty() ? permalink : context);
    if (m.conversation_id.empty() && m.parent_id.rfind("t3_", 0) == 0) m.conversation_id = m.parent_id;
    if (!permalink.empty()) {
      m.url = permalink_url(permalink);
    } else if (!context.empty()) {
      m.url = permalink_url(context);
    } else {
      const std::string sub = optional_string("subreddit");
      const std::string post = m.conversation_id.size() > 3 ? m.conversation_id.substr(3) : std::string();
      if (!post.empty())
        m.url = std::string(kSite) + (sub.empty() ? "" : "/r/" + sub) + "/comments/" + post + "/_/" + fullname.substr(3) + "/";
    }
  } else {
    const Value* title = field("title");
    if (!title || !title->IsString()) return bad("title", "a string", title);
    const Value* selftext = field("selftext");
    if (selftext && !selftext->IsString()) return bad("selftext", "a string", selftext);
    const std::string self = selftext ? json_string(*selftext) : std::string();
    if (author_name == "[deleted]" && deleted_text(self)) return thing;
    m.text = markdown_to_text(json_string(*title));
    std::string more = markdown_to_text(self);
    if (deleted_text(self)) more.clear();
    const Value* is_self = field("is_self");
    if (more.empty() && is_self && is_self->IsBool() && !is_self->GetBool()) more = optional_string("url");
    if (!more.empty()) m.text += "\n\n" + more;
    m.conversation_id = fullname;
    m.url = !permalink.empty() ? permalink_url(permalink)
                               : std::string(kSite) + "/comments/" + fullname.substr(3) + "/";
  }
  m.author.handle = author_name;
  m.author.display_name = "u/" + author_name;
  m.author.id = optional_string("author_fullname");
  m.raw = to_text(d);
  thing.mention = std::move(m);
  return thing;
}

}  // namespace carewatch::reddit
