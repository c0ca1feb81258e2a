#include "connectors/bluesky/bluesky_connector.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "connectors/bluesky/cursor.h"
#include "connectors/bluesky/post_mention.h"
#include "connectors/bluesky/reply_text.h"
#include "connectors/bluesky/session.h"
#include "connectors/common/json_fetch.h"
#include "connectors/common/json_text.h"
#include "connectors/common/never_throw.h"
#include "connectors/common/poll_errors.h"
#include "connectors/common/poll_tally.h"
#include "connectors/http/retry_policy.h"
#include "mention/common/url.h"
#include "mention/utf8.h"

namespace carewatch {

namespace {

using bluesky::Cursor;
using bluesky::Floor;
using bluesky::Mark;
using bluesky::StreamCursor;
using bluesky::Walk;
using bluesky::Warn;
using rapidjson::Value;
using std::chrono::milliseconds;
using text::json_string;
using text::quoted;
using text::type_name;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr const char* kPostCollection = "app.bsky.feed.post";
constexpr const char* kAuthHint = "check options.identifier and options.app_password";

enum class StreamKind { notifications, search };

struct Stream {
  StreamKind kind;
  std::string key;    // in the cursor: "notifications", "search:<term>"
  std::string label;  // in messages: "notifications", "search \"<term>\""
  std::string term;
};

const Value* member(const Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  const auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

std::string string_at(const Value& v, const char* name) {
  const Value* m = member(v, name);
  return m && m->IsString() ? json_string(*m) : std::string();
}

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

// A strong reference to a record: its uri and cid.
struct StrongRef {
  std::string uri, cid;
};

void put_ref(Writer& w, const char* key, const StrongRef& ref) {
  w.Key(key);
  w.StartObject();
  put(w, "uri", ref.uri);
  put(w, "cid", ref.cid);
  w.EndObject();
}

// The parent and root a reply to `view` (a post view, or a notification) points at; nullopt when
// the view lacks the post's cid.
std::optional<std::pair<StrongRef, StrongRef>> reply_refs(const Value& view) {
  StrongRef parent{string_at(view, "uri"), string_at(view, "cid")};
  if (parent.uri.empty() || parent.cid.empty()) return std::nullopt;
  StrongRef root = parent;
  if (const Value* record = member(view, "record")) {
    if (const Value* reply = member(*record, "reply")) {
      if (const Value* r = member(*reply, "root")) {
        StrongRef thread{string_at(*r, "uri"), string_at(*r, "cid")};
        if (!thread.uri.empty() && !thread.cid.empty()) root = thread;
      }
    }
  }
  return std::make_pair(parent, root);
}

class BlueskyConnector final : public Connector {
 public:
  BlueskyConnector(std::string source, BlueskyOptions options, std::string base, std::shared_ptr<HttpClient> http)
      : source_(std::move(source)),
        opt_(std::move(options)),
        base_(std::move(base)),
        http_(std::move(http)),
        session_(base_, opt_.identifier, opt_.app_password, opt_.timeout, http_) {
    if (opt_.notifications) streams_.push_back({StreamKind::notifications, "notifications", "notifications", ""});
    for (const auto& t : opt_.search_terms) streams_.push_back({StreamKind::search, "search:" + t, "search " + quoted(t), t});
  }

  PollResult poll(const std::string& cursor) override {
    return guarded_poll("bluesky", [&] {
      std::lock_guard lock(mutex_);
      PollResult r = poll_locked(cursor);
      if (r.error) r.error->message = session_.redact(std::move(r.error->message));
      if (r.batch)
        for (auto& w : r.batch->warnings) w = session_.redact(std::move(w));
      return r;
    });
  }

  ReplyRules reply_rules() const override {
    ReplyRules r;
    r.can_reply = true;
    r.max_length = static_cast<size_t>(opt_.max_graphemes);
    r.length_unit = "graphemes";
    r.idempotency_window = milliseconds(0);  // the record key, not a window: find_reply settles
    r.can_reconcile = true;
    return r;
  }

  std::optional<ReplyProblem> check_reply(const Mention& mention, const std::string& text) const override {
    return guarded_check("bluesky", [&]() -> std::optional<ReplyProblem> {
      if (auto why = cannot_reply(mention)) return ReplyProblem{"cannot_reply", *why};
      if (is_blank(text)) return ReplyProblem{"empty", "empty: the reply has no text"};
      const size_t graphemes = bluesky::grapheme_count(text);
      const auto limit = static_cast<size_t>(opt_.max_graphemes);
      if (graphemes > limit)
        return ReplyProblem{"max_length", "max_length: the reply is " + std::to_string(graphemes) +
                                              " graphemes, the limit on bluesky is " + std::to_string(limit) +
                                              " (options.max_graphemes)"};
      if (text.size() > bluesky::kMaxPostBytes)
        return ReplyProblem{"max_length", "max_length: the reply is " + std::to_string(text.size()) +
                                              " bytes of UTF-8, the limit on bluesky is " +
                                              std::to_string(bluesky::kMaxPostBytes)};
      return std::nullopt;
    });
  }

  ReplyOutcome reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    ReplyOutcome o = guarded_reply("bluesky", [&] { return reply_impl(mention, text, reply_id); });
    o.error = session_.redact(std::move(o.error));
    return o;
  }

  ReplySearch find_reply(const Mention& mention, const std::string& text, const std::string& reply_id) override {
    (void)text;  // the record key identifies the reply
    ReplySearch s = guarded_search("bluesky", [&] { return find_reply_impl(mention, reply_id); });
    s.error = session_.redact(std::move(s.error));
    return s;
  }

  BlueskySessionCounts session_counts() const { return {session_.logins(), session_.refreshes()}; }

 private:
  // -- requests ------------------------------------------------------------------------------

  // One XRPC call with the session's access token. A token refused (400 ExpiredToken /
  // InvalidToken, 401) is refreshed and the call made again; refused again, a new login; refused
  // a third time: fatal, naming the options to check. `answer` holds the last answer.
  std::optional<JsonFailure> xrpc(const std::string& method, const std::string& nsid, const QueryPairs& query,
                                  const std::string& body, const std::string& label, JsonAnswer& answer,
                                  bluesky::Credentials* used = nullptr) {
    for (int attempt = 0;; ++attempt) {
      bluesky::Credentials cr;
      if (auto failure = session_.credentials(cr, now_ms())) {
        failure->error.message = label + ": " + failure->error.message;
        answer.rate_limit_remaining = session_.rate_limit_remaining();
        return failure;
      }
      if (used) *used = cr;
      HttpRequest req;
      req.method = method;
      req.url = base_ + "/xrpc/" + nsid + (query.empty() ? "" : "?" + encode_query(query));
      req.timeout = opt_.timeout;
      req.headers.emplace_back("Accept", "application/json");
      req.headers.emplace_back("Authorization", "Bearer " + cr.access_jwt);
      if (!body.empty()) {
        req.headers.emplace_back("Content-Type", "application/json");
        req.body = body;
      }
      auto failure = fetch_json(*http_, req, label, answer, now_ms(), kAuthHint);
      if (!failure) return std::nullopt;
      if (!bluesky::refuses_token(answer.response)) return failure;
      if (attempt == 0) {
        session_.refused(cr.access_jwt);
        continue;
      }
      if (attempt == 1) {
        session_.drop();
        continue;
      }
      failure->error.kind = PollError::Kind::fatal;
      failure->error.message += " (refused after a refresh and a new login: " + std::string(kAuthHint) + ")";
      return failure;
    }
  }

  // -- polling ---------------------------------------------------------------------------------

  QueryPairs stream_query(const Stream& s, const std::string& page) const {
    QueryPairs q;
    if (s.kind == StreamKind::notifications) {
      q = {{"reasons", "mention"}, {"reasons", "reply"}, {"reasons", "quote"}};
    } else {
      q = {{"q", s.term}, {"sort", "latest"}};
    }
    q.emplace_back("limit", std::to_string(opt_.page_size));
    if (!page.empty()) q.emplace_back("cursor", page);
    return q;
  }

  static const char* nsid_of(const Stream& s) {
    return s.kind == StreamKind::notifications ? "app.bsky.notification.listNotifications"
                                               : "app.bsky.feed.searchPosts";
  }

  PollResult poll_locked(const std::string& cursor_text) {
    PollTally tally;
    Cursor stored;
    std::string cursor_error;
    if (!bluesky::parse_cursor(cursor_text, stored, cursor_error))
      return PollResult::fail({PollError::Kind::fatal, cursor_error, std::nullopt, true});

    const TimeMs now = now_ms();
    Batch batch;
    const Warn warn = [&](std::string message) { tally.warn(batch, std::move(message)); };
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

    for (const auto& s : streams_) {
      if (stop_all) break;
      const auto known = next.find(s.key);
      const bool first_poll = known == next.end();
      StreamCursor state = first_poll ? StreamCursor{} : known->second;
      // Where this walk stops, where it resumes, and what it has read.
      const Mark until = state.walk ? state.walk->until : state.head;
      const std::optional<Floor> resumed = state.walk ? std::optional<Floor>(state.walk->below) : std::nullopt;
      Floor below = resumed ? *resumed : Floor{};
      std::string page_cursor = state.walk ? state.walk->page : std::string();
      std::vector<Mention> found;  // newest first, as read
      bool done = false, failed = false;
      int pages_read = 0;
      for (int page = 1; !done; ++page) {
        JsonAnswer answer;
        if (auto failure = xrpc("GET", nsid_of(s), stream_query(s, page_cursor), "", s.label, answer)) {
          if (answer.rate_limit_remaining) tally.remaining = answer.rate_limit_remaining;
          if (failure->error.kind == PollError::Kind::fatal) return PollResult::fail(std::move(failure->error), tally.usage());
          wait_at_least(failure->error.retry_after);
          errors.push_back(std::move(failure->error));
          stop_all = failure->stop_all;
          failed = true;
          break;
        }
        if (answer.rate_limit_remaining) tally.remaining = answer.rate_limit_remaining;
        const char* list_name = s.kind == StreamKind::notifications ? "notifications" : "posts";
        const Value* list = member(answer.doc, list_name);
        if (!answer.doc.IsObject() || !list || !list->IsArray()) {
          errors.push_back({PollError::Kind::retry,
                            s.label + ": GET " + redact_url(base_ + "/xrpc/" + nsid_of(s)) + ": " + list_name +
                                ": expected an array, got " +
                                (!answer.doc.IsObject() ? std::string("no object")
                                                        : list ? type_name(*list) : std::string("nothing")),
                            std::nullopt});
          failed = true;
          break;
        }
        any_page = true;
        ++pages_read;
        tally.posts_read += list->Size();
        bool reached = false;
        for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
          const Value& item = (*list)[i];
          const std::string path = std::string(list_name) + "[" + std::to_string(i) + "]";
          const std::string uri = bluesky::view_uri(item);
          const auto t = bluesky::sort_time(item);
          if (uri.empty() || !t) {
            if (!item.IsObject()) warn(s.label + ": " + path + ": expected an object, got " + type_name(item));
            else if (uri.empty()) warn(s.label + ": " + path + ".uri: expected a string");
            else warn(s.label + ": " + path + ".indexedAt: expected an ISO 8601 time");
            continue;
          }
          if (resumed && resumed->covers(*t, uri)) continue;  // read by an earlier poll of this walk
          below.note(*t, uri);
          const bool seen = !first_poll && until.covers(*t, uri);
          if (!first_poll && until.below_window(*t)) reached = true;
          state.head.note(*t, uri);
          if (seen) continue;
          if (s.kind == StreamKind::notifications) {
            const std::string reason = string_at(item, "reason");
            if (reason != "mention" && reason != "reply" && reason != "quote") continue;
          }
          if (auto m = bluesky::post_to_mention(item, s.label, path, source_, now, warn)) found.push_back(std::move(*m));
        }
        const std::string next_page = string_at(answer.doc, "cursor");
        if (first_poll) {
          // No backfill. An empty list starts from now, so a later first post is not a walk
          // back through the whole history.
          if (list->Empty()) state.head.at = now;
          // A full page may have older items below it: history, not to be fetched later.
          else if (!next_page.empty()) state.head.from = below.at;
          state.walk.reset();
          done = true;
        } else if (reached || next_page.empty() || list->Empty() || next_page == page_cursor) {
          state.walk.reset();
          done = true;
        } else if (answer.rate_limited_for || page >= opt_.max_pages) {
          state.walk = Walk{next_page, below, until};
          batch.more = true;
          done = true;
        }
        page_cursor = next_page;
        if (answer.rate_limited_for) {  // the page is good, but the next call would be refused
          wait_at_least(answer.rate_limited_for);
          stop_all = true;
          if (!done) {
            state.walk = Walk{next_page, below, until};
            done = true;
          }
        }
      }
      if (failed) {
        // Before any page of this poll: the cursor stays as it was. After some: what was read is
        // kept as a walk to resume at the page that failed (its mentions are returned).
        if (pages_read == 0) continue;
        state.walk = Walk{page_cursor, below, until};
      }
      for (auto m = found.rbegin(); m != found.rend(); ++m)  // oldest first: posting order
        if (emitted.insert(m->native_id).second) batch.mentions.push_back(std::move(*m));
      next[s.key] = std::move(state);
    }

    tally.finish(batch, "skipped posts");
    if (!errors.empty() && !any_page) {
      return PollResult::fail(first_of_errors(errors, wait), tally.usage());
    }
    for (auto& e : errors) batch.warnings.push_back(std::move(e.message));
    if (wait) {
      batch.retry_after = wait;
      batch.more = false;
    }
    batch.next_cursor = bluesky::write_cursor(next);
    return PollResult::ok(std::move(batch), tally.usage());
  }

