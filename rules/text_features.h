// What the text model sees of a text: normalised tokens, the hashed features built from them
// (words, word bigrams, character n-grams within words), and the weighted vector a model scores
// (text_vector). Shared by training, prediction and explanation, so all three see exactly the
// same features.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mention/utf8.h"

namespace carewatch::rules::text_features {

// Features hash into 2^kBits buckets: character n-grams into the upper half, words and bigrams
// into the lower half, so the two views can be told apart from a bucket alone.
constexpr unsigned kBits = 22;
constexpr uint32_t kMask = (1u << kBits) - 1;
constexpr uint32_t kCharBit = 1u << (kBits - 1);
inline bool is_char_bucket(uint32_t bucket) { return (bucket & kCharBit) != 0; }

// Normalised tokens, stored in one buffer.
struct Tokens {
  std::string buf;
  std::vector<std::pair<uint32_t, uint32_t>> spans;  // offset, length in buf
  std::vector<uint8_t> special;                      // 1: a placeholder token (no char n-grams)

  void clear() {
    buf.clear();
    spans.clear();
    special.clear();
  }
  size_t size() const { return spans.size(); }
  std::string_view at(size_t i) const { return std::string_view(buf).substr(spans[i].first, spans[i].second); }
  void push(std::string_view s, bool is_special) {
    spans.emplace_back(static_cast<uint32_t>(buf.size()), static_cast<uint32_t>(s.size()));
    buf.append(s);
    special.push_back(is_special ? 1 : 0);
  }
};

// Lower-cased words; "@handle" kept as a token and followed by the words it is made of
// ("@AcmeAir_Help" -> "@acmeair_help", "acme", "air", "help"), since a mention addressed to a
// help desk reads differently from one addressed to a friend; "<url>" for links, "<num>" for
// numbers, letters repeated three or more times cut to two, emoticons as "<smile>", "<sad>",
// "<heart>", emoji as themselves, and runs of "!" or "?" as "!", "!!", "?", "??". Any bytes in,
// never fails: invalid UTF-8 separates words.
void normalize(std::string_view text, Tokens& out);

enum class Kind : uint8_t { word, bigram };

// Where a word or bigram feature came from, enough to name it later without building a string
// per feature: a word is tokens[token]; a bigram is (tokens[token - 1] or "<s>", tokens[token]
// or "</s>"). Character n-grams are never named: an explanation credits them to their word.
struct Origin {
  Kind kind = Kind::word;
  uint32_t token = 0;
};

// "word:refund", "bigram:still waiting".
std::string feature_name(const Tokens& tokens, const Origin& origin);

struct FeatureParams {
  int char_min = 1;  // character n-gram orders, in code points; char_max < char_min: none
  int char_max = 4;
};

namespace detail {
constexpr uint32_t kFnvBasis = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;
constexpr uint32_t fnv(uint32_t h, std::string_view s) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
  return h;
}
constexpr uint32_t fnv(uint32_t h, char c) {
  h ^= static_cast<unsigned char>(c);
  return h * kFnvPrime;
}
constexpr uint32_t finish(uint32_t h, bool chars) {  // spread the bits before masking
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  return (h & (kMask >> 1)) | (chars ? kCharBit : 0u);
}
inline bool ascii(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}
}  // namespace detail

inline bool has_char_features(const FeatureParams& p) { return p.char_max >= p.char_min && p.char_max > 0; }

// A token's 32-bit hash: its word bucket and its bigrams' buckets are made from it.
constexpr uint32_t word_hash(std::string_view w) { return detail::fnv(detail::fnv(detail::kFnvBasis, 'w'), w); }
constexpr uint32_t word_bucket_of(uint32_t word_hash) { return detail::finish(word_hash, false); }
inline uint32_t word_bucket(std::string_view w) { return word_bucket_of(word_hash(w)); }
// The hashes standing for the text's start and end in its first and last bigram (no token is
// "<s>" or "</s>": normalize() never keeps '<' in a word).
constexpr uint32_t kStartHash = word_hash("<s>");
constexpr uint32_t kEndHash = word_hash("</s>");
// The bigram of two tokens, from their word hashes.
constexpr uint32_t bigram_bucket(uint32_t prev_hash, uint32_t hash) {
  uint64_t x = ((static_cast<uint64_t>(prev_hash) << 32) | hash) * 0x9E3779B97F4A7C15ull;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 32;
  return detail::finish(static_cast<uint32_t>(x), false);
}

