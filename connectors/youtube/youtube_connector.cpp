#include "connectors/youtube/youtube_connector.h"

#include <rapidjson/document.h>
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
#include "connectors/common/poll_tally.h"
#include "connectors/common/white_space.h"
#include "connectors/http/retry_policy.h"
#include "connectors/youtube/comment_mention.h"
#include "connectors/youtube/cursor.h"
#include "connectors/youtube/google_auth.h"
#include "mention/common/url.h"
#include "mention/utf8.h"

namespace carewatch {

namespace {

using rapidjson::Value;
using std::chrono::milliseconds;
using text::collapse_space;
using text::json_string;
using text::quoted;
using text::type_name;
using youtube::CommentOrigin;
using youtube::Cursor;

constexpr const char* kPlatform = "youtube";
constexpr std::uint64_t kListCost = 1;     // commentThreads.list, comments.list
constexpr std::uint64_t kInsertCost = 50;  // comments.insert
constexpr int kMaxReplyPages = 5;          // comments.list pages of one thread, 100 replies each

// Time until the next 08:00 UTC: midnight Pacific (PST), when YouTube resets a project's quota
// (01:00 PDT in summer, so never too early).
milliseconds until_pacific_reset(TimeMs now) {
  constexpr TimeMs kDay = 86'400'000, kEight = 8 * 3'600'000;
  const TimeMs day = (now / kDay) * kDay;
  TimeMs reset = day + kEight;
  if (reset <= now) reset += kDay;
  return milliseconds(reset - now);
}

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// How a list call failed.
struct ListFailure {
  // gone: a thread's replies cannot be listed (403/404); bad_token: the page token was refused.
  enum class Kind { retry, fatal, quota, gone, bad_token } kind = Kind::retry;
  PollError error;
};

// Why a poll stopped before it caught up.
enum class Stop { none, budget, google_quota, failed, bad_token };

class YoutubeConnector final : public Connector {
 public:
  YoutubeConnector(std::string source, YoutubeOptions options, youtube::CheckedUrls urls,
                   std::shared_ptr<HttpClient> http)
      : source_(std::move(source)),
        opt_(std::move(options)),
        api_(std::move(urls.api)),
        label_("channel " + opt_.channel_id),
        http_(std::move(http)),
        budget_(static_cast<std::uint64_t>(opt_.quota_per_day)) {
    if (opt_.can_reply())
      token_ = std::make_unique<youtube::AccessToken>(urls.token, *opt_.oauth_client_id, *opt_.oauth_client_secret,
                                                      *opt_.oauth_refresh_token, opt_.timeout);
  }

  PollResult poll(const std::string& cursor) override {
    return guarded_poll("youtube", [&] {
      std::lock_guard lock(mutex_);
      return poll_locked(cursor);
    }, [this](std::string m) { return redact(std::move(m)); });
  }

  // -- replies (see youtube_connector.h) -------------------------------------------------------

  ReplyRules reply_rules() const override {
    ReplyRules r;
    r.can_reply = opt_.can_reply();
    r.max_length = static_cast<size_t>(opt_.max_characters);
    r.length_unit = "characters";
    r.idempotency_window = milliseconds(0);  // YouTube has no idempotency key
    r.can_reconcile = r.can_reply;
    return r;
  }

  std::optional<ReplyProblem> check_reply(const Mention& mention, const std::string& text) const override {
    return guarded_check("youtube", [&]() -> std::optional<ReplyProblem> {
      if (auto why = cannot_reply(mention)) return ReplyProblem{"cannot_reply", *why};
      if (is_blank(text)) return ReplyProblem{"empty", "empty: the reply has no text"};
      const size_t length = code_points(text);
      const auto limit = static_cast<size_t>(opt_.max_characters);
      if (length > limit)
        return ReplyProblem{"max_length", "max_length: the reply is " + std::to_string(length) +
                                              " characters, the limit on youtube is " + std::to_string(limit) +
                                              " (options.max_characters)"};
      return std::nullopt;
    });
  }

