#include "daemon/store/group_store.h"

#include <algorithm>
#include <stdexcept>

namespace carewatch {

extern const char* const kLuaGroupAssign;
extern const char* const kLuaGroupRead;

namespace {

std::string fmt(std::int64_t n) { return std::to_string(n); }

std::string hex(std::uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = kHex[v & 15];
  return s;
}

std::vector<std::pair<std::string, std::int64_t>> pairs(const RedisReply& r) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2)
    out.emplace_back(r.elements[i].str, reply_int(r.elements[i + 1]));
  return out;
}

}  // namespace

GroupStore::GroupStore(RedisPool& pool, const std::string& prefix, GroupStoreOptions options)
    : pool_(pool), kp_("{" + prefix + "}"), options_(options), assign_("group_assign", kLuaGroupAssign),
      read_("group_read", kLuaGroupRead) {
  if (options_.window.count() <= 0 || options_.min_mentions < 1 || options_.min_band_hits < 1)
    throw std::invalid_argument("group store: window, min_mentions and min_band_hits must be positive");
}

std::vector<GroupAssignment> GroupStore::assign(const std::vector<GroupCandidate>& complaints,
                                                std::optional<TimeMs> now) {
  if (complaints.empty()) return {};
  std::vector<std::string> args{kp_,
                                now ? fmt(*now) : std::string(),
                                fmt(options_.window.count()),
                                fmt(static_cast<std::int64_t>(options_.min_mentions)),
                                fmt(static_cast<std::int64_t>(options_.min_authors)),
                                fmt(options_.min_band_hits)};
  for (const auto& c : complaints) {
    args.push_back(c.uid);
    args.push_back(c.author);
    args.push_back(c.platform);
    args.push_back(fmt(static_cast<std::int64_t>(c.terms.size())));
    args.insert(args.end(), c.terms.begin(), c.terms.end());
    args.push_back(fmt(static_cast<std::int64_t>(c.buckets.size())));
    for (const auto b : c.buckets) args.push_back(hex(b));
  }
  const RedisReply r = pool_.run(assign_, {kp_ + ":groups:announce"}, args);
  std::vector<GroupAssignment> out(complaints.size());
  for (size_t i = 0; i < complaints.size() && 4 * i + 3 < r.elements.size(); ++i) {
    const auto& e = r.elements;
    out[i].group = e[4 * i].str;
    out[i].size = reply_int(e[4 * i + 1]);
    out[i].authors = reply_int(e[4 * i + 2]);
    out[i].announced = reply_int(e[4 * i + 3]) == 1;
  }
  return out;
}

std::vector<std::string> GroupStore::announcements(size_t limit, std::optional<TimeMs> until) {
  if (limit == 0) return {};
  const RedisReply r = pool_.command({"ZRANGEBYSCORE", kp_ + ":groups:announce", "-inf",
                                      until ? fmt(*until) : std::string("+inf"), "LIMIT", "0",
                                      fmt(static_cast<std::int64_t>(limit))});
  std::vector<std::string> out;
  for (const auto& e : r.elements) out.push_back(e.str);
  return out;
}

void GroupStore::announced_done(const std::string& group) { pool_.command({"ZREM", kp_ + ":groups:announce", group}); }

std::optional<GroupSummary> GroupStore::summary(const std::string& group, size_t top_terms, size_t samples) {
  const RedisReply r = pool_.run(read_, {kp_ + ":groups:announce"},
                                 {kp_, group, fmt(static_cast<std::int64_t>(std::max<size_t>(1, top_terms))),
                                  fmt(static_cast<std::int64_t>(std::max<size_t>(1, samples)))});
  if (r.elements.size() < 7) return std::nullopt;
  GroupSummary s;
  s.id = group;
  s.size = reply_int(r.elements[0]);
  s.authors = reply_int(r.elements[1]);
  s.created = reply_int(r.elements[2]);
  s.last = reply_int(r.elements[3]);
  s.terms = pairs(r.elements[4]);
  for (const auto& e : r.elements[5].elements) s.samples.push_back(e.str);
  s.platforms = pairs(r.elements[6]);
  return s;
}

}  // namespace carewatch
