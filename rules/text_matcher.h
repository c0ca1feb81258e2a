// Finds which text conditions (keyword lists, phrase lists, regex lists) of a whole rule set
// hold for one mention, in one pass: every condition owns a numbered slot; keywords and phrases
// are looked up per token in hash maps built at load time, and all regexes run as one RE2::Set.
// The cost per mention grows with the text, not with the number of rules.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/text_tokens.h"

namespace re2 {
class RE2;
}

namespace carewatch::rules {

// One bit per slot.
class SlotBits {
 public:
  explicit SlotBits(size_t slots) : words_((slots + 63) / 64, 0) {}
  void set(uint32_t slot) { words_[slot / 64] |= uint64_t{1} << (slot % 64); }
  bool test(uint32_t slot) const { return (words_[slot / 64] >> (slot % 64)) & 1; }

 private:
  std::vector<uint64_t> words_;
};

class TextMatcher {
 public:
  TextMatcher();
  ~TextMatcher();
  TextMatcher(TextMatcher&&) noexcept;
  TextMatcher& operator=(TextMatcher&&) noexcept;

  // A new slot for one condition.
  uint32_t new_slot() { return slots_++; }
  size_t slots() const { return slots_; }

  // Each returns false and sets `error` (without location: the caller adds it) when the entry
  // is unusable.
  bool add_keyword(uint32_t slot, std::string_view keyword, std::string& error);
  bool add_phrase(uint32_t slot, std::string_view phrase, std::string& error);
  bool add_regex(uint32_t slot, const std::string& pattern, std::string& error);
  // Builds the regex set; call once after the last add_*.
  bool compile(std::string& error);

  bool needs_tokens() const { return !keywords_.empty() || !phrases_.empty(); }
  // Sets the slot of every condition that holds for this text (tokens = TextTokens(text)).
  void match(std::string_view text, const TextTokens& tokens, SlotBits& hits) const;

 private:
  struct Phrase {
    std::vector<std::string> tokens;  // two or more
    uint32_t slot;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Index = std::unordered_map<std::string, std::vector<uint32_t>, Hash, std::equal_to<>>;

  void match_regexes(std::string_view text, SlotBits& hits) const;

  uint32_t slots_ = 0;
  Index keywords_;       // token → slots
  Index phrase_starts_;  // first token → indexes into phrases_
  std::vector<Phrase> phrases_;
  struct Regexes;
  std::unique_ptr<Regexes> regexes_;
};

}  // namespace carewatch::rules
