#include "connectors/appstore/appstore_connector.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "connectors/appstore/connect_token.h"
#include "connectors/appstore/review_mention.h"
#include "connectors/common/json_fetch.h"
#include "connectors/common/json_text.h"
#include "connectors/common/never_throw.h"
#include "connectors/common/poll_errors.h"
#include "connectors/common/poll_tally.h"
#include "connectors/common/review_walk.h"
#include "connectors/common/white_space.h"
#include "connectors/http/retry_policy.h"
#include "mention/common/time.h"
#include "mention/utf8.h"

namespace carewatch {

namespace {

using rapidjson::Value;
using std::chrono::milliseconds;
using text::collapse_space;
using text::json_string;
using text::type_name;

constexpr const char* kPlatform = "appstore";
constexpr size_t kPageSize = 50;  // reviews per feed page
constexpr int kLastPage = 10;     // the feed has 10 pages
constexpr size_t kMaxResponse = 5970;  // App Store Connect's limit of a response's body

// Apple's words in an App Store Connect error body: {"errors": [{"title": ..., "detail": ...}]}.
std::string connect_error(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (!d.HasParseError() && d.IsObject() && d.HasMember("errors") && d["errors"].IsArray() &&
      !d["errors"].Empty() && d["errors"][0].IsObject()) {
    const Value& e = d["errors"][0];
    std::string out;
    for (const char* f : {"code", "detail"})
      if (e.HasMember(f) && e[f].IsString()) out += (out.empty() ? "" : ": ") + json_string(e[f]);
    if (out.size() > 300) out = out.substr(0, 300) + "...";
    return out;
  }
  return error_detail(body);
}

class AppStoreConnector final : public Connector {
 public:
  AppStoreConnector(std::string source, AppStoreOptions options, appstore::CheckedOptions checked,
                    std::shared_ptr<HttpClient> http)
      : source_(std::move(source)),
        opt_(std::move(options)),
        checked_(std::move(checked)),
        http_(std::move(http)),
        token_(opt_) {}

  PollResult poll(const std::string& cursor) override {
    return guarded_poll("appstore", [&] {
      std::lock_guard lock(mutex_);
      return poll_locked(cursor);
    });
  }

  ReplyRules reply_rules() const override {
    ReplyRules r;
    r.can_reply = checked_.can_reply;
    r.max_length = kMaxResponse;
    r.length_unit = "characters";
    r.can_reconcile = r.can_reply;
    return r;
  }

  std::optional<ReplyProblem> check_reply(const Mention& mention, const std::string& text) const override {
    if (auto why = cannot_reply(mention)) return ReplyProblem{"cannot_reply", *why};
    if (is_blank(text)) return ReplyProblem{"empty", "empty: the reply has no text"};
    const size_t n = code_points(text);
    if (n > kMaxResponse)
      return ReplyProblem{"max_length", "max_length: the reply is " + std::to_string(n) +
                                            " characters, the limit of an App Store review response is " +
                                            std::to_string(kMaxResponse)};
    return std::nullopt;
  }

  ReplyOutcome reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)reply_id;  // App Store Connect has no idempotency key: find_reply settles a doubt
    return guarded_reply("appstore", [&] { return reply_impl(mention, text); });
  }