  // -- replies -------------------------------------------------------------------------------

  static std::optional<std::string> cannot_reply(const Mention& mention) {
    const auto at = bluesky::parse_at_uri(mention.native_id);
    if (mention.platform != bluesky::kPlatform || !at || at->collection != kPostCollection)
      return "bluesky: " + quoted(mention.uid) + " is not a Bluesky post";
    return std::nullopt;
  }

  // The strong refs of the reply to `mention`: from its raw view, else app.bsky.feed.getPosts.
  // On failure, the outcome to return.
  std::optional<ReplyOutcome> refs_of(const Mention& mention, StrongRef& parent, StrongRef& root) {
    if (!mention.raw.empty()) {
      rapidjson::Document raw;
      raw.Parse(mention.raw.c_str(), mention.raw.size());
      if (!raw.HasParseError() && string_at(raw, "uri") == mention.native_id) {
        if (auto refs = reply_refs(raw)) {
          parent = refs->first;
          root = refs->second;
          return std::nullopt;
        }
      }
    }
    JsonAnswer answer;
    ReplyOutcome o;
    if (auto failure = xrpc("GET", "app.bsky.feed.getPosts", {{"uris", mention.native_id}}, "", "bluesky reply",
                            answer)) {
      o.kind = failure->error.kind == PollError::Kind::retry ? ReplyOutcome::Kind::retry : ReplyOutcome::Kind::permanent;
      o.error = failure->error.message;
      o.retry_after = failure->error.retry_after;
      o.may_have_posted = false;  // nothing was posted yet
      return o;
    }
    const Value* posts = member(answer.doc, "posts");
    if (!posts || !posts->IsArray()) {
      o.kind = ReplyOutcome::Kind::retry;
      o.error = "bluesky reply: app.bsky.feed.getPosts: posts: expected an array";
      o.may_have_posted = false;
      return o;
    }
    for (const auto& p : posts->GetArray()) {
      if (string_at(p, "uri") != mention.native_id) continue;
      if (auto refs = reply_refs(p)) {
        parent = refs->first;
        root = refs->second;
        return std::nullopt;
      }
    }
    o.kind = ReplyOutcome::Kind::permanent;
    o.error = "bluesky reply: " + mention.native_id + " is gone (app.bsky.feed.getPosts has no such post: deleted?)";
    return o;
  }

