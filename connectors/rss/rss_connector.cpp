#include "connectors/rss/rss_connector.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_set>
#include <vector>

#include "connectors/common/json_fetch.h"
#include "connectors/common/json_text.h"
#include "connectors/common/never_throw.h"
#include "connectors/common/poll_errors.h"
#include "connectors/common/poll_tally.h"
#include "connectors/http/retry_policy.h"
#include "connectors/rss/feed_cursor.h"
#include "connectors/rss/feed_dates.h"
#include "connectors/rss/feed_parser.h"
#include "connectors/rss/item_mention.h"

namespace carewatch {

namespace {

using std::chrono::milliseconds;


class RssConnector final : public Connector {
 public:
  RssConnector(std::string source, RssOptions options, rss::CheckedOptions checked, std::shared_ptr<HttpClient> http)
      : source_(std::move(source)), opt_(std::move(options)), checked_(std::move(checked)), http_(std::move(http)) {}

  PollResult poll(const std::string& cursor) override {
    return guarded_poll("rss", [&] {
      std::lock_guard lock(mutex_);
      return poll_locked(cursor);
    });
  }

 private:
  struct FeedFailure {
    PollError error;
  };

  HttpRequest request_for(const rss::FeedSpec& feed, const rss::FeedState* state) const {
    HttpRequest r;
    r.url = feed.url;
    r.timeout = opt_.timeout;
    r.headers.emplace_back("User-Agent", opt_.user_agent);
    r.headers.emplace_back("Accept",
                           "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
                           "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5");
    if (state && !state->etag.empty()) r.headers.emplace_back("If-None-Match", state->etag);
    if (state && !state->modified.empty()) r.headers.emplace_back("If-Modified-Since", state->modified);
    return r;
  }

  // An HTML page rather than a feed: labelled text/html, or starting like one.
  static bool html_page(const HttpResponse& r) {
    if (text::lower(r.header("content-type")).find("text/html") != std::string::npos) return true;
    const size_t start = r.body.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) return false;
    const std::string head = text::lower(r.body.substr(start, 14));
    return head.rfind("<!doctype html", 0) == 0 || head.rfind("<html", 0) == 0;
  }

  PollResult poll_locked(const std::string& cursor) {
    PollTally tally;
    rss::Cursor stored;
    std::string cursor_error;
    if (!rss::parse_cursor(cursor, stored, cursor_error))
      return PollResult::fail({PollError::Kind::fatal, cursor_error, std::nullopt, true});

    const TimeMs now = now_ms();
    Batch batch;
    auto warn = [&](std::string message) { tally.warn(batch, std::move(message)); };
    rss::Cursor next;
    for (const auto& f : checked_.feeds)
      if (auto it = stored.find(f.url); it != stored.end()) next[f.url] = it->second;

    std::vector<PollError> errors;
    std::optional<milliseconds> wait;
    bool any_good = false;
    std::set<std::string> emitted;
    std::vector<Mention> mentions;

    for (const auto& feed : checked_.feeds) {
      const auto known = next.find(feed.url);
      const rss::FeedState* state = known == next.end() ? nullptr : &known->second;
      const HttpRequest request = request_for(feed, state);
      const HttpResponse resp = http_->send(request);
      if (auto r = rate_limit_remaining(resp)) tally.remaining = r;
      const std::string where = feed.label + ": GET " + redact_url(feed.url);
      if (resp.status == 304) {  // Not Modified: nothing new (classify_response would call a 3xx fatal)
        any_good = true;
        continue;
      }
      const Verdict v = classify_response(request, resp, now);
      if (v.outcome == Outcome::fatal) {
        std::string message = feed.label + ": " + v.message;
        if (resp.status == 404 || resp.status == 410) message += " (the feed is gone: is its URL in options.feeds right?)";
        else if (resp.status == 401 || resp.status == 403)
          message += " (the site refuses the feed reader: does it need another options.user_agent?)";
        else if (resp.status >= 300 && resp.status < 400)
          message += " (a redirect that was not followed: put the feed's final URL in options.feeds)";
        return PollResult::fail({PollError::Kind::fatal, std::move(message), std::nullopt}, tally.usage());
      }
      if (v.outcome == Outcome::retry) {
        std::string message = feed.label + ": " + v.message;
        if (resp.status == 0 && !resp.error.empty() && message.find(resp.error) == std::string::npos)
          message += ": " + resp.error;
        if (v.retry_after && (!wait || *v.retry_after > *wait)) wait = v.retry_after;
        errors.push_back({PollError::Kind::retry, std::move(message), v.retry_after});
        continue;
      }
      if (resp.body.size() > static_cast<size_t>(opt_.max_bytes)) {
        errors.push_back({PollError::Kind::retry,
                          where + ": the feed is " + std::to_string(resp.body.size()) +
                              " bytes, more than options.max_bytes (" + std::to_string(opt_.max_bytes) + ")",
                          std::nullopt});
        continue;
      }
      rss::Feed parsed;
      std::string parse_error;
      if (!rss::parse_feed(resp.body, static_cast<size_t>(opt_.max_items), parsed, parse_error)) {
        std::string message;
        if (text::lower(parsed.root) == "html" || (parsed.root.empty() && html_page(resp)))
          message = where + ": status " + std::to_string(resp.status) +
                    " with an HTML page instead of a feed (a consent or login page, a proxy or maintenance page?)";
        else
          message = where + ": not a readable feed: " + parse_error;
        errors.push_back({PollError::Kind::retry, std::move(message), std::nullopt});
        continue;
      }
      any_good = true;
      tally.posts_read += parsed.items.size();
      rss::FeedState updated = take_items(feed, parsed, state, now, warn, emitted, mentions);
      updated.etag = resp.header("etag");
      updated.modified = resp.header("last-modified");
      next[feed.url] = std::move(updated);
      if (v.retry_after) {  // good, but the rate limit is used up
        if (!wait || *v.retry_after > *wait) wait = v.retry_after;
      }
    }

    tally.finish(batch, "skipped items");
    if (!errors.empty() && !any_good) {
      return PollResult::fail(first_of_errors(errors, wait), tally.usage());
    }
    for (auto& e : errors) batch.warnings.push_back(std::move(e.message));
    std::stable_sort(mentions.begin(), mentions.end(),
                     [](const Mention& a, const Mention& b) { return a.posted_at < b.posted_at; });
    batch.mentions = std::move(mentions);
    batch.retry_after = wait;
    batch.next_cursor = rss::write_cursor(next);
    return PollResult::ok(std::move(batch), tally.usage());
  }

