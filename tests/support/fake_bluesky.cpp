#include "tests/support/fake_bluesky.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>

namespace carewatch::testing {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using rapidjson::Value;

constexpr std::string_view kSortable = "234567abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";

std::uint64_t fnv(std::string_view s, std::uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// A CID-looking string ("bafyrei" + 52 base32 characters), stable for `seed`.
std::string cid_of(const std::string& seed) {
  std::string out = "bafyrei";
  std::uint64_t h = fnv(seed);
  for (int i = 0; i < 52; ++i) {
    if (i % 12 == 0) h = fnv(seed + std::to_string(i), h);
    out.push_back(kBase32[h & 31]);
    h >>= 5;
  }
  return out;
}

std::string did_of(const std::string& handle) {
  std::string out = "did:plc:";
  std::uint64_t h = fnv(handle);
  for (int i = 0; i < 24; ++i) {
    if (i % 12 == 0) h = fnv(handle + std::to_string(i), h);
    out.push_back(kBase32[h & 31]);
    h >>= 5;
  }
  return out;
}

// A TID for a time (µs) and a clock id.
std::string tid_of(TimeMs ms, unsigned clock) {
  std::uint64_t v = (static_cast<std::uint64_t>(ms) * 1000 << 10) | (clock & 0x3FF);
  std::string out(13, '2');
  for (int i = 12; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kSortable[v & 31];
    v >>= 5;
  }
  return out;
}

bool is_tid(const std::string& s) {
  if (s.size() != 13 || std::string_view("234567abcdefghij").find(s[0]) == std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return kSortable.find(c) != std::string_view::npos; });
}

std::string base64url(const std::string& in) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(a[(buf >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(a[(buf << (6 - bits)) & 63]);
  return out;
}

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string string_member(const Value& v, const char* name) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                     : std::string();
}

std::string to_json(const Value& v) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  v.Accept(w);
  return buf.GetString();
}

std::string error_body(const std::string& error, const std::string& message) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "error", error);
  put(w, "message", message);
  w.EndObject();
  return buf.GetString();
}

struct Profile {
  std::string did, handle, display_name;
};

}  // namespace

struct FakeBluesky::State {
  struct Token {
    std::string kind;  // "access" or "refresh"
    bool expired = false;
  };
  struct Stored {
    FakeBlueskyPost post;
    Profile author;
    TimeMs sort_at = 0;
  };
  struct Notification {
    std::string uri, reason, raw_json;  // raw_json: served as is
    TimeMs sort_at = 0;
    std::string cid;
    size_t seq = 0;
  };
  struct Scripted {
    FakeResponse answer;
    bool made = false;
  };

  mutable std::mutex mutex;
  std::string base;
  std::string password = kFakeBlueskyPassword;
  TimeMs access_lifetime = 2 * 3600 * 1000;
  std::map<std::string, Token> tokens;
  size_t token_seq = 0, logins = 0, refreshes = 0;
  std::map<std::string, Stored> posts;  // by uri
  std::vector<std::string> post_order;  // uris, in order added
  std::vector<Notification> notifications;
  std::vector<FakeBlueskyPost> records;
  std::map<FakeBlueskyRoute, std::deque<Scripted>> failures;
  std::map<FakeBlueskyRoute, size_t> pass;  // requests served before the scripted failures
  std::function<void(const FakeBlueskyPost&)> hook;
  int remaining = 2999;
  unsigned clock = 0;

  // Called with mutex held.
  std::vector<std::pair<std::string, std::string>> rate_headers() {
    const int left = std::max(0, remaining);
    if (remaining > 0) --remaining;
    const long long reset = now_ms() / 1000 + 300;
    return {{"RateLimit-Limit", "3000"},
            {"RateLimit-Remaining", std::to_string(left)},
            {"RateLimit-Reset", std::to_string(reset)},
            {"RateLimit-Policy", "3000;w=300"}};
  }

