#include "tests/support/fake_mastodon.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "mention/common/url.h"

namespace carewatch::testing {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::uint64_t kFirstStatusId = 113600000000000001ull;
constexpr const char* kOtherAccountId = "109500000000000099";  // "carol", for add_reply

// Mastodon ids are big numbers as strings: a shorter id is older.
bool id_less(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// A stable, Mastodon-looking account id for an acct.
std::string account_id_of(const std::string& acct) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : acct) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::string digits = std::to_string(h % 100000000000000ull);
  return "1094" + std::string(14 - digits.size(), '0') + digits;
}

std::string escape_html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool username_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The profile URL of an acct: "dan" on this instance, "kim@mas.example" elsewhere.
std::string profile_url(const std::string& base, const std::string& acct) {
  const auto at = acct.find('@');
  if (at == std::string::npos) return base + "/@" + acct;
  return "https://" + acct.substr(at + 1) + "/@" + acct.substr(0, at);
}

struct TextMentionFound {
  std::string acct;  // "dan" or "kim@mas.example"
};

// One word of a status, rendered as Mastodon's formatter renders it: a link (its display text
// cut after 30 characters into "invisible" / "ellipsis" spans), a mention (an h-card with the
// username only), or escaped text. Mentions found are appended to `mentioned`.
std::string render_word(const std::string& base, std::string_view word, std::vector<std::string>& mentioned) {
  if (starts_with(word, "http://") || starts_with(word, "https://")) {
    size_t end = word.size();
    while (end > 0 && std::string_view(".,!?;:").find(word[end - 1]) != std::string_view::npos) --end;
    const std::string_view url = word.substr(0, end);
    const size_t scheme = starts_with(url, "https://") ? 8 : 7;
    std::string_view display = url.substr(scheme);
    size_t cut = std::min<size_t>(display.size(), 30);
    while (cut < display.size() && (static_cast<unsigned char>(display[cut]) & 0xC0) == 0x80) ++cut;
    std::string out = "<a href=\"" + escape_html(url) +
                      "\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\"><span class=\"invisible\">" +
                      escape_html(url.substr(0, scheme)) + "</span>";
    if (cut < display.size())
      out += "<span class=\"ellipsis\">" + escape_html(display.substr(0, cut)) + "</span><span class=\"invisible\">" +
             escape_html(display.substr(cut)) + "</span>";
    else
      out += "<span class=\"\">" + escape_html(display) + "</span>";
    return out + "</a>" + escape_html(word.substr(end));
  }
  if (word.size() > 1 && word[0] == '@' && username_char(word[1])) {
    size_t end = 1;
    while (end < word.size() && (username_char(word[end]) || word[end] == '.' || word[end] == '-')) ++end;
    while (end > 1 && !username_char(word[end - 1])) --end;
    const std::string username(word.substr(1, end - 1));
    std::string acct = username;
    if (end < word.size() && word[end] == '@') {
      size_t d = end + 1;
      while (d < word.size() && (username_char(word[d]) || word[d] == '.' || word[d] == '-')) ++d;
      while (d > end + 1 && !username_char(word[d - 1])) --d;
      if (d > end + 1) {
        acct += "@" + std::string(word.substr(end + 1, d - end - 1));
        end = d;
      }
    }
    // An acct qualified with this instance's own host is a local account.
    const auto host = base.substr(base.find("://") + 3);
    const std::string host_name = host.substr(0, host.find(':'));
    if (const auto at = acct.find('@'); at != std::string::npos && acct.substr(at + 1) == host_name)
      acct = acct.substr(0, at);
    mentioned.push_back(acct);
    return "<span class=\"h-card\" translate=\"no\"><a href=\"" + escape_html(profile_url(base, acct)) +
           "\" class=\"u-url mention\">@<span>" + escape_html(username) + "</span></a></span>" +
           escape_html(word.substr(end));
  }
  return escape_html(word);
}

