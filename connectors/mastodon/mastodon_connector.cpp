#include "connectors/mastodon/mastodon_connector.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "connectors/http/retry_policy.h"
#include "connectors/mastodon/html_text.h"
#include "mention/common/url.h"
#include "mention/mention_json.h"

namespace carewatch {

namespace {

using std::chrono::milliseconds;
using rapidjson::Value;

constexpr const char* kPlatform = "mastodon";
constexpr size_t kMaxWarningsPerBatch = 20;

// ---------------------------------------------------------------------------------------------
// Text, ids and JSON values

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, 80)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  if (s.size() > 80) out += "...";
  return out + "\"";
}

const char* type_name(const Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "a boolean";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  if (v.IsArray()) return "an array";
  return "an object";
}

std::string to_text(const Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string str(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// A Mastodon id: a non-empty string of ASCII letters and digits (Mastodon's are decimal
// snowflakes; a few compatible servers use fixed-length base-62 ids, which order the same way).
bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  return true;
}

// Ids are big numbers as strings: a longer id is newer; equal lengths compare as text. Never
// converted to double (snowflake ids exceed 2^53).
bool id_less(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

// ---------------------------------------------------------------------------------------------
// Options (read by OptionReader; here what schema.json cannot express)

// A tag or query listed twice in other letter case (the schema's uniqueItems is case-sensitive;
// Mastodon's tags and search are not).
bool listed_twice(const std::vector<std::string>& list, const std::string& name, std::string& error) {
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i)
    if (!seen.insert(lower(list[i])).second) {
      error = "options." + name + "[" + std::to_string(i) + "]: " + quoted(list[i]) + " is listed twice";
      return true;
    }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Link header: the URL of rel="prev" (Mastodon's link to newer items), or empty.

std::string link_prev(std::string_view h) {
  size_t i = 0;
  while (i < h.size()) {
    const size_t open = h.find('<', i);
    if (open == std::string_view::npos) return {};
    const size_t close = h.find('>', open + 1);
    if (close == std::string_view::npos) return {};
    const std::string_view url = h.substr(open + 1, close - open - 1);
    size_t end = h.find(',', close + 1);
    const size_t next_open = h.find('<', close + 1);
    if (next_open != std::string_view::npos && (end == std::string_view::npos || next_open < end))
      end = next_open;
    if (end == std::string_view::npos) end = h.size();
    const std::string params = lower(std::string(h.substr(close + 1, end - close - 1)));
    // rel="prev" or rel=prev, possibly among other relation types.
    const size_t rel = params.find("rel=");
    if (rel != std::string::npos) {
      std::string value = params.substr(rel + 4);
      if (!value.empty() && value.front() == '"') {
        const size_t q = value.find('"', 1);
        value = value.substr(1, q == std::string::npos ? std::string::npos : q - 1);
      } else {
        value = value.substr(0, value.find(';'));
      }
      size_t p = 0;
      while (p < value.size()) {
        while (p < value.size() && value[p] == ' ') ++p;
        const size_t e = std::min(value.size(), value.find(' ', p));
        if (value.substr(p, e - p) == "prev" || value.substr(p, e - p) == "previous")
          return std::string(url);
        p = e;
      }
    }
    i = end;
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Streams: one per hashtag, the notifications, one per search query.

enum class StreamKind { hashtag, notifications, search };

struct Stream {
  StreamKind kind;
  std::string key;    // in the cursor: "tag:<tag>", "notifications", "search:<query>"
  std::string label;  // in messages: "#<tag>", "notifications", "search \"<query>\""
  std::string value;  // the tag or query
};

// One page's entries in the order received (newest first).
struct PageEntry {
  std::string cursor_id;        // the id that orders this entry (status or notification id)
  const Value* status = nullptr;  // the status to map, null when the entry is skipped
  std::string path;             // "statuses[3]" / "notifications[3].status", for warnings
};

struct FetchError {
  PollError error;
  bool stop_all = false;  // rate-limited or unreachable: do not call the instance again this poll
};

class MastodonConnector final : public Connector {
 public:
  // `instance`, `host`: the options' instance as parse_base_url reads it (no trailing '/'); the
  // host name qualifies local handles.
  MastodonConnector(std::string source, MastodonOptions options, std::string instance, std::string host,
                    std::shared_ptr<HttpClient> http)
      : source_(std::move(source)),
        opt_(std::move(options)),
        instance_(std::move(instance)),
        host_(std::move(host)),
        token_(opt_.access_token.value_or("")),
        http_(std::move(http)) {
    for (const auto& t : opt_.hashtags) streams_.push_back({StreamKind::hashtag, "tag:" + t, "#" + t, t});
    if (opt_.notifications) streams_.push_back({StreamKind::notifications, "notifications", "notifications", ""});
    for (const auto& q : opt_.search)
      streams_.push_back({StreamKind::search, "search:" + q, "search " + quoted(q), q});
  }

  PollResult poll(const std::string& cursor) override {
    try {
      std::lock_guard lock(mutex_);
      return poll_locked(cursor);
    } catch (const std::exception& e) {
      return PollResult::fail({PollError::Kind::retry, std::string("mastodon: unexpected error: ") + e.what(), {}});
    } catch (...) {
      return PollResult::fail({PollError::Kind::retry, "mastodon: unexpected error", {}});
    }
  }

  std::optional<std::string> reply(const Mention& mention, const std::string& text) override {
    try {
      return reply_impl(mention, text);
    } catch (const std::exception& e) {
      return std::string("mastodon reply: unexpected error: ") + e.what();
    } catch (...) {
      return std::string("mastodon reply: unexpected error");
    }
  }

  std::uint64_t reblogs_skipped() const { return reblogs_skipped_.load(); }

 private:
  // -- cursor --------------------------------------------------------------------------------

  static bool parse_cursor(const std::string& cursor, std::map<std::string, std::string>& out,
                           std::string& error) {
    if (cursor.empty()) return true;
    rapidjson::Document doc;
    doc.Parse(cursor.c_str(), cursor.size());
    if (doc.HasParseError() || !doc.IsObject()) {
      error = "cursor: expected a JSON object of stream -> newest id, got " + quoted(cursor);
      return false;
    }
    for (const auto& m : doc.GetObject()) {
      if (!m.value.IsString() || !valid_id(std::string_view(m.value.GetString(), m.value.GetStringLength()))) {
        error = "cursor: " + quoted(str(m.name)) + ": expected an id string";
        return false;
      }
      out[str(m.name)] = str(m.value);
    }
    return true;
  }

  static std::string write_cursor(const std::map<std::string, std::string>& newest) {
    rapidjson::Document doc(rapidjson::kObjectType);
    auto& a = doc.GetAllocator();
    for (const auto& [k, v] : newest)
      doc.AddMember(Value(k.c_str(), static_cast<rapidjson::SizeType>(k.size()), a),
                    Value(v.c_str(), static_cast<rapidjson::SizeType>(v.size()), a), a);
    return to_text(doc);
  }

  // -- requests ------------------------------------------------------------------------------

  std::string stream_url(const Stream& s, const std::optional<std::string>& min_id) const {
    std::string path;
    QueryPairs query;
    switch (s.kind) {
      case StreamKind::hashtag:
        path = "/api/v1/timelines/tag/" + percent_encode(s.value);
        break;
      case StreamKind::notifications:
        path = "/api/v1/notifications";
        query = {{"types[]", "mention"}};
        break;
      case StreamKind::search:
        path = "/api/v2/search";
        query = {{"q", s.value}, {"type", "statuses"}, {"resolve", "false"}};
        break;
    }
    query.emplace_back("limit", std::to_string(opt_.limit));
    if (min_id) query.emplace_back("min_id", *min_id);
    return instance_ + path + "?" + encode_query(query);
  }

  HttpRequest make_request(std::string method, std::string url) const {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.timeout = opt_.timeout;
    r.headers.emplace_back("Accept", "application/json");
    if (!token_.empty()) r.headers.emplace_back("Authorization", "Bearer " + token_);
    return r;
  }

  // The "error" text of a Mastodon error body ({"error": "..."}), for a fatal message.
  static std::string error_detail(const HttpResponse& resp) {
    rapidjson::Document d;
    d.Parse(resp.body.c_str(), resp.body.size());
    if (d.HasParseError() || !d.IsObject()) return {};
    const auto it = d.FindMember("error");
    if (it == d.MemberEnd() || !it->value.IsString()) return {};
    std::string e = str(it->value);
    if (e.size() > 200) e = e.substr(0, 200) + "...";
    return e;
  }

  static bool looks_like_html(const HttpResponse& resp) {
    if (lower(resp.header("content-type")).find("text/html") != std::string::npos) return true;
    for (char c : resp.body) {
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
      return c == '<';
    }
    return false;
  }

  // Fetches one page; on success parses it into `doc`. Sets `rate_limited_for` when the page is
  // good but the rate limit is used up.
  std::optional<FetchError> fetch(const Stream& s, const std::string& url, rapidjson::Document& doc,
                                  std::optional<milliseconds>& rate_limited_for, std::string& link) {
    const HttpRequest req = make_request("GET", url);
    const HttpResponse resp = http_->send(req);
    const Verdict v = classify_response(req, resp, now_ms());
    const std::string where = s.label + ": GET " + url;
    if (v.outcome == Outcome::fatal) {
      std::string message = s.label + ": " + (v.message.empty() ? "GET " + url + ": status " + std::to_string(resp.status) : v.message);
      const std::string detail = error_detail(resp);
      if (!detail.empty() && message.find(detail) == std::string::npos) message += ": " + detail;
      if ((resp.status == 401 || resp.status == 403) && message.find("token") == std::string::npos)
        message += " (is options.access_token valid, with the read scope?)";
      else if (resp.status == 404)
        message += " (is options.instance a Mastodon instance?)";
      return FetchError{{PollError::Kind::fatal, std::move(message), std::nullopt}, false};
    }
    if (v.outcome == Outcome::retry) {
      std::string message = s.label + ": " + (v.message.empty() ? "GET " + url + ": status " + std::to_string(resp.status) : v.message);
      if (resp.status == 0 && !resp.error.empty() && message.find(resp.error) == std::string::npos)
        message += ": " + resp.error;
      return FetchError{{PollError::Kind::retry, std::move(message), v.retry_after},
                        resp.status == 0 || resp.status == 429};
    }
    doc.Parse(resp.body.c_str(), resp.body.size());
    if (doc.HasParseError()) {
      if (looks_like_html(resp))
        return FetchError{{PollError::Kind::retry,
                           where + ": status " + std::to_string(resp.status) +
                               " with an HTML page instead of JSON (a proxy or maintenance page?)",
                           std::nullopt},
                          false};
      return FetchError{{PollError::Kind::retry,
                         where + ": invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                             rapidjson::GetParseError_En(doc.GetParseError()),
                         std::nullopt},
                        false};
    }
    if (v.retry_after) rate_limited_for = v.retry_after;
    link = resp.header("link");
    return std::nullopt;
  }

  // Collects a page's entries; page-level shape problems are errors, entry-level ones warnings.
  std::optional<std::string> entries_of(const Stream& s, const Value& doc, std::vector<PageEntry>& entries,
                                        size_t& raw_count, const std::function<void(std::string)>& warn) {
    const Value* list = &doc;
    std::string name = "statuses";
    if (s.kind == StreamKind::search) {
      if (!doc.IsObject()) return std::string("expected a JSON object with \"statuses\", got ") + type_name(doc);
      const auto it = doc.FindMember("statuses");
      if (it == doc.MemberEnd() || !it->value.IsArray())
        return std::string("statuses: expected an array, got ") +
               (it == doc.MemberEnd() ? "nothing" : type_name(it->value));
      list = &it->value;
    } else if (s.kind == StreamKind::notifications) {
      name = "notifications";
    }
    if (!list->IsArray()) return "expected a JSON array of " + name + ", got " + type_name(*list);
    raw_count = list->Size();
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const Value& e = (*list)[i];
      const std::string at = name + "[" + std::to_string(i) + "]";
      if (!e.IsObject()) {
        warn(s.label + ": " + at + ": expected an object, got " + type_name(e));
        continue;
      }
      const auto id = e.FindMember("id");
      if (id == e.MemberEnd()) {
        warn(s.label + ": " + at + ".id: missing");
        continue;
      }
      if (!id->value.IsString()) {
        warn(s.label + ": " + at + ".id: expected a string, got " + type_name(id->value));
        continue;
      }
      PageEntry entry;
      entry.cursor_id = str(id->value);
      if (!valid_id(entry.cursor_id)) {
        warn(s.label + ": " + at + ".id: expected an id of letters and digits, got " + quoted(entry.cursor_id));
        continue;
      }
      if (s.kind == StreamKind::notifications) {
        const auto type = e.FindMember("type");
        if (type != e.MemberEnd() && type->value.IsString() && str(type->value) != "mention") {
          entries.push_back(std::move(entry));  // another kind of notification: nothing to map
          continue;
        }
        const auto st = e.FindMember("status");
        if (st == e.MemberEnd() || !st->value.IsObject()) {
          warn(s.label + ": " + at + ".status: expected an object, got " +
               (st == e.MemberEnd() ? "nothing" : type_name(st->value)));
          entries.push_back(std::move(entry));  // still advances the cursor past it
          continue;
        }
        entry.status = &st->value;
        entry.path = at + ".status";
      } else {
        entry.status = &e;
        entry.path = at;
      }
      entries.push_back(std::move(entry));
    }
    return std::nullopt;
  }

  // -- mapping ---------------------------------------------------------------------------------

  // Maps a status to a mention; nullopt (with a warning, or counted as a reblog) when skipped.
  std::optional<Mention> map_status(const Stream& s, const Value& st, const std::string& at, TimeMs now,
                                    const std::function<void(std::string)>& warn) {
    auto field = [&](const char* name) -> const Value* {
      const auto it = st.FindMember(name);
      return it == st.MemberEnd() ? nullptr : &it->value;
    };
    auto bad = [&](const std::string& f, const std::string& what) {
      warn(s.label + ": " + at + "." + f + ": " + what);
      return std::nullopt;
    };
    const Value* id = field("id");
    if (!id) return bad("id", "missing");
    if (!id->IsString()) return bad("id", std::string("expected a string, got ") + type_name(*id));
    if (!valid_id(std::string_view(id->GetString(), id->GetStringLength())))
      return bad("id", "expected an id of letters and digits, got " + quoted(str(*id)));
    if (const Value* reblog = field("reblog"); reblog && !reblog->IsNull()) {
      ++reblogs_skipped_;  // a boost repeats someone else's status: not a new mention
      return std::nullopt;
    }
    const Value* account = field("account");
    if (!account) return bad("account", "missing");
    if (!account->IsObject()) return bad("account", std::string("expected an object, got ") + type_name(*account));
    const auto account_id = account->FindMember("id");
    if (account_id == account->MemberEnd()) return bad("account.id", "missing");
    if (!account_id->value.IsString())
      return bad("account.id", std::string("expected a string, got ") + type_name(account_id->value));

    Mention m;
    m.platform = kPlatform;
    m.source = source_;
    m.native_id = str(*id);
    m.uid = make_uid(m.platform, m.native_id);
    m.seen_at = now;

    std::string body;
    if (const Value* content = field("content"); content && !content->IsNull()) {
      if (!content->IsString()) return bad("content", std::string("expected a string, got ") + type_name(*content));
      body = html_to_text(std::string_view(content->GetString(), content->GetStringLength()));
    } else if (const Value* text = field("text"); text && text->IsString()) {
      body = str(*text);  // the plain source text some responses carry instead of content
    }
    std::string spoiler;
    if (const Value* sp = field("spoiler_text"); sp && sp->IsString()) spoiler = str(*sp);
    m.text = spoiler.empty() ? body : "CW: " + spoiler + " \xE2\x80\x94 " + body;

    auto string_of = [&](const Value* v) { return v && v->IsString() ? str(*v) : std::string(); };
    m.url = string_of(field("url"));
    if (m.url.empty()) m.url = string_of(field("uri"));
    m.language = string_of(field("language"));
    m.parent_id = string_of(field("in_reply_to_id"));
    m.conversation_id = m.parent_id.empty() ? m.native_id : m.parent_id;

    m.author.id = str(account_id->value);
    auto account_string = [&](const char* name) {
      const auto it = account->FindMember(name);
      return it != account->MemberEnd() && it->value.IsString() ? str(it->value) : std::string();
    };
    std::string acct = account_string("acct");
    if (acct.empty()) acct = account_string("username");
    if (!acct.empty() && acct.find('@') == std::string::npos) acct += "@" + host_;
    m.author.handle = std::move(acct);
    m.author.display_name = account_string("display_name");
    if (const auto f = account->FindMember("followers_count"); f != account->MemberEnd() && f->value.IsInt64())
      m.author.followers = std::max<std::int64_t>(0, f->value.GetInt64());
    m.author.verified = false;  // Mastodon has no verified accounts (only verified profile links)

    const Value* created = field("created_at");
    if (!created || !created->IsString() ||
        !parse_iso8601(std::string_view(created->GetString(), created->GetStringLength()), m.posted_at)) {
      m.posted_at = 0;
      warn(s.label + ": " + at + ".created_at: expected an ISO 8601 time" +
           (created && created->IsString() ? ", got " + quoted(str(*created)) : std::string()) +
           " (kept without a posted_at)");
    }
    m.raw = to_text(st);
    return m;
  }

  // -- polling ---------------------------------------------------------------------------------

  PollResult poll_locked(const std::string& cursor) {
    std::map<std::string, std::string> stored;
    std::string cursor_error;
    if (!parse_cursor(cursor, stored, cursor_error))
      return PollResult::fail({PollError::Kind::fatal, cursor_error, std::nullopt, true});

    const TimeMs now = now_ms();
    Batch batch;
    size_t warned = 0, unreported = 0;
    auto warn = [&](std::string message) {
      if (warned++ < kMaxWarningsPerBatch) batch.warnings.push_back(std::move(message));
      else ++unreported;
    };
    std::map<std::string, std::string> newest;  // the next cursor: configured streams only
    for (const auto& s : streams_)
      if (auto it = stored.find(s.key); it != stored.end()) newest[s.key] = it->second;

    std::set<std::string> emitted;
    std::vector<PollError> errors;
    bool any_page = false, stop_all = false;
    std::optional<milliseconds> wait;
    auto wait_at_least = [&](std::optional<milliseconds> d) {
      if (d && (!wait || *d > *wait)) wait = d;
    };

    for (const auto& s : streams_) {
      if (stop_all) break;
      std::optional<std::string> since;
      if (const auto known = newest.find(s.key); known != newest.end()) since = known->second;
      const bool first_poll = !since;
      std::string url = stream_url(s, since);
      for (int page = 1;; ++page) {
        rapidjson::Document doc;
        std::optional<milliseconds> rate_limited_for;
        std::string link;
        if (auto err = fetch(s, url, doc, rate_limited_for, link)) {
          if (err->error.kind == PollError::Kind::fatal) return PollResult::fail(std::move(err->error));
          wait_at_least(err->error.retry_after);
          errors.push_back(std::move(err->error));
          stop_all = err->stop_all;
          break;
        }
        std::vector<PageEntry> entries;
        size_t raw_count = 0;
        if (auto shape = entries_of(s, doc, entries, raw_count, warn)) {
          errors.push_back({PollError::Kind::retry, s.label + ": GET " + url + ": " + *shape, std::nullopt});
          break;
        }
        any_page = true;
        std::optional<std::string> page_newest;
        std::vector<Mention> page_mentions;  // newest first, as received
        for (const auto& e : entries) {
          if (since && !id_less(*since, e.cursor_id)) continue;  // not newer than the cursor
          if (!page_newest || id_less(*page_newest, e.cursor_id)) page_newest = e.cursor_id;
          if (!e.status) continue;
          if (auto m = map_status(s, *e.status, e.path, now, warn)) page_mentions.push_back(std::move(*m));
        }
        // Oldest first, so the batch is in posting order.
        for (auto m = page_mentions.rbegin(); m != page_mentions.rend(); ++m)
          if (emitted.insert(m->native_id).second) batch.mentions.push_back(std::move(*m));
        if (page_newest) {
          newest[s.key] = *page_newest;
          since = *page_newest;
        }
        if (rate_limited_for) {  // the page is good, but the next call would be refused
          wait_at_least(rate_limited_for);
          stop_all = true;
          break;
        }
        if (first_poll) break;  // no backfill: the newest page is where this stream starts
        if (raw_count < static_cast<size_t>(opt_.limit) || !page_newest) break;  // caught up
        if (page >= opt_.max_pages) {
          batch.more = true;
          break;
        }
        // Newer items: the Link rel="prev" URL when it stays on the instance, else min_id ourselves
        // (search has no Link header; its min_id works the same way).
        const std::string prev = link_prev(link);
        url = !prev.empty() && prev.rfind(instance_ + "/", 0) == 0 ? prev : stream_url(s, since);
      }
    }

    if (unreported)
      batch.warnings.push_back(std::to_string(unreported) + " more skipped statuses in this batch");
    if (!errors.empty() && !any_page) {
      PollError e = errors.front();
      if (errors.size() > 1) e.message += " (and " + std::to_string(errors.size() - 1) + " more errors)";
      e.retry_after = wait;
      return PollResult::fail(std::move(e));
    }
    for (auto& e : errors) batch.warnings.push_back(std::move(e.message));
    if (wait) {
      batch.retry_after = wait;
      batch.more = false;  // rate-limited: the remaining pages wait for the limit to reset
    }
    batch.next_cursor = write_cursor(newest);
    return PollResult::ok(std::move(batch));
  }

  std::optional<std::string> reply_impl(const Mention& mention, const std::string& text) {
    if (token_.empty()) return std::string("options.access_token: required to reply on Mastodon");
    if (mention.platform != kPlatform || !valid_id(mention.native_id))
      return "mastodon reply: " + quoted(mention.uid) + " is not a Mastodon status of this instance";
    if (text.empty()) return std::string("mastodon reply: the text is empty");
    std::string status = text;
    // Mastodon notifies the author only when the reply mentions them: unless the text already
    // has "@<username>", it starts with "@<handle> ".
    const std::string& handle = mention.author.handle;
    if (!handle.empty() && !mentions(text, handle.substr(0, handle.find('@')))) status = "@" + handle + " " + text;
    QueryPairs form = {{"status", status}, {"in_reply_to_id", mention.native_id}};
    // A reply to a private or direct status stays as private as the status it answers.
    if (!mention.raw.empty()) {
      rapidjson::Document raw;
      raw.Parse(mention.raw.c_str(), mention.raw.size());
      if (!raw.HasParseError() && raw.IsObject()) {
        const auto v = raw.FindMember("visibility");
        if (v != raw.MemberEnd() && v->value.IsString()) {
          const std::string vis = str(v->value);
          if (vis == "direct" || vis == "private" || vis == "unlisted") form.emplace_back("visibility", vis);
        }
      }
    }
    HttpRequest req = make_request("POST", instance_ + "/api/v1/statuses");
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.headers.emplace_back("Idempotency-Key", idempotency_key(mention.uid, status));
    req.body = encode_query(form);
    const HttpResponse resp = http_->send(req);
    const Verdict v = classify_response(req, resp, now_ms());
    if (v.outcome == Outcome::ok) return std::nullopt;
    std::string message = v.message.empty() ? "POST " + req.url + ": status " + std::to_string(resp.status) : v.message;
    const std::string detail = error_detail(resp);
    if (!detail.empty() && message.find(detail) == std::string::npos) message += ": " + detail;
    if (resp.status == 0 && !resp.error.empty() && message.find(resp.error) == std::string::npos)
      message += ": " + resp.error;
    return message;
  }

  // Whether `text` has "@<username>" as a whole word (case-insensitive; "@dan@host" counts).
  static bool mentions(const std::string& text, const std::string& username) {
    const std::string t = lower(text), needle = "@" + lower(username);
    for (size_t at = t.find(needle); at != std::string::npos; at = t.find(needle, at + 1)) {
      const size_t end = at + needle.size();
      const bool word_start = at == 0 || !(std::isalnum(static_cast<unsigned char>(t[at - 1])) || t[at - 1] == '_');
      const bool word_end = end == t.size() || !(std::isalnum(static_cast<unsigned char>(t[end])) || t[end] == '_');
      if (word_start && word_end) return true;
    }
    return false;
  }

  // The same reply to the same mention is posted once, even when the request is retried.
  static std::string idempotency_key(const std::string& uid, const std::string& text) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : uid + '\n' + text) {
      h ^= c;
      h *= 1099511628211ull;
    }
    static const char* hex = "0123456789abcdef";
    std::string key = "carewatch-";
    for (int i = 60; i >= 0; i -= 4) key.push_back(hex[(h >> i) & 0xF]);
    return key;
  }

  std::mutex mutex_;
  const std::string source_;
  const MastodonOptions opt_;
  const std::string instance_;
  const std::string host_;
  const std::string token_;  // empty: none (public timelines only)
  std::shared_ptr<HttpClient> http_;
  std::vector<Stream> streams_;
  std::atomic<std::uint64_t> reblogs_skipped_{0};
};

}  // namespace

void MastodonOptions::read(OptionReader& r) {
  r.read("instance", instance);
  r.read("access_token", access_token);
  r.read("hashtags", hashtags);
  r.read("notifications", notifications);
  r.read("search", search);
  r.read("limit", limit);
  r.read("max_pages", max_pages);
  r.read("timeout", timeout);
}

std::unique_ptr<Connector> make_mastodon_connector(const std::string& source, MastodonOptions options,
                                                   std::shared_ptr<HttpClient> http, std::string& error) {
  auto instance = parse_base_url(options.instance);
  if (!instance) {
    error = "options.instance: expected a base URL like \"https://mastodon.social\", got " + quoted(options.instance);
    return nullptr;
  }
  // The token is a secret: never quoted in an error.
  if (options.access_token) {
    for (char c : *options.access_token)
      if (static_cast<unsigned char>(c) < 0x21 || c == 0x7F) {
        error = "options.access_token: contains whitespace or control characters (is the variable set correctly?)";
        return nullptr;
      }
  }
  if (listed_twice(options.hashtags, "hashtags", error) || listed_twice(options.search, "search", error))
    return nullptr;
  if (options.notifications && !options.access_token) {
    error = "options.notifications: needs options.access_token (the account's mentions are private)";
    return nullptr;
  }
  if (!options.search.empty() && !options.access_token) {
    error = "options.search: needs options.access_token (Mastodon only searches statuses for a signed-in account)";
    return nullptr;
  }
  if (!http) {
    error = "mastodon: no HTTP client";
    return nullptr;
  }
  return std::make_unique<MastodonConnector>(source, std::move(options), std::move(instance->url),
                                             std::move(instance->host), std::move(http));
}

std::uint64_t mastodon_reblogs_skipped(const Connector& connector) {
  const auto* m = dynamic_cast<const MastodonConnector*>(&connector);
  return m ? m->reblogs_skipped() : 0;
}

}  // namespace carewatch
