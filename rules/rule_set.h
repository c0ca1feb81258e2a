// Rules v1: an ordered list of rules, each with conditions and actions. Pure and thread-safe
// once loaded; hot reload = load a new RuleSet and swap the shared_ptr.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "mention/mention.h"

namespace carewatch {

class RuleSet {
 public:
  virtual ~RuleSet() = default;
  // Loads a rules file (JSON, comments allowed). On error returns nullptr and sets `error` to a
  // message naming the file, the rule (name and index) and the field.
  static std::shared_ptr<const RuleSet> load_file(const std::string& path, std::string& error);
  static std::shared_ptr<const RuleSet> load_json(std::string_view json, const std::string& origin,
                                                  std::string& error);
  // The decision for one mention (category, priority, queue, tags, rules that fired).
  virtual Decision decide(const Mention& m) const = 0;
  virtual size_t size() const = 0;  // number of rules
};

}  // namespace carewatch
