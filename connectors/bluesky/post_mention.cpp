#include "connectors/bluesky/post_mention.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <vector>

#include "connectors/common/json_text.h"

namespace carewatch::bluesky {

namespace {

using rapidjson::Value;
using text::json_string;
using text::to_text;
using text::type_name;

const Value* member(const Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  const auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

std::string string_at(const Value& v, const char* name) {
  const Value* m = member(v, name);
  return m && m->IsString() ? json_string(*m) : std::string();
}

// record.text with each link facet's text replaced by its uri (clients shorten long links in the
// text and keep the whole link in the facet). Facets are byte ranges; ones out of range,
// overlapping or not on character boundaries are left alone.
std::string expand_links(const std::string& text, const Value& record) {
  const Value* facets = member(record, "facets");
  if (!facets || !facets->IsArray()) return text;
  struct Link {
    size_t start, end;
    std::string uri;
  };
  std::vector<Link> links;
  for (const auto& f : facets->GetArray()) {
    const Value* index = member(f, "index");
    const Value* features = member(f, "features");
    if (!index || !features || !features->IsArray()) continue;
    const Value* start = member(*index, "byteStart");
    const Value* end = member(*index, "byteEnd");
    if (!start || !end || !start->IsUint64() || !end->IsUint64()) continue;
    for (const auto& feature : features->GetArray()) {
      if (string_at(feature, "$type") != "app.bsky.richtext.facet#link") continue;
      const std::string uri = string_at(feature, "uri");
      if (uri.rfind("http://", 0) != 0 && uri.rfind("https://", 0) != 0) continue;
      links.push_back({static_cast<size_t>(start->GetUint64()), static_cast<size_t>(end->GetUint64()), uri});
    }
  }
  std::sort(links.begin(), links.end(), [](const Link& a, const Link& b) { return a.start < b.start; });
  auto boundary = [&](size_t at) {
    return at == text.size() || (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80);
  };
  std::string out;
  size_t done = 0;
  for (const auto& l : links) {
    if (l.start < done || l.end <= l.start || l.end > text.size() || !boundary(l.start) || !boundary(l.end)) continue;
    const std::string shown = text.substr(l.start, l.end - l.start);
    // Only a shortened form of the link: the text a client shows for it ("acme.example/x..." or
    // the link without its scheme); any other text linked (a "click here") stays as written.
    std::string bare = l.uri.substr(l.uri.find("://") + 3);
    std::string stem = shown;
    if (stem.size() >= 3 && stem.compare(stem.size() - 3, 3, "...") == 0) stem.resize(stem.size() - 3);
    if (shown == l.uri || stem.empty() || (bare.rfind(stem, 0) != 0 && l.uri.rfind(stem, 0) != 0)) continue;
    out.append(text, done, l.start - done);
    out += l.uri;
    done = l.end;
  }
  out.append(text, done, std::string::npos);
  return out;
}

}  // namespace

std::optional<AtUri> parse_at_uri(std::string_view uri) {
  constexpr std::string_view scheme = "at://";
  if (uri.substr(0, scheme.size()) != scheme) return std::nullopt;
  uri.remove_prefix(scheme.size());
  const size_t a = uri.find('/');
  if (a == std::string_view::npos || a == 0) return std::nullopt;
  const size_t b = uri.find('/', a + 1);
  if (b == std::string_view::npos || b == a + 1 || b + 1 >= uri.size()) return std::nullopt;
  const std::string_view rkey = uri.substr(b + 1);
  if (rkey.find_first_of("/?#") != std::string_view::npos) return std::nullopt;
  return AtUri{std::string(uri.substr(0, a)), std::string(uri.substr(a + 1, b - a - 1)), std::string(rkey)};
}

std::string post_url(const std::string& uri, const std::string& handle_or_did) {
  const auto at = parse_at_uri(uri);
  if (!at || at->collection != "app.bsky.feed.post") return {};
  const std::string who = handle_or_did.empty() || handle_or_did == "handle.invalid" ? at->repo : handle_or_did;
  return "https://bsky.app/profile/" + who + "/post/" + at->rkey;
}

std::optional<TimeMs> sort_time(const Value& view) {
  std::optional<TimeMs> best;
  TimeMs t = 0;
  if (parse_iso8601(string_at(view, "indexedAt"), t)) best = t;
  if (const Value* record = member(view, "record"); record && parse_iso8601(string_at(*record, "createdAt"), t))
    best = best ? std::min(*best, t) : t;
  return best;
}

std::string view_uri(const Value& view) { return string_at(view, "uri"); }

std::optional<Mention> post_to_mention(const Value& view, const std::string& label, const std::string& path,
                                       const std::string& source, TimeMs now, const Warn& warn) {
  auto problem = [&](const std::string& field, const Value* v, const char* expected) {
    warn(label + ": " + path + "." + field + ": expected " + expected + ", got " + (v ? type_name(*v) : "nothing"));
    return std::nullopt;
  };
  if (!view.IsObject()) {
    warn(label + ": " + path + ": expected an object, got " + type_name(view));
    return std::nullopt;
  }
  const Value* uri = member(view, "uri");
  if (!uri || !uri->IsString()) return problem("uri", uri, "a string");
  const Value* cid = member(view, "cid");
  if (!cid || !cid->IsString()) return problem("cid", cid, "a string");
  const Value* record = member(view, "record");
  if (!record || !record->IsObject()) return problem("record", record, "an object");
  const std::string type = string_at(*record, "$type");
  if (!type.empty() && type != "app.bsky.feed.post") return std::nullopt;  // a like, a follow, a repost
  const Value* author = member(view, "author");
  if (!author || !author->IsObject()) return problem("author", author, "an object");
  const Value* did = member(*author, "did");
  if (!did || !did->IsString()) return problem("author.did", did, "a string");
  const Value* handle = member(*author, "handle");
  if (!handle || !handle->IsString()) return problem("author.handle", handle, "a string");
  const Value* text = member(*record, "text");
  if (!text || !text->IsString()) return problem("record.text", text, "a string");

  Mention m;
  m.platform = kPlatform;
  m.source = source;
  m.native_id = json_string(*uri);
  if (!parse_at_uri(m.native_id)) {
    warn(label + ": " + path + ".uri: expected an at:// uri, got " + text::quoted(m.native_id));
    return std::nullopt;
  }
  m.uid = make_uid(kPlatform, m.native_id);
  m.text = expand_links(json_string(*text), *record);
  m.author.id = json_string(*did);
  m.author.handle = json_string(*handle);
  if (const Value* name = member(*author, "displayName"); name && name->IsString())
    m.author.display_name = json_string(*name);
  m.url = post_url(m.native_id, m.author.handle);
  if (const Value* langs = member(*record, "langs"); langs && langs->IsArray() && !langs->Empty() &&
                                                     (*langs)[0].IsString())
    m.language = json_string((*langs)[0]);
  m.conversation_id = m.native_id;
  if (const Value* reply = member(*record, "reply"); reply && reply->IsObject()) {
    const Value* parent = member(*reply, "parent");
    const Value* root = member(*reply, "root");
    if (parent) m.parent_id = string_at(*parent, "uri");
    if (root && !string_at(*root, "uri").empty()) m.conversation_id = string_at(*root, "uri");
    if (m.parent_id.empty()) warn(label + ": " + path + ".record.reply.parent.uri: expected a string");
  }
  TimeMs t = 0;
  if (parse_iso8601(string_at(*record, "createdAt"), t) || parse_iso8601(string_at(view, "indexedAt"), t))
    m.posted_at = t;
  else
    warn(label + ": " + path + ".record.createdAt: expected an ISO 8601 time");
  m.seen_at = now;
  m.raw = to_text(view);
  return m;
}

}  // namespace carewatch::bluesky
