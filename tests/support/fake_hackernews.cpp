#include "tests/support/fake_hackernews.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>

#include "mention/common/time.h"

namespace carewatch::testing {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, const char* key, const std::string& v, bool null_if_empty = false) {
  w.Key(key);
  if (v.empty() && null_if_empty) w.Null();
  else w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}

void num_or_null(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  if (v.empty()) w.Null();
  else w.Int64(std::stoll(v));
}

void highlight(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.StartObject();
  str(w, "value", v);
  str(w, "matchLevel", "none");
  w.Key("matchedWords");
  w.StartArray();
  w.EndArray();
  w.EndObject();
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

struct StoredHit {
  std::string json;
  std::optional<std::int64_t> created_at;
  std::string object_id;
  std::vector<std::string> tags;
  std::string searchable;  // lower-cased text the query matches
};

StoredHit store(const std::string& json) {
  StoredHit h;
  h.json = json;
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) return h;
  if (auto it = d.FindMember("created_at_i"); it != d.MemberEnd() && it->value.IsInt64()) h.created_at = it->value.GetInt64();
  if (auto it = d.FindMember("objectID"); it != d.MemberEnd() && it->value.IsString()) h.object_id = it->value.GetString();
  if (auto it = d.FindMember("_tags"); it != d.MemberEnd() && it->value.IsArray())
    for (const auto& t : it->value.GetArray())
      if (t.IsString()) h.tags.emplace_back(t.GetString());
  for (const char* f : {"title", "url", "story_text", "comment_text"})
    if (auto it = d.FindMember(f); it != d.MemberEnd() && it->value.IsString()) h.searchable += lower(it->value.GetString()) + " ";
  return h;
}

// Newer first; equal seconds: larger objectID first (longer, then text).
bool newer(const StoredHit& a, const StoredHit& b) {
  const std::int64_t ta = a.created_at.value_or(-1), tb = b.created_at.value_or(-1);
  if (ta != tb) return ta > tb;
  if (a.object_id.size() != b.object_id.size()) return a.object_id.size() > b.object_id.size();
  return a.object_id > b.object_id;
}

bool numeric_ok(const StoredHit& h, const std::string& filters) {
  if (filters.empty() || !h.created_at) return true;
  std::stringstream ss(filters);
  std::string cond;
  while (std::getline(ss, cond, ',')) {
    const std::string field = "created_at_i";
    if (cond.rfind(field, 0) != 0) continue;
    std::string op, value;
    size_t i = field.size();
    while (i < cond.size() && (cond[i] == '<' || cond[i] == '>' || cond[i] == '=' || cond[i] == '!')) op += cond[i++];
    value = cond.substr(i);
    const std::int64_t v = std::stoll(value);
    const std::int64_t t = *h.created_at;
    if ((op == ">" && !(t > v)) || (op == ">=" && !(t >= v)) || (op == "<" && !(t < v)) ||
        (op == "<=" && !(t <= v)) || (op == "=" && t != v))
      return false;
  }
  return true;
}

bool tags_ok(const StoredHit& h, std::string tags) {
  if (tags.empty()) return true;
  if (tags.front() == '(' && tags.back() == ')') tags = tags.substr(1, tags.size() - 2);
  std::stringstream ss(tags);
  std::string tag;
  while (std::getline(ss, tag, ','))
    if (std::find(h.tags.begin(), h.tags.end(), tag) != h.tags.end()) return true;
  return h.tags.empty();
}

bool query_ok(const StoredHit& h, const std::string& query) {
  std::stringstream ss(lower(query));
  std::string word;
  while (ss >> word) {
    word.erase(std::remove(word.begin(), word.end(), '"'), word.end());
    if (!word.empty() && h.searchable.find(word) == std::string::npos) return false;
  }
  return true;
}

}  // namespace

struct FakeHackernews::State {
  std::mutex mutex;
  std::vector<StoredHit> hits;
  int pagination_limit = 1000;
  std::deque<FakeResponse> failures;
  std::function<void(const FakeRequest&)> hook;
};

