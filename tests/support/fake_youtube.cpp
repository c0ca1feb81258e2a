#include "tests/support/fake_youtube.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <optional>

#include "mention/common/url.h"

namespace carewatch::testing {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

// YouTube's times: whole seconds, "2026-12-04T10:00:00Z".
std::string youtube_time(TimeMs t) { return format_iso8601(t - t % 1000).substr(0, 19) + "Z"; }

// A YouTube-looking id made from a number: 26 characters of [A-Za-z0-9_-].
std::string made_id(const std::string& prefix, unsigned long long n) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  std::string out = prefix;
  unsigned long long h = n * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  while (out.size() < 26) {
    out.push_back(digits[h % 64]);
    h = h / 64 + (n + out.size()) * 2654435761ull;
  }
  return out;
}

std::string channel_of(const std::string& author) {
  unsigned long long h = 1469598103934665603ull;
  for (unsigned char c : author) h = (h ^ c) * 1099511628211ull;
  return made_id("UC", h).substr(0, 24);
}

// The ETag-looking string YouTube puts on every resource.
std::string etag_of(const std::string& id) { return made_id("", id.size() * 131 + static_cast<unsigned char>(id.back())).substr(0, 27); }

struct Comment {
  std::string id, parent_id, video, author, author_channel, text;
  TimeMs published = 0;
};

void write_comment(Writer& w, const Comment& c, bool with_video) {
  w.StartObject();
  put(w, "kind", "youtube#comment");
  put(w, "etag", etag_of(c.id));
  put(w, "id", c.id);
  w.Key("snippet");
  w.StartObject();
  if (with_video) put(w, "channelId", kFakeYoutubeChannel);
  if (with_video) put(w, "videoId", c.video);
  put(w, "textDisplay", c.text);
  put(w, "textOriginal", c.text);
  if (!c.parent_id.empty()) put(w, "parentId", c.parent_id);
  put(w, "authorDisplayName", c.author);
  put(w, "authorProfileImageUrl", "https://yt3.ggpht.example/ytc/" + c.author_channel + "=s48-c-k-c0x00ffffff-no-rj");
  put(w, "authorChannelUrl", "http://www.youtube.com/" + c.author);
  w.Key("authorChannelId");
  w.StartObject();
  put(w, "value", c.author_channel);
  w.EndObject();
  w.Key("canRate"), w.Bool(true);
  put(w, "viewerRating", "none");
  w.Key("likeCount"), w.Int(0);
  put(w, "publishedAt", youtube_time(c.published));
  put(w, "updatedAt", youtube_time(c.published));
  w.EndObject();
  w.EndObject();
}

std::string json_of(const std::function<void(Writer&)>& f) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  f(w);
  return buf.GetString();
}

