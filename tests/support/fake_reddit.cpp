#include "tests/support/fake_reddit.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <functional>
#include <set>

#include "mention/common/url.h"

namespace carewatch::testing {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string to_base36(std::uint64_t n) {
  static const char* digits = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string s;
  do {
    s.insert(s.begin(), digits[n % 36]);
    n /= 36;
  } while (n);
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Reddit's legacy escaping of text in JSON.
std::string escape_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out.push_back(c);
  }
  return out;
}

std::string encode64(const std::string& in) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned val = 0;
  int bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(a[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(a[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

long long now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void str(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

struct Item {
  std::string kind;  // "t1" / "t3"
  std::string id;
  std::uint64_t seq = 0;
  std::string sub, author, title, text, parent, link;
  std::int64_t created = 0;
  bool removed = false, locked = false;
  std::string fullname() const { return kind + "_" + id; }
  std::string permalink() const {
    const std::string post = kind == "t3" ? id : link.substr(3);
    return "/r/" + sub + "/comments/" + post + "/acme_thread/" + (kind == "t1" ? id + "/" : "");
  }
};

// Newest first: by created, then by the order made.
bool newer(const Item* a, const Item* b) {
  return a->created != b->created ? a->created > b->created : a->seq > b->seq;
}

// The rate-limit headers a test's answer does not set itself.
void add_missing(FakeResponse& resp, const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& h : headers) {
    bool present = false;
    for (const auto& r : resp.headers) present = present || lower(r.first) == lower(h.first);
    if (!present) resp.headers.push_back(h);
  }
}

struct Failure {
  FakeResponse answer;
  bool posted = false;
};

}  // namespace

struct FakeReddit::State {
  mutable std::mutex mutex;
  std::string base;
  std::deque<Item> items;  // stable addresses
  std::map<std::string, Item*> by_name;
  std::set<std::string> subs;
  std::vector<std::string> posted;
  std::uint64_t next_seq = 0;
  std::uint64_t next_id = 36 * 36 * 36 * 36;  // ids of 5 base-36 digits, increasing
  // tokens
  int expires_in = 86400;
  std::map<std::string, long long> tokens;  // token -> expiry (epoch s); 0: expired
  size_t token_requests = 0;
  std::string last_token;
  // rate limit
  int limit = 100, window = 60;
  long long window_start = 0;
  int used = 0;
  std::map<FakeRedditRoute, std::deque<Failure>> failures;

  std::int64_t created_or_default(std::int64_t created) const {
    return created ? created : kFakeRedditEpoch + static_cast<std::int64_t>(next_seq) * 10;
  }

  Item& make(const std::string& kind, std::int64_t created) {
    Item it;
    it.kind = kind;
    it.id = to_base36(next_id++);
    it.created = created_or_default(created);
    it.seq = next_seq++;
    items.push_back(std::move(it));
    Item& ref = items.back();
    by_name[ref.fullname()] = &ref;
    return ref;
  }

  std::optional<Failure> take_failure(FakeRedditRoute r) {
    auto& q = failures[r];
    if (q.empty()) return std::nullopt;
    Failure f = q.front();
    q.pop_front();
    return f;
  }

  // The rate-limit headers of an API answer; false when the request is past the limit.
  bool count_request(std::vector<std::pair<std::string, std::string>>& headers) {
    const long long now = now_s();
    if (window_start == 0 || now >= window_start + window) {
      window_start = now;
      used = 0;
    }
    ++used;
    const int remaining = std::max(0, limit - used);
    headers.emplace_back("X-Ratelimit-Used", std::to_string(used));
    headers.emplace_back("X-Ratelimit-Remaining", std::to_string(remaining) + ".0");
    headers.emplace_back("X-Ratelimit-Reset", std::to_string(std::max(0LL, window_start + window - now)));
    return used <= limit;
  }

  bool authorized(const FakeRequest& r) const {
    const auto h = r.headers.find("authorization");
    if (h == r.headers.end() || lower(h->second.substr(0, 7)) != "bearer ") return false;
    const auto t = tokens.find(h->second.substr(7));
    return t != tokens.end() && t->second > now_s();
  }

  void write_thing(Writer& w, const Item& it, bool inbox) const {
    w.StartObject();
    str(w, "kind", it.kind);
    w.Key("data");
    w.StartObject();
    str(w, "subreddit", it.sub);
    str(w, "subreddit_name_prefixed", "r/" + it.sub);
    str(w, "id", it.id);
    str(w, "name", it.fullname());
    str(w, "author", it.author);
    str(w, "author_fullname", "t2_" + to_base36(std::hash<std::string>{}(it.author) % 100000000));
    w.Key("score");
    w.Int(1);
    w.Key("created");
    w.Double(static_cast<double>(it.created));
    w.Key("created_utc");
    w.Double(static_cast<double>(it.created));
    w.Key("distinguished");
    w.Null();
    if (it.kind == "t1") {
      str(w, "body", escape_text(it.text));
      str(w, "body_html", "<div class=\"md\"><p>" + escape_text(escape_text(it.text)) + "</p></div>");
      str(w, "parent_id", it.parent);
      if (inbox) {
        str(w, "context", it.permalink() + "?context=3");
        str(w, "type", "username_mention");
        str(w, "subject", "username mention");
        w.Key("was_comment");
        w.Bool(true);
        w.Key("new");
        w.Bool(true);
        str(w, "dest", kFakeRedditUsername);
        const auto post = by_name.find(it.link);
        str(w, "link_title", post != by_name.end() ? escape_text(post->second->title) : "");
      } else {
        str(w, "link_id", it.link);
        str(w, "permalink", it.permalink());
        w.Key("replies");
        w.String("");
      }
    } else {
      str(w, "title", escape_text(it.title));
      str(w, "selftext", escape_text(it.text));
      w.Key("is_self");
      w.Bool(true);
      str(w, "domain", "self." + it.sub);
      str(w, "permalink", it.permalink());
      str(w, "url", "https://www.reddit.com" + it.permalink());
      w.Key("num_comments");
      w.Int(0);
      w.Key("over_18");
      w.Bool(false);
      w.Key("locked");
      w.Bool(it.locked);
    }
    w.EndObject();
    w.EndObject();
  }

  // A Listing of `all` (newest first) as Reddit pages it.
  FakeResponse listing(const FakeRequest& r, std::vector<const Item*> all, bool inbox) const {
    std::sort(all.begin(), all.end(), newer);
    size_t limit = 25;
    if (r.query.count("limit")) limit = std::clamp<size_t>(std::stoul(r.query.at("limit")), 1, 100);
    auto index_of = [&](const std::string& name) -> std::optional<size_t> {
      for (size_t i = 0; i < all.size(); ++i)
        if (all[i]->fullname() == name) return i;
      return std::nullopt;
    };
    size_t from = 0, to = std::min(all.size(), limit);
    bool empty = false, paged = false;
    if (r.query.count("after")) {
      paged = true;
      const auto at = index_of(r.query.at("after"));
      if (!at) empty = true;  // Reddit answers nothing after an item it no longer lists
      else from = *at + 1, to = std::min(all.size(), from + limit);
    } else if (r.query.count("before")) {
      paged = true;
      const auto at = index_of(r.query.at("before"));
      if (!at) empty = true;
      else to = *at, from = to > limit ? to - limit : 0;
    }
    if (empty) from = to = 0;
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    str(w, "kind", "Listing");
    w.Key("data");
    w.StartObject();
    w.Key("after");
    if (to > from && to < all.size()) str_value(w, all[to - 1]->fullname());
    else w.Null();
    w.Key("dist");
    w.Int(static_cast<int>(to - from));
    str(w, "modhash", "");
    str(w, "geo_filter", "");
    w.Key("children");
    w.StartArray();
    for (size_t i = from; i < to; ++i) write_thing(w, *all[i], inbox);
    w.EndArray();
    w.Key("before");
    if (paged && to > from && from > 0) str_value(w, all[from]->fullname());
    else w.Null();
    w.EndObject();
    w.EndObject();
    return FakeResponse{200, {}, std::string(buf.GetString(), buf.GetSize())};
  }

  static void str_value(Writer& w, const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); }
};

FakeReddit::FakeReddit() : state_(std::make_unique<State>()), server_(std::make_unique<FakeHttpServer>()) {
  state_->base = server_->base_url();
  State* s = state_.get();

  // The token endpoint (www.reddit.com in production): no rate-limit headers, no bearer.
  server_->on("POST", "/api/v1/access_token", [s](const FakeRequest& r) {
    std::lock_guard lock(s->mutex);
    ++s->token_requests;
    if (auto f = s->take_failure(FakeRedditRoute::token)) return f->answer;
    const auto auth = r.headers.find("authorization");
    const std::string basic =
        "Basic " + encode64(std::string(kFakeRedditClientId) + ":" + kFakeRedditClientSecret);
    if (auth == r.headers.end() || auth->second != basic)
      return FakeResponse{401, {}, R"({"message": "Unauthorized", "error": 401})"};
    const auto form = parse_query(r.body).value_or(QueryPairs{});
    std::map<std::string, std::string> f(form.begin(), form.end());
    if (f["grant_type"] != "password") return FakeResponse{200, {}, R"({"error": "unsupported_grant_type"})"};
    if (f["username"] != kFakeRedditUsername || f["password"] != kFakeRedditPassword)
      return FakeResponse{200, {}, R"({"error": "invalid_grant"})"};
    const std::string token = "fake-reddit-token-" + std::to_string(s->token_requests);
    s->tokens[token] = now_s() + s->expires_in;
    s->last_token = token;
    return FakeResponse{200, {},
                        R"({"access_token": ")" + token + R"(", "token_type": "bearer", "expires_in": )" +
                            std::to_string(s->expires_in) + R"(, "scope": "*"})"};
  });

  // Every API route: the failure queue, then auth and the rate limit.
  auto api = [s](FakeRedditRoute route, std::function<FakeResponse(const FakeRequest&)> serve) {
    return [s, route, serve](const FakeRequest& r) {
      std::lock_guard lock(s->mutex);
      std::vector<std::pair<std::string, std::string>> headers;
      const bool within = s->count_request(headers);
      std::optional<Failure> failure = s->take_failure(route);
      FakeResponse resp;
      if (failure && !failure->posted) {
        resp = failure->answer;
      } else if (!s->authorized(r)) {
        resp = FakeResponse{401, {}, R"({"message": "Unauthorized", "error": 401})"};
      } else if (!within) {
        resp = FakeResponse{429, {}, R"({"message": "Too Many Requests", "error": 429})"};
      } else {
        resp = serve(r);
        if (failure) resp = failure->answer;  // made, but the answer is lost
      }
      add_missing(resp, headers);
      return resp;
    };
  };

  server_->on("GET", "/search", api(FakeRedditRoute::search, [s](const FakeRequest& r) {
    const std::string q = lower(r.query.count("q") ? r.query.at("q") : "");
    std::vector<const Item*> all;
    for (const auto& it : s->items)
      if (it.kind == "t3" && !it.removed && lower(it.title + " " + it.text).find(q) != std::string::npos)
        all.push_back(&it);
    return s->listing(r, all, false);
  }));
  server_->on("GET", "/message/mentions", api(FakeRedditRoute::mentions, [s](const FakeRequest& r) {
    std::vector<const Item*> all;
    const std::string tag = lower(std::string("u/") + kFakeRedditUsername);
    for (const auto& it : s->items)
      if (it.kind == "t1" && !it.removed && it.author != kFakeRedditUsername && lower(it.text).find(tag) != std::string::npos)
        all.push_back(&it);
    return s->listing(r, all, true);
  }));
  server_->on("GET", std::string("/user/") + kFakeRedditUsername + "/comments",
              api(FakeRedditRoute::user_comments, [s](const FakeRequest& r) {
                std::vector<const Item*> all;
                for (const auto& it : s->items)
                  if (it.kind == "t1" && !it.removed && it.author == kFakeRedditUsername) all.push_back(&it);
                return s->listing(r, all, false);
              }));
  server_->on("POST", "/api/comment", api(FakeRedditRoute::post_comment, [s](const FakeRequest& r) {
    const auto form = parse_query(r.body).value_or(QueryPairs{});
    std::map<std::string, std::string> f(form.begin(), form.end());
    const auto parent = s->by_name.find(f["thing_id"]);
    if (f["api_type"] != "json") return FakeResponse{200, {}, R"({"jquery": []})"};
    if (parent == s->by_name.end() || parent->second->removed)
      return comment_error("DELETED_COMMENT", "that comment has been deleted", "parent");
    if (parent->second->locked) return comment_error("THREAD_LOCKED", "that comment is locked", "parent");
    if (f["text"].empty()) return comment_error("NO_TEXT", "we need something here", "text");
    Item& c = s->make("t1", now_s());
    c.sub = parent->second->sub;
    c.author = kFakeRedditUsername;
    c.text = f["text"];
    c.parent = parent->second->fullname();
    c.link = parent->second->kind == "t3" ? parent->second->fullname() : parent->second->link;
    s->posted.push_back(c.fullname());
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    w.Key("json");
    w.StartObject();
    w.Key("errors");
    w.StartArray();
    w.EndArray();
    w.Key("data");
    w.StartObject();
    w.Key("things");
    w.StartArray();
    s->write_thing(w, c, false);
    w.EndArray();
    w.EndObject();
    w.EndObject();
    w.EndObject();
    return FakeResponse{200, {}, std::string(buf.GetString(), buf.GetSize())};
  }));
}

FakeReddit::~FakeReddit() { server_.reset(); }

void FakeReddit::route_subreddit(const std::string& sub) {
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->subs.insert(sub).second) return;
  }
  State* s = state_.get();
  auto api = [s](FakeRedditRoute route, std::string kind, std::string sub_name) {
    return [s, route, kind, sub_name](const FakeRequest& r) {
      std::lock_guard lock(s->mutex);
      std::vector<std::pair<std::string, std::string>> headers;
      const bool within = s->count_request(headers);
      FakeResponse resp;
      if (auto failure = s->take_failure(route)) {
        resp = failure->answer;
      } else if (!s->authorized(r)) {
        resp = FakeResponse{401, {}, R"({"message": "Unauthorized", "error": 401})"};
      } else if (!within) {
        resp = FakeResponse{429, {}, R"({"message": "Too Many Requests", "error": 429})"};
      } else {
        std::vector<const Item*> all;
        for (const auto& it : s->items)
          if (it.kind == kind && !it.removed && lower(it.sub) == lower(sub_name)) all.push_back(&it);
        resp = s->listing(r, all, false);
      }
      add_missing(resp, headers);
      return resp;
    };
  };
  server_->on("GET", "/r/" + sub + "/comments", api(FakeRedditRoute::comments, "t1", sub));
  server_->on("GET", "/r/" + sub + "/new", api(FakeRedditRoute::posts, "t3", sub));
}

