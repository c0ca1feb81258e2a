#include "connectors/x/x_connector.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "connectors/common/daily_budget.h"
#include "connectors/common/json_fetch.h"
#include "connectors/common/json_text.h"
#include "connectors/common/never_throw.h"
#include "connectors/common/poll_errors.h"
#include "connectors/common/poll_tally.h"
#include "connectors/http/retry_policy.h"
#include "connectors/x/cursor.h"
#include "connectors/x/oauth1.h"
#include "connectors/x/reply_text.h"
#include "connectors/x/tweet_mention.h"
#include "mention/common/url.h"
#include "mention/utf8.h"

namespace carewatch {

namespace {

using rapidjson::Value;
using std::chrono::milliseconds;
using text::json_string;
using text::quoted;
using text::type_name;
using x::id_less;
using x::valid_id;

constexpr const char* kPlatform = "x";
constexpr TimeMs kSearchReachMs = 7LL * 24 * 3600 * 1000 - 5 * 60 * 1000;  // 7 days, less a margin
constexpr int kFindReplyPages = 10;
constexpr const char* kTweetFields =
    "created_at,lang,conversation_id,in_reply_to_user_id,referenced_tweets,author_id,public_metrics,note_tweet";
constexpr const char* kUserFields = "username,name,public_metrics,verified";
constexpr const char* kBearerHint =
    "is options.bearer_token valid, and is the app's project allowed this endpoint on its X API plan?";

enum class StreamKind { mentions, search };

struct Stream {
  StreamKind kind;
  std::string key;    // in the cursor: "mentions", "search:<query>"
  std::string label;  // in messages: "mentions", "search \"<query>\""
  std::string query;  // the search query
  size_t min_results() const { return kind == StreamKind::mentions ? 5 : 10; }
};

class XConnector final : public Connector {
 public:
  XConnector(std::string source, XOptions options, std::string base, std::shared_ptr<HttpClient> http)
      : source_(std::move(source)), opt_(std::move(options)), base_(std::move(base)), http_(std::move(http)) {
    if (opt_.user_id) streams_.push_back({StreamKind::mentions, "mentions", "mentions", ""});
    for (const auto& q : opt_.search) streams_.push_back({StreamKind::search, "search:" + q, "search " + quoted(q), q});
    if (opt_.can_reply())
      credentials_ = x::OAuth1Credentials{*opt_.consumer_key, *opt_.consumer_secret, *opt_.access_token,
                                          *opt_.access_token_secret};
  }

  PollResult poll(const std::string& cursor) override {
    return guarded_poll("x", [&] {
      std::lock_guard lock(mutex_);
      return poll_locked(cursor);
    });
  }

  // -- replies (see x_connector.h) -------------------------------------------------------------

  ReplyRules reply_rules() const override {
    ReplyRules r;
    r.can_reply = credentials_.has_value();
    r.max_length = x::kMaxWeightedLength;
    r.length_unit = "weighted characters";
    r.idempotency_window = milliseconds(0);  // X has no idempotency key
    r.can_reconcile = r.can_reply;
    return r;
  }

  std::optional<ReplyProblem> check_reply(const Mention& mention, const std::string& text) const override {
    return guarded_check("x", [&]() -> std::optional<ReplyProblem> {
      if (auto why = cannot_reply(mention)) return ReplyProblem{"cannot_reply", *why};
      if (is_blank(text)) return ReplyProblem{"empty", "empty: the reply has no text"};
      const size_t length = x::weighted_length(text);
      if (length > x::kMaxWeightedLength)
        return ReplyProblem{"max_length", "max_length: the reply is " + std::to_string(length) +
                                              " weighted characters, the limit on X is " +
                                              std::to_string(x::kMaxWeightedLength) +
                                              " (a link counts 23; CJK characters and emoji count 2)"};
      return std::nullopt;
    });
  }

  ReplyOutcome reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)reply_id;  // X takes no idempotency key: find_reply settles a reply that may have been posted
    ReplyOutcome o = guarded_reply("x", [&] { return reply_impl(mention, text); });
    o.error = redact(std::move(o.error));
    return o;
  }