// A status text as Mastodon's HTML: paragraphs at blank lines, <br /> at line breaks.
std::string render_content(const std::string& base, const std::string& text, std::vector<std::string>& mentioned) {
  std::string out = "<p>";
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '\n') {
      size_t n = 0;
      while (i < text.size() && text[i] == '\n') ++i, ++n;
      out += n >= 2 ? "</p><p>" : "<br />";
      continue;
    }
    if (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
      out.push_back(text[i++]);
      continue;
    }
    const size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n') ++i;
    out += render_word(base, std::string_view(text).substr(start, i - start), mentioned);
  }
  return out + "</p>";
}

void string_or_null(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  if (value.empty()) w.Null();
  else w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_account(Writer& w, const std::string& base, const std::string& id, const std::string& acct,
                   const std::string& display_name, int followers, bool credentials) {
  const std::string username = acct.substr(0, acct.find('@'));
  const std::string url = profile_url(base, acct);
  w.StartObject();
  put(w, "id", id);
  put(w, "username", username);
  put(w, "acct", acct);
  put(w, "display_name", display_name);
  w.Key("locked"), w.Bool(false);
  w.Key("bot"), w.Bool(false);
  w.Key("discoverable"), w.Bool(true);
  w.Key("indexable"), w.Bool(true);
  w.Key("group"), w.Bool(false);
  put(w, "created_at", "2024-03-02T00:00:00.000Z");
  put(w, "note", "");
  put(w, "url", url);
  put(w, "uri", url.substr(0, url.find("/@")) + "/users/" + username);
  put(w, "avatar", base + "/avatars/original/missing.png");
  put(w, "avatar_static", base + "/avatars/original/missing.png");
  put(w, "header", base + "/headers/original/missing.png");
  put(w, "header_static", base + "/headers/original/missing.png");
  w.Key("followers_count"), w.Int(followers);
  w.Key("following_count"), w.Int(120);
  w.Key("statuses_count"), w.Int(842);
  put(w, "last_status_at", "2026-11-22");
  w.Key("hide_collections"), w.Null();
  w.Key("noindex"), w.Bool(false);
  w.Key("emojis"), w.StartArray(), w.EndArray();
  w.Key("roles"), w.StartArray(), w.EndArray();
  w.Key("fields"), w.StartArray(), w.EndArray();
  if (credentials) {
    w.Key("source");
    w.StartObject();
    put(w, "privacy", "public");
    w.Key("sensitive"), w.Bool(false);
    put(w, "language", "en");
    put(w, "note", "");
    w.Key("fields"), w.StartArray(), w.EndArray();
    w.Key("follow_requests_count"), w.Int(0);
    w.EndObject();
  }
  w.EndObject();
}

struct StatusFields {
  std::string id, created_at, in_reply_to_id, in_reply_to_account_id, visibility, text;
  std::string account_id, acct, display_name;
  int followers = 0;
};

// A status in Mastodon's shape.
std::string status_json(const std::string& base, const StatusFields& f) {
  std::vector<std::string> mentioned;
  const std::string content = render_content(base, f.text, mentioned);
  const std::string username = f.acct.substr(0, f.acct.find('@'));
  const std::string profile = profile_url(base, f.acct);
  const std::string origin = profile.substr(0, profile.find("/@"));
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "id", f.id);
  put(w, "created_at", f.created_at);
  string_or_null(w, "in_reply_to_id", f.in_reply_to_id);
  string_or_null(w, "in_reply_to_account_id", f.in_reply_to_account_id);
  w.Key("sensitive"), w.Bool(false);
  put(w, "spoiler_text", "");
  put(w, "visibility", f.visibility);
  put(w, "language", "en");
  put(w, "uri", origin + "/users/" + username + "/statuses/" + f.id);
  put(w, "url", profile + "/" + f.id);
  w.Key("replies_count"), w.Int(0);
  w.Key("reblogs_count"), w.Int(0);
  w.Key("favourites_count"), w.Int(0);
  w.Key("quotes_count"), w.Int(0);
  w.Key("edited_at"), w.Null();
  w.Key("favourited"), w.Bool(false);
  w.Key("reblogged"), w.Bool(false);
  w.Key("muted"), w.Bool(false);
  w.Key("bookmarked"), w.Bool(false);
  w.Key("pinned"), w.Bool(false);
  put(w, "content", content);
  w.Key("filtered"), w.StartArray(), w.EndArray();
  w.Key("reblog"), w.Null();
  w.Key("application");
  w.StartObject();
  put(w, "name", "Web");
  w.Key("website"), w.Null();
  w.EndObject();
  w.Key("account");
  write_account(w, base, f.account_id, f.acct, f.display_name, f.followers, false);
  w.Key("media_attachments"), w.StartArray(), w.EndArray();
  w.Key("mentions");
  w.StartArray();
  for (const auto& acct : mentioned) {
    w.StartObject();
    put(w, "id", acct == kFakeBrandAcct ? std::string(kFakeBrandAccountId) : account_id_of(acct));
    put(w, "username", acct.substr(0, acct.find('@')));
    put(w, "url", profile_url(base, acct));
    put(w, "acct", acct);
    w.EndObject();
  }
  w.EndArray();
  w.Key("tags"), w.StartArray(), w.EndArray();
  w.Key("emojis"), w.StartArray(), w.EndArray();
  w.Key("card"), w.Null();
  w.Key("poll"), w.Null();
  w.EndObject();
  return buf.GetString();
}