std::string FakeReddit::base_url() const { return server_->base_url(); }
FakeHttpServer& FakeReddit::server() { return *server_; }
std::vector<FakeRequest> FakeReddit::requests() const { return server_->requests(); }

std::vector<FakeRequest> FakeReddit::requests_to(const std::string& path) const {
  std::vector<FakeRequest> out;
  for (auto& r : server_->requests())
    if (r.path == path) out.push_back(r);
  return out;
}

std::string FakeReddit::options(const std::string& extra) const {
  return R"({"base_url": ")" + base_url() + R"(", "auth_url": ")" + base_url() + R"(", "client_id": ")" +
         kFakeRedditClientId + R"(", "client_secret": ")" + kFakeRedditClientSecret + R"(", "username": ")" +
         kFakeRedditUsername + R"(", "password": ")" + kFakeRedditPassword +
         R"x(", "user_agent": "linux:acme-care:1.0 (by /u/acmecare)")x" + extra + "}";
}

std::string FakeReddit::add_post(const std::string& sub, const std::string& author, const std::string& title,
                                 const std::string& selftext, std::int64_t created) {
  route_subreddit(sub);
  std::lock_guard lock(state_->mutex);
  Item& it = state_->make("t3", created);
  it.sub = sub;
  it.author = author;
  it.title = title;
  it.text = selftext;
  return it.fullname();
}

