// Finds which text conditions (keyword lists, phrase lists, regex lists) of a whole rule set
// hold for one mention, in one pass: every condition owns a numbered slot; keywords and phrases
// are looked up per token form in one open-addressing table built at load time (one probe per
// form finds both the keyword slots and the phrases starting with it), and all regexes run as
// one RE2::Set. The cost per mention grows with the text, not with the number of rules.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/string_hash.h"
#include "rules/text_tokens.h"

namespace re2 {
class RE2;
}

namespace carewatch::rules {

// One bit per slot.
class SlotBits {
 public:
  SlotBits() = default;
  explicit SlotBits(size_t slots) : words_((slots + 63) / 64, 0) {}
  // All bits clear, for `slots` slots (keeps the memory: a reused SlotBits allocates once).
  void reset(size_t slots) { words_.assign((slots + 63) / 64, 0); }
  void set(uint32_t slot) { words_[slot / 64] |= uint64_t{1} << (slot % 64); }
  bool test(uint32_t slot) const { return (words_[slot / 64] >> (slot % 64)) & 1; }
  // Calls fn(slot) for every set slot, in increasing order.
  template <typename Fn>
  void for_each_set(Fn&& fn) const {
    for (size_t w = 0; w < words_.size(); ++w)
      for (uint64_t bits = words_[w]; bits != 0; bits &= bits - 1)
        fn(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(bits))));
  }

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

  bool needs_tokens() const { return !entries_.empty(); }
  // Sets the slot of every condition that holds for this text (tokens = TextTokens(text)).
  void match(std::string_view text, const TextTokens& tokens, SlotBits& hits) const {
    match_words(tokens, hits);
    match_regexes(text, hits);
  }
  // The two parts of match(): keyword and phrase conditions, and regex conditions.
  void match_words(const TextTokens& tokens, SlotBits& hits) const;
  void match_regexes(std::string_view text, SlotBits& hits) const;

 private:
  struct Phrase {
    std::vector<std::string> tokens;  // two or more
    uint32_t slot;
  };
  // Everything a token form can start: the slots of the keywords equal to it, and the phrases
  // whose first token it is.
  struct Entry {
    std::string key;
    std::vector<uint32_t> keyword_slots;
    std::vector<uint32_t> phrases;  // indexes into phrases_
  };
  // A table cell: the full hash of a key (compared before the key itself) and its entry.
  struct Cell {
    uint64_t hash = 0;
    uint32_t length = 0;
    uint32_t entry = kEmpty;
  };
  static constexpr uint32_t kEmpty = UINT32_MAX;

  Entry& entry(std::string_view key);            // finds or adds
  const Entry* find(std::string_view key) const;  // nullptr if no keyword or phrase starts so

  uint32_t slots_ = 0;
  std::vector<Entry> entries_;
  std::vector<Cell> table_;  // open addressing, linear probing; a power of two, at most half full
  // Most token forms start no keyword or phrase: this answers most of them without probing the
  // table (built by compile()).
  HashFilter filter_;
  std::vector<Phrase> phrases_;
  struct Regexes;
  std::unique_ptr<Regexes> regexes_;
};

}  // namespace carewatch::rules