std::string error_body(const std::string& error) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "error", error);
  w.EndObject();
  return buf.GetString();
}

// The value of a string member of a JSON object, or "".
std::string string_member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                     : std::string();
}

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  v.Accept(w);
  return buf.GetString();
}

}  // namespace

struct FakeMastodon::State {
  struct Notification {
    std::string id, type, json;
  };
  struct Known {
    std::string in_reply_to_id, json;
  };
  struct Scripted {
    FakeResponse answer;
    bool posted = false;
  };

  mutable std::mutex mutex;  // guards everything below
  std::string base;
  std::string token;
  std::vector<Notification> notifications;
  std::map<std::string, Known> statuses;  // by id: customers' and made
  std::vector<FakeStatus> posts;
  std::map<std::string, std::string> keys;  // Idempotency-Key -> status id
  std::map<FakeMastodonRoute, std::deque<Scripted>> failures;
  PostHook hook;
  std::uint64_t next_id = kFirstStatusId;
  FakeHttpServer* server = nullptr;

  // The answer to give instead of serving `r`: a 401 for a wrong token, else the next scripted
  // failure of `route`. `posted` (posts only) is set when the scripted post is made all the same.
  std::optional<FakeResponse> refused(const FakeRequest& r, FakeMastodonRoute route, bool* posted = nullptr) {
    std::lock_guard lock(mutex);
    if (!token.empty()) {
      const auto auth = r.headers.find("authorization");
      if (auth == r.headers.end() || auth->second != "Bearer " + token)
        return error_answer(401, "The access token is invalid");
    }
    auto& queue = failures[route];
    if (queue.empty()) return std::nullopt;
    Scripted next = std::move(queue.front());
    queue.pop_front();
    if (posted) *posted = next.posted;
    return std::move(next.answer);
  }

  // Serves GET /api/v1/statuses/<id> and .../context from now on.
  void know(const std::string& id) {
    server->on("GET", "/api/v1/statuses/" + id, [this, id](const FakeRequest& r) { return status(r, id); });
    server->on("GET", "/api/v1/statuses/" + id + "/context", [this, id](const FakeRequest& r) { return context(r, id); });
  }