std::string FakeReddit::add_comment(const std::string& sub, const std::string& author, const std::string& parent,
                                    const std::string& body, std::int64_t created) {
  route_subreddit(sub);
  std::lock_guard lock(state_->mutex);
  Item& it = state_->make("t1", created);
  it.sub = sub;
  it.author = author;
  it.text = body;
  it.parent = parent;
  const auto p = state_->by_name.find(parent);
  it.link = parent.rfind("t3_", 0) == 0 ? parent : (p != state_->by_name.end() ? p->second->link : parent);
  return it.fullname();
}

void FakeReddit::remove(const std::string& fullname) {
  std::lock_guard lock(state_->mutex);
  if (auto it = state_->by_name.find(fullname); it != state_->by_name.end()) it->second->removed = true;
}

void FakeReddit::lock(const std::string& fullname) {
  std::lock_guard lock(state_->mutex);
  if (auto it = state_->by_name.find(fullname); it != state_->by_name.end()) it->second->locked = true;
}

std::vector<std::string> FakeReddit::posted_comments() const {
  std::lock_guard lock(state_->mutex);
  return state_->posted;
}

std::string FakeReddit::body_of(const std::string& fullname) const {
  std::lock_guard lock(state_->mutex);
  const auto it = state_->by_name.find(fullname);
  return it == state_->by_name.end() ? std::string() : it->second->text;
}

