#include "connectors/mastodon/mastodon_connector.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "connectors/common/json_fetch.h"
#include "connectors/http/retry_policy.h"
#include "connectors/common/html_text.h"
#include "connectors/common/json_text.h"
#include "connectors/common/never_throw.h"
#include "connectors/common/poll_errors.h"
#include "connectors/common/poll_tally.h"
#include "connectors/mastodon/pagination.h"
#include "connectors/mastodon/reply_text.h"
#include "connectors/mastodon/status_mention.h"
#include "mention/common/url.h"
#include "mention/utf8.h"

namespace carewatch {

namespace {

using mastodon::Cursor;
using mastodon::id_less;
using text::json_string;
using text::lower;
using text::quoted;
using text::type_name;
using mastodon::valid_id;
using mastodon::Warn;
using rapidjson::Value;
using std::chrono::milliseconds;

constexpr const char* kPlatform = "mastodon";

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
    return guarded_poll("mastodon", [&] {
      std::lock_guard lock(mutex_);
      return poll_locked(cursor);
    });
  }

  // -- replies (see mastodon_connector.h) ------------------------------------------------------

  ReplyRules reply_rules() const override {
    ReplyRules r;
    r.can_reply = !token_.empty();
    r.max_length = static_cast<size_t>(opt_.max_characters);
    r.length_unit = "characters";
    r.idempotency_window = std::chrono::hours(1);  // how long Mastodon keeps an Idempotency-Key
    r.can_reconcile = r.can_reply;
    return r;
  }

  // The "@handle " prefix compose adds when the text does not name the author counts.
  size_t reply_length_left(const Mention& mention) const override {
    const size_t limit = static_cast<size_t>(opt_.max_characters);
    if (token_.empty()) return 0;
    const mastodon::ReplyStatus empty = compose(mention, "");
    if (empty.prefix.empty()) return limit;
    const size_t used = mastodon::status_length(empty.prefix + " ");
    return used >= limit ? 0 : limit - used;
  }

  std::optional<ReplyProblem> check_reply(const Mention& mention, const std::string& text) const override {
    return guarded_check("mastodon", [&]() -> std::optional<ReplyProblem> {
      return check_reply_impl(mention, text);
    });
  }