  FakeResponse notifications_page(const FakeRequest& r) {
    if (auto no = refused(r, FakeMastodonRoute::notifications)) return *no;
    std::vector<std::string> types;
    for (const auto& [key, value] : r.query_list)
      if (key == "types[]") types.push_back(value);
    size_t limit = 40;
    if (auto it = r.query.find("limit"); it != r.query.end()) {
      try {
        limit = std::clamp<size_t>(std::stoul(it->second), 1, 80);
      } catch (...) {
      }
    }
    const auto min_id = r.query.count("min_id") ? r.query.at("min_id") : std::string();
    std::vector<Notification> page;
    {
      std::lock_guard lock(mutex);
      for (const auto& n : notifications) {
        if (!types.empty() && std::find(types.begin(), types.end(), n.type) == types.end()) continue;
        if (!min_id.empty() && !id_less(min_id, n.id)) continue;
        page.push_back(n);
      }
    }
    std::sort(page.begin(), page.end(), [](const auto& a, const auto& b) { return id_less(b.id, a.id); });
    // min_id: the page just above it (the oldest of the newer ones); else the newest page.
    if (page.size() > limit) {
      if (min_id.empty()) page.erase(page.begin() + static_cast<std::ptrdiff_t>(limit), page.end());
      else page.erase(page.begin(), page.end() - static_cast<std::ptrdiff_t>(limit));
    }
    std::string body = "[";
    for (const auto& n : page) body += (body.size() > 1 ? "," : "") + n.json;
    body += "]";
    FakeResponse out{200, {}, body};
    if (!page.empty()) {
      const std::string url = base + "/api/v1/notifications";
      out.headers.emplace_back("Link", "<" + url + "?min_id=" + page.front().id + ">; rel=\"prev\", <" + url +
                                           "?max_id=" + page.back().id + ">; rel=\"next\"");
    }
    return out;
  }

  FakeResponse post_status(const FakeRequest& r) {
    bool posted_anyway = false;
    std::optional<FakeResponse> scripted = refused(r, FakeMastodonRoute::post_status, &posted_anyway);
    if (scripted && !posted_anyway) return *scripted;
    std::map<std::string, std::string> form;
    if (auto pairs = parse_query(r.body))
      for (auto& [k, v] : *pairs) form[k] = v;
    const std::string text = form["status"];
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
      return error_answer(422, "Validation failed: Text can't be blank");
    const std::string key = r.headers.count("idempotency-key") ? r.headers.at("idempotency-key") : std::string();
    FakeStatus made;
    {
      std::lock_guard lock(mutex);
      if (!key.empty()) {
        if (auto it = keys.find(key); it != keys.end()) {
          if (scripted) return *scripted;
          return FakeResponse{200, {}, statuses.at(it->second).json};  // the status the key made
        }
      }
      made.id = std::to_string(next_id++);
      made.created_at_ms = now_ms();
      made.created_at = format_iso8601(made.created_at_ms);
      made.url = base + "/@" + kFakeBrandAcct + "/" + made.id;
      made.in_reply_to_id = form["in_reply_to_id"];
      made.text = text;
      made.visibility = form.count("visibility") ? form["visibility"] : "public";
      made.idempotency_key = key;
      made.account_id = kFakeBrandAccountId;
      made.json = make_status(made, kFakeBrandAcct, "Acme Air", 48210);
      posts.push_back(made);
      statuses[made.id] = {made.in_reply_to_id, made.json};
      if (!key.empty()) keys[key] = made.id;
    }
    know(made.id);
    PostHook h;
    {
      std::lock_guard lock(mutex);
      h = hook;
    }
    if (h) h(r, made);
    if (scripted) return *scripted;
    return FakeResponse{200, {}, made.json};
  }

  // Called with `mutex` held.
  std::string make_status(const FakeStatus& s, const std::string& acct, const std::string& display_name,
                          int followers) const {
    StatusFields f;
    f.id = s.id;
    f.created_at = s.created_at;
    f.in_reply_to_id = s.in_reply_to_id;
    if (!s.in_reply_to_id.empty()) {
      if (auto parent = statuses.find(s.in_reply_to_id); parent != statuses.end()) {
        rapidjson::Document d;
        d.Parse(parent->second.json.c_str());
        if (!d.HasParseError() && d.IsObject() && d.HasMember("account"))
          f.in_reply_to_account_id = string_member(d["account"], "id");
      }
    }
    f.visibility = s.visibility;
    f.text = s.text;
    f.account_id = s.account_id;
    f.acct = acct;
    f.display_name = display_name;
    f.followers = followers;
    return status_json(base, f);
  }

