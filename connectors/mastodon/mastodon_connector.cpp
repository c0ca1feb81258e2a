#include "connectors/mastodon/mastodon_connector.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "connectors/http/retry_policy.h"
#include "connectors/mastodon/json_text.h"
#include "connectors/mastodon/pagination.h"
#include "connectors/mastodon/status_mention.h"
#include "mention/common/url.h"

namespace carewatch {

namespace {

using mastodon::Cursor;
using mastodon::id_less;
using mastodon::json_string;
using mastodon::lower;
using mastodon::quoted;
using mastodon::type_name;
using mastodon::valid_id;
using mastodon::Warn;
using rapidjson::Value;
using std::chrono::milliseconds;

constexpr const char* kPlatform = "mastodon";
constexpr size_t kMaxWarningsPerBatch = 20;

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
    std::string e = json_string(it->value);
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
                                        size_t& raw_count, const Warn& warn) {
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
      entry.cursor_id = json_string(id->value);
      if (!valid_id(entry.cursor_id)) {
        warn(s.label + ": " + at + ".id: expected an id of letters and digits, got " + quoted(entry.cursor_id));
        continue;
      }
      if (s.kind == StreamKind::notifications) {
        const auto type = e.FindMember("type");
        if (type != e.MemberEnd() && type->value.IsString() && json_string(type->value) != "mention") {
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

  // -- polling ---------------------------------------------------------------------------------

  PollResult poll_locked(const std::string& cursor) {
    Cursor stored;
    std::string cursor_error;
    if (!mastodon::parse_cursor(cursor, stored, cursor_error))
      return PollResult::fail({PollError::Kind::fatal, cursor_error, std::nullopt, true});

    const TimeMs now = now_ms();
    Batch batch;
    size_t warned = 0, unreported = 0;
    auto warn = [&](std::string message) {
      if (warned++ < kMaxWarningsPerBatch) batch.warnings.push_back(std::move(message));
      else ++unreported;
    };
    Cursor newest;  // the next cursor: configured streams only
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
      const mastodon::StatusOrigin origin{source_, host_, s.label};
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
          auto mapped = mastodon::status_to_mention(*e.status, e.path, origin, now, warn);
          if (mapped.reblog) ++reblogs_skipped_;
          if (mapped.mention) page_mentions.push_back(std::move(*mapped.mention));
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
        const std::string prev = mastodon::link_prev(link);
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
    batch.next_cursor = mastodon::write_cursor(newest);
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
          const std::string vis = json_string(v->value);
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

std::unique_ptr<Connector> make_mastodon_connector(const std::string& source, MastodonOptions options,
                                                   std::shared_ptr<HttpClient> http, std::string& error) {
  auto instance = mastodon::check_options(options, error);
  if (!instance) return nullptr;
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
