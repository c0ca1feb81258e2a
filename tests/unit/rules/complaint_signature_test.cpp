// Complaint signatures: the salient terms (stop-words, handles, links and numbers out; hashtags,
// bigrams and plural folding in), their determinism, and what the LSH bands do with texts alike
// and unlike. Texts are invented.
#include "rules/complaint_signature.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace carewatch::rules {
namespace {

// The first band of "App crashes at login after the update", as computed when the layout was made.
constexpr std::uint64_t kExpectedFirstBand = 0xc1b824403c845269;

bool has(const ComplaintSignature& s, const std::string& term) {
  return std::find(s.terms.begin(), s.terms.end(), term) != s.terms.end();
}

size_t shared_bands(const ComplaintSignature& a, const ComplaintSignature& b) {
  size_t n = 0;
  for (size_t i = 0; i < a.bands.size() && i < b.bands.size(); ++i) n += a.bands[i] == b.bands[i];
  return n;
}

TEST(ComplaintSignature, KeepsSalientWordsAndBigramsDropsStopWordsHandlesLinksAndNumbers) {
  const auto s = complaint_signature("@AcmeAir my flight 4411 was cancelled again!! https://t.co/xYz12 please help");
  EXPECT_TRUE(has(s, "flight"));
  EXPECT_TRUE(has(s, "cancelled"));
  EXPECT_TRUE(has(s, "help"));
  EXPECT_FALSE(has(s, "my"));
  EXPECT_FALSE(has(s, "was"));
  EXPECT_FALSE(has(s, "please"));
  EXPECT_FALSE(has(s, "acmeair"));  // the handle: the brand's own, in every complaint
  EXPECT_FALSE(has(s, "@acmeair"));
  EXPECT_FALSE(has(s, "4411"));
  EXPECT_FALSE(has(s, "https"));
  EXPECT_FALSE(has(s, "co"));
  // Bigrams join neighbouring salient words only: "flight" and "cancelled" are split by a
  // number and a stop-word.
  EXPECT_FALSE(has(s, "flight cancelled"));
  EXPECT_TRUE(has(complaint_signature("refund request ignored"), "refund request"));
  EXPECT_TRUE(has(complaint_signature("refund request ignored"), "request ignored"));
}

TEST(ComplaintSignature, HashtagsAreTermsAndWordsPluralsFold) {
  const auto s = complaint_signature("Lost bags at the carousel #BagFail");
  EXPECT_TRUE(has(s, "#bagfail"));
  EXPECT_TRUE(has(s, "bagfail"));
  EXPECT_TRUE(has(s, "bag"));  // "bags"
  EXPECT_TRUE(has(s, "lost bag"));
  EXPECT_TRUE(has(complaint_signature("the business class was a mess"), "business"));  // "ss" stays
}

TEST(ComplaintSignature, NothingSalientMeansNoBands) {
  const auto s = complaint_signature("@acmeair why is this still not done?? 100 https://x.example/a");
  EXPECT_TRUE(s.terms.empty());
  EXPECT_TRUE(s.bands.empty());
}

TEST(ComplaintSignature, IsDeterministicAndFixedAcrossBuilds) {
  const auto a = complaint_signature("App crashes at login after the update");
  const auto b = complaint_signature("App crashes at login after the update");
  EXPECT_EQ(a.bands, b.bands);
  ASSERT_EQ(a.bands.size(), 32u);
  SignatureParams p;
  p.bands = 4;
  p.rows = 3;
  EXPECT_EQ(complaint_signature("App crashes at login after the update", p).bands.size(), 4u);
  // The value itself is part of the Redis layout (several daemons, several versions): it must
  // not change with the compiler or the build.
  EXPECT_EQ(a.bands[0], complaint_signature("app CRASHES at login after the update").bands[0]);
  EXPECT_EQ(a.bands[0], kExpectedFirstBand) << std::hex << a.bands[0];
}

TEST(ComplaintSignature, NearDuplicatesShareBandsUnrelatedTextsDoNot) {
  const auto a = complaint_signature("@acmeair the app crashes at login after the update, cannot check in");
  const auto b = complaint_signature("@acme_help app crashes at login since the update! cannot check in");
  const auto c = complaint_signature("@acmeair refund for my cancelled flight never arrived");
  EXPECT_GE(shared_bands(a, b), 2u);
  EXPECT_EQ(shared_bands(a, c), 0u);
  EXPECT_EQ(shared_bands(b, c), 0u);
}

}  // namespace
}  // namespace carewatch::rules