  FakeResponse answer(int status, std::string body) {
    FakeResponse r{status, {}, std::move(body)};
    std::lock_guard lock(mutex);
    r.headers = rate_headers();
    return r;
  }

  FakeResponse error(int status, const std::string& e, const std::string& m) { return answer(status, error_body(e, m)); }

  std::optional<Scripted> scripted(FakeBlueskyRoute route) {
    std::lock_guard lock(mutex);
    auto& q = failures[route];
    if (q.empty()) return std::nullopt;
    if (pass[route] > 0) {
      --pass[route];
      return std::nullopt;
    }
    Scripted s = std::move(q.front());
    q.pop_front();
    return s;
  }

  std::string make_jwt(const std::string& kind, TimeMs lifetime) {
    const TimeMs now = now_ms();
    const std::string header = base64url(kind == "access" ? R"({"typ":"at+jwt","alg":"ES256K"})"
                                                           : R"({"typ":"refresh+jwt","alg":"ES256K"})");
    const std::string payload =
        base64url(std::string(R"({"scope":")") + (kind == "access" ? "com.atproto.appPass" : "com.atproto.refresh") +
                  R"(","sub":")" + kFakeBlueskyDid + R"(","iat":)" + std::to_string(now / 1000) + R"(,"exp":)" +
                  std::to_string((now + lifetime) / 1000) + R"(,"jti":")" + std::to_string(++token_seq) + R"("})");
    const std::string jwt = header + "." + payload + "." + base64url("sig-" + std::to_string(token_seq));
    tokens[jwt] = Token{kind, false};
    return jwt;
  }

  // Called with mutex held.
  std::string session_body() {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "accessJwt", make_jwt("access", access_lifetime));
    put(w, "refreshJwt", make_jwt("refresh", 90ll * 24 * 3600 * 1000));
    put(w, "handle", kFakeBlueskyHandle);
    put(w, "did", kFakeBlueskyDid);
    put(w, "email", "care@acme-air.example");
    w.Key("emailConfirmed"), w.Bool(true);
    w.Key("active"), w.Bool(true);
    w.EndObject();
    return buf.GetString();
  }

  static std::string bearer(const FakeRequest& r) {
    const auto it = r.headers.find("authorization");
    if (it == r.headers.end() || it->second.rfind("Bearer ", 0) != 0) return {};
    return it->second.substr(7);
  }

  // The refusal of a request without a good access token, or nullopt.
  std::optional<FakeResponse> unauthorized(const FakeRequest& r) {
    const std::string token = bearer(r);
    std::string e, m;
    int status = 401;
    {
      std::lock_guard lock(mutex);
      const auto it = tokens.find(token);
      if (token.empty()) e = "AuthenticationRequired", m = "Authentication Required";
      else if (it == tokens.end() || it->second.kind != "access") e = "InvalidToken", m = "Token could not be verified";
      else if (it->second.expired) status = 400, e = "ExpiredToken", m = "Token has expired";
      else return std::nullopt;
    }
    return error(status, e, m);
  }

  FakeResponse create_session(const FakeRequest& r) {
    if (auto s = scripted(FakeBlueskyRoute::create_session)) return s->answer;
    rapidjson::Document d;
    d.Parse(r.body.c_str(), r.body.size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("identifier") || !d["identifier"].IsString() ||
        !d.HasMember("password") || !d["password"].IsString())
      return error(400, "InvalidRequest", "Input must have the property \"identifier\"");
    const std::string id = string_member(d, "identifier");
    const std::string pw = string_member(d, "password");
    std::lock_guard lock(mutex);
    if ((id != kFakeBlueskyHandle && id != kFakeBlueskyDid) || pw != password) {
      FakeResponse out{401, rate_headers(), error_body("AuthenticationRequired", "Invalid identifier or password")};
      return out;
    }
    ++logins;
    return FakeResponse{200, rate_headers(), session_body()};
  }

  FakeResponse refresh_session(const FakeRequest& r) {
    if (auto s = scripted(FakeBlueskyRoute::refresh_session)) return s->answer;
    const std::string token = bearer(r);
    std::lock_guard lock(mutex);
    const auto it = tokens.find(token);
    if (token.empty()) return FakeResponse{401, rate_headers(), error_body("AuthenticationRequired", "Authentication Required")};
    if (it == tokens.end() || it->second.kind != "refresh")
      return FakeResponse{400, rate_headers(), error_body("InvalidToken", "Invalid token type")};
    if (it->second.expired) return FakeResponse{400, rate_headers(), error_body("ExpiredToken", "Token has been revoked")};
    it->second.expired = true;  // rotated
    ++refreshes;
    return FakeResponse{200, rate_headers(), session_body()};
  }

  // Called with mutex held.
  void write_author(Writer& w, const Profile& p, bool full) const {
    w.StartObject();
    put(w, "did", p.did);
    put(w, "handle", p.handle);
    if (!p.display_name.empty()) put(w, "displayName", p.display_name);
    put(w, "avatar", "https://cdn.bsky.app/img/avatar/plain/" + p.did + "/" + cid_of(p.did) + "@jpeg");
    w.Key("viewer");
    w.StartObject();
    w.Key("muted"), w.Bool(false);
    w.Key("blockedBy"), w.Bool(false);
    w.EndObject();
    w.Key("labels"), w.StartArray(), w.EndArray();
    put(w, "createdAt", "2024-10-02T09:14:00.000Z");
    if (full) {
      put(w, "description", "");
      put(w, "indexedAt", "2024-10-02T09:14:00.000Z");
    }
    w.EndObject();
  }

  // A postView. Called with mutex held.
  std::string post_view(const Stored& s) const {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "uri", s.post.uri);
    put(w, "cid", s.post.cid);
    w.Key("author");
    write_author(w, s.author, false);
    w.Key("record");
    w.RawValue(s.post.record_json.c_str(), s.post.record_json.size(), rapidjson::kObjectType);
    w.Key("replyCount"), w.Int(0);
    w.Key("repostCount"), w.Int(0);
    w.Key("likeCount"), w.Int(0);
    w.Key("quoteCount"), w.Int(0);
    put(w, "indexedAt", format_iso8601(s.post.indexed_at));
    w.Key("viewer");
    w.StartObject();
    w.Key("threadMuted"), w.Bool(false);
    w.Key("embeddingDisabled"), w.Bool(false);
    w.EndObject();
    w.Key("labels"), w.StartArray(), w.EndArray();
    w.EndObject();
    return buf.GetString();
  }

  // Called with mutex held.
  std::string notification_view(const Notification& n) const {
    if (!n.raw_json.empty()) return n.raw_json;
    const Stored& s = posts.at(n.uri);
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "uri", s.post.uri);
    put(w, "cid", s.post.cid);
    w.Key("author");
    write_author(w, s.author, true);
    put(w, "reason", n.reason);
    if (!s.post.parent_uri.empty() && (n.reason == "reply" || n.reason == "quote")) put(w, "reasonSubject", s.post.parent_uri);
    w.Key("record");
    w.RawValue(s.post.record_json.c_str(), s.post.record_json.size(), rapidjson::kObjectType);
    w.Key("isRead"), w.Bool(false);
    put(w, "indexedAt", format_iso8601(n.sort_at));
    w.Key("labels"), w.StartArray(), w.EndArray();
    w.EndObject();
    return buf.GetString();
  }

  static size_t limit_of(const FakeRequest& r, size_t fallback) {
    if (auto it = r.query.find("limit"); it != r.query.end()) {
      try {
        return std::clamp<size_t>(std::stoul(it->second), 1, 100);
      } catch (...) {
      }
    }
    return fallback;
  }

  FakeResponse list_notifications(const FakeRequest& r) {
    if (auto no = unauthorized(r)) return *no;
    if (auto s = scripted(FakeBlueskyRoute::notifications)) return s->answer;
    std::set<std::string> reasons;
    for (const auto& [k, v] : r.query_list)
      if (k == "reasons") reasons.insert(v);
    const size_t limit = limit_of(r, 50);
    std::string body;
    {
      std::lock_guard lock(mutex);
      std::vector<const Notification*> list;
      for (const auto& n : notifications)
        if (reasons.empty() || n.raw_json.size() || reasons.count(n.reason)) list.push_back(&n);
      // Newest first by sort time, then cid (the App View's key).
      std::sort(list.begin(), list.end(), [](const Notification* a, const Notification* b) {
        return a->sort_at != b->sort_at ? a->sort_at > b->sort_at : a->cid > b->cid;
      });
      std::optional<std::pair<TimeMs, std::string>> after;
      if (auto c = r.query.find("cursor"); c != r.query.end()) {
        const size_t sep = c->second.find("::");
        if (sep == std::string::npos) return FakeResponse{400, rate_headers(), error_body("InvalidRequest", "malformed cursor")};
        after = std::make_pair(std::stoll(c->second.substr(0, sep)), c->second.substr(sep + 2));
      }
      std::string items, cursor;
      size_t n = 0;
      for (const Notification* x : list) {
        if (after && (x->sort_at > after->first || (x->sort_at == after->first && x->cid >= after->second))) continue;
        if (n == limit) break;
        items += (n ? "," : "") + notification_view(*x);
        cursor = std::to_string(x->sort_at) + "::" + x->cid;
        ++n;
      }
      body = "{\"notifications\":[" + items + "]";
      if (n == limit) body += ",\"cursor\":\"" + cursor + "\"";
      body += ",\"priority\":false,\"seenAt\":\"2026-01-01T00:00:00.000Z\"}";
    }
    return answer(200, body);
  }

  FakeResponse search_posts(const FakeRequest& r) {
    if (auto no = unauthorized(r)) return *no;
    if (auto s = scripted(FakeBlueskyRoute::search)) return s->answer;
    const auto q = r.query.find("q");
    if (q == r.query.end() || q->second.empty())
      return error(400, "InvalidRequest", "Error: Params must have the property \"q\"");
    const size_t limit = limit_of(r, 25);
    size_t offset = 0;
    if (auto c = r.query.find("cursor"); c != r.query.end()) offset = std::stoul(c->second);
    std::string body;
    {
      std::lock_guard lock(mutex);
      std::vector<const Stored*> hits;
      const std::string needle = lower(q->second);
      for (const auto& [uri, s] : posts)
        if (lower(s.post.text).find(needle) != std::string::npos) hits.push_back(&s);
      std::sort(hits.begin(), hits.end(), [](const Stored* a, const Stored* b) {
        return a->sort_at != b->sort_at ? a->sort_at > b->sort_at : a->post.cid > b->post.cid;
      });
      std::string items;
      size_t n = 0;
      for (size_t i = offset; i < hits.size() && n < limit; ++i, ++n) items += (n ? "," : "") + post_view(*hits[i]);
      body = "{\"posts\":[" + items + "]";
      if (offset + n < hits.size()) body += ",\"cursor\":\"" + std::to_string(offset + n) + "\"";
      body += ",\"hitsTotal\":" + std::to_string(hits.size()) + "}";
    }
    return answer(200, body);
  }

  FakeResponse get_posts(const FakeRequest& r) {
    if (auto no = unauthorized(r)) return *no;
    if (auto s = scripted(FakeBlueskyRoute::get_posts)) return s->answer;
    std::string items;
    {
      std::lock_guard lock(mutex);
      for (const auto& [k, v] : r.query_list) {
        if (k != "uris") continue;
        const auto it = posts.find(v);
        if (it == posts.end()) continue;
        items += (items.empty() ? "" : ",") + post_view(it->second);
      }
    }
    return answer(200, "{\"posts\":[" + items + "]}");
  }

  FakeResponse create_record(const FakeRequest& r) {
    if (auto no = unauthorized(r)) return *no;
    std::optional<Scripted> s = scripted(FakeBlueskyRoute::create_record);
    if (s && !s->made) return s->answer;
    rapidjson::Document d;
    d.Parse(r.body.c_str(), r.body.size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("record") || !d["record"].IsObject())
      return error(400, "InvalidRequest", "Input must have the property \"record\"");
    const std::string repo = string_member(d, "repo");
    const std::string collection = string_member(d, "collection");
    const std::string rkey_in = string_member(d, "rkey");
    if (repo != kFakeBlueskyDid && repo != kFakeBlueskyHandle) return error(401, "AuthenticationRequired", "Authentication Required");
    if (collection != "app.bsky.feed.post") return error(400, "InvalidRequest", "Invalid collection for this fake");
    if (!rkey_in.empty() && !is_tid(rkey_in))
      return error(400, "InvalidRequest", "Invalid record key for app.bsky.feed.post: Invalid TID");
    const Value& rec = d["record"];
    const std::string text = string_member(rec, "text");
    if (string_member(rec, "$type") != "app.bsky.feed.post" || !rec.HasMember("text") || !rec["text"].IsString() ||
        string_member(rec, "createdAt").empty())
      return error(400, "InvalidRequest", "Invalid app.bsky.feed.post record: Record must have the property \"text\"");
    std::string parent, root;
    if (rec.HasMember("reply") && rec["reply"].IsObject()) {
      const Value& reply = rec["reply"];
      if (!reply.HasMember("parent") || !reply.HasMember("root") || string_member(reply["parent"], "cid").empty() ||
          string_member(reply["root"], "cid").empty())
        return error(400, "InvalidRequest", "Invalid app.bsky.feed.post record: Record/reply must have the property \"root\"");
      parent = string_member(reply["parent"], "uri");
      root = string_member(reply["root"], "uri");
    }
    FakeBlueskyPost made;
    std::function<void(const FakeBlueskyPost&)> h;
    {
      std::lock_guard lock(mutex);
      const TimeMs now = now_ms();
      made.rkey = rkey_in.empty() ? tid_of(now, ++clock) : rkey_in;
      made.did = kFakeBlueskyDid;
      made.uri = std::string("at://") + kFakeBlueskyDid + "/app.bsky.feed.post/" + made.rkey;
      if (posts.count(made.uri))  // as the PDS: the MST refuses a second value at the key
        return FakeResponse{500, rate_headers(), error_body("InternalServerError", "Internal Server Error")};
      made.cid = cid_of(made.uri + r.body);
      made.handle = kFakeBlueskyHandle;
      made.text = text;
      made.parent_uri = parent;
      made.root_uri = root;
      parse_iso8601(string_member(rec, "createdAt"), made.created_at);
      made.indexed_at = now;
      made.record_json = to_json(rec);
      Stored st{made, Profile{kFakeBlueskyDid, kFakeBlueskyHandle, "Acme Air"}, std::min(made.created_at, now)};
      posts[made.uri] = st;
      post_order.push_back(made.uri);
      records.push_back(made);
      h = hook;
    }
    if (h) h(made);
    if (s) return s->answer;
    return answer(200, "{\"uri\":\"" + made.uri + "\",\"cid\":\"" + made.cid +
                           "\",\"commit\":{\"cid\":\"" + cid_of("commit" + made.uri) + "\",\"rev\":\"" +
                           tid_of(now_ms(), 7) + "\"},\"validationStatus\":\"valid\"}");
  }

  FakeResponse get_record(const FakeRequest& r) {
    if (auto no = unauthorized(r)) return *no;
    if (auto s = scripted(FakeBlueskyRoute::get_record)) return s->answer;
    const auto get = [&](const char* k) { return r.query.count(k) ? r.query.at(k) : std::string(); };
    const std::string repo = get("repo");
    const std::string did = repo == kFakeBlueskyHandle ? std::string(kFakeBlueskyDid) : repo;
    const std::string uri = "at://" + did + "/" + get("collection") + "/" + get("rkey");
    std::string body;
    {
      std::lock_guard lock(mutex);
      const auto it = posts.find(uri);
      if (it == posts.end())
        return FakeResponse{400, rate_headers(), error_body("RecordNotFound", "Could not locate record: " + uri)};
      body = "{\"uri\":\"" + uri + "\",\"cid\":\"" + it->second.post.cid + "\",\"value\":" + it->second.post.record_json + "}";
    }
    return answer(200, body);
  }
};

