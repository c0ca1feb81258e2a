#include "daemon/store/volume_store.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

namespace carewatch {

namespace {

bool parse_ll(std::string_view s, long long& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// A sorted set score as Redis writes it ("3", "1e+20", "inf"): whole counts here.
long long score_of(const std::string& s) {
  long long n = 0;
  if (parse_ll(s, n)) return n;
  const double d = std::strtod(s.c_str(), nullptr);
  return std::isfinite(d) ? static_cast<long long>(d) : 0;
}

void append_list(std::vector<std::string>& argv, const std::vector<std::string>& items, bool as_field) {
  argv.push_back(std::to_string(items.size()));
  for (const auto& s : items) argv.push_back(as_field ? VolumeStore::field_part(s) : s);
}

// Members and scores of a WITHSCORES reply.
std::vector<std::pair<std::string, long long>> scored(const RedisReply& r) {
  std::vector<std::pair<std::string, long long>> out;
  out.reserve(r.elements.size() / 2);
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2)
    out.emplace_back(r.elements[i].str, score_of(r.elements[i + 1].str));
  return out;
}

std::vector<TopCount> top_counts(const RedisReply& r, size_t limit) {
  std::vector<TopCount> all;
  for (auto& [name, n] : scored(r))
    if (n > 0) all.push_back({std::move(name), n});
  const auto better = [](const TopCount& a, const TopCount& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  };
  const size_t n = std::min(limit, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), better);
  all.resize(n);
  return all;
}

}  // namespace

void VolumeStore::append_call_args(std::vector<std::string>& argv) {
  argv.push_back(std::to_string(kHourRetention));
  argv.push_back(std::to_string(kDayRetention));
  argv.push_back(std::to_string(kTopKept));
  argv.push_back(std::to_string(kTopTrimAt));
}

std::string VolumeStore::field_part(std::string_view v) {
  std::string out(v);
  std::replace(out.begin(), out.end(), '|', '/');
  return out;
}

std::string VolumeStore::language_part(std::string_view language) {
  if (language.empty() || language.size() > 35) return "unknown";
  return field_part(language);
}

void VolumeStore::append_mention_args(std::vector<std::string>& argv, const Mention& m, const VolumeFacts* facts) {
  if (!facts || facts->sentiment.empty()) {
    argv.emplace_back();
    return;
  }
  argv.push_back(field_part(facts->sentiment));
  argv.push_back(field_part(m.platform.empty() ? "unknown" : m.platform));
  argv.push_back(language_part(m.decision.language.empty() ? m.language : m.decision.language));
  argv.push_back(m.author.handle);
  argv.push_back(m.author.display_name);
  argv.push_back(std::to_string(std::max<std::int64_t>(0, m.author.followers)));
  append_list(argv, m.decision.tags, true);
  append_list(argv, facts->words, false);
  append_list(argv, facts->hashtags, false);
}

VolumeStore::VolumeStore(RedisPool& pool, const std::string& prefix) : pool_(pool), kp_("{" + prefix + "}") {}

std::string VolumeStore::cube_key(const Block& b, bool tags) const {
  std::string k = kp_ + ":mk:";
  k += b.level;
  k += ':' + std::to_string(b.start);
  if (tags) k += ":t";
  return k;
}

std::string VolumeStore::top_key(std::int64_t day, const char* list, const std::string& platform) const {
  return kp_ + ":mk:d:" + std::to_string(day) + ':' + list + ':' + platform;
}

void VolumeStore::read_cube(const std::vector<Block>& blocks, bool tags,
                            const std::function<void(const Block&, std::string_view, long long)>& fn) {
  if (blocks.empty()) return;
  pool_.with_connection([&](RedisConnection& c) {
    for (const Block& b : blocks) c.append({"HGETALL", cube_key(b, tags)});
    // One block's reply at a time: passed on, then dropped.
    for (const Block& b : blocks) {
      const RedisReply r = c.read_reply();
      RedisPool::check(c, r, "volume");
      for (size_t j = 0; j + 1 < r.elements.size(); j += 2) {
        long long n = 0;
        if (parse_ll(r.elements[j + 1].str, n) && n != 0) fn(b, r.elements[j].str, n);
      }
    }
  });
}

