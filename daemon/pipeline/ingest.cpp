#include "daemon/pipeline/ingest.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <span>
#include <vector>

#include "daemon/store/volume_store.h"
#include "rules/mention_words.h"

namespace carewatch {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

std::string_view strip_at(std::string_view h) {
  if (!h.empty() && h.front() == '@') h.remove_prefix(1);
  return h;
}

}  // namespace

std::vector<std::string> brand_terms(const std::vector<std::string>& brand_handles) {
  std::vector<std::string> out;
  for (const auto& b : brand_handles) {
    const std::string_view h = strip_at(b);
    std::string local(h.substr(0, h.find('@')));
    std::transform(local.begin(), local.end(), local.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!local.empty() && std::find(out.begin(), out.end(), local) == out.end()) out.push_back(std::move(local));
  }
  return out;
}

VolumeFacts volume_facts(const Mention& m, const RuleSet& rules, const std::vector<std::string>& brand_terms) {
  VolumeFacts f;
  f.sentiment = rules.sentiment_band(m.decision);
  auto words = rules::mention_words(m.text, brand_terms);
  f.words = std::move(words.words);
  f.hashtags = std::move(words.hashtags);
  return f;
}

bool is_brand_author(const Mention& m, const std::vector<std::string>& brand_handles) {
  if (m.author.handle.empty()) return false;
  const std::string_view handle = strip_at(m.author.handle);
  const std::string_view local = handle.substr(0, handle.find('@'));
  for (const auto& b : brand_handles) {
    const std::string_view brand = strip_at(b);
    if (iequals(handle, brand)) return true;
    if (brand.find('@') == std::string_view::npos && iequals(local, brand)) return true;
  }
  return false;
}

IngestCounts ingest_batch(std::vector<Mention>& batch, const RuleSet& rules, QueueStore& store,
                          const std::vector<std::string>& brand_handles) {
  return ingest_batch(batch, rules, store, brand_handles, ComplaintGrouping{});
}

namespace {

// Decides batch[i] for each i of `which` (a chunk of RuleSet::kBatch at a time).
void decide_these(std::vector<Mention>& batch, const std::vector<size_t>& which, const RuleSet& rules) {
  std::vector<const Mention*> chunk;
  std::vector<Decision> decisions;
  for (size_t at = 0; at < which.size(); at += RuleSet::kBatch) {
    const size_t end = std::min(which.size(), at + RuleSet::kBatch);
    chunk.clear();
    for (size_t k = at; k < end; ++k) chunk.push_back(&batch[which[k]]);
    decisions.resize(chunk.size());
    rules.decide(std::span<const Mention* const>(chunk), std::span<Decision>(decisions));
    for (size_t k = at; k < end; ++k) batch[which[k]].decision = std::move(decisions[k - at]);
  }
}

// Groups the batch's complaints (one round trip), sets their cluster, and decides the grouped
// ones again so that rules on cluster.size see it.
void group_complaints(std::vector<Mention>& batch, const RuleSet& rules, const ComplaintGrouping& grouping,
                      IngestCounts& counts) {
  std::vector<size_t> complaints;
  std::vector<GroupCandidate> candidates;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Mention& m = batch[i];
    if (m.decision.category != Category::complaint) continue;
    auto sig = rules::complaint_signature(m.text, grouping.signature);
    if (sig.bands.empty()) continue;
    GroupCandidate c;
    c.uid = m.uid;
    c.author = m.platform + ":" + (m.author.id.empty() ? m.author.handle : m.author.id);
    c.platform = m.platform;
    c.terms = std::move(sig.terms);
    c.buckets = std::move(sig.bands);
    candidates.push_back(std::move(c));
    complaints.push_back(i);
  }
  if (candidates.empty()) return;
  const auto assigned = grouping.groups->assign(candidates);
  std::vector<size_t> grouped;
  for (size_t k = 0; k < complaints.size() && k < assigned.size(); ++k) {
    const auto& a = assigned[k];
    if (a.group.empty()) continue;
    Mention& m = batch[complaints[k]];
    m.cluster = ClusterInfo{a.group, a.size, a.authors};
    grouped.push_back(complaints[k]);
    if (a.announced) ++counts.groups_announced;
  }
  counts.grouped += grouped.size();
  decide_these(batch, grouped, rules);
}

}  // namespace

