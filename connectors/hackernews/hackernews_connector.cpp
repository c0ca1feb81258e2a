#include "connectors/hackernews/hackernews_connector.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "connectors/common/json_fetch.h"
#include "connectors/common/json_text.h"
#include "connectors/common/never_throw.h"
#include "connectors/common/poll_errors.h"
#include "connectors/common/poll_tally.h"
#include "connectors/hackernews/hit_mention.h"
#include "connectors/hackernews/search_cursor.h"
#include "mention/common/url.h"

namespace carewatch {

namespace {

using hackernews::Run;
using hackernews::TermState;
using rapidjson::Value;
using std::chrono::milliseconds;
using text::quoted;
using text::type_name;


class HackernewsConnector final : public Connector {
 public:
  HackernewsConnector(std::string source, HackernewsOptions options, std::string base_url,
                      std::shared_ptr<HttpClient> http)
      : source_(std::move(source)), opt_(std::move(options)), base_url_(std::move(base_url)), http_(std::move(http)) {
    tags_ = opt_.tags.size() == 1 ? opt_.tags.front() : "(";
    if (opt_.tags.size() > 1) {
      for (size_t i = 0; i < opt_.tags.size(); ++i) tags_ += (i ? "," : "") + opt_.tags[i];
      tags_ += ")";
    }
  }

  PollResult poll(const std::string& cursor) override {
    return guarded_poll("hackernews", [&] {
      std::lock_guard lock(mutex_);
      return poll_locked(cursor);
    });
  }

 private:
  std::string url_of(const std::string& term, const TermState& st, const Run& run) const {
    QueryPairs q{{"query", term}, {"tags", tags_}};
    std::string filters;
    if (st.newest >= 0) filters = "created_at_i>=" + std::to_string(st.newest);
    if (run.upper >= 0) filters += (filters.empty() ? "" : ",") + std::string("created_at_i<=") + std::to_string(run.upper);
    if (!filters.empty()) q.emplace_back("numericFilters", filters);
    q.emplace_back("hitsPerPage", std::to_string(opt_.hits_per_page));
    q.emplace_back("page", std::to_string(run.page));
    return base_url_ + "/search_by_date?" + encode_query(q);
  }

