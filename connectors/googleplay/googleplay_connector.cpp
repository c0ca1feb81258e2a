#include "connectors/googleplay/googleplay_connector.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <vector>

#include "connectors/common/json_fetch.h"
#include "connectors/common/json_text.h"
#include "connectors/common/never_throw.h"
#include "connectors/common/poll_tally.h"
#include "connectors/common/review_walk.h"
#include "connectors/common/white_space.h"
#include "connectors/googleplay/review_mention.h"
#include "connectors/googleplay/service_account.h"
#include "connectors/http/retry_policy.h"
#include "mention/common/time.h"
#include "mention/common/url.h"
#include "mention/utf8.h"

namespace carewatch {

namespace {

using rapidjson::Value;
using std::chrono::milliseconds;
using text::collapse_space;
using text::json_string;
using text::type_name;

constexpr const char* kPlatform = "googleplay";
constexpr const char* kStream = "reviews";
constexpr size_t kMaxReply = 350;  // Google's limit of a reply's text

TimeMs timestamp_ms(const Value& obj, const char* name) {
  if (!obj.IsObject() || !obj.HasMember(name) || !obj[name].IsObject()) return 0;
  const Value& t = obj[name];
  std::int64_t seconds = 0;
  if (t.HasMember("seconds")) {
    if (t["seconds"].IsInt64()) seconds = t["seconds"].GetInt64();
    else if (t["seconds"].IsString()) seconds = std::atoll(t["seconds"].GetString());
  }
  std::int64_t nanos = t.HasMember("nanos") && t["nanos"].IsInt64() ? t["nanos"].GetInt64() : 0;
  return seconds * 1000 + nanos / 1000000;
}

class GooglePlayConnector final : public Connector {
 public:
  GooglePlayConnector(std::string source, GooglePlayOptions options, std::string base, std::shared_ptr<HttpClient> http)
      : source_(std::move(source)),
        opt_(std::move(options)),
        base_(std::move(base)),
        http_(http),
        token_(opt_, http) {}

  PollResult poll(const std::string& cursor) override {
    return guarded_poll("googleplay", [&] {
      std::lock_guard lock(mutex_);
      return poll_locked(cursor);
    });
  }

  ReplyRules reply_rules() const override {
    ReplyRules r;
    r.can_reply = true;
    r.max_length = kMaxReply;
    r.length_unit = "characters";
    r.can_reconcile = true;
    return r;
  }

  std::optional<ReplyProblem> check_reply(const Mention& mention, const std::string& text) const override {
    if (auto why = cannot_reply(mention)) return ReplyProblem{"cannot_reply", *why};
    if (is_blank(text)) return ReplyProblem{"empty", "empty: the reply has no text"};
    const size_t n = code_points(text);
    if (n > kMaxReply)
      return ReplyProblem{"max_length", "max_length: the reply is " + std::to_string(n) +
                                            " characters, the limit of a Google Play reply is " +
                                            std::to_string(kMaxReply)};
    return std::nullopt;
  }

  ReplyOutcome reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)reply_id;  // Google has no idempotency key: find_reply settles a doubt
    return guarded_reply("googleplay", [&] { return reply_impl(mention, text); });
  }

