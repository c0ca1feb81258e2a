// A fast 64-bit hash of short strings (words, token forms), 8 bytes at a step, for the
// open-addressing tables of the matcher and the sentiment lexicon, and a bitset filter of such
// hashes in front of those tables. Not for untrusted keys in
// long-lived tables an attacker could fill (no seed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace carewatch::rules {

inline uint64_t hash_short_string(std::string_view s) {
  constexpr uint64_t kMul = 0xff51afd7ed558ccdull;
  uint64_t h = 0x9e3779b97f4a7c15ull ^ s.size();
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    h = (h ^ v) * kMul;
    h ^= h >> 32;
  }
  if (n > 0) {  // the last 1..7 bytes, read so that every byte counts (the length is in h)
    uint64_t v;
    if (n >= 4) {
      uint32_t a, b;
      std::memcpy(&a, p, 4);
      std::memcpy(&b, p + n - 4, 4);
      v = a | (uint64_t{b} << 32);
    } else {
      const auto byte = [&](size_t k) { return uint64_t{static_cast<unsigned char>(p[k])}; };
      v = byte(0) | (byte(n / 2) << 8) | (byte(n - 1) << 16);
    }
    h = (h ^ v) * 0xc4ceb9fe1a85ec53ull;
  }
  h ^= h >> 33;
  h *= kMul;
  h ^= h >> 33;
  return h;
}

// A bitset of hash_short_string values set at build time, checked before probing a table: most
// lookups of a text's words miss, and the bitset (a few bits per table slot, small enough for
// the L1 cache) answers most misses without touching the table. No false negatives; a filter
// never built answers "maybe" to everything.
class HashFilter {
 public:
  // Empties the filter and sizes it to `bits` bits, rounded up to a power of two (64 at least).
  void reset(size_t bits) {
    size_t words = 1;
    while (words * 64 < bits) words *= 2;
    words_.assign(words, 0);
    mask_ = words * 64 - 1;
  }
  void add(uint64_t hash) {
    const uint64_t bit = (hash >> 40) & mask_;
    words_[bit / 64] |= uint64_t{1} << (bit % 64);
  }
  bool may_contain(uint64_t hash) const {
    if (words_.empty()) return true;
    const uint64_t bit = (hash >> 40) & mask_;
    return (words_[bit / 64] >> (bit % 64)) & 1;
  }

 private:
  std::vector<uint64_t> words_;
  uint64_t mask_ = 0;
};

}  // namespace carewatch::rules