  // The feed's new items into `mentions`; returns its next state (without the HTTP validators).
  rss::FeedState take_items(const rss::FeedSpec& feed, const rss::Feed& parsed, const rss::FeedState* state,
                            TimeMs now, const rss::Warn& warn, std::set<std::string>& emitted,
                            std::vector<Mention>& mentions) const {
    const bool take_all = !state && opt_.backfill;
    const std::unordered_set<std::string> seen_before =
        state ? std::unordered_set<std::string>(state->seen.begin(), state->seen.end()) : std::unordered_set<std::string>{};
    const TimeMs newest_before = state ? state->newest : 0;
    const TimeMs oldest_new = newest_before ? newest_before - opt_.window.count() : 0;
    const rss::ItemOrigin origin{source_, opt_.platform, feed.url, feed.label, parsed.language, opt_.rating_field,
                                 checked_.rating_pattern ? &*checked_.rating_pattern : nullptr};
    rss::FeedState out;
    out.newest = newest_before;
    std::unordered_set<std::string> listed;
    for (size_t i = 0; i < parsed.items.size(); ++i) {
      const rss::FeedItem& item = parsed.items[i];
      const std::string key = rss::seen_key(rss::item_native_id(item));
      if (!listed.insert(key).second) continue;  // listed twice in the feed
      out.seen.push_back(key);
      const bool is_new = take_all || (state && !seen_before.count(key));
      if (!is_new) continue;
      auto m = rss::item_to_mention(item, i, origin, now, warn);
      if (!m) continue;
      if (m->posted_at) out.newest = std::max(out.newest, m->posted_at);
      if (!take_all && m->posted_at && oldest_new && m->posted_at < oldest_new) continue;  // an old item re-listed
      if (emitted.insert(m->uid).second) mentions.push_back(std::move(*m));
    }
    // The newest date among items already seen too (the first poll, and items not mapped above).
    for (const auto& item : parsed.items) {
      TimeMs t = 0;
      if (rss::parse_feed_date(item.date, t)) out.newest = std::max(out.newest, t);
    }
    const size_t cap = 2 * static_cast<size_t>(opt_.max_items);
    if (state)
      for (const auto& k : state->seen) {
        if (out.seen.size() >= cap) break;
        if (!listed.count(k)) out.seen.push_back(k);
      }
    return out;
  }

  std::string source_;
  RssOptions opt_;
  rss::CheckedOptions checked_;
  std::shared_ptr<HttpClient> http_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Connector> make_rss_connector(const std::string& source, RssOptions options,
                                              std::shared_ptr<HttpClient> http, std::string& error) {
  auto checked = rss::check_options(options, error);
  if (!checked) return nullptr;
  if (!http) {
    error = "rss: no HTTP client";
    return nullptr;
  }
  return std::make_unique<RssConnector>(source, std::move(options), std::move(*checked), std::move(http));
}

}  // namespace carewatch