  ReplySearch find_reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)reply_id;
    return guarded_search("googleplay", [&] { return find_reply_impl(mention, text); });
  }

  int token_requests() const { return token_.token_requests(); }

 private:
  std::string reviews_url() const {
    return base_ + "/androidpublisher/v3/applications/" + percent_encode(opt_.package_name) + "/reviews";
  }
  std::string review_url(const std::string& id) const { return reviews_url() + "/" + percent_encode(id); }

  std::string permission_hint() const {
    std::string email = token_.client_email();
    if (email.empty()) email = "of options.service_account_key";
    return "the service account " + email + " needs access to " + opt_.package_name +
           " in Play Console (Users and permissions: invite it, with the app and the \"Reply to reviews\" "
           "permission) and the Google Play Android Developer API enabled in its Google Cloud project";
  }

  HttpRequest request(std::string method, std::string url, const std::string& token) const {
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.timeout = opt_.timeout;
    r.headers.emplace_back("Accept", "application/json");
    r.headers.emplace_back("Authorization", "Bearer " + token);
    return r;
  }

  // GET `url` as JSON with the access token; a 401 drops the token and asks once more.
  std::optional<JsonFailure> api_get(const std::string& url, const std::string& label, JsonAnswer& answer) {
    for (int attempt = 0;; ++attempt) {
      PollError token_error;
      auto token = token_.get(now_ms(), token_error);
      if (!token) return JsonFailure{std::move(token_error), 0, true};
      auto failure = fetch_json(*http_, request("GET", url, *token), label, answer, now_ms());
      if (failure && failure->status == 401 && attempt == 0) {
        token_.invalidate();
        continue;
      }
      if (failure && (failure->status == 401 || failure->status == 403))
        failure->error.message += " (" + permission_hint() + ")";
      return failure;
    }
  }

  // Sends with the access token; a 401 drops the token and sends once more. `token_error` is set
  // (and the response empty) when no token could be had.
  HttpResponse api_send(const std::string& method, const std::string& url, const std::string& body,
                        std::optional<PollError>& token_error) {
    HttpResponse resp;
    for (int attempt = 0; attempt < 2; ++attempt) {
      PollError e;
      auto token = token_.get(now_ms(), e);
      if (!token) {
        token_error = std::move(e);
        return HttpResponse{};
      }
      HttpRequest req = request(method, url, *token);
      if (!body.empty()) {
        req.headers.emplace_back("Content-Type", "application/json");
        req.body = body;
      }
      resp = http_->send(req);
      if (resp.status != 401) break;
      token_.invalidate();
    }
    return resp;
  }

  PollResult poll_locked(const std::string& cursor) {
    PollTally tally;
    review_walk::States stored;
    std::string cursor_error;
    if (!review_walk::parse_states(cursor, stored, cursor_error))
      return PollResult::fail({PollError::Kind::fatal, "googleplay " + cursor_error, std::nullopt, true});
    std::optional<review_walk::StreamState> state;
    if (auto it = stored.find(kStream); it != stored.end()) state = it->second;

    const TimeMs now = now_ms();
    Batch batch;
    auto warn = [&](std::string message) { tally.warn(batch, std::move(message)); };
    review_walk::StreamWalk walk(state);
    std::string page_token = walk.start();
    std::optional<PollError> error;
    bool any_page = false, restarted = false;
    for (int read = 0;;) {
      QueryPairs query = {{"maxResults", std::to_string(opt_.page_size)}};
      if (!page_token.empty()) query.emplace_back("token", page_token);
      if (opt_.translation_language) query.emplace_back("translationLanguage", *opt_.translation_language);
      const std::string url = reviews_url() + "?" + encode_query(query);
      JsonAnswer answer;
      if (auto failure = api_get(url, "googleplay reviews", answer)) {
        if (answer.rate_limit_remaining) tally.remaining = answer.rate_limit_remaining;
        // A page token from the cursor Google no longer takes (400): the walk goes on from the
        // first page; its floor keeps out what it already returned.
        if (failure->status == 400 && !page_token.empty() && !restarted) {
          restarted = true;
          warn("googleplay reviews: the stored page token was refused (" + failure->error.message +
               "); reading again from the first page");
          page_token = walk.restart();
          continue;
        }
        if (failure->error.kind == PollError::Kind::fatal) {
          if (failure->status == 404) failure->error.message += " (is options.package_name the app's package name?)";
          return PollResult::fail(std::move(failure->error), tally.usage());
        }
        error = std::move(failure->error);
        break;
      }
      if (answer.rate_limit_remaining) tally.remaining = answer.rate_limit_remaining;
      const Value& doc = answer.doc;
      const Value* reviews = nullptr;
      std::string shape;
      if (!doc.IsObject()) shape = std::string("expected a JSON object with \"reviews\", got ") + type_name(doc);
      else if (doc.HasMember("reviews") && !doc["reviews"].IsArray())
        shape = std::string("reviews: expected an array, got ") + type_name(doc["reviews"]);
      else if (doc.HasMember("reviews")) reviews = &doc["reviews"];
      std::string next;
      if (shape.empty() && doc.HasMember("tokenPagination")) {
        const Value& tp = doc["tokenPagination"];
        if (!tp.IsObject()) shape = std::string("tokenPagination: expected an object, got ") + type_name(tp);
        else if (tp.HasMember("nextPageToken")) {
          if (tp["nextPageToken"].IsString()) next = json_string(tp["nextPageToken"]);
          else shape = std::string("tokenPagination.nextPageToken: expected a string, got ") + type_name(tp["nextPageToken"]);
        }
      }
      if (!shape.empty()) {
        error = PollError{PollError::Kind::retry, "googleplay reviews: GET " + redact_url(url) + ": " + shape, std::nullopt};
        break;
      }
      any_page = true;
      ++read;
      std::vector<review_walk::Item> items;
      std::vector<googleplay::PlayReview> found;
      if (reviews) {
        tally.posts_read += reviews->Size();
        for (rapidjson::SizeType i = 0; i < reviews->Size(); ++i) {
          auto r = googleplay::to_review((*reviews)[i], "reviews[" + std::to_string(i) + "]", source_,
                                         opt_.package_name, now, warn);
          if (!r) continue;
          items.push_back({r->modified, r->review_id});
          found.push_back(std::move(*r));
        }
      }
      for (size_t i : walk.take(items, next.empty(), next)) batch.mentions.push_back(std::move(found[i].mention));
      if (answer.rate_limited_for) {
        batch.retry_after = answer.rate_limited_for;
        break;
      }
      if (walk.done()) break;
      if (read >= opt_.max_pages) {
        batch.more = true;
        break;
      }
      page_token = next;
    }
    if (error && !any_page) return PollResult::fail(std::move(*error), tally.usage());
    if (error) {
      batch.warnings.push_back(error->message);
      batch.more = false;
      if (error->retry_after) batch.retry_after = error->retry_after;
    }
    tally.finish(batch, "skipped reviews");
    review_walk::States next_states;
    if (auto s = walk.state()) next_states[kStream] = std::move(*s);
    std::stable_sort(batch.mentions.begin(), batch.mentions.end(),
                     [](const Mention& a, const Mention& b) { return a.posted_at < b.posted_at; });
    batch.next_cursor = review_walk::write_states(next_states);
    return PollResult::ok(std::move(batch), tally.usage());
  }

  // -- replies ---------------------------------------------------------------------------------

  std::optional<std::string> cannot_reply(const Mention& mention) const {
    if (mention.platform != kPlatform || googleplay::review_id_of(mention).empty())
      return "googleplay: " + text::quoted(mention.uid) + " is not a Google Play review";
    return std::nullopt;
  }

  std::string failure_message(const std::string& what, const std::string& method, const std::string& url,
                              const HttpResponse& resp) const {
    HttpRequest req;
    req.method = method;
    req.url = url;
    HttpResponse bare = resp;
    bare.body.clear();
    std::string message = what + ": " + classify_response(req, bare, now_ms()).message;
    if (resp.status == 0 && !resp.error.empty()) message += ": " + resp.error;
    if (const std::string detail = error_detail(resp.body); !detail.empty()) message += ": " + detail;
    if (resp.status == 401 || resp.status == 403) message += " (" + permission_hint() + ")";
    return message;
  }

  ReplyOutcome reply_impl(const Mention& mention, const std::string& text) {
    ReplyOutcome o;
    if (auto why = cannot_reply(mention)) {
      o.kind = ReplyOutcome::Kind::cannot_reply;
      o.error = *why;
      return o;
    }
    const std::string review = googleplay::review_id_of(mention);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("replyText");
    w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    w.EndObject();
    const std::string url = review_url(review) + ":reply";
    std::optional<PollError> token_error;
    const HttpResponse resp = api_send("POST", url, std::string(buffer.GetString(), buffer.GetSize()), token_error);
    if (token_error) {
      o.kind = token_error->kind == PollError::Kind::fatal ? ReplyOutcome::Kind::permanent : ReplyOutcome::Kind::retry;
      o.error = "googleplay reply: " + token_error->message;
      o.retry_after = token_error->retry_after;
      o.may_have_posted = false;  // nothing was sent to the reviews API
      return o;
    }
    HttpRequest req;
    req.method = "POST";
    req.url = url;
    const Verdict v = classify_response(req, resp, now_ms());
    if (v.outcome == Outcome::ok) {
      rapidjson::Document doc;
      doc.Parse(resp.body.c_str(), resp.body.size());
      if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("result") && doc["result"].IsObject()) {
        o.kind = ReplyOutcome::Kind::sent;
        o.post.id = review + ":reply";
        o.post.url = mention.url.empty() ? googleplay::review_url(opt_.package_name, review) : mention.url;
        o.post.posted_at = timestamp_ms(doc["result"], "lastEdited");
        return o;
      }
      o.kind = ReplyOutcome::Kind::retry;
      o.error = "googleplay reply: " + v.message + " without a \"result\" in its body";
      return o;
    }
    o.kind = v.outcome == Outcome::retry ? ReplyOutcome::Kind::retry : ReplyOutcome::Kind::permanent;
    o.error = failure_message("googleplay reply", "POST", url, resp);
    if (v.outcome == Outcome::retry) o.retry_after = v.retry_after;
    o.may_have_posted = resp.status != 429;
    return o;
  }

  ReplySearch find_reply_impl(const Mention& mention, const std::string& text) {
    ReplySearch s;
    if (auto why = cannot_reply(mention)) {
      s.error = *why;
      return s;
    }
    const std::string review = googleplay::review_id_of(mention);
    const std::string url = review_url(review);
    std::optional<PollError> token_error;
    const HttpResponse resp = api_send("GET", url, "", token_error);
    if (token_error) {
      s.error = "googleplay reply search: " + token_error->message;
      return s;
    }
    HttpRequest req;
    req.url = url;
    const Verdict v = classify_response(req, resp, now_ms());
    if (resp.status == 404) {  // no such review any more: no reply, and posting fails for good
      s.kind = ReplySearch::Kind::not_found;
      return s;
    }
    if (v.outcome != Outcome::ok) {
      s.error = failure_message("googleplay reply search", "GET", url, resp);
      return s;
    }
    rapidjson::Document doc;
    doc.Parse(resp.body.c_str(), resp.body.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("comments") || !doc["comments"].IsArray()) {
      s.error = "googleplay reply search: GET " + redact_url(url) + ": expected a review with \"comments\"";
      return s;
    }
    for (const auto& c : doc["comments"].GetArray()) {
      if (!c.IsObject() || !c.HasMember("developerComment")) continue;
      const Value& dc = c["developerComment"];
      if (!dc.IsObject() || !dc.HasMember("text") || !dc["text"].IsString()) continue;
      if (collapse_space(json_string(dc["text"])) != collapse_space(text)) continue;
      s.kind = ReplySearch::Kind::found;
      s.post.id = review + ":reply";
      s.post.url = mention.url.empty() ? googleplay::review_url(opt_.package_name, review) : mention.url;
      s.post.posted_at = timestamp_ms(dc, "lastModified");
      return s;
    }
    s.kind = ReplySearch::Kind::not_found;
    return s;
  }

  std::mutex mutex_;
  const std::string source_;
  const GooglePlayOptions opt_;
  const std::string base_;
  std::shared_ptr<HttpClient> http_;
  googleplay::ServiceAccountToken token_;
};

}  // namespace

std::unique_ptr<Connector> make_googleplay_connector(const std::string& source, GooglePlayOptions options,
                                                     std::shared_ptr<HttpClient> http, std::string& error) {
  auto base = googleplay::check_options(options, error);
  if (!base) return nullptr;
  if (!http) {
    error = "googleplay: no HTTP client";
    return nullptr;
  }
  return std::make_unique<GooglePlayConnector>(source, std::move(options), std::move(base->url), std::move(http));
}

int googleplay_token_requests(const Connector& connector) {
  const auto* g = dynamic_cast<const GooglePlayConnector*>(&connector);
  return g ? g->token_requests() : 0;
}

}  // namespace carewatch