FakeBluesky::FakeBluesky() : state_(std::make_unique<State>()), server_(std::make_unique<FakeHttpServer>()) {
  State* s = state_.get();
  s->base = server_->base_url();
  const std::string x = "/xrpc/";
  server_->on("POST", x + "com.atproto.server.createSession", [s](const FakeRequest& r) { return s->create_session(r); });
  server_->on("POST", x + "com.atproto.server.refreshSession", [s](const FakeRequest& r) { return s->refresh_session(r); });
  server_->on("GET", x + "app.bsky.notification.listNotifications",
              [s](const FakeRequest& r) { return s->list_notifications(r); });
  server_->on("GET", x + "app.bsky.feed.searchPosts", [s](const FakeRequest& r) { return s->search_posts(r); });
  server_->on("GET", x + "app.bsky.feed.getPosts", [s](const FakeRequest& r) { return s->get_posts(r); });
  server_->on("POST", x + "com.atproto.repo.createRecord", [s](const FakeRequest& r) { return s->create_record(r); });
  server_->on("GET", x + "com.atproto.repo.getRecord", [s](const FakeRequest& r) { return s->get_record(r); });
}

FakeBluesky::~FakeBluesky() { server_.reset(); }

std::string FakeBluesky::base_url() const { return server_->base_url(); }
FakeHttpServer& FakeBluesky::server() { return *server_; }