  PollResult poll_locked(const std::string& cursor) {
    PollTally tally;
    hackernews::Cursor stored;
    std::string cursor_error;
    if (!hackernews::parse_cursor(cursor, stored, cursor_error))
      return PollResult::fail({PollError::Kind::fatal, cursor_error, std::nullopt, true});

    const TimeMs now = now_ms();
    Batch batch;
    auto warn = [&](std::string message) { tally.warn(batch, std::move(message)); };
    hackernews::Cursor next;
    for (const auto& t : opt_.terms)
      if (auto it = stored.find(t); it != stored.end()) next[t] = it->second;

    std::vector<PollError> errors;
    std::optional<milliseconds> wait;
    auto wait_at_least = [&](std::optional<milliseconds> d) {
      if (d && (!wait || *d > *wait)) wait = d;
    };
    bool any_page = false, stop_all = false;
    std::set<std::string> emitted;
    std::vector<Mention> mentions;

    for (const auto& term : opt_.terms) {
      if (stop_all) break;
      const std::string label = quoted(term);
      const bool first = !next.count(term);
      TermState st = first ? TermState{} : next[term];
      bool newest_page_only = false;
      if (first) {
        if (opt_.backfill) st.newest = (now - opt_.backfill->count()) / 1000;
        else newest_page_only = true;
      }
      for (int pages = 0;;) {
        Run run = st.run.value_or(Run{});
        const std::string url = url_of(term, st, run);
        HttpRequest request;
        request.url = url;
        request.timeout = opt_.timeout;
        request.headers.emplace_back("Accept", "application/json");
        JsonAnswer answer;
        if (auto failure = fetch_json(*http_, request, label, answer, now_ms())) {
          if (answer.rate_limit_remaining) tally.remaining = answer.rate_limit_remaining;
          if (failure->error.kind == PollError::Kind::fatal) return PollResult::fail(std::move(failure->error), tally.usage());
          wait_at_least(failure->error.retry_after);
          errors.push_back(std::move(failure->error));
          stop_all = failure->stop_all;
          break;
        }
        if (answer.rate_limit_remaining) tally.remaining = answer.rate_limit_remaining;
        const Value& doc = answer.doc;
        const std::string where = label + ": GET " + redact_url(url);
        if (!doc.IsObject()) {
          errors.push_back({PollError::Kind::retry, where + ": expected a JSON object, got " + type_name(doc), {}});
          break;
        }
        const auto hits_it = doc.FindMember("hits");
        if (hits_it == doc.MemberEnd() || !hits_it->value.IsArray()) {
          errors.push_back({PollError::Kind::retry,
                            where + ": hits: expected an array, got " +
                                (hits_it == doc.MemberEnd() ? std::string("nothing") : type_name(hits_it->value)),
                            {}});
          break;
        }
        std::int64_t nb_pages = -1, nb_hits = -1;
        if (const auto n = doc.FindMember("nbPages"); n != doc.MemberEnd() && n->value.IsInt64()) nb_pages = n->value.GetInt64();
        if (const auto n = doc.FindMember("nbHits"); n != doc.MemberEnd() && n->value.IsInt64()) nb_hits = n->value.GetInt64();
        any_page = true;
        const Value& hits = hits_it->value;
        tally.posts_read += hits.Size();
        std::int64_t page_max = -1;
        for (rapidjson::SizeType i = 0; i < hits.Size(); ++i) {
          const std::string at = label + ": hits[" + std::to_string(i) + "]";
          const auto key = hackernews::hit_key(hits[i], at, warn);
          if (!key) continue;
          const std::int64_t t = key->created_at;
          page_max = std::max(page_max, t);
          if (st.newest >= 0 && (t < st.newest || (t == st.newest && st.ids.count(key->id)))) continue;
          if (run.upper >= 0 && t > run.upper) continue;
          if (run.oldest >= 0 && (t > run.oldest || (t == run.oldest && run.oldest_ids.count(key->id)))) continue;
          if (t > run.top) {
            run.top = t;
            run.top_ids = {key->id};
          } else if (t == run.top) {
            run.top_ids.insert(key->id);
          }
          if (run.oldest < 0 || t < run.oldest) {
            run.oldest = t;
            run.oldest_ids = {key->id};
          } else if (t == run.oldest) {
            run.oldest_ids.insert(key->id);
          }
          auto m = hackernews::hit_to_mention(hits[i], *key, at, source_, now, warn);
          if (m && emitted.insert(m->uid).second) mentions.push_back(std::move(*m));
        }
        if (run.upper < 0) run.upper = page_max;  // fixes the run's pages (page 0 had no bound)
        ++run.page;
        ++pages;
        bool done = newest_page_only || hits.Empty() || hits.Size() < static_cast<rapidjson::SizeType>(opt_.hits_per_page) ||
                    (nb_pages >= 0 && run.page >= nb_pages);
        // Algolia stops at 1000 hits of a query: go on below the oldest second taken.
        if (done && !newest_page_only && page_max >= 0 && nb_pages >= 0 && run.page >= nb_pages &&
            nb_hits > static_cast<std::int64_t>(run.page) * opt_.hits_per_page && run.oldest >= 0) {
          run.upper = run.oldest;
          run.page = 0;
          done = false;
        }
        if (done) {
          if (run.top >= 0) {
            if (run.top > st.newest) {
              st.newest = run.top;
              st.ids = std::move(run.top_ids);
            } else if (run.top == st.newest) {
              st.ids.insert(run.top_ids.begin(), run.top_ids.end());
            }
          }
          st.run.reset();
          next[term] = st;
          break;
        }
        st.run = run;
        next[term] = st;
        if (answer.rate_limited_for) {
          wait_at_least(answer.rate_limited_for);
          stop_all = true;
          break;
        }
        if (pages >= opt_.max_pages) {
          batch.more = true;
          break;
        }
      }
    }

    tally.finish(batch, "skipped hits");
    if (!errors.empty() && !any_page) {
      return PollResult::fail(first_of_errors(errors, wait), tally.usage());
    }
    for (auto& e : errors) batch.warnings.push_back(std::move(e.message));
    if (wait) {
      batch.retry_after = wait;
      batch.more = false;
    }
    std::stable_sort(mentions.begin(), mentions.end(),
                     [](const Mention& a, const Mention& b) { return a.posted_at < b.posted_at; });
    batch.mentions = std::move(mentions);
    batch.next_cursor = hackernews::write_cursor(next);
    return PollResult::ok(std::move(batch), tally.usage());
  }

  std::string source_;
  HackernewsOptions opt_;
  std::string base_url_;
  std::shared_ptr<HttpClient> http_;
  std::string tags_;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Connector> make_hackernews_connector(const std::string& source, HackernewsOptions options,
                                                     std::shared_ptr<HttpClient> http, std::string& error) {
  auto base = hackernews::check_options(options, error);
  if (!base) return nullptr;
  if (!http) {
    error = "hackernews: no HTTP client";
    return nullptr;
  }
  return std::make_unique<HackernewsConnector>(source, std::move(options), std::move(base->url), std::move(http));
}

}  // namespace carewatch
