// The rule set in force: readers take a snapshot, SIGHUP swaps in a new one. A mention is always
// decided by one complete rule set, never a mix.
#pragma once

#include <memory>
#include <mutex>

#include "rules/rule_set.h"

namespace carewatch {

class RulesHolder {
 public:
  explicit RulesHolder(std::shared_ptr<const RuleSet> rules) : rules_(std::move(rules)) {}
  std::shared_ptr<const RuleSet> get() const {
    std::lock_guard lock(mutex_);
    return rules_;
  }
  void set(std::shared_ptr<const RuleSet> rules) {
    std::lock_guard lock(mutex_);
    rules_ = std::move(rules);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const RuleSet> rules_;
};

}  // namespace carewatch
