#include "connectors/reddit/reddit_connector.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "connectors/common/json_fetch.h"
#include "connectors/common/json_text.h"
#include "connectors/common/never_throw.h"
#include "connectors/common/poll_errors.h"
#include "connectors/common/poll_tally.h"
#include "connectors/http/retry_policy.h"
#include "connectors/reddit/cursor.h"
#include "connectors/reddit/oauth.h"
#include "connectors/reddit/reply_text.h"
#include "connectors/reddit/thing_mention.h"
#include "mention/common/url.h"
#include "mention/utf8.h"

namespace carewatch {

namespace {

using reddit::Cursor;
using reddit::StreamState;
using rapidjson::Value;
using std::chrono::milliseconds;
using text::json_string;
using text::lower;
using text::quoted;
using text::type_name;

constexpr const char* kPlatform = "reddit";
constexpr int kReplySearchPages = 5;

enum class StreamKind { comments, posts, search, mentions };

struct Stream {
  StreamKind kind;
  std::string key;    // in the cursor
  std::string label;  // in messages: "r/acmeair comments", "search \"acme air\"", "mentions"
  std::string value;  // the subreddit or query
};

struct FetchError {
  PollError error;
  bool stop_all = false;  // rate-limited or unreachable: no more requests this poll
  bool paced = false;     // not sent: the rate limit is used up until its reset (a wait, not a failure)
};

// One page of a listing, read.
struct Page {
  rapidjson::Document doc;
  const Value* children = nullptr;
  std::string after;  // data.after when it is a fullname
  std::optional<milliseconds> rate_limited_for;
};

class RedditConnector final : public Connector {
 public:
  RedditConnector(std::string source, RedditOptions options, reddit::RedditUrls urls, std::shared_ptr<HttpClient> http)
      : source_(std::move(source)),
        opt_(std::move(options)),
        api_(std::move(urls.api)),
        http_(std::move(http)),
        tokens_({urls.auth, opt_.client_id, opt_.client_secret, opt_.username, opt_.password, opt_.user_agent,
                 opt_.timeout},
                http_) {
    for (const auto& sub : opt_.subreddits) {
      streams_.push_back({StreamKind::comments, "comments:" + lower(sub), "r/" + sub + " comments", sub});
      streams_.push_back({StreamKind::posts, "posts:" + lower(sub), "r/" + sub + " posts", sub});
    }
    for (const auto& q : opt_.search) streams_.push_back({StreamKind::search, "search:" + q, "search " + quoted(q), q});
    if (opt_.mentions) streams_.push_back({StreamKind::mentions, "mentions", "mentions", ""});
  }

  PollResult poll(const std::string& cursor) override {
    return guarded_poll("reddit", [&] {
      std::lock_guard lock(mutex_);
      return poll_locked(cursor);
    });
  }

  // -- replies (see reddit_connector.h) --------------------------------------------------------

  ReplyRules reply_rules() const override {
    ReplyRules r;
    r.can_reply = true;
    r.max_length = reddit::kMaxCommentLength;
    r.length_unit = "characters";
    r.idempotency_window = milliseconds(0);  // Reddit has no idempotency key
    r.can_reconcile = true;
    return r;
  }

  std::optional<ReplyProblem> check_reply(const Mention& mention, const std::string& text) const override {
    if (auto why = cannot_reply(mention)) return ReplyProblem{"cannot_reply", *why};
    if (is_blank(text)) return ReplyProblem{"empty", "empty: the reply has no text"};
    const size_t length = reddit::comment_length(text);
    if (length > reddit::kMaxCommentLength)
      return ReplyProblem{"max_length", "max_length: the reply is " + std::to_string(length) +
                                            " characters, the limit of a Reddit comment is " +
                                            std::to_string(reddit::kMaxCommentLength)};
    return std::nullopt;
  }

