#include "connectors/bluesky/reply_text.h"

#include <openssl/sha.h>
#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <cstdint>
#include <memory>

namespace carewatch::bluesky {

namespace {

constexpr std::string_view kSortable = "234567abcdefghijklmnopqrstuvwxyz";
constexpr std::uint64_t kYearMicros = 365ull * 24 * 3600 * 1'000'000;
constexpr std::uint64_t k2023Micros = 1'672'531'200ull * 1'000'000;  // 2023-01-01T00:00:00Z

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

size_t grapheme_count(std::string_view text) {
  if (text.empty()) return 0;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return text.size();
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !it) {
    utext_close(ut);
    return text.size();
  }
  it->setText(ut, status);
  size_t count = 0;
  if (U_SUCCESS(status)) {
    it->first();
    while (it->next() != icu::BreakIterator::DONE) ++count;
  } else {
    count = text.size();
  }
  it.reset();
  utext_close(ut);
  return count;
}

std::vector<LinkFacet> link_facets(std::string_view text) {
  std::vector<LinkFacet> out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t http = text.find("http", i);
    if (http == std::string_view::npos) break;
    const std::string_view rest = text.substr(http);
    const size_t scheme = rest.substr(0, 8) == "https://" ? 8 : rest.substr(0, 7) == "http://" ? 7 : 0;
    const bool starts_word = http == 0 || is_space(text[http - 1]) || text[http - 1] == '(' || text[http - 1] == '"';
    if (scheme == 0 || !starts_word) {
      i = http + 4;
      continue;
    }
    size_t end = http + scheme;
    while (end < text.size() && !is_space(text[end])) ++end;
    while (end > http + scheme && std::string_view(".,;:!?)'\"").find(text[end - 1]) != std::string_view::npos) --end;
    if (end > http + scheme) out.push_back({http, end, std::string(text.substr(http, end - http))});
    i = end > http ? end : http + 1;
  }
  return out;
}

std::string reply_rkey(std::string_view reply_id) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(reply_id.data()), reply_id.size(), digest);
  std::uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | digest[i];
  const std::uint64_t micros = k2023Micros + (h >> 10) % kYearMicros;
  std::uint64_t tid = (micros << 10) | (h & 0x3FF);  // top bit 0: 53 bits of time, 10 of clock id
  std::string out(13, '2');
  for (int i = 12; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kSortable[tid & 31];
    tid >>= 5;
  }
  return out;
}

bool is_tid(std::string_view s) {
  if (s.size() != 13) return false;
  if (std::string_view("234567abcdefghij").find(s[0]) == std::string_view::npos) return false;
  for (char c : s)
    if (kSortable.find(c) == std::string_view::npos) return false;
  return true;
}

}  // namespace carewatch::bluesky