  ReplySearch find_reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)reply_id;
    return guarded_search("appstore", [&] { return find_reply_impl(mention, text); });
  }

 private:
  // -- polling ---------------------------------------------------------------------------------

  std::string page_url(const std::string& country, int page) const {
    return checked_.feed.url + "/" + country + "/rss/customerreviews/page=" + std::to_string(page) + "/id=" +
           opt_.app_id + "/sortby=mostrecent/json";
  }

  PollResult poll_locked(const std::string& cursor) {
    PollTally tally;
    review_walk::States stored;
    std::string cursor_error;
    if (!review_walk::parse_states(cursor, stored, cursor_error))
      return PollResult::fail({PollError::Kind::fatal, "appstore " + cursor_error, std::nullopt, true});

    const TimeMs now = now_ms();
    Batch batch;
    auto warn = [&](std::string message) { tally.warn(batch, std::move(message)); };
    review_walk::States next;
    std::vector<PollError> errors;
    bool any_page = false, stop_all = false;
    std::optional<milliseconds> wait;
    auto wait_at_least = [&](std::optional<milliseconds> d) {
      if (d && (!wait || *d > *wait)) wait = d;
    };

    for (const auto& country : checked_.countries) {
      std::optional<review_walk::StreamState> state;
      if (auto it = stored.find(country); it != stored.end()) state = it->second;
      review_walk::StreamWalk walk(state);
      const appstore::FeedOrigin origin{source_, country, opt_.app_id, country + " reviews"};
      std::string at = walk.start();
      int page = 1;
      if (!at.empty()) {
        try {
          page = std::stoi(at);
        } catch (...) {
          page = 1;
        }
        if (page < 1 || page > kLastPage) page = 1;
      }
      for (int read = 0; !stop_all;) {
        const std::string url = page_url(country, page);
        HttpRequest req;
        req.url = url;
        req.timeout = opt_.timeout;
        req.headers.emplace_back("Accept", "application/json");
        JsonAnswer answer;
        if (auto failure = fetch_json(*http_, req, origin.label, answer, now_ms())) {
          if (answer.rate_limit_remaining) tally.remaining = answer.rate_limit_remaining;
          if (failure->error.kind == PollError::Kind::fatal) {
            if (failure->status == 404) failure->error.message += " (is options.app_id the app's App Store id?)";
            return PollResult::fail(std::move(failure->error), tally.usage());
          }
          wait_at_least(failure->error.retry_after);
          errors.push_back(std::move(failure->error));
          stop_all = failure->stop_all;
          break;
        }
        if (answer.rate_limit_remaining) tally.remaining = answer.rate_limit_remaining;
        std::vector<const Value*> entries;
        if (const std::string shape = appstore::feed_entries(answer.doc, entries); !shape.empty()) {
          errors.push_back({PollError::Kind::retry, origin.label + ": GET " + redact_url(url) + ": " + shape, std::nullopt});
          break;
        }
        any_page = true;
        ++read;
        std::vector<review_walk::Item> items;
        std::vector<appstore::FeedReview> reviews;
        size_t page_reviews = 0;
        for (size_t i = 0; i < entries.size(); ++i) {
          if (appstore::is_app_metadata(*entries[i])) continue;
          ++page_reviews;
          auto r = appstore::entry_to_review(*entries[i], "entry[" + std::to_string(i) + "]", origin, now, warn);
          if (!r) continue;
          items.push_back({r->updated, r->review_id});
          reviews.push_back(std::move(*r));
        }
        tally.posts_read += page_reviews;
        const bool last = page >= kLastPage || page_reviews < kPageSize;
        for (size_t i : walk.take(items, last, std::to_string(page + 1)))
          batch.mentions.push_back(std::move(reviews[i].mention));
        if (answer.rate_limited_for) {
          wait_at_least(answer.rate_limited_for);
          stop_all = true;
          break;
        }
        if (walk.done()) break;
        if (read >= opt_.max_pages) {
          batch.more = true;
          break;
        }
        ++page;
      }
      if (auto s = walk.state()) next[country] = std::move(*s);
    }

    tally.finish(batch, "skipped reviews");
    if (!errors.empty() && !any_page) {
      return PollResult::fail(first_of_errors(errors, wait), tally.usage());
    }
    for (auto& e : errors) batch.warnings.push_back(std::move(e.message));
    if (wait) {
      batch.retry_after = wait;
      batch.more = false;
    }
    // Oldest first, so the batch is in posting order.
    std::stable_sort(batch.mentions.begin(), batch.mentions.end(),
                     [](const Mention& a, const Mention& b) { return a.posted_at < b.posted_at; });
    batch.next_cursor = review_walk::write_states(next);
    return PollResult::ok(std::move(batch), tally.usage());
  }

  // -- replies ---------------------------------------------------------------------------------

  std::optional<std::string> cannot_reply(const Mention& mention) const {
    if (!checked_.can_reply)
      return std::string("options.issuer_id, options.key_id and options.private_key: required to reply on the App Store");
    if (mention.platform != kPlatform || appstore::review_id_of(mention).empty())
      return "appstore: " + text::quoted(mention.uid) + " is not an App Store review";
    return std::nullopt;
  }

  // A request to App Store Connect with a fresh token; nullopt with `error` when no token.
  std::optional<HttpRequest> connect_request(std::string method, std::string url, std::string& error) {
    auto token = token_.get(now_ms() / 1000, error);
    if (!token) return std::nullopt;
    HttpRequest r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.timeout = opt_.timeout;
    r.headers.emplace_back("Accept", "application/json");
    r.headers.emplace_back("Authorization", "Bearer " + *token);
    return r;
  }

  // Sends with a new token once more after a 401 (a token Apple no longer takes).
  HttpResponse send_connect(const std::string& method, const std::string& url, const std::string& body,
                            std::string& error) {
    HttpResponse resp;
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto req = connect_request(method, url, error);
      if (!req) return resp;
      if (!body.empty()) {
        req->headers.emplace_back("Content-Type", "application/json");
        req->body = body;
      }
      resp = http_->send(*req);
      if (resp.status != 401) break;
      token_.reset();
    }
    return resp;
  }

  std::string failure_message(const std::string& method, const std::string& url, const HttpResponse& resp) const {
    HttpRequest req;
    req.method = method;
    req.url = url;
    HttpResponse bare = resp;
    bare.body.clear();
    std::string message = "appstore reply: " + classify_response(req, bare, now_ms()).message;
    if (resp.status == 0 && !resp.error.empty()) message += ": " + resp.error;
    if (const std::string detail = connect_error(resp.body); !detail.empty()) message += ": " + detail;
    if (resp.status == 401)
      message += " (are options.issuer_id, options.key_id and the private key those of one App Store Connect API key?)";
    else if (resp.status == 403)
      message += " (the API key needs the Admin, App Manager or Customer Support role)";
    return message;
  }

  ReplyOutcome reply_impl(const Mention& mention, const std::string& text) {
    ReplyOutcome o;
    if (auto why = cannot_reply(mention)) {
      o.kind = ReplyOutcome::Kind::cannot_reply;
      o.error = *why;
      return o;
    }
    const std::string review = appstore::review_id_of(mention);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("data");
    w.StartObject();
    w.Key("type");
    w.String("customerReviewResponses");
    w.Key("attributes");
    w.StartObject();
    w.Key("responseBody");
    w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
    w.EndObject();
    w.Key("relationships");
    w.StartObject();
    w.Key("review");
    w.StartObject();
    w.Key("data");
    w.StartObject();
    w.Key("type");
    w.String("customerReviews");
    w.Key("id");
    w.String(review.c_str(), static_cast<rapidjson::SizeType>(review.size()));
    w.EndObject();
    w.EndObject();
    w.EndObject();
    w.EndObject();
    w.EndObject();
    const std::string url = checked_.connect.url + "/v1/customerReviewResponses";
    std::string error;
    const HttpResponse resp = send_connect("POST", url, std::string(buffer.GetString(), buffer.GetSize()), error);
    if (!error.empty()) {
      o.kind = ReplyOutcome::Kind::permanent;
      o.error = "appstore reply: " + error;
      return o;
    }
    HttpRequest req;
    req.method = "POST";
    req.url = url;
    const Verdict v = classify_response(req, resp, now_ms());
    if (v.outcome == Outcome::ok) {
      rapidjson::Document doc;
      doc.Parse(resp.body.c_str(), resp.body.size());
      if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("data") && doc["data"].IsObject() &&
          doc["data"].HasMember("id") && doc["data"]["id"].IsString()) {
        o.kind = ReplyOutcome::Kind::sent;
        o.post.id = json_string(doc["data"]["id"]);
        o.post.url = mention.url;
        const Value& data = doc["data"];
        if (data.HasMember("attributes") && data["attributes"].IsObject() &&
            data["attributes"].HasMember("lastModifiedDate") && data["attributes"]["lastModifiedDate"].IsString() &&
            !parse_iso8601(json_string(data["attributes"]["lastModifiedDate"]), o.post.posted_at))
          o.post.posted_at = 0;
        return o;
      }
      o.kind = ReplyOutcome::Kind::retry;  // said yes without a response: find_reply settles it
      o.error = "appstore reply: " + v.message + " without a customerReviewResponses resource in its body";
      return o;
    }
    o.kind = v.outcome == Outcome::retry ? ReplyOutcome::Kind::retry : ReplyOutcome::Kind::permanent;
    o.error = failure_message("POST", url, resp);
    if (resp.status == 404)
      o.error += " (review " + review +
                 " is not known to App Store Connect under the feed's id: answer it in App Store Connect)";
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
    const std::string review = appstore::review_id_of(mention);
    const std::string url = checked_.connect.url + "/v1/customerReviews/" + review + "/response";
    std::string error;
    const HttpResponse resp = send_connect("GET", url, "", error);
    if (!error.empty()) {
      s.error = "appstore reply search: " + error;
      return s;
    }
    HttpRequest req;
    req.url = url;
    const Verdict v = classify_response(req, resp, now_ms());
    if (resp.status == 404) {  // no response to the review (or no such review: posting fails for good)
      s.kind = ReplySearch::Kind::not_found;
      return s;
    }
    if (v.outcome != Outcome::ok) {
      s.error = failure_message("GET", url, resp);
      return s;
    }
    rapidjson::Document doc;
    doc.Parse(resp.body.c_str(), resp.body.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data")) {
      s.error = "appstore reply search: GET " + url + ": expected a JSON object with \"data\"";
      return s;
    }
    const Value& data = doc["data"];
    if (data.IsNull()) {
      s.kind = ReplySearch::Kind::not_found;
      return s;
    }
    if (!data.IsObject() || !data.HasMember("id") || !data["id"].IsString() || !data.HasMember("attributes") ||
        !data["attributes"].IsObject()) {
      s.error = "appstore reply search: GET " + url + ": data: expected a customerReviewResponses resource, got " +
                type_name(data);
      return s;
    }
    const Value& attrs = data["attributes"];
    const auto body = attrs.FindMember("responseBody");
    if (body == attrs.MemberEnd() || !body->value.IsString() || collapse_space(json_string(body->value)) != collapse_space(text)) {
      s.kind = ReplySearch::Kind::not_found;  // no response with this text: posting replaces whatever is there
      return s;
    }
    s.kind = ReplySearch::Kind::found;
    s.post.id = json_string(data["id"]);
    s.post.url = mention.url;
    const auto at = attrs.FindMember("lastModifiedDate");
    if (at != attrs.MemberEnd() && at->value.IsString() && !parse_iso8601(json_string(at->value), s.post.posted_at))
      s.post.posted_at = 0;
    return s;
  }

  std::mutex mutex_;
  const std::string source_;
  const AppStoreOptions opt_;
  const appstore::CheckedOptions checked_;
  std::shared_ptr<HttpClient> http_;
  appstore::ConnectToken token_;
};

}  // namespace

std::unique_ptr<Connector> make_appstore_connector(const std::string& source, AppStoreOptions options,
                                                   std::shared_ptr<HttpClient> http, std::string& error) {
  auto checked = appstore::check_options(options, error);
  if (!checked) return nullptr;
  if (!http) {
    error = "appstore: no HTTP client";
    return nullptr;
  }
  return std::make_unique<AppStoreConnector>(source, std::move(options), std::move(*checked), std::move(http));
}

}  // namespace carewatch