  ReplyOutcome reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)reply_id;  // Reddit takes no idempotency key: find_reply reconciles
    ReplyOutcome o = guarded_reply("reddit", [&] { return reply_impl(mention, text); });
    o.error = redact(std::move(o.error));
    return o;
  }

  ReplySearch find_reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)reply_id;
    ReplySearch s = guarded_search("reddit", [&] { return find_reply_impl(mention, text); });
    s.error = redact(std::move(s.error));
    return s;
  }

 private:
  // -- requests ------------------------------------------------------------------------------

  std::string list_url(const Stream& s, const std::string& after) const {
    std::string path;
    QueryPairs query;
    switch (s.kind) {
      case StreamKind::comments: path = "/r/" + s.value + "/comments"; break;
      case StreamKind::posts: path = "/r/" + s.value + "/new"; break;
      case StreamKind::search:
        path = "/search";
        query = {{"q", s.value}, {"sort", "new"}, {"type", "link"}};
        break;
      case StreamKind::mentions: path = "/message/mentions"; break;
    }
    query.emplace_back("limit", std::to_string(opt_.page_size));
    if (!after.empty()) query.emplace_back("after", after);
    return api_ + path + "?" + encode_query(query);
  }

  HttpRequest make_request(std::string method, std::string url, const std::string& token) const {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.timeout = opt_.timeout;
    r.headers.emplace_back("Authorization", "bearer " + token);
    r.headers.emplace_back("User-Agent", opt_.user_agent);
    r.headers.emplace_back("Accept", "application/json");
    return r;
  }

  // What the rate-limit headers of `resp` say: remaining and when the window resets.
  void note_rate_limit(const HttpResponse& resp, TimeMs now) {
    std::lock_guard lock(rate_mutex_);
    if (const auto remaining = rate_limit_remaining(resp)) {
      remaining_ = remaining;
      last_remaining_ = remaining;
      const std::string reset = resp.header("x-ratelimit-reset");
      double secs = 60;  // Reddit's window when it does not say
      try {
        if (!reset.empty()) secs = std::stod(reset);
      } catch (...) {
      }
      reset_at_ = now + static_cast<TimeMs>(std::clamp(secs, 0.0, 3600.0) * 1000);
    }
  }

  // How long to wait before the next request may be sent: set while Reddit's last answer left
  // nothing of the window that has not reset yet.
  std::optional<milliseconds> paced_wait(TimeMs now) {
    std::lock_guard lock(rate_mutex_);
    if (!remaining_ || *remaining_ >= 1) return std::nullopt;
    if (now >= reset_at_) {
      remaining_.reset();
      return std::nullopt;
    }
    return milliseconds(reset_at_ - now);
  }

  // Sends a request with the token: fetched when needed, fetched anew once when the API refuses
  // it (401/403). `send(request)` makes the call; returns its answer, or the token's failure.
  template <class Send>
  std::optional<PollError> with_token(const std::string& method, const std::string& url, Send send,
                                      bool& fresh_token, std::string& token_used) {
    reddit::TokenResult t = tokens_.get(now_ms());
    if (t.error) return t.error;
    fresh_token = t.fresh;
    token_used = t.token;
    const int status = send(make_request(method, url, t.token), t.fresh);
    if ((status == 401 || status == 403) && !t.fresh) {
      t = tokens_.get(now_ms(), t.token);
      if (t.error) return t.error;
      fresh_token = true;
      token_used = t.token;
      send(make_request(method, url, t.token), true);
    }
    return std::nullopt;
  }

  // GETs one listing page of stream `label` into `page`.
  std::optional<FetchError> fetch_page(const std::string& label, const std::string& url, Page& page,
                                       const char* not_found_hint) {
    if (const auto wait = paced_wait(now_ms())) {
      PollError e{PollError::Kind::retry, label + ": the rate limit is used up until its reset", wait};
      return FetchError{std::move(e), true, true};
    }
    JsonAnswer answer;
    std::optional<JsonFailure> failure;
    bool fresh = false;
    std::string token;
    auto send = [&](const HttpRequest& req, bool is_fresh) {
      answer = JsonAnswer{};
      failure = fetch_json(*http_, req, label, answer, now_ms(), is_fresh ? reddit::refused_token_hint() : "");
      note_rate_limit(answer.response, now_ms());
      return failure ? failure->status : answer.response.status;
    };
    if (auto token_error = with_token("GET", url, send, fresh, token))
      return FetchError{std::move(*token_error), true};
    if (failure) {
      if (failure->status == 404 || (failure->status >= 300 && failure->status < 400))
        failure->error.message += std::string(" (") + not_found_hint + ")";
      return FetchError{std::move(failure->error), failure->stop_all};
    }
    page.rate_limited_for = answer.rate_limited_for;
    page.doc.Swap(answer.doc);
    // {"kind": "Listing", "data": {"after": ..., "children": [...]}}
    const Value& d = page.doc;
    auto shape = [&](const std::string& what) {
      return FetchError{{PollError::Kind::retry, label + ": GET " + redact_url(url) + ": " + what, std::nullopt}, false};
    };
    if (!d.IsObject()) return shape(std::string("expected a Listing object, got ") + type_name(d));
    const auto data = d.FindMember("data");
    if (data == d.MemberEnd() || !data->value.IsObject())
      return shape(std::string("data: expected an object, got ") +
                   (data == d.MemberEnd() ? "nothing" : type_name(data->value)));
    const auto children = data->value.FindMember("children");
    if (children == data->value.MemberEnd() || !children->value.IsArray())
      return shape(std::string("data.children: expected an array, got ") +
                   (children == data->value.MemberEnd() ? "nothing" : type_name(children->value)));
    page.children = &children->value;
    if (const auto after = data->value.FindMember("after");
        after != data->value.MemberEnd() && after->value.IsString() && reddit::valid_fullname(json_string(after->value)))
      page.after = json_string(after->value);
    return std::nullopt;
  }

  static const char* not_found_hint(const Stream& s) {
    switch (s.kind) {
      case StreamKind::comments:
      case StreamKind::posts: return "is the subreddit's name right, and is it not banned or private?";
      default: return "is options.base_url Reddit's OAuth API, e.g. \"https://oauth.reddit.com\"?";
    }
  }

  // -- polling ---------------------------------------------------------------------------------

  PollResult poll_locked(const std::string& cursor_text) {
    std::uint64_t posts_read = 0;
    {
      std::lock_guard lock(rate_mutex_);
      last_remaining_.reset();
    }
    auto usage = [&] {
      SourceUsage u;
      {
        std::lock_guard lock(rate_mutex_);
        u.rate_limit_remaining = last_remaining_;
      }
      u.posts_read = posts_read;
      return u;
    };
    Cursor stored;
    std::string cursor_error;
    if (!reddit::parse_cursor(cursor_text, stored, cursor_error))
      return PollResult::fail({PollError::Kind::fatal, cursor_error, std::nullopt, true});

    const TimeMs now = now_ms();
    Batch batch;
    PollTally tally;
    const reddit::Warn warn = [&](std::string message) { tally.warn(batch, std::move(message)); };
    Cursor next;  // configured streams only
    for (const auto& s : streams_)
      if (auto it = stored.find(s.key); it != stored.end()) next[s.key] = it->second;

    std::set<std::string> emitted;
    std::vector<PollError> errors;
    bool any_page = false, stop_all = false;
    std::optional<milliseconds> wait;
    auto wait_at_least = [&](std::optional<milliseconds> d) {
      if (d && (!wait || *d > *wait)) wait = d;
    };
    const size_t page_size = static_cast<size_t>(opt_.page_size);

    for (const auto& s : streams_) {
      if (stop_all) break;
      StreamState& st = next[s.key];
      const bool first = !st.started();
      const bool in_gap = st.gap.has_value();
      // What is not new: seen, or older than the boundary (the floor, or the gap's end).
      const std::int64_t boundary = in_gap ? st.gap->until : st.floor();
      std::string after = in_gap ? st.gap->after : std::string();
      std::vector<std::string> also = in_gap ? st.gap->also : std::vector<std::string>();
      std::vector<Mention> found;  // newest first, as read
      for (int page_no = 1;; ++page_no) {
        Page page;
        if (auto err = fetch_page(s.label, list_url(s, after), page, not_found_hint(s))) {
          if (err->error.kind == PollError::Kind::fatal) return PollResult::fail(std::move(err->error), usage());
          wait_at_least(err->error.retry_after);
          // The pacing stop is a wait, not a failure.
          if (err->paced) any_page = true;
          else errors.push_back(err->error);
          stop_all = err->stop_all;
          break;
        }
        any_page = true;
        const Value& children = *page.children;
        posts_read += children.Size();
        const bool walking = in_gap || page_no > 1;  // paging down to the items seen
        if (walking && children.Empty() && !also.empty() && !page.rate_limited_for) {
          // Nothing after `after`: it was deleted meanwhile. Go on after the item above it.
          after = also.front();
          also.erase(also.begin());
          st.gap = reddit::Gap{after, boundary, also};
          if (page_no >= opt_.max_pages) {
            batch.more = true;
            break;
          }
          continue;
        }
        bool reached = false;
        std::vector<std::string> names;  // this page's fullnames, in order
        for (rapidjson::SizeType i = 0; i < children.Size(); ++i) {
          reddit::Thing thing = reddit::read_thing(children[i], i, s.label, source_, now, warn);
          if (thing.fullname.empty()) continue;
          names.push_back(thing.fullname);
          if (!first && (st.has_seen(thing.fullname) || thing.created < boundary)) {
            reached = true;
            continue;
          }
          st.add(thing.fullname, thing.created);
          if (thing.mention) found.push_back(std::move(*thing.mention));
        }
        // Reddit's data.after is null at the end of a listing.
        const bool full = children.Size() >= page_size && !page.after.empty();
        if (first || reached || !full) {
          if (walking && !reached && !first)
            warn(s.label + ": the listing ended before reaching the items seen earlier (Reddit lists about 1000 "
                           "items); older new items, if any, were not read");
          st.gap.reset();
          // A gap read to its end: what came meanwhile is read at once.
          if (in_gap) batch.more = true;
          if (page.rate_limited_for) {
            wait_at_least(page.rate_limited_for);
            stop_all = true;
          }
          break;
        }
        // The whole page is new: what lies below it, down to the items seen, is still to read.
        also.clear();
        for (size_t k = names.size(); k-- > 0 && also.size() < 3;)
          if (names[k] != page.after) also.push_back(names[k]);
        st.gap = reddit::Gap{page.after, boundary, also};
        after = page.after;
        if (page.rate_limited_for) {
          wait_at_least(page.rate_limited_for);
          stop_all = true;
          break;
        }
        if (page_no >= opt_.max_pages) {
          batch.more = true;
          break;
        }
      }
      st.trim();
      // Oldest first, so the batch is in posting order.
      for (auto m = found.rbegin(); m != found.rend(); ++m)
        if (emitted.insert(m->uid).second) batch.mentions.push_back(std::move(*m));
    }
    // Streams never read stay out of the cursor (their first poll is still to come).
    for (auto it = next.begin(); it != next.end();) it = it->second.started() ? std::next(it) : next.erase(it);

    tally.finish(batch, "skipped items");
    if (!errors.empty() && !any_page) {
      return PollResult::fail(first_of_errors(errors, wait), usage());
    }
    for (auto& e : errors) batch.warnings.push_back(std::move(e.message));
    if (wait) {
      batch.retry_after = wait;
      batch.more = false;  // rate-limited: the remaining pages wait for the reset
    }
    batch.next_cursor = reddit::write_cursor(next);
    return PollResult::ok(std::move(batch), usage());
  }

  // -- replies -------------------------------------------------------------------------------

  static std::optional<std::string> cannot_reply(const Mention& mention) {
    if (mention.platform != kPlatform || !reddit::valid_fullname(mention.native_id) ||
        (mention.native_id.rfind("t1_", 0) != 0 && mention.native_id.rfind("t3_", 0) != 0))
      return "reddit: " + quoted(mention.uid) + " is not a Reddit comment or post";
    return std::nullopt;
  }

  // "<METHOD> <url>: <status> <reason>: <Reddit's words or an excerpt of the body>".
  static std::string failure_message(const HttpRequest& req, const HttpResponse& resp) {
    HttpResponse bare = resp;
    bare.body.clear();
    std::string message = classify_response(req, bare, now_ms()).message;
    if (const std::string detail = error_detail(resp.body); !detail.empty()) return message + ": " + detail;
    return classify_response(req, resp, now_ms()).message;
  }

  ReplyOutcome reply_impl(const Mention& mention, const std::string& text) {
    ReplyOutcome o;
    if (auto why = cannot_reply(mention)) {
      o.kind = ReplyOutcome::Kind::cannot_reply;
      o.error = *why;
      return o;
    }
    HttpResponse resp;
    HttpRequest sent;
    bool fresh = false;
    std::string token;
    auto send = [&](HttpRequest req, bool) {
      req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
      req.body = encode_query({{"api_type", "json"}, {"thing_id", mention.native_id}, {"text", text}});
      resp = http_->send(req);
      note_rate_limit(resp, now_ms());
      sent = req;
      return resp.status;
    };
    if (auto token_error = with_token("POST", api_ + "/api/comment", send, fresh, token)) {
      o.kind = token_error->kind == PollError::Kind::fatal ? ReplyOutcome::Kind::permanent : ReplyOutcome::Kind::retry;
      o.error = "reddit reply: " + token_error->message;
      o.retry_after = token_error->retry_after;
      o.may_have_posted = false;  // nothing was sent
      return o;
    }
    const Verdict v = classify_response(sent, resp, now_ms());
    if (v.outcome == Outcome::ok) {
      rapidjson::Document doc;
      doc.Parse(resp.body.c_str(), resp.body.size());
      if (!doc.HasParseError()) {
        const reddit::CommentAnswer a = reddit::read_comment_answer(doc);
        if (!a.errors.empty()) {
          const auto& e = a.errors.front();
          o.error = "reddit reply: " + e.code + (e.message.empty() ? "" : ": " + e.message) +
                    (e.field.empty() ? "" : " (" + e.field + ")");
          o.may_have_posted = false;  // Reddit refused it: nothing was posted
          if (e.code == "RATELIMIT") {
            o.kind = ReplyOutcome::Kind::retry;
            o.retry_after = a.wait ? a.wait : v.retry_after;
          } else {
            o.kind = ReplyOutcome::Kind::permanent;
          }
          return o;
        }
        if (a.post) {
          o.kind = ReplyOutcome::Kind::sent;
          o.post = *a.post;
          return o;
        }
        o.error = v.message + ": " + a.problem;
      } else {
        o.error = v.message + (looks_like_html(resp) ? " with an HTML page" : " with a body that is not JSON") +
                  " (expected {\"json\": {\"data\": {\"things\": [...]}}})";
      }
      // Reddit said yes but not with the comment: it may have been made; find_reply settles it.
      o.kind = ReplyOutcome::Kind::retry;
      o.retry_after = v.retry_after;
      return o;
    }
    o.kind = v.outcome == Outcome::retry ? ReplyOutcome::Kind::retry : ReplyOutcome::Kind::permanent;
    o.error = failure_message(sent, resp);
    if ((resp.status == 401 || resp.status == 403) && fresh) o.error += " (" + reddit::refused_token_hint() + ")";
    if (resp.status == 404) o.error += " (the comment or post is gone)";
    if (v.outcome == Outcome::retry) o.retry_after = v.retry_after;
    // A 429 is refused before anything is written; a timeout or a 5xx may come after the comment.
    o.may_have_posted = resp.status != 429 && v.outcome == Outcome::retry;
    return o;
  }

  ReplySearch find_reply_impl(const Mention& mention, const std::string& text) {
    ReplySearch s;
    if (auto why = cannot_reply(mention)) {
      s.error = *why;
      return s;
    }
    const std::string label = "u/" + opt_.username + " comments";
    const std::int64_t since = mention.posted_at / 1000;  // a reply is not older than what it answers
    std::optional<PostedReply> found;
    std::string after;
    for (int page_no = 1; page_no <= kReplySearchPages; ++page_no) {
      QueryPairs q = {{"sort", "new"}, {"limit", "100"}};
      if (!after.empty()) q.emplace_back("after", after);
      Page page;
      if (auto err = fetch_page(label, api_ + "/user/" + opt_.username + "/comments?" + encode_query(q), page,
                                "is options.username the account's name?")) {
        s.error = err->error.message;
        return s;
      }
      bool older = false;
      const Value& children = *page.children;
      for (const auto& child : children.GetArray()) {
        if (!child.IsObject() || !child.HasMember("data") || !child["data"].IsObject()) continue;
        const Value& d = child["data"];
        const auto created = d.FindMember("created_utc");
        if (created != d.MemberEnd() && created->value.IsNumber() && created->value.GetDouble() < static_cast<double>(since))
          older = true;
        const auto parent = d.FindMember("parent_id");
        const auto body = d.FindMember("body");
        if (parent == d.MemberEnd() || !parent->value.IsString() || json_string(parent->value) != mention.native_id)
          continue;
        if (body == d.MemberEnd() || !body->value.IsString() ||
            !reddit::same_comment_text(json_string(body->value), text))
          continue;
        if (auto posted = reddit::posted_comment(d)) found = std::move(posted);  // newest first: the last is the earliest
      }
      if (older || children.Size() < 100 || page.after.empty()) {
        if (found) {
          s.kind = ReplySearch::Kind::found;
          s.post = std::move(*found);
        } else {
          s.kind = ReplySearch::Kind::not_found;
        }
        return s;
      }
      after = page.after;
    }
    if (found) {
      s.kind = ReplySearch::Kind::found;
      s.post = std::move(*found);
      return s;
    }
    s.error = label + ": " + std::to_string(kReplySearchPages * 100) +
              " of the account's newest comments read without reaching the time of " + mention.native_id;
    return s;
  }

  // `message` without a secret (belt and braces: no message is built with one).
  std::string redact(std::string message) const {
    for (const std::string* secret : {&opt_.client_secret, &opt_.password})
      if (secret->size() >= 4)
        for (size_t at = message.find(*secret); at != std::string::npos; at = message.find(*secret, at))
          message.replace(at, secret->size(), "[secret]");
    return message;
  }

  std::mutex mutex_;
  const std::string source_;
  const RedditOptions opt_;
  const std::string api_;
  std::shared_ptr<HttpClient> http_;
  reddit::TokenSource tokens_;
  std::vector<Stream> streams_;
  std::mutex rate_mutex_;
  std::optional<double> remaining_;       // the last X-Ratelimit-Remaining, until reset_at_
  TimeMs reset_at_ = 0;
  std::optional<double> last_remaining_;  // the last one of this poll (usage)
};

}  // namespace

std::unique_ptr<Connector> make_reddit_connector(const std::string& source, RedditOptions options,
                                                 std::shared_ptr<HttpClient> http, std::string& error) {
  auto urls = reddit::check_options(options, error);
  if (!urls) return nullptr;
  if (!http) {
    error = "reddit: no HTTP client";
    return nullptr;
  }
  return std::make_unique<RedditConnector>(source, std::move(options), std::move(*urls), std::move(http));
}

}  // namespace carewatch