std::string FakeReddit::parent_of(const std::string& fullname) const {
  std::lock_guard lock(state_->mutex);
  const auto it = state_->by_name.find(fullname);
  return it == state_->by_name.end() ? std::string() : it->second->parent;
}

void FakeReddit::set_expires_in(int seconds) {
  std::lock_guard lock(state_->mutex);
  state_->expires_in = seconds;
}

void FakeReddit::expire_tokens() {
  std::lock_guard lock(state_->mutex);
  for (auto& [token, expiry] : state_->tokens) expiry = 0;
}

size_t FakeReddit::token_requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->token_requests;
}

std::string FakeReddit::last_token() const {
  std::lock_guard lock(state_->mutex);
  return state_->last_token;
}

void FakeReddit::set_rate_limit(int limit, int window_seconds) {
  std::lock_guard lock(state_->mutex);
  state_->limit = limit;
  state_->window = window_seconds;
  state_->window_start = 0;
  state_->used = 0;
}

void FakeReddit::fail_next(FakeRedditRoute route, size_t n, FakeResponse answer, bool posted) {
  std::lock_guard lock(state_->mutex);
  for (size_t i = 0; i < n; ++i) state_->failures[route].push_back({answer, posted});
}

FakeResponse FakeReddit::comment_error(const std::string& code, const std::string& message, const std::string& field,
                                       double ratelimit_seconds) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("json");
  w.StartObject();
  if (ratelimit_seconds > 0) {
    w.Key("ratelimit");
    w.Double(ratelimit_seconds);
  }
  w.Key("errors");
  w.StartArray();
  w.StartArray();
  w.String(code.c_str());
  w.String(message.c_str());
  w.String(field.c_str());
  w.EndArray();
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return FakeResponse{200, {}, std::string(buf.GetString(), buf.GetSize())};
}

}  // namespace carewatch::testing
