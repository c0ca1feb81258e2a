#include "daemon/pipeline/rules_holder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "rules/default_rules.h"

namespace carewatch {
namespace {

std::shared_ptr<const RuleSet> rules_from(const char* json) {
  std::string error;
  auto rules = RuleSet::load_json(json, "test", error);
  EXPECT_TRUE(rules) << error;
  return rules;
}

TEST(RulesHolder, ReadersKeepTheirSnapshotAcrossASwap) {
  RulesHolder holder(default_rules());
  const auto before = holder.get();
  EXPECT_EQ(before.get(), default_rules().get());
  auto fresh = rules_from(R"({"rules": [{"name": "all", "when": {"keywords": ["x"]}, "then": {"queue": "q"}}]})");
  holder.set(fresh);
  EXPECT_EQ(holder.get().get(), fresh.get());
  EXPECT_EQ(before.get(), default_rules().get());  // the reader's snapshot is untouched
  EXPECT_EQ(holder.get()->size(), 1u);
}

// Readers deciding while another thread swaps rule sets always see one complete set: its size is
// one of the two sets' sizes, never anything else, and nothing crashes (run under the sanitizers).
TEST(RulesHolder, ConcurrentSwapsHandOutWholeSets) {
  auto a = default_rules();
  auto b = rules_from(R"({"rules": [{"name": "one", "when": {"keywords": ["x"]}, "then": {"queue": "q"}}]})");
  RulesHolder holder(a);
  std::atomic<bool> stop{false};
  std::atomic<size_t> reads{0}, wrong{0};
  std::vector<std::thread> readers;
  Mention m;
  m.platform = "x";
  m.text = "my flight was cancelled and nobody answers";
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      while (!stop) {
        const auto r = holder.get();
        if (r->size() != a->size() && r->size() != b->size()) ++wrong;
        (void)r->decide(m);
        ++reads;
      }
    });
  for (int i = 0; i < 2000; ++i) holder.set(i % 2 ? a : b);
  while (reads < 100) std::this_thread::yield();
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(wrong, 0u);
}

}  // namespace
}  // namespace carewatch