  ReplySearch find_reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)reply_id;
    ReplySearch s = guarded_search("x", [&] { return find_reply_impl(mention, text); });
    s.error = redact(std::move(s.error));
    return s;
  }

 private:
  // -- requests ------------------------------------------------------------------------------

  std::string stream_url(const Stream& s, size_t max_results, const std::string& since,
                         const std::string& token) const {
    std::string path;
    QueryPairs query;
    if (s.kind == StreamKind::mentions) {
      path = "/2/users/" + *opt_.user_id + "/mentions";
    } else {
      path = "/2/tweets/search/recent";
      query.emplace_back("query", s.query);
    }
    query.emplace_back("max_results", std::to_string(max_results));
    query.emplace_back("tweet.fields", kTweetFields);
    query.emplace_back("expansions", "author_id");
    query.emplace_back("user.fields", kUserFields);
    if (!since.empty()) query.emplace_back("since_id", since);
    // Mentions take pagination_token; recent search names it next_token.
    if (!token.empty()) query.emplace_back(s.kind == StreamKind::mentions ? "pagination_token" : "next_token", token);
    return base_ + path + "?" + encode_query(query);
  }

  HttpRequest bearer_request(std::string url) const {
    HttpRequest r;
    r.method = "GET";
    r.url = std::move(url);
    r.timeout = opt_.timeout;
    r.headers.emplace_back("Accept", "application/json");
    r.headers.emplace_back("Authorization", "Bearer " + opt_.bearer_token);
    return r;
  }

  // -- budget ----------------------------------------------------------------------------------

  // Today's budget: the cursor's state plus what find_reply read since the last poll
  // (`read_elsewhere`), or what this process knows was spent today when that is more (a poll that
  // read pages and then failed leaves its cursor behind).
  DailyBudget load_budget(const x::Cursor& cursor, TimeMs now, std::uint64_t read_elsewhere) {
    DailyBudget budget(static_cast<std::uint64_t>(opt_.max_posts_per_day));
    budget.load(cursor.budget_day, cursor.budget_used, now);
    std::lock_guard lock(budget_mutex_);
    const bool today = spent_day_ == budget.day();
    std::uint64_t used = budget.used() + (today ? read_elsewhere : 0);
    if (today && spent_used_ > used) used = spent_used_;
    budget.spend(used - budget.used());
    return budget;
  }

  void remember_budget(const DailyBudget& budget) {
    std::lock_guard lock(budget_mutex_);
    if (spent_day_ != budget.day() || spent_used_ < budget.used()) {
      spent_day_ = budget.day();
      spent_used_ = budget.used();
    }
  }

  // -- polling ---------------------------------------------------------------------------------

  PollResult poll_locked(const std::string& cursor_text) {
    std::optional<double> rate_limit_remaining;
    std::uint64_t posts_read = 0;
    std::uint64_t spent_elsewhere = 0;  // by find_reply since the last poll
    {
      std::lock_guard lock(budget_mutex_);
      spent_elsewhere = unreported_reads_;
      unreported_reads_ = 0;
    }
    std::optional<DailyBudget> budget;
    auto usage = [&] {
      SourceUsage u;
      u.rate_limit_remaining = rate_limit_remaining;
      u.posts_read = posts_read + spent_elsewhere;
      u.budget_used = posts_read + spent_elsewhere;
      if (budget) u.budget_remaining = static_cast<double>(budget->remaining());
      return u;
    };
    x::Cursor cursor;
    std::string cursor_error;
    if (!x::parse_cursor(cursor_text, cursor, cursor_error))
      return PollResult::fail({PollError::Kind::fatal, cursor_error, std::nullopt, true}, usage());

    const TimeMs now = now_ms();
    budget = load_budget(cursor, now, spent_elsewhere);
    Batch batch;
    PollTally tally;
    auto warn = [&](std::string message) { tally.warn(batch, std::move(message)); };

    std::set<std::string> emitted;
    std::vector<PollError> errors;
    bool any_page = false, stop_all = false, budget_spent = false;
    std::optional<milliseconds> wait;
    auto wait_at_least = [&](std::optional<milliseconds> d) {
      if (d && (!wait || *d > *wait)) wait = d;
    };

    std::map<std::string, x::StreamState> next;  // configured streams only
    for (const auto& s : streams_)
      if (auto it = cursor.streams.find(s.key); it != cursor.streams.end()) next[s.key] = it->second;

    for (const auto& s : streams_) {
      if (stop_all) break;
      x::StreamState st = next[s.key];
      if (s.kind == StreamKind::search && !st.newest.empty() && x::snowflake_time(st.newest) < now - kSearchReachMs) {
        warn(s.label + ": last read more than 7 days ago, beyond what recent search covers: starting again at the "
                       "newest page (posts in between were not read)");
        st = x::StreamState{};
      }
      const bool first_poll = st.newest.empty() && !st.walk;
      // A walk started in this poll knows when it started: a quiet stream moves to that instant.
      std::optional<TimeMs> walk_started;
      for (int page_no = 1;; ++page_no) {
        // The request: go on with a walk, or start one (since_id with the overlap).
        std::string since, token;
        if (st.walk) {
          since = st.walk->since;
          token = st.walk->token;
        } else if (!st.newest.empty()) {
          since = x::since_with_overlap(st.newest);
        }
        if (budget->remaining() < s.min_results()) {
          budget_spent = true;
          stop_all = true;
          break;
        }
        const size_t max_results =
            std::min<std::uint64_t>(static_cast<std::uint64_t>(opt_.max_results), budget->remaining());
        const TimeMs asked_at = now_ms();
        const HttpRequest req = bearer_request(stream_url(s, max_results, since, token));
        JsonAnswer answer;
        if (auto failure = fetch_json(*http_, req, s.label, answer, asked_at, kBearerHint)) {
          if (answer.rate_limit_remaining) rate_limit_remaining = answer.rate_limit_remaining;
          if (failure->status == 400 && !token.empty()) {
            // X no longer takes the walk's token: start the walk over (duplicates, never a loss).
            warn(failure->error.message + " (the page token was refused: reading the stream's pages again)");
            st.walk.reset();
            if (page_no < opt_.max_pages) continue;
            batch.more = true;
            break;
          }
          if (failure->error.kind == PollError::Kind::fatal) {
            remember_budget(*budget);
            return PollResult::fail(std::move(failure->error), usage());
          }
          wait_at_least(failure->error.retry_after);
          errors.push_back(std::move(failure->error));
          stop_all = failure->stop_all;
          break;
        }
        if (answer.rate_limit_remaining) rate_limit_remaining = answer.rate_limit_remaining;
        x::Page page;
        if (auto shape = x::read_page(answer.doc, s.label, source_, now, warn, page)) {
          errors.push_back(
              {PollError::Kind::retry, s.label + ": GET " + redact_url(req.url) + ": " + *shape, std::nullopt});
          break;
        }
        any_page = true;
        posts_read += page.read;
        budget->spend(page.read);
        if (!st.walk) {
          // X's clock when it is behind ours: the overlap is measured on X's side.
          walk_started = asked_at;
          if (const auto date = x::http_date(answer.response.header("date")); date && *date < asked_at)
            walk_started = *date;
        }

        std::vector<Mention> page_mentions;  // newest first, as received
        std::vector<std::string> ids;
        std::string page_top;
        for (auto& p : page.posts) {
          if (!since.empty() && !id_less(since, p.id)) continue;  // older than asked: a server ignoring since_id
          if (page_top.empty() || id_less(page_top, p.id)) page_top = p.id;
          const bool again = st.seen(p.id);
          ids.push_back(p.id);
          if (again || !p.mention) continue;
          page_mentions.push_back(std::move(*p.mention));
        }
        for (auto m = page_mentions.rbegin(); m != page_mentions.rend(); ++m)
          if (emitted.insert(m->native_id).second) batch.mentions.push_back(std::move(*m));
        st.remember(ids);

        std::string top = st.walk ? st.walk->top : std::string();
        if (!page_top.empty() && (top.empty() || id_less(top, page_top))) top = page_top;
        const bool last_page = page.next_token.empty() || first_poll;
        if (last_page) {
          // The walk is complete: everything newer than since_id up to `top` has been read.
          std::string newest = st.newest;
          if (!top.empty() && (newest.empty() || id_less(newest, top))) newest = top;
          if (walk_started) {
            // Posts made 30 s before the walk began are indexed by now: a quiet stream moves on.
            const std::string quiet = x::snowflake_id(*walk_started - x::kOverlapMs);
            if (newest.empty() || id_less(newest, quiet)) newest = quiet;
          }
          st.newest = newest;
          st.walk.reset();
        } else {
          st.walk = x::Walk{since, page.next_token, top};
        }
        if (answer.rate_limited_for) {  // the page is good, but the next call would be refused
          wait_at_least(answer.rate_limited_for);
          stop_all = true;
          break;
        }
        if (last_page) break;
        if (page_no >= opt_.max_pages) {
          batch.more = true;
          break;
        }
      }
      next[s.key] = std::move(st);
    }

    remember_budget(*budget);
    tally.finish(batch, "warnings");
    if (!errors.empty() && !any_page && !budget_spent) {
      return PollResult::fail(first_of_errors(errors, wait), usage());
    }
    for (auto& e : errors) batch.warnings.push_back(std::move(e.message));
    if (budget_spent) {
      batch.warnings.push_back("budget of " + std::to_string(budget->per_day()) + " posts for " + budget->day() +
                               " spent; paused until 00:00 UTC");
      wait_at_least(DailyBudget::until_next_day(now_ms()));
    }
    if (wait) {
      batch.retry_after = wait;
      batch.more = false;  // rate-limited or paused: the remaining pages wait
    }
    cursor.streams = std::move(next);
    cursor.budget_day = budget->day();
    cursor.budget_used = budget->used();
    batch.next_cursor = x::write_cursor(cursor);
    return PollResult::ok(std::move(batch), usage());
  }

  // -- replies -------------------------------------------------------------------------------

  std::optional<std::string> cannot_reply(const Mention& mention) const {
    if (!credentials_)
      return std::string(
          "x: replying needs options.consumer_key, consumer_secret, access_token and access_token_secret "
          "(the brand account's user-context token)");
    if (mention.platform != kPlatform || !valid_id(mention.native_id))
      return "x: " + quoted(mention.uid) + " is not an X post";
    return std::nullopt;
  }

  // "<METHOD> <url>: <status> <reason>: <X's title and detail>" (never a secret).
  static std::string failure_message(const HttpRequest& req, const HttpResponse& resp) {
    HttpResponse bare = resp;
    bare.body.clear();
    std::string message = classify_response(req, bare, now_ms()).message;
    if (const std::string detail = error_detail(resp.body); !detail.empty()) return message + ": " + detail;
    return classify_response(req, resp, now_ms()).message;
  }

  static PostedReply posted(const std::string& id) {
    PostedReply p;
    p.id = id;
    p.url = "https://x.com/i/web/status/" + id;
    p.posted_at = x::snowflake_time(id);
    return p;
  }

  ReplyOutcome reply_impl(const Mention& mention, const std::string& text) {
    ReplyOutcome o;
    if (auto why = cannot_reply(mention)) {
      o.kind = ReplyOutcome::Kind::cannot_reply;
      o.error = *why;
      return o;
    }
    rapidjson::StringBuffer body;
    {
      rapidjson::Writer<rapidjson::StringBuffer> w(body);
      w.StartObject();
      w.Key("text");
      w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
      w.Key("reply");
      w.StartObject();
      w.Key("in_reply_to_tweet_id");
      w.String(mention.native_id.c_str(), static_cast<rapidjson::SizeType>(mention.native_id.size()));
      w.EndObject();
      w.EndObject();
    }
    HttpRequest req;
    req.method = "POST";
    req.url = base_ + "/2/tweets";
    req.timeout = opt_.timeout;
    req.body = body.GetString();
    req.headers.emplace_back("Accept", "application/json");
    req.headers.emplace_back("Content-Type", "application/json");
    // A JSON body is not signed: only the method, the URL and the oauth_* parameters are.
    req.headers.emplace_back("Authorization", x::authorization_header(*credentials_, "POST", req.url, {},
                                                                      x::make_nonce(), now_ms() / 1000));
    const HttpResponse resp = http_->send(req);
    const Verdict v = classify_response(req, resp, now_ms());
    if (v.outcome == Outcome::ok) {
      rapidjson::Document doc;
      doc.Parse(resp.body.c_str(), resp.body.size());
      if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("data") && doc["data"].IsObject()) {
        const Value& data = doc["data"];
        const auto id = data.FindMember("id");
        if (id != data.MemberEnd() && id->value.IsString() && valid_id(json_string(id->value))) {
          o.kind = ReplyOutcome::Kind::sent;
          o.post = posted(json_string(id->value));
          return o;
        }
      }
      o.kind = ReplyOutcome::Kind::retry;  // X said yes but not with a post: find_reply settles it
      o.error = v.message + (looks_like_html(resp) ? " with an HTML page" : " with a body that is not a post") +
                " (expected {\"data\": {\"id\": ...}})";
      o.retry_after = v.retry_after;
      return o;
    }
    const std::string detail = text::lower(error_detail(resp.body));
    if (resp.status == 403 && detail.find("duplicate content") != std::string::npos) {
      // The account already posted this text: if in reply to this mention, that is this reply.
      ReplySearch found = find_reply_impl(mention, text);
      if (found.kind == ReplySearch::Kind::found) {
        o.kind = ReplyOutcome::Kind::sent;
        o.post = found.post;
        return o;
      }
      o.error = failure_message(req, resp);
      if (found.kind == ReplySearch::Kind::not_found) {
        o.kind = ReplyOutcome::Kind::permanent;
        o.error += " (the account posted the same text recently, not in reply to this post: vary the text)";
      } else {
        o.kind = ReplyOutcome::Kind::retry;
        o.error += " (could not look for the earlier post: " + found.error + ")";
      }
      return o;
    }
    o.kind = v.outcome == Outcome::retry ? ReplyOutcome::Kind::retry : ReplyOutcome::Kind::permanent;
    o.error = failure_message(req, resp);
    if (resp.status == 401 || (resp.status == 403 && (detail.find("oauth") != std::string::npos ||
                                                      detail.find("permission") != std::string::npos)))
      o.error += " (are options.consumer_key, consumer_secret, access_token and access_token_secret valid, and the "
                 "app's permissions \"Read and write\"?)";
    if (v.outcome == Outcome::retry) o.retry_after = v.retry_after;
    // Posting also has daily caps per user and per app (x-user-limit-24hour-*, x-app-limit-24hour-*):
    // a 429 with one of them spent waits for its reset, not the 15-minute window's.
    if (resp.status == 429)
      for (const char* cap : {"x-user-limit-24hour-", "x-app-limit-24hour-"}) {
        const std::string remaining = resp.header(std::string(cap) + "remaining");
        const std::string reset = resp.header(std::string(cap) + "reset");
        if (remaining != "0" || reset.empty() || reset.size() > 12 ||
            reset.find_first_not_of("0123456789") != std::string::npos)
          continue;
        const milliseconds until(std::max<long long>(0, std::stoll(reset) * 1000 - now_ms()));
        if (!o.retry_after || until > *o.retry_after) o.retry_after = until;
        o.error += " (the daily cap of posts " + std::string(cap[2] == 'u' ? "for the account" : "for the app") +
                   " is spent)";
      }
    // A 429 is X's rate limiter refusing before anything is written; a timeout or a 5xx may come
    // after the post was made.
    o.may_have_posted = resp.status != 429;
    return o;
  }

  ReplySearch find_reply_impl(const Mention& mention, const std::string& text) {
    ReplySearch s;
    if (auto why = cannot_reply(mention)) {
      s.error = *why;
      return s;
    }
    const std::string wanted = x::compare_form(text);
    std::optional<std::string> found;
    std::string token;
    for (int page = 1; page <= kFindReplyPages; ++page) {
      // Never more than today's budget leaves (as far as this process knows it).
      std::uint64_t max_results = 100;
      {
        std::lock_guard lock(budget_mutex_);
        const auto per_day = static_cast<std::uint64_t>(opt_.max_posts_per_day);
        if (spent_day_ == DailyBudget::day_of(now_ms())) {
          const std::uint64_t left = spent_used_ >= per_day ? 0 : per_day - spent_used_;
          if (left < 5) {
            s.error = "the daily budget of posts read is spent: looked for again after 00:00 UTC";
            return s;
          }
          max_results = std::min<std::uint64_t>(max_results, left);
        }
      }
      QueryPairs query = {{"since_id", mention.native_id},
                          {"max_results", std::to_string(max_results)},
                          {"tweet.fields", "created_at,referenced_tweets,conversation_id"},
                          {"exclude", "retweets"}};
      if (!token.empty()) query.emplace_back("pagination_token", token);
      const HttpRequest req = bearer_request(base_ + "/2/users/" + *opt_.user_id + "/tweets?" + encode_query(query));
      JsonAnswer answer;
      if (auto failure = fetch_json(*http_, req, "x reply search", answer, now_ms(), kBearerHint)) {
        s.error = failure->error.message;
        return s;
      }
      const Value& doc = answer.doc;
      const Value* data = doc.IsObject() && doc.HasMember("data") ? &doc["data"] : nullptr;
      if (data && !data->IsArray()) {
        s.error = "GET " + redact_url(req.url) + ": data: expected an array, got " + type_name(*data);
        return s;
      }
      if (data) {
        charge(data->Size());
        for (const auto& t : data->GetArray()) {
          if (!t.IsObject() || !t.HasMember("id") || !t["id"].IsString() || !t.HasMember("text") ||
              !t["text"].IsString())
            continue;
          const std::string id = json_string(t["id"]);
          if (!valid_id(id)) continue;
          bool replies_to_mention = false;
          if (t.HasMember("referenced_tweets") && t["referenced_tweets"].IsArray())
            for (const auto& r : t["referenced_tweets"].GetArray())
              if (r.IsObject() && r.HasMember("type") && r["type"].IsString() && json_string(r["type"]) == "replied_to" &&
                  r.HasMember("id") && r["id"].IsString() && json_string(r["id"]) == mention.native_id)
                replies_to_mention = true;
          if (!replies_to_mention || x::compare_form(json_string(t["text"])) != wanted) continue;
          if (!found || id_less(id, *found)) found = id;  // two such posts: the first is this reply
        }
      }
      token.clear();
      if (doc.IsObject() && doc.HasMember("meta") && doc["meta"].IsObject() && doc["meta"].HasMember("next_token") &&
          doc["meta"]["next_token"].IsString())
        token = json_string(doc["meta"]["next_token"]);
      if (token.empty()) break;
      if (page == kFindReplyPages && !found) {
        s.error = "the brand account posted more since the mention than " + std::to_string(kFindReplyPages) +
                  " pages hold: cannot look through them all";
        return s;
      }
    }
    if (found) {
      s.kind = ReplySearch::Kind::found;
      s.post = posted(*found);
    } else {
      s.kind = ReplySearch::Kind::not_found;
    }
    return s;
  }

  // Posts read outside a poll: spent from today's budget, reported with the next poll's usage.
  void charge(std::uint64_t posts) {
    std::lock_guard lock(budget_mutex_);
    const std::string today = DailyBudget::day_of(now_ms());
    if (spent_day_ != today) {
      spent_day_ = today;
      spent_used_ = 0;
    }
    spent_used_ += posts;
    unreported_reads_ += posts;
  }

  // `message` without any secret (belt and braces: no message is built with one).
  std::string redact(std::string message) const {
    for (const auto* secret : {&opt_.bearer_token, opt_.consumer_key ? &*opt_.consumer_key : nullptr,
                               opt_.consumer_secret ? &*opt_.consumer_secret : nullptr,
                               opt_.access_token ? &*opt_.access_token : nullptr,
                               opt_.access_token_secret ? &*opt_.access_token_secret : nullptr}) {
      if (!secret || secret->empty()) continue;
      for (size_t at = message.find(*secret); at != std::string::npos; at = message.find(*secret, at))
        message.replace(at, secret->size(), "[secret]");
    }
    return message;
  }

  std::mutex mutex_;
  const std::string source_;
  const XOptions opt_;
  const std::string base_;
  std::shared_ptr<HttpClient> http_;
  std::vector<Stream> streams_;
  std::optional<x::OAuth1Credentials> credentials_;
  // What this process knows was spent today (polls, failed ones included, and find_reply).
  std::mutex budget_mutex_;
  std::string spent_day_;
  std::uint64_t spent_used_ = 0;
  std::uint64_t unreported_reads_ = 0;  // by find_reply, not yet in a poll's usage
};

}  // namespace

std::unique_ptr<Connector> make_x_connector(const std::string& source, XOptions options,
                                            std::shared_ptr<HttpClient> http, std::string& error) {
  auto base = x::check_options(options, error);
  if (!base) return nullptr;
  if (!http) {
    error = "x: no HTTP client";
    return nullptr;
  }
  return std::make_unique<XConnector>(source, std::move(options), std::move(base->url), std::move(http));
}

}  // namespace carewatch