FakeHackernews::FakeHackernews() : state_(std::make_unique<State>()), server_(std::make_unique<FakeHttpServer>()) {
  State* s = state_.get();
  server_->on("GET", "/api/v1/search_by_date", [s](const FakeRequest& req) -> FakeResponse {
    std::function<void(const FakeRequest&)> hook;
    {
      std::lock_guard lock(s->mutex);
      hook = s->hook;
    }
    if (hook) hook(req);
    std::lock_guard lock(s->mutex);
    if (!s->failures.empty()) {
      FakeResponse r = s->failures.front();
      s->failures.pop_front();
      return r;
    }
    auto get = [&req](const char* k, const std::string& dflt) {
      const auto it = req.query.find(k);
      return it == req.query.end() ? dflt : it->second;
    };
    const std::string query = get("query", "");
    const std::string tags = get("tags", "");
    const std::string filters = get("numericFilters", "");
    const int per_page = std::max(1, std::min(1000, std::stoi(get("hitsPerPage", "20"))));
    const int page = std::max(0, std::stoi(get("page", "0")));
    std::vector<const StoredHit*> matched;
    for (const auto& h : s->hits)
      if (tags_ok(h, tags) && numeric_ok(h, filters) && query_ok(h, query)) matched.push_back(&h);
    std::stable_sort(matched.begin(), matched.end(), [](const StoredHit* a, const StoredHit* b) { return newer(*a, *b); });
    const int servable = std::min<int>(static_cast<int>(matched.size()), s->pagination_limit);
    const int nb_pages = (servable + per_page - 1) / per_page;
    std::string echo;
    for (char c : query)
      if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) echo.push_back(c);
    std::string body = "{\"hits\":[";
    for (int i = page * per_page, n = 0; i < servable && n < per_page; ++i, ++n)
      body += (n ? "," : "") + matched[static_cast<size_t>(i)]->json;
    body += "],\"nbHits\":" + std::to_string(matched.size()) + ",\"page\":" + std::to_string(page) +
            ",\"nbPages\":" + std::to_string(nb_pages) + ",\"hitsPerPage\":" + std::to_string(per_page) +
            ",\"exhaustiveNbHits\":true,\"exhaustiveTypo\":true,\"query\":\"" + echo +
            "\",\"params\":\"advancedSyntax=true&analytics=false\",\"processingTimeMS\":1}";
    return FakeResponse{200, {{"Content-Type", "application/json; charset=utf-8"}}, body};
  });
}

FakeHackernews::~FakeHackernews() { server_.reset(); }

std::string FakeHackernews::base_url() const { return server_->base_url() + "/api/v1"; }
FakeHttpServer& FakeHackernews::server() { return *server_; }

std::vector<FakeRequest> FakeHackernews::requests() const {
  std::vector<FakeRequest> out;
  for (auto& r : server_->requests())
    if (r.path == "/api/v1/search_by_date") out.push_back(r);
  return out;
}

std::string FakeHackernews::hit_json(const FakeHnItem& item) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  str(w, "created_at", format_iso8601(item.created_at_i * 1000));
  str(w, "title", item.comment ? "" : item.title, item.comment);
  str(w, "url", item.comment ? "" : item.url, true);
  str(w, "author", item.author);
  w.Key("points");
  if (item.comment) w.Null();
  else w.Int(3);
  str(w, "story_text", item.comment ? "" : item.text, item.comment || item.text.empty());
  str(w, "comment_text", item.comment ? item.text : "", !item.comment);
  w.Key("num_comments");
  if (item.comment) w.Null();
  else w.Int(0);
  num_or_null(w, "story_id", item.story_id);
  str(w, "story_title", item.comment ? "Acme Air's new fares" : "", !item.comment);
  str(w, "story_url", "", true);
  num_or_null(w, "parent_id", item.parent_id);
  w.Key("created_at_i");
  w.Int64(item.created_at_i);
  w.Key("_tags");
  w.StartArray();
  const std::string kind = item.comment ? "comment" : "story";
  w.String(kind.c_str());
  const std::string author_tag = "author_" + item.author;
  w.String(author_tag.c_str());
  const std::string story_tag = "story_" + (item.comment ? item.story_id : item.object_id);
  w.String(story_tag.c_str());
  for (const auto& t : item.extra_tags) w.String(t.c_str());
  w.EndArray();
  str(w, "objectID", item.object_id);
  w.Key("_highlightResult");
  w.StartObject();
  highlight(w, "author", item.author);
  if (item.comment) {
    highlight(w, "comment_text", item.text);
  } else {
    highlight(w, "title", item.title);
    if (!item.url.empty()) highlight(w, "url", item.url);
  }
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

void FakeHackernews::add(const FakeHnItem& item) { add_raw(hit_json(item)); }

void FakeHackernews::add_raw(const std::string& hit_json) {
  std::lock_guard lock(state_->mutex);
  state_->hits.push_back(store(hit_json));
}

void FakeHackernews::set_pagination_limit(int hits) {
  std::lock_guard lock(state_->mutex);
  state_->pagination_limit = hits;
}

void FakeHackernews::fail_next(size_t n, FakeResponse answer) {
  std::lock_guard lock(state_->mutex);
  for (size_t i = 0; i < n; ++i) state_->failures.push_back(answer);
}

void FakeHackernews::on_request(std::function<void(const FakeRequest&)> hook) {
  std::lock_guard lock(state_->mutex);
  state_->hook = std::move(hook);
}

}  // namespace carewatch::testing
