// A fast 64-bit hash of short strings (words, token forms), 8 bytes at a step, for the
// open-addressing tables of the matcher and the sentiment lexicon. Not for untrusted keys in
// long-lived tables an attacker could fill (no seed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

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

}  // namespace carewatch::rules