std::vector<std::string> VolumeStore::platforms(const std::vector<std::int64_t>& days) {
  std::set<std::string> out;
  if (!days.empty()) {
    pool_.with_connection([&](RedisConnection& c) {
      for (std::int64_t d : days) c.append({"HKEYS", cube_key({'d', d}, false)});
      for (size_t i = 0; i < days.size(); ++i) {
        const RedisReply r = c.read_reply();
        RedisPool::check(c, r, "volume");
        for (const auto& f : r.elements) out.insert(f.str.substr(0, f.str.find('|')));
      }
    });
  }
  return {out.begin(), out.end()};
}

TopLists VolumeStore::top(const std::vector<std::int64_t>& days, const std::vector<std::string>& platforms,
                          size_t limit) {
  TopLists out;
  if (days.empty() || platforms.empty() || limit == 0) return out;
  auto zunion = [&](const std::vector<std::string>& keys, const char* aggregate) {
    std::vector<std::string> argv{"ZUNION", std::to_string(keys.size())};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), {"AGGREGATE", aggregate, "WITHSCORES"});
    return argv;
  };
  std::vector<std::string> words, hashtags;
  for (std::int64_t d : days)
    for (const auto& p : platforms) {
      words.push_back(top_key(d, "w", p));
      hashtags.push_back(top_key(d, "ht", p));
    }
  // The authors of each platform with the most followers (the greatest count of any day).
  std::vector<TopAuthor> authors;
  pool_.with_connection([&](RedisConnection& c) {
    c.append(zunion(words, "SUM"));
    c.append(zunion(hashtags, "SUM"));
    for (const auto& p : platforms) {
      std::vector<std::string> keys;
      for (std::int64_t d : days) keys.push_back(top_key(d, "au", p));
      c.append(zunion(keys, "MAX"));
    }
    RedisReply r = c.read_reply();
    RedisPool::check(c, r, "volume top words");
    out.words = top_counts(r, limit);
    r = c.read_reply();
    RedisPool::check(c, r, "volume top hashtags");
    out.hashtags = top_counts(r, limit);
    for (const auto& p : platforms) {
      r = c.read_reply();
      RedisPool::check(c, r, "volume top authors");
      for (auto& [handle, followers] : scored(r)) authors.push_back({p, std::move(handle), "", followers, 0});
    }
  });
  // Candidates: the most followers first; their mentions and names are read next, and the final
  // order (followers, then mentions) decided once those are known.
  const auto by_followers = [](const TopAuthor& a, const TopAuthor& b) {
    if (a.followers != b.followers) return a.followers > b.followers;
    return a.platform != b.platform ? a.platform < b.platform : a.handle < b.handle;
  };
  std::sort(authors.begin(), authors.end(), by_followers);
  // Ties at the cut may be decided by mentions: keep every author tied with the last one.
  size_t keep = std::min(limit, authors.size());
  while (keep > 0 && keep < authors.size() && authors[keep].followers == authors[keep - 1].followers) ++keep;
  authors.resize(keep);
  if (authors.empty()) return out;
  std::map<std::string, std::vector<size_t>> of_platform;
  for (size_t i = 0; i < authors.size(); ++i) of_platform[authors[i].platform].push_back(i);
  pool_.with_connection([&](RedisConnection& c) {
    for (std::int64_t d : days)
      for (const auto& [p, which] : of_platform) {
        std::vector<std::string> argv{"HMGET", top_key(d, "ai", p)};
        for (size_t i : which) {
          argv.push_back("n|" + authors[i].handle);
          argv.push_back("d|" + authors[i].handle);
        }
        c.append(argv);
      }
    // Days in order: a later day's display name replaces an earlier one.
    for (size_t k = 0; k < days.size(); ++k) {
      for (const auto& [p, which] : of_platform) {
        const RedisReply r = c.read_reply();
        RedisPool::check(c, r, "volume top authors");
        for (size_t j = 0; j < which.size() && 2 * j + 1 < r.elements.size(); ++j) {
          TopAuthor& a = authors[which[j]];
          long long n = 0;
          if (parse_ll(r.elements[2 * j].str, n)) a.mentions += n;
          if (!r.elements[2 * j + 1].is_nil() && !r.elements[2 * j + 1].str.empty())
            a.display_name = r.elements[2 * j + 1].str;
        }
      }
    }
  });
  std::sort(authors.begin(), authors.end(), [](const TopAuthor& a, const TopAuthor& b) {
    if (a.followers != b.followers) return a.followers > b.followers;
    if (a.mentions != b.mentions) return a.mentions > b.mentions;
    return a.platform != b.platform ? a.platform < b.platform : a.handle < b.handle;
  });
  if (authors.size() > limit) authors.resize(limit);
  out.authors = std::move(authors);
  return out;
}

}  // namespace carewatch
