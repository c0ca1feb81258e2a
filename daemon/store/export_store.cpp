#include "daemon/store/export_store.h"

#include <stdexcept>

#include "daemon/store/redis_fields.h"

namespace carewatch {

extern const char* const kLuaExportPage;
extern const char* const kLuaExportSweep;

namespace {

// The fields export_page.lua returns after each uid, in its order.
constexpr const char* kPageFields[] = {
    redis_field::json,     redis_field::platform,  redis_field::source,         redis_field::category,
    redis_field::priority, redis_field::queue,     redis_field::state,          redis_field::posted_at,
    redis_field::seen_at,  redis_field::first_reply_at, redis_field::resolved_at, redis_field::resolved_by};
constexpr size_t kFieldCount = sizeof kPageFields / sizeof kPageFields[0];

std::string fmt(long long v) { return std::to_string(v); }

}  // namespace

ExportStore::ExportStore(RedisPool& pool, const std::string& prefix)
    : pool_(pool),
      kp_("{" + prefix + "}"),
      events_(kp_ + ":events"),
      page_("export_page", kLuaExportPage),
      sweep_("export_sweep", kLuaExportSweep) {
  if (prefix.empty() || prefix.find_first_of("{}") != std::string::npos)
    throw std::invalid_argument("export store: prefix must be non-empty and contain no braces");
}

std::vector<ExportRecord> ExportStore::next_page(ExportCursor& cursor, const ExportFilter& filter, size_t limit) {
  std::vector<ExportRecord> out;
  if (cursor.done || limit == 0) return out;
  if (cursor.since >= cursor.until) {
    cursor.done = true;
    return out;
  }
  const RedisReply r = pool_.run(page_, {events_},
                                 {kp_, fmt(cursor.since), fmt(cursor.until), cursor.after_score, cursor.after_uid,
                                  fmt(static_cast<long long>(limit)), filter.platform, filter.category});
  if (!r.is_array() || r.elements.size() < 4) throw std::runtime_error("export_page: unexpected reply " + r.text());
  cursor.examined += static_cast<size_t>(r.elements[0].integer);
  cursor.done = r.elements[1].integer == 1;
  cursor.after_score = r.elements[2].str;
  cursor.after_uid = r.elements[3].str;
  for (size_t i = 4; i + kFieldCount < r.elements.size(); i += kFieldCount + 1) {
    ExportRecord rec;
    rec.uid = r.elements[i].str;
    for (size_t f = 0; f < kFieldCount; ++f) {
      const RedisReply& v = r.elements[i + 1 + f];
      if (!v.is_nil()) rec.fields[kPageFields[f]] = v.str;
    }
    out.push_back(std::move(rec));
  }
  return out;
}

ExportSweep ExportStore::sweep_step(TimeMs horizon, size_t budget) {
  const RedisReply r = pool_.run(sweep_, {events_}, {kp_, fmt(horizon), fmt(static_cast<long long>(budget))});
  ExportSweep s;
  if (r.is_array() && r.elements.size() == 3) {
    s.examined = static_cast<size_t>(r.elements[0].integer);
    s.removed = static_cast<size_t>(r.elements[1].integer);
    s.done = r.elements[2].integer == 1;
  }
  return s;
}

ExportSweep ExportStore::sweep(TimeMs horizon, size_t budget, size_t max_examined) {
  ExportSweep total;
  while (total.examined < max_examined) {
    const ExportSweep s = sweep_step(horizon, budget);
    total.examined += s.examined;
    total.removed += s.removed;
    if (s.done) {
      total.done = true;
      break;
    }
  }
  return total;
}

std::int64_t ExportStore::indexed() { return reply_int(pool_.command({"ZCARD", kp_ + ":mentions:posted"})); }

}  // namespace carewatch