// Offsets as opaque page tokens (YouTube's are base64 too).
std::string page_token(size_t offset) { return "Q0FF" + std::to_string(offset * 7 + 3) + "VEFB"; }
std::optional<size_t> page_offset(const std::string& token) {
  if (token.size() < 9 || token.rfind("Q0FF", 0) != 0 || token.substr(token.size() - 4) != "VEFB") return std::nullopt;
  try {
    const size_t v = std::stoul(token.substr(4, token.size() - 8));
    if (v < 3 || (v - 3) % 7) return std::nullopt;
    return (v - 3) / 7;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

struct FakeYoutube::State {
  struct Thread {
    Comment top;
    std::vector<Comment> replies;  // oldest first
    TimeMs activity() const {
      TimeMs t = top.published;
      for (const auto& r : replies) t = std::max(t, r.published);
      return t;
    }
  };
  struct Scripted {
    FakeResponse answer;
    bool posted = false;
  };

  mutable std::mutex mutex;
  std::vector<Thread> threads;  // in order added
  bool by_creation = false;
  std::vector<YoutubePosted> posts;
  std::map<std::string, TimeMs> tokens;  // access token -> expiry
  int token_lifetime = 3599;
  int issued = 0;
  bool refresh_revoked = false;
  long long quota = -1;
  long long spent = 0;
  unsigned long long next = 1;
  std::map<FakeYoutubeRoute, std::deque<Scripted>> failures;
  std::function<void(const YoutubePosted&)> hook;

  Thread* find(const std::string& id) {
    for (auto& t : threads)
      if (t.top.id == id) return &t;
    return nullptr;
  }

  std::optional<Scripted> scripted(FakeYoutubeRoute route) {
    auto& q = failures[route];
    if (q.empty()) return std::nullopt;
    Scripted s = std::move(q.front());
    q.pop_front();
    return s;
  }

  bool valid_bearer(const FakeRequest& r) {
    const auto auth = r.headers.find("authorization");
    if (auth == r.headers.end() || auth->second.rfind("Bearer ", 0) != 0) return false;
    const auto t = tokens.find(auth->second.substr(7));
    return t != tokens.end() && t->second > now_ms();
  }

  // Charges `units`; false when the quota cannot cover them.
  bool charge(long long units) {
    if (quota >= 0 && spent + units > quota) return false;
    spent += units;
    return true;
  }
};

FakeYoutube::FakeYoutube() : state_(std::make_unique<State>()), server_(std::make_unique<FakeHttpServer>()) {
  State& s = *state_;
  const auto bad_key = [](const FakeRequest& r) {
    const auto key = r.query.find("key");
    return key == r.query.end() || key->second != kFakeYoutubeKey;
  };
  const auto key_invalid = google_error(400, "keyInvalid", "API key not valid. Please pass a valid API key.");
  const auto quota_exceeded =
      google_error(403, "quotaExceeded",
                   "The request cannot be completed because you have exceeded your <a "
                   "href=\"/youtube/v3/getting-started#quota\">quota</a>.");
  const auto auth_error = google_error(401, "authError", "Request had invalid authentication credentials.");

  server_->on("GET", "/youtube/v3/commentThreads", [&s, bad_key, key_invalid, quota_exceeded](const FakeRequest& r) {
    std::lock_guard lock(s.mutex);
    if (auto f = s.scripted(FakeYoutubeRoute::threads)) return f->answer;
    if (bad_key(r)) return key_invalid;
    if (!s.charge(1)) return quota_exceeded;
    const auto channel = r.query.find("allThreadsRelatedToChannelId");
    if (channel == r.query.end() || channel->second != kFakeYoutubeChannel)
      return google_error(404, "channelNotFound", "The channel identified by the allThreadsRelatedToChannelId "
                                                 "parameter could not be found.");
    size_t max = 20;
    if (r.query.count("maxResults")) max = std::clamp<size_t>(std::stoul(r.query.at("maxResults")), 1, 100);
    size_t offset = 0;
    if (r.query.count("pageToken")) {
      const auto o = page_offset(r.query.at("pageToken"));
      if (!o) return google_error(400, "invalidPageToken", "The request specifies an invalid page token.");
      offset = *o;
    }
    std::vector<const State::Thread*> order;
    for (const auto& t : s.threads) order.push_back(&t);
    std::stable_sort(order.begin(), order.end(), [&](const State::Thread* a, const State::Thread* b) {
      return s.by_creation ? a->top.published > b->top.published : a->activity() > b->activity();
    });
    const size_t end = std::min(order.size(), offset + max);
    const std::string body = json_of([&](Writer& w) {
      w.StartObject();
      put(w, "kind", "youtube#commentThreadListResponse");
      put(w, "etag", "j6xRRd8dTPVVptg711_CSPADRfg");
      if (end < order.size()) put(w, "nextPageToken", page_token(end));
      w.Key("pageInfo");
      w.StartObject();
      w.Key("totalResults"), w.Int(static_cast<int>(end > offset ? end - offset : 0));
      w.Key("resultsPerPage"), w.Int(static_cast<int>(max));
      w.EndObject();
      w.Key("items");
      w.StartArray();
      for (size_t i = offset; i < end; ++i) {
        const State::Thread& t = *order[i];
        w.StartObject();
        put(w, "kind", "youtube#commentThread");
        put(w, "etag", etag_of(t.top.id));
        put(w, "id", t.top.id);
        w.Key("snippet");
        w.StartObject();
        put(w, "channelId", kFakeYoutubeChannel);
        put(w, "videoId", t.top.video);
        w.Key("topLevelComment");
        write_comment(w, t.top, true);
        w.Key("canReply"), w.Bool(true);
        w.Key("totalReplyCount"), w.Int(static_cast<int>(t.replies.size()));
        w.Key("isPublic"), w.Bool(true);
        w.EndObject();
        if (!t.replies.empty()) {
          w.Key("replies");
          w.StartObject();
          w.Key("comments");
          w.StartArray();
          for (size_t j = 0; j < t.replies.size() && j < 5; ++j) write_comment(w, t.replies[j], true);
          w.EndArray();
          w.EndObject();
        }
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    });
    return FakeResponse{200, {{"Content-Type", "application/json; charset=UTF-8"}}, body};
  });

  server_->on("GET", "/youtube/v3/comments", [&s, bad_key, key_invalid, quota_exceeded,
                                              auth_error](const FakeRequest& r) {
    std::lock_guard lock(s.mutex);
    if (auto f = s.scripted(FakeYoutubeRoute::comments)) return f->answer;
    if (r.headers.count("authorization")) {
      if (!s.valid_bearer(r)) return auth_error;
    } else if (bad_key(r)) {
      return key_invalid;
    }
    if (!s.charge(1)) return quota_exceeded;
    const auto parent = r.query.find("parentId");
    const State::Thread* t = parent == r.query.end() ? nullptr : s.find(parent->second);
    if (!t) return google_error(404, "commentNotFound", "The comment identified by the parentId parameter could not be found.");
    size_t max = 20;
    if (r.query.count("maxResults")) max = std::clamp<size_t>(std::stoul(r.query.at("maxResults")), 1, 100);
    size_t offset = 0;
    if (r.query.count("pageToken")) offset = page_offset(r.query.at("pageToken")).value_or(0);
    std::vector<Comment> newest_first(t->replies.rbegin(), t->replies.rend());
    const size_t end = std::min(newest_first.size(), offset + max);
    const std::string body = json_of([&](Writer& w) {
      w.StartObject();
      put(w, "kind", "youtube#commentListResponse");
      put(w, "etag", "WG_t4MaQHNzJKOhVkfr0prByYcE");
      if (end < newest_first.size()) put(w, "nextPageToken", page_token(end));
      w.Key("pageInfo");
      w.StartObject();
      w.Key("resultsPerPage"), w.Int(static_cast<int>(max));
      w.EndObject();
      w.Key("items");
      w.StartArray();
      for (size_t i = offset; i < end; ++i) write_comment(w, newest_first[i], false);
      w.EndArray();
      w.EndObject();
    });
    return FakeResponse{200, {{"Content-Type", "application/json; charset=UTF-8"}}, body};
  });

  server_->on("POST", "/youtube/v3/comments", [&s, quota_exceeded, auth_error](const FakeRequest& r) {
    std::function<void(const YoutubePosted&)> hook;
    YoutubePosted made;
    FakeResponse answer;
    {
      std::lock_guard lock(s.mutex);
      auto scripted = s.scripted(FakeYoutubeRoute::insert);
      if (scripted && !scripted->posted) return scripted->answer;
      if (!s.valid_bearer(r)) return auth_error;
      if (!s.charge(50)) return quota_exceeded;
      rapidjson::Document d;
      d.Parse(r.body.c_str(), r.body.size());
      if (d.HasParseError() || !d.IsObject() || !d.HasMember("snippet") || !d["snippet"].IsObject() ||
          !d["snippet"].HasMember("parentId") || !d["snippet"]["parentId"].IsString() ||
          !d["snippet"].HasMember("textOriginal") || !d["snippet"]["textOriginal"].IsString())
        return google_error(400, "invalidValue", "The request body is not a comment with snippet.parentId and "
                                                 "snippet.textOriginal.");
      const std::string parent = d["snippet"]["parentId"].GetString();
      State::Thread* t = s.find(parent);
      if (!t) return google_error(404, "parentCommentNotFound", "The specified parent comment could not be found.");
      Comment c;
      c.id = parent + "." + made_id("9Ax", s.next++).substr(0, 22);
      c.parent_id = parent;
      c.video = t->top.video;
      c.author = "@acmeair";
      c.author_channel = kFakeYoutubeChannel;
      c.text = std::string(d["snippet"]["textOriginal"].GetString(), d["snippet"]["textOriginal"].GetStringLength());
      c.published = now_ms();
      t->replies.push_back(c);
      made = YoutubePosted{c.id, parent, c.text, r.headers.at("authorization").substr(7)};
      s.posts.push_back(made);
      hook = s.hook;
      answer = scripted ? scripted->answer
                        : FakeResponse{200, {{"Content-Type", "application/json; charset=UTF-8"}},
                                       json_of([&](Writer& w) { write_comment(w, c, false); })};
    }
    if (hook) hook(made);
    return answer;
  });

  server_->on("POST", "/token", [&s](const FakeRequest& r) {
    std::lock_guard lock(s.mutex);
    if (auto f = s.scripted(FakeYoutubeRoute::token)) return f->answer;
    std::map<std::string, std::string> form;
    if (auto pairs = parse_query(r.body))
      for (auto& [k, v] : *pairs) form[k] = v;
    const auto json_error = [](int status, const std::string& error, const std::string& description) {
      return FakeResponse{status, {{"Content-Type", "application/json; charset=utf-8"}},
                          json_of([&](Writer& w) {
                            w.StartObject();
                            put(w, "error", error);
                            put(w, "error_description", description);
                            w.EndObject();
                          })};
    };
    if (form["grant_type"] != "refresh_token")
      return json_error(400, "unsupported_grant_type", "Invalid grant_type: " + form["grant_type"]);
    if (form["client_id"] != kFakeYoutubeClientId || form["client_secret"] != kFakeYoutubeClientSecret)
      return json_error(401, "invalid_client", "Unauthorized");
    if (s.refresh_revoked || form["refresh_token"] != kFakeYoutubeRefreshToken)
      return json_error(400, "invalid_grant", "Token has been expired or revoked.");
    const std::string token = "ya29.a0Fake" + std::to_string(++s.issued) + "-access";
    s.tokens[token] = now_ms() + s.token_lifetime * 1000LL;
    return FakeResponse{200, {{"Content-Type", "application/json; charset=utf-8"}}, json_of([&](Writer& w) {
                          w.StartObject();
                          put(w, "access_token", token);
                          w.Key("expires_in"), w.Int(s.token_lifetime);
                          put(w, "scope", "https://www.googleapis.com/auth/youtube.force-ssl");
                          put(w, "token_type", "Bearer");
                          w.EndObject();
                        })};
  });
}

FakeYoutube::~FakeYoutube() { server_.reset(); }

std::string FakeYoutube::base_url() const { return server_->base_url() + "/youtube/v3"; }
std::string FakeYoutube::token_url() const { return server_->base_url() + "/token"; }
FakeHttpServer& FakeYoutube::server() { return *server_; }

std::vector<FakeRequest> FakeYoutube::requests_to(FakeYoutubeRoute route) const {
  std::vector<FakeRequest> out;
  for (auto& r : server_->requests()) {
    const bool match = (route == FakeYoutubeRoute::threads && r.path == "/youtube/v3/commentThreads") ||
                       (route == FakeYoutubeRoute::comments && r.method == "GET" && r.path == "/youtube/v3/comments") ||
                       (route == FakeYoutubeRoute::insert && r.method == "POST" && r.path == "/youtube/v3/comments") ||
                       (route == FakeYoutubeRoute::token && r.path == "/token");
    if (match) out.push_back(std::move(r));
  }
  return out;
}

std::string FakeYoutube::add_thread(const std::string& video, YoutubeComment top) {
  std::lock_guard lock(state_->mutex);
  State::Thread t;
  t.top.id = top.id.empty() ? made_id("Ugz", state_->next++) : top.id;
  t.top.video = video;
  t.top.author = top.author;
  t.top.author_channel = top.author_channel.empty() ? channel_of(top.author) : top.author_channel;
  t.top.text = top.text;
  t.top.published = top.published ? top.published : now_ms();
  state_->threads.push_back(t);
  return t.top.id;
}

std::string FakeYoutube::add_reply(const std::string& thread, YoutubeComment reply) {
  std::lock_guard lock(state_->mutex);
  State::Thread* t = state_->find(thread);
  if (!t) return {};
  Comment c;
  c.id = reply.id.empty() ? thread + "." + made_id("9Az", state_->next++).substr(0, 22) : reply.id;
  c.parent_id = thread;
  c.video = t->top.video;
  c.author = reply.author;
  c.author_channel = reply.author_channel.empty() ? channel_of(reply.author) : reply.author_channel;
  c.text = reply.text;
  c.published = reply.published ? reply.published : now_ms();
  t->replies.push_back(c);
  return c.id;
}

void FakeYoutube::order_by_creation(bool on) {
  std::lock_guard lock(state_->mutex);
  state_->by_creation = on;
}

std::vector<YoutubePosted> FakeYoutube::posts() const {
  std::lock_guard lock(state_->mutex);
  return state_->posts;
}

void FakeYoutube::set_token_lifetime(int seconds) {
  std::lock_guard lock(state_->mutex);
  state_->token_lifetime = seconds;
}

void FakeYoutube::expire_tokens() {
  std::lock_guard lock(state_->mutex);
  state_->tokens.clear();
}

void FakeYoutube::revoke_refresh_token() {
  std::lock_guard lock(state_->mutex);
  state_->refresh_revoked = true;
  state_->tokens.clear();
}

int FakeYoutube::tokens_issued() const {
  std::lock_guard lock(state_->mutex);
  return state_->issued;
}

void FakeYoutube::set_quota(long long units) {
  std::lock_guard lock(state_->mutex);
  state_->quota = units;
  state_->spent = 0;
}

long long FakeYoutube::units_spent() const {
  std::lock_guard lock(state_->mutex);
  return state_->spent;
}

void FakeYoutube::fail_next(FakeYoutubeRoute route, size_t n, FakeResponse answer) {
  std::lock_guard lock(state_->mutex);
  for (size_t i = 0; i < n; ++i) state_->failures[route].push_back({answer, false});
}

void FakeYoutube::fail_next_posts(size_t n, FakeResponse answer, bool posted) {
  std::lock_guard lock(state_->mutex);
  for (size_t i = 0; i < n; ++i) state_->failures[FakeYoutubeRoute::insert].push_back({answer, posted});
}

FakeResponse FakeYoutube::google_error(int status, const std::string& reason, const std::string& message) {
  const std::string domain = reason == "quotaExceeded" ? "youtube.quota"
                             : reason == "keyInvalid"  ? "usageLimits"
                             : reason == "authError"   ? "global"
                                                       : "youtube.commentThread";
  return FakeResponse{status, {{"Content-Type", "application/json; charset=UTF-8"}}, json_of([&](Writer& w) {
                        w.StartObject();
                        w.Key("error");
                        w.StartObject();
                        w.Key("code"), w.Int(status);
                        put(w, "message", message);
                        w.Key("errors");
                        w.StartArray();
                        w.StartObject();
                        put(w, "message", message);
                        put(w, "domain", domain);
                        put(w, "reason", reason);
                        w.EndObject();
                        w.EndArray();
                        w.EndObject();
                        w.EndObject();
                      })};
}

void FakeYoutube::on_post(std::function<void(const YoutubePosted&)> hook) {
  std::lock_guard lock(state_->mutex);
  state_->hook = std::move(hook);
}

}  // namespace carewatch::testing