  std::string record_json(const std::string& did, const std::string& rkey, const std::string& text,
                          const std::string& created_at, const StrongRef& parent, const StrongRef& root) const {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "repo", did);
    put(w, "collection", kPostCollection);
    put(w, "rkey", rkey);
    w.Key("record");
    w.StartObject();
    put(w, "$type", kPostCollection);
    put(w, "text", text);
    put(w, "createdAt", created_at);
    const auto links = bluesky::link_facets(text);
    if (!links.empty()) {
      w.Key("facets");
      w.StartArray();
      for (const auto& l : links) {
        w.StartObject();
        w.Key("index");
        w.StartObject();
        w.Key("byteStart");
        w.Uint64(l.byte_start);
        w.Key("byteEnd");
        w.Uint64(l.byte_end);
        w.EndObject();
        w.Key("features");
        w.StartArray();
        w.StartObject();
        put(w, "$type", "app.bsky.richtext.facet#link");
        put(w, "uri", l.uri);
        w.EndObject();
        w.EndArray();
        w.EndObject();
      }
      w.EndArray();
    }
    w.Key("reply");
    w.StartObject();
    put_ref(w, "root", root);
    put_ref(w, "parent", parent);
    w.EndObject();
    w.EndObject();
    w.EndObject();
    return buf.GetString();
  }

