// The text model's tokens (text_features::normalize): what a text becomes, on the plain words
// that take the quick path (kept as read) and on every kind of word that needs the full one
// (capitals, runs of a letter, apostrophes at the ends, numbers, handles, emoticons, non-ASCII).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "rules/text_features.h"

namespace carewatch::rules {
namespace {

std::vector<std::string> tokens_of(std::string_view text) {
  text_features::Tokens t;
  text_features::normalize(text, t);
  std::vector<std::string> out;
  for (size_t i = 0; i < t.size(); ++i) out.emplace_back(t.at(i));
  return out;
}

using V = std::vector<std::string>;

TEST(TextFeaturesNormalize, PlainWordsStayAsTheyAre) {
  EXPECT_EQ(tokens_of("my bag never arrived"), (V{"my", "bag", "never", "arrived"}));
  EXPECT_EQ(tokens_of("  two\tspaces\n"), (V{"two", "spaces"}));
  EXPECT_EQ(tokens_of("don't a1 b2b"), (V{"don't", "a1", "b2b"}));
  EXPECT_EQ(tokens_of("aab abba"), (V{"aab", "abba"}));  // two equal letters are no run
}

TEST(TextFeaturesNormalize, CapitalsAreLowered) {
  EXPECT_EQ(tokens_of("Hello WORLD mIxEd"), (V{"hello", "world", "mixed"}));
  EXPECT_EQ(tokens_of("OK ok"), (V{"ok", "ok"}));
}

TEST(TextFeaturesNormalize, RunsOfThreeOrMoreAreCutToTwo) {
  EXPECT_EQ(tokens_of("sooooo cooool aaa"), (V{"soo", "cool", "aa"}));
  EXPECT_EQ(tokens_of("NOOOO Nooo"), (V{"noo", "noo"}));  // counted after lowering
  EXPECT_EQ(tokens_of("zzz!"), (V{"zz", "!"}));
}

TEST(TextFeaturesNormalize, ApostrophesAtTheEndsGo) {
  EXPECT_EQ(tokens_of("'quoted' 'tis ''"), (V{"quoted", "tis"}));
}

TEST(TextFeaturesNormalize, NumbersBecomeOnePlaceholder) {
  EXPECT_EQ(tokens_of("42 1,000 3.50 a42"), (V{"<num>", "<num>", "<num>", "a42"}));
}

TEST(TextFeaturesNormalize, PlaceholdersHandlesAndPunctuation) {
  EXPECT_EQ(tokens_of("xD :( <3"), (V{"<smile>", "<sad>", "<heart>"}));
  EXPECT_EQ(tokens_of("see https://example.com/x www.example.com"), (V{"see", "<url>", "<url>"}));
  EXPECT_EQ(tokens_of("@AcmeAir_Help hi!!"), (V{"@acmeair_help", "acme", "air", "help", "hi", "!!"}));
  EXPECT_EQ(tokens_of("why?? ok!"), (V{"why", "??", "ok", "!"}));
}

TEST(TextFeaturesNormalize, NonAsciiWordsKeepTheirBytes) {
  EXPECT_EQ(tokens_of("café Straße"), (V{"café", "straße"}));
  // U+40000 is F1 80 80 80: three equal bytes, but only ASCII runs are cut.
  EXPECT_EQ(tokens_of("a\xF1\x80\x80\x80z"), (V{"a\xF1\x80\x80\x80z"}));
  EXPECT_EQ(tokens_of("ok\xFFno"), (V{"ok", "no"}));  // an invalid byte separates words
}

// A chunk of word bytes alone takes the quick path for whole chunks; after a '#' (which only
// separates) the same bytes go through the general scanner. Both must read the same.
TEST(TextFeaturesNormalize, WholeChunkPathAgreesWithTheScanner) {
  std::mt19937 rng(11);
  const std::string alphabet = "aaAAbB0'";
  for (int i = 0; i < 5000; ++i) {
    std::string chunk;
    for (size_t n = 1 + rng() % 8; chunk.size() < n;) chunk += alphabet[rng() % alphabet.size()];
    EXPECT_EQ(tokens_of("#" + chunk), tokens_of(chunk)) << chunk;
  }
}

}  // namespace
}  // namespace carewatch::rules