IngestCounts ingest_batch(std::vector<Mention>& batch, const RuleSet& rules, QueueStore& store,
                          const std::vector<std::string>& brand_handles, const ComplaintGrouping& grouping) {
  IngestCounts counts;
  std::vector<size_t> brand_replies;
  std::vector<bool> by_brand(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    Mention& m = batch[i];
    if (!is_brand_author(m, brand_handles)) continue;
    // The brand's own posts are kept (deduplicated, visible in history) but never queued.
    by_brand[i] = true;
    m.decision = Decision{};
    m.decision.category = Category::ignore;
    m.decision.tags = {"brand"};
    if (!m.parent_id.empty()) brand_replies.push_back(i);
  }
  // Every other mention is decided just before it is sent, a chunk at a time (the rules decide
  // a chunk stage by stage), so Redis runs the scripts of the first chunk while the rules decide
  // the next. With grouping, the whole batch is decided and its complaints grouped first.
  if (grouping.groups) {
    std::vector<size_t> others;
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i].cluster = ClusterInfo{};  // only the group store sets it
      if (!by_brand[i]) others.push_back(i);
    }
    decide_these(batch, others, rules);
    group_complaints(batch, rules, grouping, counts);
  }
  // The marketing figures' facts of each mention once it is decided (the brand's own posts have
  // none: not counted).
  const std::vector<std::string> brand = brand_terms(brand_handles);
  std::vector<VolumeFacts> volume(batch.size());
  auto facts_of = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i)
      if (!by_brand[i]) volume[i] = volume_facts(batch[i], rules, brand);
  };
  if (grouping.groups) facts_of(0, batch.size());
  std::vector<const Mention*> chunk;
  std::vector<Decision> decisions;
  std::function<void(size_t, size_t)> prepare;
  if (!grouping.groups) prepare = [&](size_t begin, size_t end) {
    chunk.clear();
    for (size_t i = begin; i < end; ++i)
      if (!by_brand[i]) chunk.push_back(&batch[i]);
    decisions.resize(chunk.size());
    rules.decide(std::span<const Mention* const>(chunk), std::span<Decision>(decisions));
    size_t k = 0;
    for (size_t i = begin; i < end; ++i)
      if (!by_brand[i]) batch[i].decision = std::move(decisions[k++]);
    facts_of(begin, end);
  };
  // early first responses: replies seen before their mention, applied as it arrived
  const auto outcomes = store.enqueue(batch, prepare, &counts.brand_first_responses, &volume);
  counts.outcomes = outcomes;
  for (auto o : outcomes) {
    if (o == EnqueueOutcome::queued) ++counts.queued;
    else if (o == EnqueueOutcome::stored) ++counts.stored;
    else ++counts.duplicates;
  }
  // After the enqueue, so that a reply in the same batch as the mention it answers finds it.
  for (size_t i : brand_replies) {
    const Mention& r = batch[i];
    // A platform that gives no time for the reply: when carewatch saw it, the latest it can be.
    const TimeMs at = r.posted_at > 0 ? r.posted_at : r.seen_at;
    if (at <= 0) continue;
    const auto result = store.record_native_reply(make_uid(r.platform, r.parent_id), r.uid, at,
                                                  "brand:" + r.author.handle);
    // ok: applied ("first" when it became the first response; "already recorded": a replayed page);
    // pending: kept until its mention arrives; conflict "own": a post carewatch made.
    const bool ok = result.status == OpStatus::ok;
    if ((ok && result.message != "already recorded") || result.status == OpStatus::pending) ++counts.brand_replies;
    if (ok && result.message == "first") ++counts.brand_first_responses;
  }
  return counts;
}

}  // namespace carewatch