  // The record at the reply's key: found (a reply to `mention`), not_found, or unknown.
  ReplySearch record_at(const Mention& mention, const std::string& rkey) {
    ReplySearch s;
    JsonAnswer answer;
    bluesky::Credentials cr;
    // The repo is the account's DID: the session knows it (credentials() logs in if needed).
    if (auto failure = session_.credentials(cr, now_ms())) {
      s.error = "bluesky reply search: " + failure->error.message;
      return s;
    }
    if (auto failure = xrpc("GET", "com.atproto.repo.getRecord",
                            {{"repo", cr.did}, {"collection", kPostCollection}, {"rkey", rkey}}, "", "bluesky reply search",
                            answer)) {
      if (failure->status == 400 && bluesky::xrpc_error(answer.response.body) == "RecordNotFound") {
        s.kind = ReplySearch::Kind::not_found;
        return s;
      }
      s.error = failure->error.message;
      return s;
    }
    const std::string uri = string_at(answer.doc, "uri");
    const Value* value = member(answer.doc, "value");
    if (uri.empty() || !value || !value->IsObject()) {
      s.error = "bluesky reply search: com.atproto.repo.getRecord: expected {uri, cid, value}";
      return s;
    }
    std::string parent_uri;
    if (const Value* reply = member(*value, "reply"))
      if (const Value* parent = member(*reply, "parent")) parent_uri = string_at(*parent, "uri");
    if (parent_uri != mention.native_id) {
      s.error = "bluesky reply search: the record at " + uri + " is not a reply to " + mention.native_id;
      return s;
    }
    s.kind = ReplySearch::Kind::found;
    s.post.id = uri;
    s.post.url = bluesky::post_url(uri, cr.handle);
    TimeMs at = 0;
    if (parse_iso8601(string_at(*value, "createdAt"), at)) s.post.posted_at = at;
    return s;
  }

