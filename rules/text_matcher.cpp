#include "rules/text_matcher.h"
#include "rules/string_hash.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cstring>

namespace carewatch::rules {

namespace {

RE2::Options regex_options() {
  RE2::Options o;
  o.set_case_sensitive(false);  // "(?-i)" inside a pattern turns it back on
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  return o;
}

// RE2 says "missing ): (" for the pattern "("; the pattern is quoted by the caller already.
std::string regex_error(const RE2& re, const std::string& pattern) {
  std::string e = re.error();
  const std::string suffix = ": " + re.error_arg();
  if (re.error_arg() == pattern && e.size() > suffix.size() &&
      e.compare(e.size() - suffix.size(), suffix.size(), suffix) == 0)
    e.resize(e.size() - suffix.size());
  return e;
}

void add_unique(std::vector<uint32_t>& v, uint32_t x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}


}  // namespace

struct TextMatcher::Regexes {
  RE2::Set set{regex_options(), RE2::UNANCHORED};
  std::vector<std::unique_ptr<RE2>> each;  // the same patterns, for when the set runs out of memory
  std::vector<uint32_t> slot_of;           // pattern index → slot
};

TextMatcher::TextMatcher() = default;
TextMatcher::~TextMatcher() = default;
TextMatcher::TextMatcher(TextMatcher&&) noexcept = default;
TextMatcher& TextMatcher::operator=(TextMatcher&&) noexcept = default;

bool TextMatcher::add_keyword(uint32_t slot, std::string_view keyword, std::string& error) {
  TextTokens t(keyword);
  if (t.empty()) {
    error = "has no letters or digits (use \"regex\" for symbols and emoji)";
    return false;
  }
  if (t.size() > 1) {
    error = "is several words (put it in \"phrases\")";
    return false;
  }
  add_unique(entry(t.lower(0)).keyword_slots, slot);
  return true;
}

bool TextMatcher::add_phrase(uint32_t slot, std::string_view phrase, std::string& error) {
  TextTokens t(phrase);
  if (t.empty()) {
    error = "has no letters or digits (use \"regex\" for symbols and emoji)";
    return false;
  }
  if (t.size() == 1) {  // a one-word phrase is a keyword
    add_unique(entry(t.lower(0)).keyword_slots, slot);
    return true;
  }
  Phrase p{{}, slot};
  for (size_t i = 0; i < t.size(); ++i) p.tokens.emplace_back(t.lower(i));
  add_unique(entry(p.tokens[0]).phrases, static_cast<uint32_t>(phrases_.size()));
  phrases_.push_back(std::move(p));
  return true;
}

bool TextMatcher::add_regex(uint32_t slot, const std::string& pattern, std::string& error) {
  if (!regexes_) regexes_ = std::make_unique<Regexes>();
  auto re = std::make_unique<RE2>(pattern, regex_options());
  if (!re->ok()) {
    error = regex_error(*re, pattern);
    return false;
  }
  std::string set_error;
  if (regexes_->set.Add(pattern, &set_error) < 0) {
    error = set_error;
    return false;
  }
  regexes_->each.push_back(std::move(re));
  regexes_->slot_of.push_back(slot);
  return true;
}

bool TextMatcher::compile(std::string& error) {
  filter_.reset(table_.size() * 8);  // 8 bits per cell
  for (const Cell& c : table_)
    if (c.entry != kEmpty) filter_.add(c.hash);
  if (regexes_ && !regexes_->set.Compile()) {
    error = "the regexes together are too large to compile";
    return false;
  }
  return true;
}

TextMatcher::Entry& TextMatcher::entry(std::string_view key) {
  const uint64_t h = hash_short_string(key);
  if (!table_.empty()) {
    for (size_t i = h & (table_.size() - 1);; i = (i + 1) & (table_.size() - 1)) {
      const Cell& c = table_[i];
      if (c.entry == kEmpty) break;
      if (c.hash == h && entries_[c.entry].key == key) return entries_[c.entry];
    }
  }
  if ((entries_.size() + 1) * 2 > table_.size()) {  // grow, then place every key again
    std::vector<Cell> grown(std::max<size_t>(16, table_.size() * 2));
    for (const Cell& c : table_) {
      if (c.entry == kEmpty) continue;
      size_t i = c.hash & (grown.size() - 1);
      while (grown[i].entry != kEmpty) i = (i + 1) & (grown.size() - 1);
      grown[i] = c;
    }
    table_ = std::move(grown);
  }
  size_t i = h & (table_.size() - 1);
  while (table_[i].entry != kEmpty) i = (i + 1) & (table_.size() - 1);
  table_[i] = Cell{h, static_cast<uint32_t>(key.size()), static_cast<uint32_t>(entries_.size())};
  entries_.push_back(Entry{std::string(key), {}, {}});
  return entries_.back();
}

const TextMatcher::Entry* TextMatcher::find(std::string_view key) const {
  if (table_.empty()) return nullptr;
  const uint64_t h = hash_short_string(key);
  if (!filter_.may_contain(h)) return nullptr;
  const size_t mask = table_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Cell& c = table_[i];
    if (c.entry == kEmpty) return nullptr;
    if (c.hash == h && c.length == key.size()) {
      const Entry& e = entries_[c.entry];
      if (std::memcmp(e.key.data(), key.data(), key.size()) == 0) return &e;
    }
  }
}

void TextMatcher::match_words(const TextTokens& tokens, SlotBits& hits) const {
  if (!entries_.empty()) {
    for (size_t i = 0; i < tokens.size(); ++i) {
      tokens.for_each_form(i, [&](std::string_view form) {
        const Entry* e = find(form);
        if (!e) return;
        for (uint32_t slot : e->keyword_slots) hits.set(slot);
        for (uint32_t id : e->phrases) {
          const Phrase& phrase = phrases_[id];
          if (hits.test(phrase.slot) || i + phrase.tokens.size() > tokens.size()) continue;
          bool all = true;
          for (size_t j = 1; j < phrase.tokens.size() && all; ++j)
            all = tokens.matches(i + j, phrase.tokens[j]);
          if (all) hits.set(phrase.slot);
        }
      });
    }
  }
}

void TextMatcher::match_regexes(std::string_view text, SlotBits& hits) const {
  if (!regexes_) return;
  thread_local std::vector<int> found;  // reused: no allocation per mention
  found.clear();
  RE2::Set::ErrorInfo info{};
  if (regexes_->set.Match(text, &found, &info)) {
    for (int i : found) hits.set(regexes_->slot_of[static_cast<size_t>(i)]);
    return;
  }
  if (info.kind == RE2::Set::kNoError) return;  // no pattern matched
  // The set's DFA ran out of memory (a huge text against many patterns): one pattern at a time.
  for (size_t i = 0; i < regexes_->each.size(); ++i)
    if (!hits.test(regexes_->slot_of[i]) && RE2::PartialMatch(text, *regexes_->each[i]))
      hits.set(regexes_->slot_of[i]);
}

}  // namespace carewatch::rules