// 1 + ln(count): a feature seen twice in one text counts less than two texts with it once.
inline double term_weight(uint32_t count) {
  static const auto table = [] {
    std::vector<double> t(64);
    for (size_t c = 1; c < t.size(); ++c) t[c] = 1.0 + std::log(static_cast<double>(c));
    return t;
  }();
  return count < table.size() ? table[count] : 1.0 + std::log(static_cast<double>(count));
}

// Calls emit(bucket) for each character n-gram of the token `w`, in order: the n-grams of
// " w " (the spaces mark the word's ends) by start, then by length; a lone space is not one.
// Depends on the word alone, so it may be cached per word.
template <typename Emit>
void char_features(std::string_view w, const FeatureParams& p, Emit&& emit) {
  using detail::finish;
  using detail::fnv;
  if (!has_char_features(p)) return;
  const uint32_t char_seed = fnv(detail::kFnvBasis, 'c');
  const size_t cmax = static_cast<size_t>(p.char_max), cmin = static_cast<size_t>(p.char_min);
  thread_local std::vector<uint32_t> starts;
  thread_local std::string padded;
  padded.assign(1, ' ');
  padded.append(w);
  padded.push_back(' ');
  const size_t len_all = padded.size();
  if (detail::ascii(w)) {
    for (size_t s = 0; s < len_all; ++s) {
      uint32_t h = char_seed;
      for (size_t len = 1; len <= cmax && s + len <= len_all; ++len) {
        h = fnv(h, padded[s + len - 1]);
        if (len >= cmin && !(len == 1 && padded[s] == ' '))
          emit(finish(h, true));
      }
    }
    return;
  }
  // Code point boundaries of " w ".
  starts.clear();
  starts.push_back(0);
  for (size_t k = 0; k < w.size();) {
    starts.push_back(static_cast<uint32_t>(k + 1));
    char32_t cp = 0;
    const size_t len = decode_utf8(w, k, cp);
    k += len == 0 ? 1 : len;
  }
  starts.push_back(static_cast<uint32_t>(w.size() + 1));
  starts.push_back(static_cast<uint32_t>(w.size() + 2));
  const size_t cps = starts.size() - 1;
  for (size_t s = 0; s < cps; ++s) {
    uint32_t h = char_seed;
    for (size_t len = 1; len <= cmax && s + len <= cps; ++len) {
      for (size_t k = starts[s + len - 1]; k < starts[s + len]; ++k) h = fnv(h, padded[k]);
      if (len < cmin) continue;
      if (starts[s + len] - starts[s] == 1 && padded[starts[s]] == ' ') continue;
      emit(finish(h, true));
    }
  }
}

// Calls emit(bucket) for every feature of the tokens, once per occurrence, token by token: its
// word, its bigram with the token before, its character n-grams; then the bigram of the last
// token and "</s>".
template <typename Emit>
void features(const Tokens& t, const FeatureParams& p, Emit&& emit) {
  const size_t n = t.size();
  uint32_t prev = kStartHash;
  for (size_t i = 0; i < n; ++i) {
    const std::string_view w = t.at(i);
    const uint32_t h = word_hash(w);
    emit(word_bucket_of(h));
    emit(bigram_bucket(prev, h));
    if (!t.special[i]) char_features(w, p, emit);
    prev = h;
  }
  if (n > 0) emit(bigram_bucket(prev, kEndHash));
}

// The vector a model scores, as (bucket, value) pairs in bucket order. `idf` gives a feature's
// idf, or a negative number for a feature the model does not know (left out).
//
// Words and bigrams (the word view): (1 + ln count) x idf, the view scaled to unit length.
// Character n-grams (the character view) are built word by word, so that a word's part can be
// computed once and cached: each distinct token t (not a placeholder) that occurs k times
// gives c_t = its n-grams' idf (times their count within " t "), and the view is
// sum_t (1 + ln k) c_t, divided by sqrt(sum_t (1 + ln k)^2 |c_t|^2) and times char_weight.
// That divisor is the view's length when no two words share an n-gram, and near it otherwise;
// the text's score is then a sum of per-word parts.
using IdfLookup = std::function<double(uint32_t bucket)>;
void text_vector(const Tokens& tokens, const FeatureParams& params, double char_weight, const IdfLookup& idf,
                 std::vector<std::pair<uint32_t, double>>& out);

}  // namespace carewatch::rules::text_features