  ReplyOutcome reply_impl(const Mention& mention, const std::string& text, const std::string& reply_id) {
    ReplyOutcome o;
    if (auto why = cannot_reply(mention)) {
      o.kind = ReplyOutcome::Kind::cannot_reply;
      o.error = *why;
      return o;
    }
    if (reply_id.empty()) {
      o.kind = ReplyOutcome::Kind::permanent;
      o.error = "bluesky reply: no reply id (the record key is made from it)";
      return o;
    }
    StrongRef parent, root;
    if (auto failed = refs_of(mention, parent, root)) return *failed;
    const std::string rkey = bluesky::reply_rkey(reply_id);
    const TimeMs created = now_ms();
    const std::string created_at = format_iso8601(created);

    bluesky::Credentials cr;
    if (auto failure = session_.credentials(cr, now_ms())) {
      o.kind = failure->error.kind == PollError::Kind::retry ? ReplyOutcome::Kind::retry : ReplyOutcome::Kind::permanent;
      o.error = "bluesky reply: " + failure->error.message;
      o.retry_after = failure->error.retry_after;
      o.may_have_posted = false;
      return o;
    }
    JsonAnswer answer;
    auto failure = xrpc("POST", "com.atproto.repo.createRecord", {},
                        record_json(cr.did, rkey, text, created_at, parent, root), "bluesky reply", answer);
    if (!failure) {
      const std::string uri = string_at(answer.doc, "uri");
      if (!uri.empty()) {
        o.kind = ReplyOutcome::Kind::sent;
        o.post.id = uri;
        o.post.url = bluesky::post_url(uri, cr.handle);
        o.post.posted_at = created;
        return o;
      }
    }
    const int status = failure ? failure->status : answer.response.status;
    if (status == 429) {  // refused before anything was written
      o.kind = ReplyOutcome::Kind::retry;
      o.error = failure->error.message;
      o.retry_after = failure->error.retry_after;
      o.may_have_posted = false;
      return o;
    }
    if (failure && failure->error.kind == PollError::Kind::fatal && bluesky::refuses_token(answer.response)) {
      o.kind = ReplyOutcome::Kind::permanent;
      o.error = failure->error.message;
      return o;
    }
    // Anything else may hide a post (a 5xx, no answer, a body without a uri), or be the PDS
    // refusing the key an earlier attempt used: the record at the key says which.
    const std::string why =
        failure ? failure->error.message : "bluesky reply: createRecord answered without a uri";
    const ReplySearch s = record_at(mention, rkey);
    if (s.kind == ReplySearch::Kind::found) {
      o.kind = ReplyOutcome::Kind::sent;
      o.post = s.post;
      return o;
    }
    if (s.kind == ReplySearch::Kind::not_found && failure && failure->error.kind == PollError::Kind::fatal) {
      o.kind = ReplyOutcome::Kind::permanent;  // a 4xx that made nothing: the text, the post answered
      o.error = why;
      return o;
    }
    o.kind = ReplyOutcome::Kind::retry;
    o.error = why + (s.kind == ReplySearch::Kind::unknown ? " (and the record could not be checked: " + s.error + ")" : "");
    if (failure) o.retry_after = failure->error.retry_after;
    o.may_have_posted = true;
    return o;
  }

  ReplySearch find_reply_impl(const Mention& mention, const std::string& reply_id) {
    if (auto why = cannot_reply(mention)) {
      ReplySearch s;
      s.error = *why;
      return s;
    }
    return record_at(mention, bluesky::reply_rkey(reply_id));
  }

  std::mutex mutex_;
  const std::string source_;
  const BlueskyOptions opt_;
  const std::string base_;
  std::shared_ptr<HttpClient> http_;
  bluesky::Session session_;
  std::vector<Stream> streams_;
};

}  // namespace

std::unique_ptr<Connector> make_bluesky_connector(const std::string& source, BlueskyOptions options,
                                                  std::shared_ptr<HttpClient> http, std::string& error) {
  auto base = bluesky::check_options(options, error);
  if (!base) return nullptr;
  if (!http) {
    error = "bluesky: no HTTP client";
    return nullptr;
  }
  return std::make_unique<BlueskyConnector>(source, std::move(options), std::move(base->url), std::move(http));
}

BlueskySessionCounts bluesky_session_counts(const Connector& connector) {
  const auto* c = dynamic_cast<const BlueskyConnector*>(&connector);
  return c ? c->session_counts() : BlueskySessionCounts{};
}

}  // namespace carewatch
