#include "tests/support/fake_x.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "connectors/x/oauth1.h"

namespace carewatch::testing {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr TimeMs kSnowflakeEpochMs = 1288834974657;

bool id_less(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string iso(TimeMs t) {
  // "2026-12-04T10:00:00.000Z"
  const std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

bool valid_number(const std::string& s) {
  return !s.empty() && s.size() <= 19 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

struct FakeX::State {
  struct Scripted {
    FakeResponse answer;
    bool posted = false;
  };
  struct Window {
    int remaining = 450;
    TimeMs reset = 0;
  };

  mutable std::mutex mutex;
  std::string base;
  std::map<std::string, XUser> users;
  std::map<std::string, XPost, bool (*)(const std::string&, const std::string&)> posts{id_less};
  std::vector<Made> made;
  std::map<FakeXRoute, std::deque<Scripted>> failures;
  std::map<FakeXRoute, Window> windows;
  std::function<void(const Made&)> hook;
  unsigned seq = 0;
  TimeMs latest = 0;  // the newest created_at of a post added

  std::string new_id(TimeMs t) {
    std::string id;
    do id = snowflake(t, seq++ % 4096);
    while (posts.count(id));
    return id;
  }

  void rate_headers(FakeResponse& r, FakeXRoute route) {
    const Window& w = windows[route];
    r.headers.emplace_back("x-rate-limit-limit", "450");
    r.headers.emplace_back("x-rate-limit-remaining", std::to_string(std::max(0, w.remaining)));
    r.headers.emplace_back("x-rate-limit-reset", std::to_string(w.reset / 1000));
  }

  // The answer instead of serving a read: a scripted failure, a 401 or a 429.
  std::optional<FakeResponse> refused_read(const FakeRequest& r, FakeXRoute route) {
    std::lock_guard lock(mutex);
    if (auto& q = failures[route]; !q.empty()) {
      FakeResponse a = q.front().answer;
      q.pop_front();
      return a;
    }
    const auto auth = r.headers.find("authorization");
    if (auth == r.headers.end() || auth->second != std::string("Bearer ") + kFakeXBearer)
      return problem(401, "Unauthorized", "Unauthorized");
    Window& w = windows[route];
    if (w.reset == 0) w.reset = (now_ms() / 1000 + 900) * 1000;
    if (w.remaining <= 0) {
      FakeResponse a = problem(429, "Too Many Requests", "Too Many Requests");
      rate_headers(a, route);
      return a;
    }
    --w.remaining;
    return std::nullopt;
  }

  void write_post(Writer& w, const XPost& p) {
    w.StartObject();
    put(w, "id", p.id);
    put(w, "text", p.text);
    put(w, "author_id", p.author_id);
    put(w, "created_at", iso(p.created_at));
    put(w, "lang", p.lang);
    put(w, "conversation_id", !p.conversation_id.empty() ? p.conversation_id
                                                         : !p.in_reply_to.empty() ? p.in_reply_to : p.id);
    w.Key("edit_history_tweet_ids");
    w.StartArray();
    w.String(p.id.c_str());
    w.EndArray();
    if (!p.in_reply_to.empty() || p.repost) {
      if (!p.in_reply_to.empty()) {
        const auto parent = posts.find(p.in_reply_to);
        if (parent != posts.end()) put(w, "in_reply_to_user_id", parent->second.author_id);
      }
      w.Key("referenced_tweets");
      w.StartArray();
      w.StartObject();
      put(w, "type", p.repost ? "retweeted" : "replied_to");
      put(w, "id", p.in_reply_to.empty() ? p.id : p.in_reply_to);
      w.EndObject();
      w.EndArray();
    }
    w.Key("public_metrics");
    w.StartObject();
    for (const char* k : {"retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count",
                          "impression_count"})
      w.Key(k), w.Int(0);
    w.EndObject();
    w.EndObject();
  }

  // A page of `matching` (newest first) as X answers it.
  FakeResponse page(const FakeRequest& r, FakeXRoute route, const std::function<bool(const XPost&)>& matching,
                    int min_results) {
    std::lock_guard lock(mutex);
    const auto get = [&](const char* k) { return r.query.count(k) ? r.query.at(k) : std::string(); };
    int max_results = 10;
    if (!get("max_results").empty()) {
      const std::string m = get("max_results");
      max_results = valid_number(m) && m.size() < 4 ? std::stoi(m) : -1;
    }
    if (max_results < min_results || max_results > 100)
      return problem(400, "Invalid Request", "One or more parameters to your request was invalid.");
    const std::string since = get("since_id");
    if (!since.empty() && !valid_number(since))
      return problem(400, "Invalid Request", "The `since_id` query parameter value [" + since + "] is not valid");
    std::string token = get("pagination_token");
    if (token.empty()) token = get("next_token");
    std::string before;  // the token: "t" + the id pages continue below
    if (!token.empty()) {
      if (token.size() < 2 || token[0] != 't' || !valid_number(token.substr(1)))
        return problem(400, "Invalid Request", "The `pagination_token` query parameter value is not valid");
      before = token.substr(1);
    }
    std::vector<const XPost*> page;
    bool more = false;
    for (auto it = posts.rbegin(); it != posts.rend(); ++it) {
      const XPost& p = it->second;
      if (!since.empty() && !id_less(since, p.id)) break;
      if (!before.empty() && !id_less(p.id, before)) continue;
      if (!matching(p)) continue;
      if (page.size() == static_cast<size_t>(max_results)) {
        more = true;
        break;
      }
      page.push_back(&p);
    }
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    std::set<std::string> authors;
    if (!page.empty()) {
      w.Key("data");
      w.StartArray();
      for (const XPost* p : page) {
        write_post(w, *p);
        authors.insert(p->author_id);
      }
      w.EndArray();
      w.Key("includes");
      w.StartObject();
      w.Key("users");
      w.StartArray();
      for (const auto& a : authors) {
        const auto u = users.find(a);
        if (u == users.end()) continue;
        w.StartObject();
        put(w, "id", u->second.id);
        put(w, "name", u->second.name);
        put(w, "username", u->second.username);
        w.Key("verified"), w.Bool(u->second.verified);
        w.Key("public_metrics");
        w.StartObject();
        w.Key("followers_count"), w.Int(u->second.followers);
        w.Key("following_count"), w.Int(77);
        w.Key("tweet_count"), w.Int(1234);
        w.Key("listed_count"), w.Int(3);
        w.Key("like_count"), w.Int(99);
        w.EndObject();
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
      bool unknown = false;
      for (const auto& a : authors) unknown = unknown || !users.count(a);
      if (unknown) {
        w.Key("errors");
        w.StartArray();
        for (const auto& a : authors) {
          if (users.count(a)) continue;
          w.StartObject();
          put(w, "value", a);
          put(w, "detail", "Could not find user with author_id: [" + a + "].");
          put(w, "title", "Not Found Error");
          put(w, "resource_type", "user");
          put(w, "parameter", "author_id");
          put(w, "resource_id", a);
          put(w, "type", "https://api.twitter.com/2/problems/resource-not-found");
          w.EndObject();
        }
        w.EndArray();
      }
    }
    w.Key("meta");
    w.StartObject();
    if (!page.empty()) {
      put(w, "newest_id", page.front()->id);
      put(w, "oldest_id", page.back()->id);
    }
    w.Key("result_count"), w.Int(static_cast<int>(page.size()));
    if (more) put(w, "next_token", "t" + page.back()->id);
    w.EndObject();
    w.EndObject();
    FakeResponse resp{200, {}, buf.GetString()};
    rate_headers(resp, route);
    return resp;
  }

  FakeResponse post(const FakeRequest& r) {
    std::function<void(const Made&)> h;
    Made m;
    bool lose_answer = false;
    FakeResponse lost;
    {
      std::lock_guard lock(mutex);
      std::optional<Scripted> scripted;
      if (auto& q = failures[FakeXRoute::post]; !q.empty()) {
        scripted = q.front();
        q.pop_front();
        if (!scripted->posted) return scripted->answer;
      }
      // OAuth 1.0a: well formed and signed with the four credentials.
      const auto auth = r.headers.find("authorization");
      const x::OAuthParams oauth = auth == r.headers.end() ? x::OAuthParams{} : x::parse_authorization_header(auth->second);
      std::map<std::string, std::string> o(oauth.begin(), oauth.end());
      const TimeMs now = now_ms();
      const bool well_formed =
          oauth.size() == 7 && o["oauth_consumer_key"] == kFakeXConsumerKey && o["oauth_token"] == kFakeXAccessToken &&
          o["oauth_signature_method"] == "HMAC-SHA1" && o["oauth_version"] == "1.0" && o["oauth_nonce"].size() >= 8 &&
          valid_number(o["oauth_timestamp"]) && std::llabs(std::stoll(o["oauth_timestamp"]) - now / 1000) < 300;
      if (!well_formed) return problem(401, "Unauthorized", "Unauthorized");
      x::OAuthParams signed_params = r.query_list;
      for (const auto& [k, v] : oauth)
        if (k != "oauth_signature") signed_params.emplace_back(k, v);
      const std::string expected = x::oauth_signature(
          {kFakeXConsumerKey, kFakeXConsumerSecret, kFakeXAccessToken, kFakeXAccessTokenSecret}, "POST",
          base + r.path, signed_params);
      if (o["oauth_signature"] != expected) return problem(401, "Unauthorized", "Unauthorized");

      rapidjson::Document body;
      body.Parse(r.body.c_str(), r.body.size());
      if (body.HasParseError() || !body.IsObject() || !body.HasMember("text") || !body["text"].IsString())
        return problem(400, "Invalid Request", "One or more parameters to your request was invalid.");
      m.text = body["text"].GetString();
      if (body.HasMember("reply") && body["reply"].IsObject() && body["reply"].HasMember("in_reply_to_tweet_id") &&
          body["reply"]["in_reply_to_tweet_id"].IsString())
        m.in_reply_to = body["reply"]["in_reply_to_tweet_id"].GetString();
      const auto parent = posts.find(m.in_reply_to);
      if (!m.in_reply_to.empty() && parent == posts.end())
        return problem(403, "Forbidden",
                       "You attempted to reply to a Tweet that is deleted or not visible to you.");
      bool duplicate = sent_texts.count(m.text) > 0;
      for (const auto& [id, p] : posts) duplicate = duplicate || (p.author_id == kFakeXBrandId && p.text == m.text);
      if (duplicate)
          return problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.");
      XPost p;
      p.id = new_id(now);
      p.author_id = kFakeXBrandId;
      p.text = m.text;
      p.created_at = now;
      p.in_reply_to = m.in_reply_to;
      p.mentions_brand = false;
      // X's timeline shows a reply's text with the @handle of the post answered in front.
      if (parent != posts.end() && users.count(parent->second.author_id))
        p.text = "@" + users.at(parent->second.author_id).username + " " + m.text;
      m.id = p.id;
      posts[p.id] = p;
      sent_texts.insert(m.text);  // duplicates are judged on the text as sent
      made.push_back(m);
      h = hook;
      if (scripted) {
        lose_answer = true;
        lost = scripted->answer;
      }
    }
    if (h) h(m);
    if (lose_answer) return lost;
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    w.Key("data");
    w.StartObject();
    put(w, "id", m.id);
    put(w, "text", m.text);
    w.Key("edit_history_tweet_ids");
    w.StartArray();
    w.String(m.id.c_str());
    w.EndArray();
    w.EndObject();
    w.EndObject();
    return FakeResponse{201, {}, buf.GetString()};
  }

  std::set<std::string> sent_texts;
};

FakeX::FakeX() : state_(std::make_unique<State>()), server_(std::make_unique<FakeHttpServer>()) {
  state_->base = server_->base_url();
  State* s = state_.get();
  const std::string brand = kFakeXBrandId;
  server_->on("GET", "/2/users/" + brand + "/mentions", [s](const FakeRequest& r) {
    if (auto no = s->refused_read(r, FakeXRoute::mentions)) return *no;
    return s->page(r, FakeXRoute::mentions, [](const XPost& p) { return p.mentions_brand; }, 5);
  });
  server_->on("GET", "/2/tweets/search/recent", [s](const FakeRequest& r) {
    if (auto no = s->refused_read(r, FakeXRoute::search)) return *no;
    const std::string q = r.query.count("query") ? lower(r.query.at("query")) : std::string();
    if (q.empty()) return problem(400, "Invalid Request", "The `query` query parameter can not be empty");
    return s->page(r, FakeXRoute::search,
                   [q](const XPost& p) { return p.indexed && lower(p.text).find(q) != std::string::npos; }, 10);
  });
  server_->on("GET", "/2/users/" + brand + "/tweets", [s](const FakeRequest& r) {
    if (auto no = s->refused_read(r, FakeXRoute::user_tweets)) return *no;
    return s->page(r, FakeXRoute::user_tweets, [](const XPost& p) { return p.author_id == kFakeXBrandId; }, 5);
  });
  server_->on("POST", "/2/tweets", [s](const FakeRequest& r) { return s->post(r); });
}

FakeX::~FakeX() { server_.reset(); }

std::string FakeX::base_url() const { return server_->base_url(); }
FakeHttpServer& FakeX::server() { return *server_; }
std::vector<FakeRequest> FakeX::requests() const { return server_->requests(); }
void FakeX::clear_requests() { server_->clear_requests(); }

std::vector<FakeRequest> FakeX::requests_to(const std::string& path) const {
  std::vector<FakeRequest> out;
  for (auto& r : server_->requests())
    if (r.path == path) out.push_back(r);
  return out;
}

std::string FakeX::snowflake(TimeMs t, unsigned seq) {
  return std::to_string((static_cast<std::uint64_t>(t - kSnowflakeEpochMs) << 22) | (seq & 4095u));
}

void FakeX::add_user(const XUser& user) {
  std::lock_guard lock(state_->mutex);
  state_->users[user.id] = user;
}

std::string FakeX::add_post(XPost post) {
  std::lock_guard lock(state_->mutex);
  if (post.created_at == 0) post.created_at = std::max(now_ms(), state_->latest + 1);
  state_->latest = std::max(state_->latest, post.created_at);
  if (post.id.empty()) post.id = state_->new_id(post.created_at);
  const std::string id = post.id;
  state_->posts[id] = std::move(post);
  return id;
}

std::vector<std::string> FakeX::add_posts(size_t n, const std::string& author_id, const std::string& prefix) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < n; ++i) {
    XPost p;
    p.author_id = author_id;
    p.text = "@" + std::string(kFakeXBrandUsername) + " " + prefix + " " + std::to_string(i);
    {
      // A millisecond after every post added so far (or now): newer than all of them.
      std::lock_guard lock(state_->mutex);
      p.created_at = std::max(now_ms(), state_->latest + 1);
      state_->latest = p.created_at;
    }
    ids.push_back(add_post(std::move(p)));
  }
  return ids;
}

void FakeX::index_post(const std::string& id) {
  std::lock_guard lock(state_->mutex);
  if (auto it = state_->posts.find(id); it != state_->posts.end()) it->second.indexed = true;
}

std::vector<FakeX::Made> FakeX::posts_made() const {
  std::lock_guard lock(state_->mutex);
  return state_->made;
}

std::string FakeX::add_brand_post(const std::string& text, const std::string& in_reply_to) {
  XPost p;
  p.author_id = kFakeXBrandId;
  p.text = text;
  p.in_reply_to = in_reply_to;
  p.mentions_brand = false;
  return add_post(std::move(p));
}

void FakeX::set_rate_limit(int remaining, int reset_in_s) {
  std::lock_guard lock(state_->mutex);
  for (auto route : {FakeXRoute::mentions, FakeXRoute::search, FakeXRoute::user_tweets})
    state_->windows[route] = {remaining, (now_ms() / 1000 + reset_in_s) * 1000};
}

void FakeX::fail_next(FakeXRoute route, size_t n, FakeResponse answer, bool posted) {
  std::lock_guard lock(state_->mutex);
  for (size_t i = 0; i < n; ++i) state_->failures[route].push_back({answer, posted});
}

FakeResponse FakeX::problem(int status, const std::string& title, const std::string& detail,
                            std::vector<std::pair<std::string, std::string>> headers) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "title", title);
  put(w, "detail", detail);
  put(w, "type", "about:blank");
  w.Key("status"), w.Int(status);
  w.EndObject();
  return FakeResponse{status, std::move(headers), buf.GetString()};
}

void FakeX::on_post(std::function<void(const Made&)> hook) {
  std::lock_guard lock(state_->mutex);
  state_->hook = std::move(hook);
}

}  // namespace carewatch::testing