  ReplyOutcome reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)reply_id;  // YouTube takes no idempotency key: find_reply reconciles
    ReplyOutcome o = guarded_reply("youtube", [&] { return reply_impl(mention, text); });
    o.error = redact(std::move(o.error));
    return o;
  }

  ReplySearch find_reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)reply_id;
    ReplySearch s = guarded_search("youtube", [&] { return find_reply_impl(mention, text); });
    s.error = redact(std::move(s.error));
    return s;
  }

 private:
  // -- requests --------------------------------------------------------------------------------

  std::string threads_url(const std::string& page_token) const {
    QueryPairs q = {{"part", "snippet,replies"},
                    {"allThreadsRelatedToChannelId", opt_.channel_id},
                    {"order", "time"},
                    {"textFormat", "plainText"},
                    {"maxResults", std::to_string(opt_.page_size)}};
    if (!page_token.empty()) q.emplace_back("pageToken", page_token);
    q.emplace_back("key", opt_.api_key);
    return api_ + "/commentThreads?" + encode_query(q);
  }

  // comments.list of a thread's replies; with the API key, or without it (an OAuth request).
  std::string replies_url(const std::string& thread, const std::string& page_token, bool with_key) const {
    QueryPairs q = {{"part", "snippet"}, {"parentId", thread}, {"textFormat", "plainText"}, {"maxResults", "100"}};
    if (!page_token.empty()) q.emplace_back("pageToken", page_token);
    if (with_key) q.emplace_back("key", opt_.api_key);
    return api_ + "/comments?" + encode_query(q);
  }

  HttpRequest request(std::string method, std::string url) const {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.timeout = opt_.timeout;
    r.headers.emplace_back("Accept", "application/json");
    return r;
  }

  // One list call: fetch_json, with Google's error reasons read (connectors/common/json_fetch.h).
  // `threads`: the channel's thread list (a 403/404 there is the channel's), else a thread's
  // replies (a 403/404 is that thread's: gone).
  std::optional<ListFailure> list(const HttpRequest& req, const std::string& label, JsonAnswer& answer,
                                  bool threads) {
    auto failure = fetch_json(*http_, req, label, answer, now_ms());
    if (answer.rate_limit_remaining) rate_limit_remaining_ = answer.rate_limit_remaining;
    if (!failure) return std::nullopt;
    const int status = answer.response.status;
    const std::string reason = youtube::google_reason(answer.response.body);
    ListFailure f{ListFailure::Kind::retry, std::move(failure->error)};
    if (!reason.empty() && f.error.message.find(reason) == std::string::npos) f.error.message += " [" + reason + "]";
    auto fatal = [&](const std::string& hint) {
      f.kind = ListFailure::Kind::fatal;
      f.error.kind = PollError::Kind::fatal;
      f.error.message += " (" + hint + ")";
    };
    if (status == 403 && (reason == "quotaExceeded" || reason == "dailyLimitExceeded")) {
      f.kind = ListFailure::Kind::quota;
    } else if (status == 400 && reason == "invalidPageToken" && threads) {
      f.kind = ListFailure::Kind::bad_token;
    } else if (status == 403 && (reason == "rateLimitExceeded" || reason == "userRateLimitExceeded")) {
      f.error.kind = PollError::Kind::retry;
    } else if (reason == "accessNotConfigured") {
      fatal("options.api_key: the YouTube Data API v3 is not enabled in the key's Google Cloud project");
    } else if (reason == "keyInvalid" || reason == "keyExpired" || reason == "ipRefererBlocked" || status == 401 ||
               (status == 400 && f.error.message.find("API key") != std::string::npos)) {
      fatal("options.api_key: is it a valid API key of a project with the YouTube Data API v3?");
    } else if ((status == 403 || status == 404) && threads) {
      if (status == 404 && reason.empty())
        fatal("is options.base_url the root of the YouTube Data API v3?");
      else
        fatal("options.channel_id " + opt_.channel_id + ": " +
              (reason == "commentsDisabled" ? std::string("comments are disabled on this channel")
               : status == 404              ? std::string("no such channel")
                                            : std::string("its comments cannot be read with this key")));
    } else if ((status == 403 || status == 404) && !threads) {
      f.kind = ListFailure::Kind::gone;
    } else if (f.error.kind == PollError::Kind::fatal) {
      f.kind = ListFailure::Kind::fatal;
    }
    return f;
  }

  // -- the budget ----------------------------------------------------------------------------

  // Takes up the cursor's budget state: the larger of it and what this connector counted today
  // (replies it posted, polls whose cursor was not stored).
  void load_budget(const Cursor& c, TimeMs now) {
    std::lock_guard lock(budget_mutex_);
    budget_.roll(now);
    if (c.budget_day == budget_.day() && c.budget_used > budget_.used()) budget_.spend(c.budget_used - budget_.used());
  }

  // Spends `units` when the day's budget covers them.
  bool take(std::uint64_t units) {
    std::lock_guard lock(budget_mutex_);
    budget_.roll(now_ms());
    if (!budget_.can_spend(units)) return false;
    budget_.spend(units);
    return true;
  }

  // Marks the day's units spent (Google said quotaExceeded).
  void exhaust() {
    std::lock_guard lock(budget_mutex_);
    budget_.roll(now_ms());
    budget_.spend(budget_.remaining());
  }

  std::uint64_t remaining() {
    std::lock_guard lock(budget_mutex_);
    budget_.roll(now_ms());
    return budget_.remaining();
  }

  void save_budget(Cursor& c) {
    std::lock_guard lock(budget_mutex_);
    c.budget_day = budget_.day();
    c.budget_used = budget_.used();
  }

  std::string budget_spent_message() {
    std::lock_guard lock(budget_mutex_);
    return "quota: " + std::to_string(budget_.used()) + " of " + std::to_string(budget_.per_day()) +
           " units spent today (UTC, options.quota_per_day); paused until 00:00 UTC";
  }

  // -- polling ---------------------------------------------------------------------------------

  // The replies of `thread` (comments.list?parentId=), appended to `out` as mentions.
  enum class RepliesOutcome { ok, gone, budget, quota, failed };
  RepliesOutcome list_replies(const std::string& thread, const CommentOrigin& origin, TimeMs now,
                              std::vector<Mention>& out, std::uint64_t& spent, std::uint64_t& read,
                              const youtube::Warn& warn, std::optional<PollError>& error) {
    const std::string label = label_ + " thread " + thread;
    std::string token;
    for (int page = 1; page <= kMaxReplyPages; ++page) {
      if (!take(kListCost)) return RepliesOutcome::budget;
      spent += kListCost;
      JsonAnswer answer;
      if (auto f = list(request("GET", replies_url(thread, token, true)), label, answer, false)) {
        switch (f->kind) {
          case ListFailure::Kind::quota: return RepliesOutcome::quota;
          case ListFailure::Kind::gone:
            warn(f->error.message + " (its replies beyond those listed with the thread are skipped)");
            return RepliesOutcome::gone;
          default: error = std::move(f->error); return RepliesOutcome::failed;
        }
      }
      const Value& doc = answer.doc;
      const Value* items = doc.IsObject() && doc.HasMember("items") ? &doc["items"] : nullptr;
      if (!items || !items->IsArray()) {
        error = PollError{PollError::Kind::retry,
                          label + ": GET " + redact_url(replies_url(thread, token, true)) +
                              ": items: expected an array, got " + (items ? type_name(*items) : std::string("nothing")),
                          std::nullopt};
        return RepliesOutcome::failed;
      }
      read += items->Size();
      for (rapidjson::SizeType i = 0; i < items->Size(); ++i)
        if (auto m = youtube::comment_to_mention((*items)[i], "items[" + std::to_string(i) + "]", origin, now, warn))
          out.push_back(std::move(*m));
      const auto next = doc.FindMember("nextPageToken");
      if (next == doc.MemberEnd() || !next->value.IsString() || next->value.GetStringLength() == 0)
        return RepliesOutcome::ok;
      token = json_string(next->value);
      if (page == kMaxReplyPages)
        warn(label + ": more than " + std::to_string(kMaxReplyPages * 100) +
             " replies; only the newest pages were read");
    }
    return RepliesOutcome::ok;
  }

  PollResult poll_locked(const std::string& cursor_text) {
    rate_limit_remaining_.reset();
    Cursor c;
    std::string cursor_error;
    if (!youtube::parse_cursor(cursor_text, c, cursor_error))
      return PollResult::fail({PollError::Kind::fatal, cursor_error, std::nullopt, true});
    const TimeMs now = now_ms();
    load_budget(c, now);
    std::uint64_t spent = 0, posts_read = 0;
    auto usage = [&] {
      SourceUsage u;
      u.rate_limit_remaining = rate_limit_remaining_;
      u.posts_read = posts_read;
      u.budget_used = spent;
      u.budget_remaining = static_cast<double>(remaining());
      return u;
    };

    Batch batch;
    PollTally tally;
    youtube::Warn warn = [&](std::string message) { tally.warn(batch, std::move(message)); };
    const bool first = !c.started;
    if (c.newest.t < c.floor.t) c.newest = c.floor;
    std::vector<Mention> out;
    std::set<std::string> emitted;
    // Returns whether the comment is new (newer than the floor), and returns it once.
    auto offer = [&](Mention m) {
      if (!first && !c.floor.is_new(m.posted_at, m.native_id)) return false;
      c.newest.raise(m.posted_at, m.native_id);
      if (c.seen.count(m.native_id)) return true;  // returned earlier in the pages in progress
      if (!first && c.seen.size() < youtube::kMaxSeen) c.seen.insert(m.native_id);
      if (emitted.insert(m.native_id).second) out.push_back(std::move(m));
      return true;
    };

    Stop stop = Stop::none;
    std::optional<PollError> failure;  // a retryable failure after something was read
    bool caught_up = false;
    std::string token = c.page;
    for (int page = 1; page <= opt_.max_pages; ++page) {
      if (!take(kListCost)) {
        stop = Stop::budget;
        break;
      }
      spent += kListCost;
      JsonAnswer answer;
      const HttpRequest req = request("GET", threads_url(token));
      if (auto f = list(req, label_, answer, true)) {
        if (f->kind == ListFailure::Kind::quota) {
          stop = Stop::google_quota;
          warn(f->error.message);
          break;
        }
        if (f->kind == ListFailure::Kind::bad_token && !token.empty()) {
          // An expired page token: read again from the newest page. The floor has not moved and
          // the comments returned are remembered, so nothing is skipped or returned twice.
          stop = Stop::bad_token;
          warn(f->error.message + " (the pages in progress are read again from the newest)");
          token.clear();
          break;
        }
        if (f->kind == ListFailure::Kind::fatal || page == 1) {
          if (f->kind != ListFailure::Kind::fatal) f->error.kind = PollError::Kind::retry;
          return PollResult::fail(std::move(f->error), usage());
        }
        failure = std::move(f->error);
        stop = Stop::failed;
        break;
      }
      const Value& doc = answer.doc;
      const Value* items = doc.IsObject() && doc.HasMember("items") ? &doc["items"] : nullptr;
      if (!items || !items->IsArray()) {
        PollError e{PollError::Kind::retry,
                    label_ + ": GET " + redact_url(req.url) + ": items: expected an array, got " +
                        (items ? type_name(*items) : std::string("nothing")),
                    std::nullopt};
        if (page == 1) return PollResult::fail(std::move(e), usage());
        failure = std::move(e);
        stop = Stop::failed;
        break;
      }
      posts_read += items->Size();
      bool page_has_old = false;
      for (rapidjson::SizeType i = 0; i < items->Size() && stop == Stop::none; ++i) {
        const Value& item = (*items)[i];
        const std::string path = "items[" + std::to_string(i) + "]";
        if (!item.IsObject()) {
          warn(label_ + ": " + path + ": expected an object, got " + type_name(item));
          continue;
        }
        const auto tid = item.FindMember("id");
        if (tid == item.MemberEnd() || !tid->value.IsString() || tid->value.GetStringLength() == 0) {
          warn(label_ + ": " + path + ".id: " +
               (tid == item.MemberEnd() ? std::string("missing")
                                        : std::string("expected a string, got ") + type_name(tid->value)));
          continue;
        }
        const auto sn = item.FindMember("snippet");
        if (sn == item.MemberEnd() || !sn->value.IsObject()) {
          warn(label_ + ": " + path + ".snippet: expected an object, got " +
               (sn == item.MemberEnd() ? std::string("nothing") : type_name(sn->value)));
          continue;
        }
        const Value& snippet = sn->value;
        CommentOrigin origin{source_, label_, json_string(tid->value), ""};
        if (const auto v = snippet.FindMember("videoId"); v != snippet.MemberEnd() && v->value.IsString())
          origin.video_id = json_string(v->value);
        std::int64_t total = 0;
        if (const auto t = snippet.FindMember("totalReplyCount"); t != snippet.MemberEnd()) {
          if (t->value.IsInt64()) total = std::max<std::int64_t>(0, t->value.GetInt64());
          else warn(label_ + ": " + path + ".snippet.totalReplyCount: expected a number, got " + type_name(t->value));
        }
        bool thread_new = false;
        const auto top = snippet.FindMember("topLevelComment");
        if (top == snippet.MemberEnd()) {
          warn(label_ + ": " + path + ".snippet.topLevelComment: missing");
        } else if (auto m = youtube::comment_to_mention(top->value, path + ".snippet.topLevelComment", origin, now,
                                                        warn)) {
          thread_new = offer(std::move(*m));
        }
        // Replies: inline, and listed when the thread has more than those and their count changed.
        std::vector<Mention> replies;
        size_t inline_count = 0;
        if (const auto r = item.FindMember("replies"); r != item.MemberEnd()) {
          const auto comments = r->value.IsObject() ? r->value.FindMember("comments") : r->value.MemberEnd();
          if (!r->value.IsObject() || comments == r->value.MemberEnd() || !comments->value.IsArray()) {
            warn(label_ + ": " + path + ".replies.comments: expected an array");
          } else {
            inline_count = comments->value.Size();
            for (rapidjson::SizeType j = 0; j < comments->value.Size(); ++j)
              if (auto m = youtube::comment_to_mention(comments->value[j],
                                                       path + ".replies.comments[" + std::to_string(j) + "]",
                                                       origin, now, warn))
                replies.push_back(std::move(*m));
          }
        }
        const bool more_than_inline = total > static_cast<std::int64_t>(inline_count);
        if (more_than_inline && !first && c.reply_count(origin.thread_id) != total) {
          std::optional<PollError> error;
          switch (list_replies(origin.thread_id, origin, now, replies, spent, posts_read, warn, error)) {
            case RepliesOutcome::ok:
            case RepliesOutcome::gone: c.set_reply_count(origin.thread_id, total); break;
            case RepliesOutcome::budget: stop = Stop::budget; break;
            case RepliesOutcome::quota: stop = Stop::google_quota; break;
            case RepliesOutcome::failed:
              stop = Stop::failed;
              failure = std::move(error);
              break;
          }
        } else if (more_than_inline) {
          c.set_reply_count(origin.thread_id, total);  // first poll, or unchanged: remembered as met
        } else {
          c.forget_reply_count(origin.thread_id);
        }
        bool replies_new = false;
        for (auto& m : replies) {
          if (m.parent_id.empty()) m.parent_id = origin.thread_id;
          if (offer(std::move(m))) replies_new = true;
        }
        if (stop != Stop::none) break;  // this page is read again from its token
        if (!thread_new && !replies_new) page_has_old = true;
      }
      if (stop != Stop::none) break;
      std::string next;
      if (const auto n = doc.FindMember("nextPageToken"); n != doc.MemberEnd() && n->value.IsString())
        next = json_string(n->value);
      if (first || page_has_old || next.empty()) {
        caught_up = true;
        break;
      }
      token = std::move(next);
      if (page == opt_.max_pages) batch.more = true;
    }

    if (caught_up) {
      if (first && c.newest.t == 0) c.newest.t = now;  // an empty channel: from now on
      c.floor = c.newest;
      c.page.clear();
      c.seen.clear();
      c.started = true;
    } else {
      c.page = token;
    }
    // A first poll that read nothing stays a first poll (its cursor keeps only the budget).
    if (first && !caught_up) c = Cursor{};
    save_budget(c);

    std::stable_sort(out.begin(), out.end(), [](const Mention& a, const Mention& b) { return a.posted_at < b.posted_at; });
    batch.mentions = std::move(out);
    switch (stop) {
      case Stop::budget:
        warn(budget_spent_message());
        batch.retry_after = DailyBudget::until_next_day(now_ms());
        batch.more = false;
        break;
      case Stop::google_quota:
        exhaust();
        save_budget(c);
        warn(label_ + ": YouTube says the project's daily quota is spent (quotaExceeded); paused until 08:00 UTC "
                      "(midnight Pacific, when YouTube resets it)");
        batch.retry_after = until_pacific_reset(now_ms());
        batch.more = false;
        break;
      case Stop::failed:
        if (failure) {
          warn(failure->message);
          batch.retry_after = failure->retry_after;
        }
        batch.more = false;
        break;
      case Stop::bad_token: batch.more = true; break;
      case Stop::none: break;
    }
    tally.finish(batch, "warnings");
    batch.next_cursor = youtube::write_cursor(c);
    return PollResult::ok(std::move(batch), usage());
  }

  // -- replies -------------------------------------------------------------------------------

  std::optional<std::string> cannot_reply(const Mention& mention) const {
    if (!opt_.can_reply())
      return std::string(
          "options.oauth_refresh_token: replying on YouTube needs options.oauth_client_id, "
          "options.oauth_client_secret and options.oauth_refresh_token");
    if (mention.platform != kPlatform || mention.native_id.empty())
      return "youtube: " + quoted(mention.uid) + " is not a YouTube comment";
    return std::nullopt;
  }

  // The thread a reply to `mention` goes to: the comment itself, or the thread of a reply.
  static std::string thread_of(const Mention& mention) {
    if (!mention.parent_id.empty()) return mention.parent_id;
    const auto dot = mention.native_id.find('.');
    return dot == std::string::npos ? mention.native_id : mention.native_id.substr(0, dot);
  }

  static std::string body_of(const std::string& parent, const std::string& text) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("snippet");
    w.StartObject();
    w.Key("parentId");
    w.String(parent.c_str(), static_cast<rapidjson::SizeType>(parent.size()));
    w.Key("textOriginal");
    w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    w.EndObject();
    w.EndObject();
    return buf.GetString();
  }

  // The posted comment of a comments.insert / comments.list answer.
  static std::optional<PostedReply> posted_reply(const Value& comment, const std::string& video) {
    if (!comment.IsObject()) return std::nullopt;
    const auto id = comment.FindMember("id");
    if (id == comment.MemberEnd() || !id->value.IsString() || id->value.GetStringLength() == 0) return std::nullopt;
    PostedReply p;
    p.id = json_string(id->value);
    p.url = youtube::comment_url(video, p.id);
    const auto sn = comment.FindMember("snippet");
    if (sn != comment.MemberEnd() && sn->value.IsObject()) {
      const auto at = sn->value.FindMember("publishedAt");
      if (at != sn->value.MemberEnd() && at->value.IsString() && !parse_iso8601(json_string(at->value), p.posted_at))
        p.posted_at = 0;
    }
    return p;
  }

  // "<METHOD> <url>: <status>", Google's message and reason.
  static std::string failure_message(const HttpRequest& req, const HttpResponse& resp) {
    HttpResponse bare = resp;
    bare.body.clear();
    std::string message = classify_response(req, bare, now_ms()).message;
    if (const std::string detail = error_detail(resp.body); !detail.empty()) message += ": " + detail;
    if (const std::string reason = youtube::google_reason(resp.body); !reason.empty())
      message += " (" + reason + ")";
    if (resp.status == 0 && !resp.error.empty() && message.find(resp.error) == std::string::npos)
      message += ": " + resp.error;
    return message;
  }

  // Sends `req` with the access token; on a 401 refreshes it once and sends again. Sets `out` to a
  // failure outcome (the token could not be had, or was refused after a refresh).
  std::optional<HttpResponse> send_authorized(HttpRequest req, ReplyOutcome& out) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      const youtube::TokenResult t = token_->get(*http_, now_ms());
      if (t.kind != youtube::TokenResult::Kind::ok) {
        out.kind = t.kind == youtube::TokenResult::Kind::retry ? ReplyOutcome::Kind::retry
                                                               : ReplyOutcome::Kind::permanent;
        out.error = t.error;
        out.retry_after = t.retry_after;
        out.may_have_posted = false;
        return std::nullopt;
      }
      HttpRequest r = req;
      r.headers.emplace_back("Authorization", "Bearer " + t.token);
      HttpResponse resp = http_->send(r);
      if (resp.status != 401) return resp;
      token_->invalidate();
      if (attempt == 1) {
        out.kind = ReplyOutcome::Kind::permanent;
        out.error = failure_message(req, resp) +
                    " after a new access token (is options.oauth_refresh_token still valid for the channel, with the "
                    "youtube.force-ssl scope?)";
        out.may_have_posted = false;
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  ReplyOutcome reply_impl(const Mention& mention, const std::string& text) {
    ReplyOutcome o;
    if (auto why = cannot_reply(mention)) {
      o.kind = ReplyOutcome::Kind::cannot_reply;
      o.error = *why;
      return o;
    }
    if (!take(kInsertCost)) {
      o.kind = ReplyOutcome::Kind::retry;
      o.error = "youtube reply: a reply costs " + std::to_string(kInsertCost) + " quota units and only " +
                std::to_string(remaining()) + " are left today (options.quota_per_day); retried after 00:00 UTC";
      o.retry_after = DailyBudget::until_next_day(now_ms());
      o.may_have_posted = false;
      return o;
    }
    HttpRequest req = request("POST", api_ + "/comments?" + encode_query({{"part", "snippet"}}));
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = body_of(thread_of(mention), text);
    const auto resp = send_authorized(req, o);
    if (!resp) return o;
    const Verdict v = classify_response(req, *resp, now_ms());
    if (v.outcome == Outcome::ok) {
      rapidjson::Document doc;
      doc.Parse(resp->body.c_str(), resp->body.size());
      if (!doc.HasParseError())
        if (auto posted = posted_reply(doc, youtube::video_of_url(mention.url))) {
          o.kind = ReplyOutcome::Kind::sent;
          o.post = std::move(*posted);
          return o;
        }
      o.kind = ReplyOutcome::Kind::retry;  // it said yes without the comment: find_reply settles it
      o.error = v.message + (looks_like_html(*resp) ? " with an HTML page" : " without a comment") +
                " (expected a JSON comment with an \"id\")";
      return o;
    }
    const std::string reason = youtube::google_reason(resp->body);
    o.error = failure_message(req, *resp);
    if (resp->status == 403 && (reason == "quotaExceeded" || reason == "dailyLimitExceeded")) {
      exhaust();
      o.kind = ReplyOutcome::Kind::retry;
      o.retry_after = until_pacific_reset(now_ms());
      o.may_have_posted = false;
      o.error += "; retried after 08:00 UTC, when YouTube resets the quota";
      return o;
    }
    if (resp->status == 403 && (reason == "rateLimitExceeded" || reason == "userRateLimitExceeded")) {
      o.kind = ReplyOutcome::Kind::retry;
      o.retry_after = v.retry_after;
      o.may_have_posted = false;
      return o;
    }
    o.kind = v.outcome == Outcome::retry ? ReplyOutcome::Kind::retry : ReplyOutcome::Kind::permanent;
    if (v.outcome == Outcome::retry) o.retry_after = v.retry_after;
    if (resp->status == 403 && reason == "insufficientPermissions")
      o.error += " (options.oauth_refresh_token needs the youtube.force-ssl scope)";
    o.may_have_posted = resp->status != 429;
    return o;
  }

  ReplySearch find_reply_impl(const Mention& mention, const std::string& text) {
    ReplySearch s;
    if (auto why = cannot_reply(mention)) {
      s.error = *why;
      return s;
    }
    const std::string thread = thread_of(mention);
    const std::string wanted = collapse_space(text);
    const std::string video = youtube::video_of_url(mention.url);
    std::string token;
    for (int page = 1; page <= kMaxReplyPages; ++page) {
      if (!take(kListCost)) {
        s.error = "youtube reply search: " + budget_spent_message();
        return s;
      }
      ReplyOutcome failed;
      // With the access token: YouTube shows textOriginal to the comment's author.
      const auto resp = send_authorized(request("GET", replies_url(thread, token, false)), failed);
      if (!resp) {
        s.error = failed.error;
        return s;
      }
      const HttpRequest req = request("GET", replies_url(thread, token, false));
      const Verdict v = classify_response(req, *resp, now_ms());
      if (v.outcome != Outcome::ok) {
        // The thread is gone: no reply to it exists, and posting one fails for good.
        if (resp->status == 404) s.kind = ReplySearch::Kind::not_found;
        s.error = failure_message(req, *resp);
        return s;
      }
      rapidjson::Document doc;
      doc.Parse(resp->body.c_str(), resp->body.size());
      const Value* items = !doc.HasParseError() && doc.IsObject() && doc.HasMember("items") ? &doc["items"] : nullptr;
      if (!items || !items->IsArray()) {
        s.error = "GET " + redact_url(req.url) + ": items: expected an array of comments";
        return s;
      }
      std::optional<PostedReply> found;
      for (const auto& c : items->GetArray()) {
        if (!c.IsObject() || !c.HasMember("snippet") || !c["snippet"].IsObject()) continue;
        const Value& sn = c["snippet"];
        const auto author = sn.FindMember("authorChannelId");
        if (author == sn.MemberEnd() || !author->value.IsObject() || !author->value.HasMember("value") ||
            !author->value["value"].IsString() || json_string(author->value["value"]) != opt_.channel_id)
          continue;
        bool same = false;
        for (const char* field : {"textOriginal", "textDisplay"}) {
          const auto t = sn.FindMember(field);
          if (t != sn.MemberEnd() && t->value.IsString() && collapse_space(json_string(t->value)) == wanted) same = true;
        }
        if (!same) continue;
        auto posted = posted_reply(c, video);
        // Two such replies: the earliest is the one this reply made.
        if (posted && (!found || posted->posted_at < found->posted_at)) found = std::move(posted);
      }
      if (found) {
        s.kind = ReplySearch::Kind::found;
        s.post = std::move(*found);
        return s;
      }
      const auto next = doc.FindMember("nextPageToken");
      if (next == doc.MemberEnd() || !next->value.IsString() || next->value.GetStringLength() == 0) break;
      token = json_string(next->value);
    }
    s.kind = ReplySearch::Kind::not_found;
    return s;
  }

  // `message` without a secret (belt and braces: no message is built with one).
  std::string redact(std::string message) const {
    for (const std::string* secret : {&opt_.api_key, opt_.oauth_client_secret ? &*opt_.oauth_client_secret : nullptr,
                                      opt_.oauth_refresh_token ? &*opt_.oauth_refresh_token : nullptr}) {
      if (!secret || secret->size() < 8) continue;  // a real one is longer; a short one would mangle the text
      for (size_t at = message.find(*secret); at != std::string::npos; at = message.find(*secret, at))
        message.replace(at, secret->size(), "[secret]");
    }
    return message;
  }

  std::mutex mutex_;  // one poll at a time
  const std::string source_;
  const YoutubeOptions opt_;
  const std::string api_;
  const std::string label_;
  std::shared_ptr<HttpClient> http_;
  std::unique_ptr<youtube::AccessToken> token_;  // null: cannot reply
  std::mutex budget_mutex_;
  DailyBudget budget_;
  std::optional<double> rate_limit_remaining_;
};

}  // namespace

std::unique_ptr<Connector> make_youtube_connector(const std::string& source, YoutubeOptions options,
                                                  std::shared_ptr<HttpClient> http, std::string& error) {
  auto urls = youtube::check_options(options, error);
  if (!urls) return nullptr;
  if (!http) {
    error = "youtube: no HTTP client";
    return nullptr;
  }
  return std::make_unique<YoutubeConnector>(source, std::move(options), std::move(*urls), std::move(http));
}

}  // namespace carewatch