  ReplyOutcome reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    ReplyOutcome o = guarded_reply("mastodon", [&] { return reply_impl(mention, text, reply_id); });
    o.error = redact(std::move(o.error));
    return o;
  }

  ReplySearch find_reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)reply_id;  // Mastodon keeps no trace of the key past its hour: the text is what identifies it
    ReplySearch s = guarded_search("mastodon", [&] { return find_reply_impl(mention, text); });
    s.error = redact(std::move(s.error));
    return s;
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

  // Fetches one page (connectors/common/json_fetch.h); on success parses it into `doc`. Sets
  // `rate_limited_for` when the page is good but the rate limit is used up.
  std::optional<FetchError> fetch(const Stream& s, const std::string& url, rapidjson::Document& doc,
                                  std::optional<milliseconds>& rate_limited_for, std::string& link) {
    JsonAnswer answer;
    if (auto failure = fetch_json(*http_, make_request("GET", url), s.label, answer, now_ms())) {
      if (failure->error.kind == PollError::Kind::fatal && failure->status == 404)
        failure->error.message += " (is options.instance a Mastodon instance?)";
      rate_limit_remaining_ = answer.rate_limit_remaining;
      return FetchError{std::move(failure->error), failure->stop_all};
    }
    doc.Swap(answer.doc);
    rate_limited_for = answer.rate_limited_for;
    if (answer.rate_limit_remaining) rate_limit_remaining_ = answer.rate_limit_remaining;
    link = answer.response.header("link");
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
    rate_limit_remaining_.reset();
    std::uint64_t posts_read = 0;
    auto usage = [&] {
      SourceUsage u;
      u.rate_limit_remaining = rate_limit_remaining_;
      u.posts_read = posts_read;
      return u;
    };
    Cursor stored;
    std::string cursor_error;
    if (!mastodon::parse_cursor(cursor, stored, cursor_error))
      return PollResult::fail({PollError::Kind::fatal, cursor_error, std::nullopt, true});

    const TimeMs now = now_ms();
    Batch batch;
    PollTally tally;
    auto warn = [&](std::string message) { tally.warn(batch, std::move(message)); };
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
          if (err->error.kind == PollError::Kind::fatal) return PollResult::fail(std::move(err->error), usage());
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
        posts_read += raw_count;
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

    tally.finish(batch, "skipped statuses");
    if (!errors.empty() && !any_page) {
      return PollResult::fail(first_of_errors(errors, wait), usage());
    }
    for (auto& e : errors) batch.warnings.push_back(std::move(e.message));
    if (wait) {
      batch.retry_after = wait;
      batch.more = false;  // rate-limited: the remaining pages wait for the limit to reset
    }
    batch.next_cursor = mastodon::write_cursor(newest);
    return PollResult::ok(std::move(batch), usage());
  }

  // -- replies -------------------------------------------------------------------------------

  // Why this connector cannot answer `mention` at all, or nullopt.
  std::optional<std::string> cannot_reply(const Mention& mention) const {
    if (token_.empty()) return std::string("options.access_token: required to reply on Mastodon");
    if (mention.platform != kPlatform || !valid_id(mention.native_id))
      return "mastodon: " + quoted(mention.uid) + " is not a Mastodon status";
    return std::nullopt;
  }

  mastodon::ReplyStatus compose(const Mention& mention, const std::string& text) const {
    return mastodon::compose_reply(mention, text, host_);
  }

  // The visibility of the status `mention` answers ("public", "unlisted", "private", "direct"), as
  // its JSON (Mention::raw) says; empty when it does not.
  static std::string visibility_of(const Mention& mention) {
    if (mention.raw.empty()) return {};
    rapidjson::Document raw;
    raw.Parse(mention.raw.c_str(), mention.raw.size());
    if (raw.HasParseError() || !raw.IsObject()) return {};
    const auto v = raw.FindMember("visibility");
    return v != raw.MemberEnd() && v->value.IsString() ? json_string(v->value) : std::string();
  }

  std::optional<ReplyProblem> check_reply_impl(const Mention& mention, const std::string& text) const {
    if (auto why = cannot_reply(mention)) return ReplyProblem{"cannot_reply", *why};
    if (is_blank(text)) return ReplyProblem{"empty", "empty: the reply has no text"};
    const mastodon::ReplyStatus status = compose(mention, text);
    const size_t length = mastodon::status_length(status.text);
    const auto limit = static_cast<size_t>(opt_.max_characters);
    if (length > limit)
      return ReplyProblem{"max_length", "max_length: the reply is " + std::to_string(length) + " characters" +
                                            (status.prefix.empty() ? "" : " (with the " + status.prefix + " prefix)") +
                                            ", the limit on this Mastodon instance is " + std::to_string(limit) +
                                            " (options.max_characters)"};
    // Mastodon delivers a direct or followers-only status to every account it mentions: naming a
    // third account would show them the customer's private conversation.
    const std::string visibility = visibility_of(mention);
    if (visibility == "direct" || visibility == "private") {
      for (const auto& m : mastodon::mentions_in(status.text)) {
        if (mastodon::names_author(m, mention, host_)) continue;
        return ReplyProblem{"visibility",
                            "visibility: the customer's post is " +
                                std::string(visibility == "direct" ? "a direct message" : "followers-only") +
                                "; mentioning " + m.written + " would show the conversation to them"};
      }
    }
    return std::nullopt;
  }

  // The message of a failed request: "<METHOD> <url>: <status> <reason>" (and the token hint of a
  // 401/403), then Mastodon's {"error": "..."} text, else an excerpt of the body, else the
  // transport error.
  static std::string failure_message(const HttpRequest& req, const HttpResponse& resp) {
    HttpResponse bare = resp;
    bare.body.clear();
    std::string message = classify_response(req, bare, now_ms()).message;
    if (const std::string detail = error_detail(resp.body); !detail.empty()) return message + ": " + detail;
    return classify_response(req, resp, now_ms()).message;
  }

  // The posted status of a 2xx answer to POST /api/v1/statuses (or of a status in a context).
  static std::optional<PostedReply> posted_reply(const Value& status) {
    if (!status.IsObject()) return std::nullopt;
    const auto id = status.FindMember("id");
    if (id == status.MemberEnd() || !id->value.IsString()) return std::nullopt;
    PostedReply p;
    p.id = json_string(id->value);
    if (!valid_id(p.id)) return std::nullopt;
    for (const char* field : {"url", "uri"}) {
      const auto u = status.FindMember(field);
      if (u != status.MemberEnd() && u->value.IsString() && u->value.GetStringLength() > 0) {
        p.url = json_string(u->value);
        break;
      }
    }
    const auto at = status.FindMember("created_at");
    if (at != status.MemberEnd() && at->value.IsString() && !parse_iso8601(json_string(at->value), p.posted_at))
      p.posted_at = 0;
    return p;
  }

  // An Idempotency-Key Mastodon takes as it is: printable ASCII without spaces.
  static bool valid_reply_id(const std::string& id) {
    if (id.empty() || id.size() > 200) return false;
    for (char c : id)
      if (c <= 0x20 || c >= 0x7F) return false;
    return true;
  }

  ReplyOutcome reply_impl(const Mention& mention, const std::string& text, const std::string& reply_id) {
    ReplyOutcome o;
    if (auto why = cannot_reply(mention)) {
      o.kind = ReplyOutcome::Kind::cannot_reply;
      o.error = *why;
      return o;
    }
    if (!valid_reply_id(reply_id)) {
      o.kind = ReplyOutcome::Kind::permanent;
      o.error = "mastodon reply: the reply id (its Idempotency-Key) must be 1 to 200 printable ASCII characters";
      return o;
    }
    const mastodon::ReplyStatus status = compose(mention, text);
    QueryPairs form = {{"status", status.text}, {"in_reply_to_id", mention.native_id}};
    // A reply to a private or direct status stays as private as the status it answers.
    const std::string visibility = visibility_of(mention);
    if (visibility == "direct" || visibility == "private" || visibility == "unlisted")
      form.emplace_back("visibility", visibility);
    HttpRequest req = make_request("POST", instance_ + "/api/v1/statuses");
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    // Mastodon answers a repeated key (for an hour) with the status the first request made.
    req.headers.emplace_back("Idempotency-Key", reply_id);
    req.body = encode_query(form);
    const HttpResponse resp = http_->send(req);
    const Verdict v = classify_response(req, resp, now_ms());
    if (v.outcome == Outcome::ok) {
      rapidjson::Document doc;
      doc.Parse(resp.body.c_str(), resp.body.size());
      if (!doc.HasParseError()) {
        if (auto posted = posted_reply(doc)) {
          o.kind = ReplyOutcome::Kind::sent;
          o.post = std::move(*posted);
          return o;
        }
      }
      // The instance said yes but not with a status (a proxy page?): the same key settles it.
      o.kind = ReplyOutcome::Kind::retry;
      o.error = v.message + (looks_like_html(resp) ? " with an HTML page" : " with a body that is not a status") +
                " (expected a JSON status with an \"id\")";
      o.retry_after = v.retry_after;
      return o;
    }
    o.kind = v.outcome == Outcome::retry ? ReplyOutcome::Kind::retry : ReplyOutcome::Kind::permanent;
    o.error = failure_message(req, resp);
    if (v.outcome == Outcome::retry) o.retry_after = v.retry_after;
    // A 429 is Mastodon's rate limiter refusing before anything is written; a timeout or a 5xx
    // may come after the status was made.
    o.may_have_posted = resp.status != 429;
    return o;
  }

  // GET `url` as JSON into `doc`; the failure's message otherwise.
  // `status`, when given, gets the answer's HTTP status.
  std::optional<std::string> get_json(const std::string& url, rapidjson::Document& doc, int* status = nullptr) {
    const HttpRequest req = make_request("GET", url);
    const HttpResponse resp = http_->send(req);
    if (status) *status = resp.status;
    const Verdict v = classify_response(req, resp, now_ms());
    if (v.outcome != Outcome::ok) return failure_message(req, resp);
    doc.Parse(resp.body.c_str(), resp.body.size());
    if (doc.HasParseError())
      return v.message + (looks_like_html(resp) ? " with an HTML page instead of JSON"
                                                : ": invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) +
                                                      ": " + rapidjson::GetParseError_En(doc.GetParseError()));
    return std::nullopt;
  }

  // The brand account's id (GET /api/v1/accounts/verify_credentials, asked once).
  std::optional<std::string> brand_account_id(std::string& error) {
    {
      std::lock_guard lock(account_mutex_);
      if (!brand_account_id_.empty()) return brand_account_id_;
    }
    const std::string url = instance_ + "/api/v1/accounts/verify_credentials";
    rapidjson::Document doc;
    if (auto failed = get_json(url, doc)) {
      error = *failed;
      return std::nullopt;
    }
    const Value* id = doc.IsObject() && doc.HasMember("id") ? &doc["id"] : nullptr;
    if (!id || !id->IsString() || !valid_id(json_string(*id))) {
      error = "GET " + url + ": id: expected an account id, got " + (id ? type_name(*id) : std::string("nothing"));
      return std::nullopt;
    }
    std::lock_guard lock(account_mutex_);
    brand_account_id_ = json_string(*id);
    return brand_account_id_;
  }

  ReplySearch find_reply_impl(const Mention& mention, const std::string& text) {
    ReplySearch s;
    if (auto why = cannot_reply(mention)) {
      s.error = *why;
      return s;
    }
    const auto account = brand_account_id(s.error);
    if (!account) return s;
    const std::string url = instance_ + "/api/v1/statuses/" + mention.native_id + "/context";
    rapidjson::Document doc;
    int status = 0;
    if (auto failed = get_json(url, doc, &status)) {
      // The status answered is gone (deleted): no reply to it can exist, and posting one will
      // fail for good with the same 404, so nothing can be posted twice.
      if (status == 404) s.kind = ReplySearch::Kind::not_found;
      s.error = *failed;
      return s;
    }
    const Value* descendants = doc.IsObject() && doc.HasMember("descendants") ? &doc["descendants"] : nullptr;
    if (!descendants || !descendants->IsArray()) {
      s.error = "GET " + url + ": descendants: expected an array, got " +
                (descendants ? type_name(*descendants) : std::string("nothing"));
      return s;
    }
    const std::string wanted = mastodon::compare_form(compose(mention, text).text);
    std::optional<PostedReply> found;
    for (const auto& d : descendants->GetArray()) {
      if (!d.IsObject()) continue;
      const auto parent = d.FindMember("in_reply_to_id");
      if (parent == d.MemberEnd() || !parent->value.IsString() || json_string(parent->value) != mention.native_id)
        continue;
      const auto author = d.FindMember("account");
      if (author == d.MemberEnd() || !author->value.IsObject()) continue;
      const auto author_id = author->value.FindMember("id");
      if (author_id == author->value.MemberEnd() || !author_id->value.IsString() ||
          json_string(author_id->value) != *account)
        continue;
      const auto content = d.FindMember("content");
      if (content == d.MemberEnd() || !content->value.IsString() ||
          mastodon::compare_form(html_to_text(json_string(content->value))) != wanted)
        continue;
      auto posted = posted_reply(d);
      // Two such posts: the first is the one this reply made.
      if (posted && (!found || id_less(posted->id, found->id))) found = std::move(posted);
    }
    if (found) {
      s.kind = ReplySearch::Kind::found;
      s.post = std::move(*found);
    } else {
      s.kind = ReplySearch::Kind::not_found;
    }
    return s;
  }

  // `message` without the token (belt and braces: no message is built with it).
  std::string redact(std::string message) const {
    if (token_.empty()) return message;
    for (size_t at = message.find(token_); at != std::string::npos; at = message.find(token_, at))
      message.replace(at, token_.size(), "[access token]");
    return message;
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
  std::optional<double> rate_limit_remaining_;  // from the latest answer of this poll
  std::mutex account_mutex_;
  std::string brand_account_id_;  // the token's account (verify_credentials), once asked
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