  FakeResponse status(const FakeRequest& r, const std::string& id) {
    if (auto no = refused(r, FakeMastodonRoute::status)) return *no;
    std::lock_guard lock(mutex);
    const auto it = statuses.find(id);
    if (it == statuses.end()) return error_answer(404, "Record not found");
    return FakeResponse{200, {}, it->second.json};
  }

  FakeResponse context(const FakeRequest& r, const std::string& id) {
    if (auto no = refused(r, FakeMastodonRoute::context)) return *no;
    std::lock_guard lock(mutex);
    if (!statuses.count(id)) return error_answer(404, "Record not found");
    std::vector<std::string> ancestors;
    for (std::string up = statuses.at(id).in_reply_to_id; !up.empty() && statuses.count(up) &&
                                                          ancestors.size() < statuses.size();
         up = statuses.at(up).in_reply_to_id)
      ancestors.insert(ancestors.begin(), statuses.at(up).json);
    // Descendants: depth first, replies to one status oldest first (statuses is ordered by id).
    std::vector<std::string> descendants;
    std::function<void(const std::string&)> walk = [&](const std::string& parent) {
      for (const auto& [child, known] : statuses)
        if (known.in_reply_to_id == parent && descendants.size() < statuses.size()) {
          descendants.push_back(known.json);
          walk(child);
        }
    };
    walk(id);
    std::string body = "{\"ancestors\":[";
    for (size_t i = 0; i < ancestors.size(); ++i) body += (i ? "," : "") + ancestors[i];
    body += "],\"descendants\":[";
    for (size_t i = 0; i < descendants.size(); ++i) body += (i ? "," : "") + descendants[i];
    return FakeResponse{200, {}, body + "]}"};
  }

  FakeResponse verify_credentials(const FakeRequest& r) {
    if (auto no = refused(r, FakeMastodonRoute::verify_credentials)) return *no;
    rapidjson::StringBuffer buf;
    Writer w(buf);
    write_account(w, base, kFakeBrandAccountId, kFakeBrandAcct, "Acme Air", 48210, true);
    return FakeResponse{200, {}, buf.GetString()};
  }
};

FakeMastodon::FakeMastodon(std::string token)
    : state_(std::make_unique<State>()), server_(std::make_unique<FakeHttpServer>()) {
  State* s = state_.get();
  s->base = server_->base_url();
  s->token = std::move(token);
  s->server = server_.get();
  server_->on("GET", "/api/v1/notifications", [s](const FakeRequest& r) { return s->notifications_page(r); });
  server_->on("POST", "/api/v1/statuses", [s](const FakeRequest& r) { return s->post_status(r); });
  server_->on("GET", "/api/v1/accounts/verify_credentials",
              [s](const FakeRequest& r) { return s->verify_credentials(r); });
}

FakeMastodon::~FakeMastodon() { server_.reset(); }  // its threads use the state: stop them first

std::string FakeMastodon::base_url() const { return server_->base_url(); }

FakeHttpServer& FakeMastodon::server() { return *server_; }

std::vector<FakeRequest> FakeMastodon::requests() const { return server_->requests(); }

std::vector<FakeRequest> FakeMastodon::requests_to(const std::string& path) const {
  std::vector<FakeRequest> out;
  for (auto& r : server_->requests())
    if (r.path == path) out.push_back(std::move(r));
  return out;
}

void FakeMastodon::set_token(std::string token) {
  std::lock_guard lock(state_->mutex);
  state_->token = std::move(token);
}

