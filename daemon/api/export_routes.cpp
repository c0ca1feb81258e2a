#include "daemon/api/export_routes.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/api/api_response.h"
#include "daemon/api/csv_writer.h"
#include "daemon/store/export_store.h"
#include "daemon/store/redis_fields.h"
#include "mention/mention_json.h"
#include "mention/utf8.h"

namespace carewatch {
namespace {

constexpr TimeMs kDefaultSpanMs = 24LL * 3600 * 1000;
constexpr size_t kMaxFilterBytes = 200;

const std::string* param(const RouteContext& ctx, const char* name) {
  auto it = ctx.query.values.find(name);
  return it == ctx.query.values.end() ? nullptr : &it->second;
}

std::string field(const ExportRecord& r, const char* name) {
  auto it = r.fields.find(name);
  return it == r.fields.end() ? std::string() : it->second;
}

// A timestamp field as ISO 8601, "" when absent or 0.
std::string time_field(const ExportRecord& r, const char* name) {
  const long long t = std::atoll(field(r, name).c_str());
  return t > 0 ? format_iso8601(t) : std::string();
}

std::string score(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  std::string s = buf;
  if (s == "-0.000") s = "0.000";
  return s;
}

// "2026-11-22T10:00:00.000Z" -> "20261122T100000Z", for a file name.
std::string compact_time(TimeMs t) {
  std::string iso = format_iso8601(t), out;
  for (char c : iso.substr(0, 19))
    if (c != '-' && c != ':') out += c;
  return out + "Z";
}

std::string language_of(const Mention& m) { return m.decision.language.empty() ? m.language : m.decision.language; }

// What the script cannot filter (it lives in the mention's JSON) and the row itself.
struct ExportRun {
  ExportStore store;
  ExportCursor cursor;
  ExportFilter filter;
  std::string language, tag;
  ExportRun(RedisPool& pool, const std::string& prefix) : store(pool, prefix) {}

  // Appends the rows of the next page to `out`; false once the range is exhausted.
  bool next(std::string& out) {
    const auto page = store.next_page(cursor, filter, kExportPage);
    for (const auto& rec : page) append_row(rec, out);
    return !cursor.done;
  }

  void append_row(const ExportRecord& rec, std::string& out) const {
    Mention m;
    std::string why;
    const bool parsed = parse_mention(field(rec, redis_field::json), m, why);
    if (!language.empty() && (!parsed || language_of(m) != language)) return;
    if (!tag.empty() && (!parsed || std::find(m.decision.tags.begin(), m.decision.tags.end(), tag) ==
                                        m.decision.tags.end()))
      return;
    const bool scored = parsed && m.decision.scored;
    append_csv_row(out, {rec.uid,
                         field(rec, redis_field::platform),
                         field(rec, redis_field::source),
                         time_field(rec, redis_field::posted_at),
                         parsed ? m.author.handle : "",
                         parsed ? m.author.display_name : "",
                         parsed ? std::to_string(m.author.followers) : "",
                         parsed ? language_of(m) : "",
                         field(rec, redis_field::category),
                         scored ? score(m.decision.sentiment.compound) : "",
                         scored ? score(m.decision.complaint_score) : "",
                         field(rec, redis_field::priority),
                         field(rec, redis_field::queue),
                         field(rec, redis_field::state),
                         time_field(rec, redis_field::first_reply_at),
                         time_field(rec, redis_field::resolved_at),
                         field(rec, redis_field::resolved_by),
                         parsed ? m.url : "",
                         parsed ? m.text : ""});
  }
};

std::optional<ApiResponse> time_param(const RouteContext& ctx, const char* name, TimeMs& out) {
  const std::string* v = param(ctx, name);
  if (!v) return std::nullopt;
  if (!parse_iso8601(*v, out))
    return error_response(400, std::string(name) + ": expected an ISO 8601 UTC time like \"2026-11-22T10:00:00Z\", got \"" +
                                   to_valid_utf8(*v) + "\"");
  return std::nullopt;
}

std::optional<ApiResponse> text_param(const RouteContext& ctx, const char* name, std::string& out) {
  const std::string* v = param(ctx, name);
  if (!v) return std::nullopt;
  if (v->size() > kMaxFilterBytes)
    return error_response(400, std::string(name) + ": expected at most " + std::to_string(kMaxFilterBytes) + " bytes");
  out = *v;
  return std::nullopt;
}

}  // namespace

ApiResponse export_csv_route(const RouteContext& ctx) {
  TimeMs until = ctx.now(), since = 0;
  if (auto bad = time_param(ctx, "until", until)) return *bad;
  since = until - kDefaultSpanMs;
  if (auto bad = time_param(ctx, "since", since)) return *bad;
  if (since >= until) return error_response(400, "since: must be before until");

  auto run = std::make_shared<ExportRun>(ctx.store.pool(), ctx.store.options().prefix);
  run->cursor.since = since;
  run->cursor.until = until;
  if (auto bad = text_param(ctx, "platform", run->filter.platform)) return *bad;
  if (auto bad = text_param(ctx, "category", run->filter.category)) return *bad;
  if (!run->filter.category.empty() && !category_from_string(run->filter.category)) {
    std::string names;
    for (Category c : {Category::unknown, Category::complaint, Category::question, Category::praise,
                       Category::engagement, Category::spam, Category::ignore})
      names += (names.empty() ? "" : ", ") + std::string(to_string(c));
    return error_response(400, "category: expected one of " + names + ", got \"" +
                                   to_valid_utf8(run->filter.category) + "\"");
  }
  if (auto bad = text_param(ctx, "language", run->language)) return *bad;
  if (auto bad = text_param(ctx, "tag", run->tag)) return *bad;

  ApiResponse r;
  r.status = 200;
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"carewatch-mentions-" + compact_time(since) +
                                                    "-" + compact_time(until) + ".csv\"");
  std::vector<std::string> header(std::begin(kExportColumns), std::end(kExportColumns));
  append_csv_row(r.body, header);
  // The first page here: a Redis that is away is a 503 rather than a cut-off body.
  run->next(r.body);
  r.next_chunk = [run](std::string& chunk) { return !run->cursor.done && run->next(chunk); };
  return r;
}

}  // namespace carewatch