std::vector<FakeRequest> FakeBluesky::requests_to(const std::string& nsid) const {
  std::vector<FakeRequest> out;
  for (auto& r : server_->requests())
    if (r.path == "/xrpc/" + nsid) out.push_back(std::move(r));
  return out;
}

void FakeBluesky::set_password(std::string password) {
  std::lock_guard lock(state_->mutex);
  state_->password = std::move(password);
}

void FakeBluesky::set_access_lifetime(TimeMs ms) {
  std::lock_guard lock(state_->mutex);
  state_->access_lifetime = ms;
}

void FakeBluesky::expire_access_tokens() {
  std::lock_guard lock(state_->mutex);
  for (auto& [jwt, t] : state_->tokens)
    if (t.kind == "access") t.expired = true;
}

void FakeBluesky::revoke_refresh_tokens() {
  std::lock_guard lock(state_->mutex);
  for (auto& [jwt, t] : state_->tokens)
    if (t.kind == "refresh") t.expired = true;
}

size_t FakeBluesky::logins() const {
  std::lock_guard lock(state_->mutex);
  return state_->logins;
}

size_t FakeBluesky::refreshes() const {
  std::lock_guard lock(state_->mutex);
  return state_->refreshes;
}

std::string FakeBluesky::add_post(const BlueskyPost& p) {
  std::lock_guard lock(state_->mutex);
  State::Stored st;
  st.author = Profile{did_of(p.handle), p.handle, p.display_name};
  const TimeMs created = p.created_at ? p.created_at : now_ms();
  st.post.created_at = created;
  st.post.indexed_at = p.indexed_at ? p.indexed_at : created + 300;
  st.post.rkey = tid_of(created, ++state_->clock);
  st.post.did = st.author.did;
  st.post.handle = p.handle;
  st.post.uri = "at://" + st.author.did + "/app.bsky.feed.post/" + st.post.rkey;
  st.post.cid = cid_of(st.post.uri);
  st.post.text = p.text;
  st.sort_at = std::min(st.post.created_at, st.post.indexed_at);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "$type", "app.bsky.feed.post");
  put(w, "createdAt", format_iso8601(created));
  if (!p.langs.empty()) {
    w.Key("langs");
    w.StartArray();
    for (const auto& l : p.langs) w.String(l.c_str());
    w.EndArray();
  }
  if (!p.reply_to.empty()) {
    const auto parent = state_->posts.find(p.reply_to);
    if (parent == state_->posts.end()) throw std::invalid_argument("FakeBluesky::add_post: unknown reply_to " + p.reply_to);
    const FakeBlueskyPost& pp = parent->second.post;
    std::string root_uri = pp.root_uri.empty() ? pp.uri : pp.root_uri;
    const std::string root_cid = state_->posts.count(root_uri) ? state_->posts.at(root_uri).post.cid : pp.cid;
    st.post.parent_uri = pp.uri;
    st.post.root_uri = root_uri;
    w.Key("reply");
    w.StartObject();
    w.Key("parent");
    w.StartObject();
    put(w, "cid", pp.cid);
    put(w, "uri", pp.uri);
    w.EndObject();
    w.Key("root");
    w.StartObject();
    put(w, "cid", root_cid);
    put(w, "uri", root_uri);
    w.EndObject();
    w.EndObject();
  }
  put(w, "text", p.text);
  w.EndObject();
  st.post.record_json = buf.GetString();
  state_->posts[st.post.uri] = st;
  state_->post_order.push_back(st.post.uri);
  return st.post.uri;
}

