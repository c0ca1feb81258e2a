#include "rules/rule_set.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "rules/condition.h"
#include "rules/features.h"
#include "rules/rule_parser.h"
#include "rules/text_tokens.h"

namespace carewatch {

namespace {

std::string ascii_lower(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The rule set as loaded: immutable, so any number of threads may call decide() at once.
class CompiledRuleSet final : public RuleSet {
 public:
  explicit CompiledRuleSet(rules::CompiledRules compiled) : c_(std::move(compiled)) {}

  Decision decide(const Mention& m) const override {
    // Everything about the text is computed once; rules then only test bits and numbers.
    const rules::TextTokens tokens(m.text);
    rules::SlotBits hits(c_.matcher.slots());
    c_.matcher.match(m.text, tokens, hits);
    const rules::Features features = rules::compute_features(m, tokens);
    rules::EvalContext ctx{hits, features, ascii_lower(m.platform), ascii_lower(m.language),
                           ascii_lower(m.source), c_.defaults.category};
    Decision d = c_.defaults;
    for (const rules::Rule& rule : c_.rules) {
      ctx.category = d.category;
      if (!rule.when.holds(ctx)) continue;
      d.rules.push_back(rule.name);
      rules::apply(rule.then, d);
      if (rule.then.stop) break;
    }
    if (d.category == Category::ignore) d.queue.clear();  // ignored mentions are never routed
    return d;
  }

  size_t size() const override { return c_.rules.size(); }

 private:
  const rules::CompiledRules c_;
};

}  // namespace

std::shared_ptr<const RuleSet> RuleSet::load_json(std::string_view json, const std::string& origin,
                                                  std::string& error) {
  rules::CompiledRules compiled;
  if (!rules::parse_rules(json, origin, compiled, error)) return nullptr;
  return std::make_shared<const CompiledRuleSet>(std::move(compiled));
}

std::shared_ptr<const RuleSet> RuleSet::load_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open: " + std::strerror(errno);
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = path + ": cannot read: " + std::strerror(errno);
    return nullptr;
  }
  return load_json(text.str(), path, error);
}

}  // namespace carewatch