std::string FakeMastodon::mention_notification(const CustomerPost& post) const {
  const TimeMs at = post.created_at ? post.created_at : now_ms();
  const std::string account_id = account_id_of(post.acct);
  const std::string display_name = post.acct.substr(0, post.acct.find('@'));
  StatusFields f;
  f.id = post.status_id;
  f.created_at = format_iso8601(at);
  f.in_reply_to_id = post.in_reply_to_id;
  if (!post.in_reply_to_id.empty()) {
    std::lock_guard lock(state_->mutex);
    if (auto it = state_->statuses.find(post.in_reply_to_id); it != state_->statuses.end()) {
      rapidjson::Document d;
      d.Parse(it->second.json.c_str());
      if (!d.HasParseError() && d.IsObject() && d.HasMember("account"))
        f.in_reply_to_account_id = string_member(d["account"], "id");
    }
  }
  f.visibility = post.visibility;
  f.text = post.text;
  f.account_id = account_id;
  f.acct = post.acct;
  f.display_name = display_name;
  f.followers = 312;
  const std::string status = status_json(state_->base, f);

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  put(w, "id", post.notification_id);
  put(w, "type", "mention");
  put(w, "created_at", format_iso8601(at + 500));
  put(w, "group_key", "ungrouped-" + post.notification_id);
  w.Key("account");
  write_account(w, state_->base, account_id, post.acct, display_name, 312, false);
  w.Key("status");
  w.RawValue(status.c_str(), status.size(), rapidjson::kObjectType);
  w.EndObject();
  return buf.GetString();
}

void FakeMastodon::add_notification(const std::string& notification_json) {
  rapidjson::Document d;
  d.Parse(notification_json.c_str(), notification_json.size());
  if (d.HasParseError() || !d.IsObject() || string_member(d, "id").empty())
    throw std::invalid_argument("FakeMastodon::add_notification: expected a JSON object with a string \"id\"");
  State::Notification n{string_member(d, "id"), string_member(d, "type"), notification_json};
  std::string status_id;
  {
    std::lock_guard lock(state_->mutex);
    state_->notifications.push_back(std::move(n));
    if (d.HasMember("status") && d["status"].IsObject()) {
      status_id = string_member(d["status"], "id");
      if (!status_id.empty())
        state_->statuses[status_id] = {string_member(d["status"], "in_reply_to_id"), to_json(d["status"])};
    }
  }
  if (!status_id.empty()) state_->know(status_id);
}

void FakeMastodon::clear_notifications() {
  std::lock_guard lock(state_->mutex);
  state_->notifications.clear();
}

size_t FakeMastodon::post_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->posts.size();
}

std::vector<FakeStatus> FakeMastodon::posts() const {
  std::lock_guard lock(state_->mutex);
  return state_->posts;
}

FakeStatus FakeMastodon::add_reply(const std::string& in_reply_to_id, const std::string& text, bool by_brand) {
  FakeStatus s;
  {
    std::lock_guard lock(state_->mutex);
    s.id = std::to_string(state_->next_id++);
    s.created_at_ms = now_ms();
    s.created_at = format_iso8601(s.created_at_ms);
    s.in_reply_to_id = in_reply_to_id;
    s.text = text;
    s.visibility = "public";
    s.account_id = by_brand ? kFakeBrandAccountId : kOtherAccountId;
    const std::string acct = by_brand ? kFakeBrandAcct : "carol";
    s.url = state_->base + "/@" + acct + "/" + s.id;
    s.json = state_->make_status(s, acct, by_brand ? "Acme Air" : "Carol", 10);
    state_->statuses[s.id] = {s.in_reply_to_id, s.json};
  }
  state_->know(s.id);
  return s;
}

void FakeMastodon::forget_idempotency_keys() {
  std::lock_guard lock(state_->mutex);
  state_->keys.clear();
}

void FakeMastodon::fail_next(FakeMastodonRoute route, size_t n, FakeResponse answer) {
  std::lock_guard lock(state_->mutex);
  for (size_t i = 0; i < n; ++i) state_->failures[route].push_back({answer, false});
}

void FakeMastodon::fail_next_posts(size_t n, FakeResponse answer, bool posted) {
  std::lock_guard lock(state_->mutex);
  for (size_t i = 0; i < n; ++i) state_->failures[FakeMastodonRoute::post_status].push_back({answer, posted});
}

FakeResponse FakeMastodon::error_answer(int status, const std::string& error,
                                        std::vector<std::pair<std::string, std::string>> headers) {
  return FakeResponse{status, std::move(headers), error_body(error)};
}

void FakeMastodon::on_post(PostHook hook) {
  std::lock_guard lock(state_->mutex);
  state_->hook = std::move(hook);
}

}  // namespace carewatch::testing