void FakeBluesky::notify(const std::string& uri, const std::string& reason) {
  std::lock_guard lock(state_->mutex);
  const auto it = state_->posts.find(uri);
  if (it == state_->posts.end()) throw std::invalid_argument("FakeBluesky::notify: unknown post " + uri);
  State::Notification n;
  n.uri = uri;
  n.reason = reason;
  n.sort_at = it->second.sort_at;
  n.cid = it->second.post.cid + reason;
  n.seq = state_->notifications.size();
  state_->notifications.push_back(std::move(n));
}

void FakeBluesky::add_raw_notification(const std::string& json, TimeMs sort_at) {
  std::lock_guard lock(state_->mutex);
  State::Notification n;
  n.raw_json = json;
  n.sort_at = sort_at;
  n.cid = cid_of(json);
  n.seq = state_->notifications.size();
  state_->notifications.push_back(std::move(n));
}

FakeBlueskyPost FakeBluesky::post(const std::string& uri) const {
  std::lock_guard lock(state_->mutex);
  return state_->posts.at(uri).post;
}

std::vector<FakeBlueskyPost> FakeBluesky::records() const {
  std::lock_guard lock(state_->mutex);
  return state_->records;
}

size_t FakeBluesky::record_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->records.size();
}

void FakeBluesky::fail_next(FakeBlueskyRoute route, size_t n, FakeResponse answer, bool made, size_t after) {
  std::lock_guard lock(state_->mutex);
  state_->pass[route] = after;
  for (size_t i = 0; i < n; ++i) state_->failures[route].push_back({answer, made});
}

FakeResponse FakeBluesky::error_answer(int status, const std::string& error, const std::string& message,
                                       std::vector<std::pair<std::string, std::string>> headers) {
  return FakeResponse{status, std::move(headers), error_body(error, message)};
}

void FakeBluesky::set_rate_limit_remaining(int remaining) {
  std::lock_guard lock(state_->mutex);
  state_->remaining = remaining;
}

void FakeBluesky::on_record(std::function<void(const FakeBlueskyPost&)> hook) {
  std::lock_guard lock(state_->mutex);
  state_->hook = std::move(hook);
}

}  // namespace carewatch::testing
