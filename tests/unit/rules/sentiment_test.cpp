#include "rules/sentiment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "daemon/tools/sentiment_eval_command.h"

namespace carewatch::rules {
namespace {

namespace fs = std::filesystem;

// A small lexicon with round valences, so the expected scores below can be worked out by hand.
constexpr const char* kLexicon =
    "good\t2.0\t0.5\t[2, 2, 2]\n"
    "bad\t-2.0\t0.5\t[-2, -2]\n"
    "happy\t1.0\t0.0\t[1]\n"
    "no\t-1.2\t0.4\t[-1, -1]\n"
    "kind\t2.4\t0.5\t[2, 3]\n"
    "yeah\t1.2\t0.4\t[1]\n"
    "stop\t-1.2\t0.4\t[-1]\n"
    "smiling\t1.6\t0.5\t[2]\n"
    ":)\t2.0\t0.5\t[2]\n"
    "XD\t1.5\t0.5\t[2]\n";
// U+1F60A, described with a rated word.
constexpr const char* kEmoji = "\xF0\x9F\x98\x8A\tsmiling face\n";

constexpr double kTol = 1e-6;

// The method's normalisation of a valence sum (alpha = 15).
double compound_of(double sum) { return sum / std::sqrt(sum * sum + 15); }

const SentimentAnalyzer& small() {
  static const std::shared_ptr<const SentimentAnalyzer> a = [] {
    std::string error;
    auto loaded = SentimentAnalyzer::from_text(kLexicon, kEmoji, error);
    EXPECT_TRUE(loaded) << error;
    return loaded;
  }();
  return *a;
}

double compound(std::string_view text) { return small().score(text).compound; }

void expect_proportions_sum_to_one(const Sentiment& s, std::string_view text) {
  EXPECT_NEAR(s.pos + s.neu + s.neg, 1.0, 1e-9) << text;
  EXPECT_GE(s.pos, 0) << text;
  EXPECT_GE(s.neu, 0) << text;
  EXPECT_GE(s.neg, 0) << text;
}

TEST(Sentiment, SingleLexiconWordIsNormalised) {
  // 2 / sqrt(4 + 15)
  EXPECT_NEAR(compound("good"), 0.458831, 1e-6);
  EXPECT_NEAR(compound("bad"), -0.458831, 1e-6);
  EXPECT_NEAR(compound("Good."), compound_of(2.0), kTol);
  const Sentiment s = small().score("the food was good");
  EXPECT_NEAR(s.compound, compound_of(2.0), kTol);
  // pos sum 2 + 1; three neutral words
  EXPECT_NEAR(s.pos, 3.0 / 6.0, kTol);
  EXPECT_NEAR(s.neu, 3.0 / 6.0, kTol);
  EXPECT_NEAR(s.neg, 0.0, kTol);
}

TEST(Sentiment, UnknownWordsAndEmptyTextAreNeutral) {
  const Sentiment none = small().score("");
  EXPECT_EQ(none.compound, 0);
  EXPECT_EQ(none.pos + none.neu + none.neg, 0);
  const Sentiment blank = small().score("  \t\n ");
  EXPECT_EQ(blank.compound, 0);
  const Sentiment plain = small().score("the parcel arrived on tuesday");
  EXPECT_EQ(plain.compound, 0);
  EXPECT_NEAR(plain.neu, 1.0, kTol);
}

TEST(Sentiment, NegationWithinThreeWords) {
  EXPECT_NEAR(compound("not good"), compound_of(2.0 * -0.74), kTol);
  EXPECT_NEAR(compound("not bad"), compound_of(-2.0 * -0.74), kTol);
  EXPECT_NEAR(compound("isn't good"), compound_of(-1.48), kTol);
  EXPECT_NEAR(compound("didn\xE2\x80\x99t feel good"), compound_of(-1.48), kTol);  // curly apostrophe
  EXPECT_NEAR(compound("never good"), compound_of(-1.48), kTol);
  EXPECT_NEAR(compound("without good"), compound_of(-1.48), kTol);
  EXPECT_NEAR(compound("not the food good"), compound_of(-1.48), kTol);      // 3 words before
  EXPECT_NEAR(compound("not the tasty food good"), compound_of(2.0), kTol);  // 4: out of reach
  EXPECT_NEAR(compound("not not good"), compound_of(2.0 * 0.74 * 0.74), kTol);
  // "not" is neutral: neg sum -1.48 - 1, one neutral word
  const Sentiment s = small().score("not good");
  EXPECT_NEAR(s.neg, 2.48 / 3.48, kTol);
  EXPECT_NEAR(s.neu, 1.0 / 3.48, kTol);
}

TEST(Sentiment, BoostersAndDampenersScaleWithDistance) {
  EXPECT_NEAR(compound("very good"), compound_of(2.293), kTol);
  EXPECT_NEAR(compound("very bad"), compound_of(-2.293), kTol);
  EXPECT_NEAR(compound("barely good"), compound_of(1.707), kTol);
  EXPECT_NEAR(compound("barely bad"), compound_of(-1.707), kTol);
  EXPECT_NEAR(compound("very very good"), compound_of(2 + 0.293 + 0.293 * 0.95), kTol);
  EXPECT_NEAR(compound("extremely nice and good"), compound_of(2 + 0.293 * 0.9), kTol);
  EXPECT_NEAR(compound("extremely nice and tasty good"), compound_of(2.0), kTol);
  // booster, then negation of the boosted value
  EXPECT_NEAR(compound("was not really good"), compound_of((2 + 0.293) * -0.74), kTol);
  // the modifier itself is neutral
  const Sentiment s = small().score("very good");
  EXPECT_NEAR(s.pos, 3.293 / 4.293, kTol);
}

TEST(Sentiment, KindOfIsADampenerAndNotKind) {
  EXPECT_NEAR(compound("kind of good"), compound_of(2 - 0.293), kTol);
  EXPECT_NEAR(compound("sort of bad"), compound_of(-2 + 0.293), kTol);
  EXPECT_NEAR(compound("kind people"), compound_of(2.4), kTol);
  const Sentiment s = small().score("kind of good");
  EXPECT_NEAR(s.pos, 2.707 / 4.707, kTol);  // "kind" and "of" are both neutral
}

TEST(Sentiment, AllCapsEmphasisInMixedCaseText) {
  EXPECT_NEAR(compound("GOOD food"), compound_of(2 + 0.733), kTol);
  EXPECT_NEAR(compound("BAD day"), compound_of(-2 - 0.733), kTol);
  EXPECT_NEAR(compound("GOOD FOOD"), compound_of(2.0), kTol);  // all caps: no contrast, no emphasis
  EXPECT_NEAR(compound("VERY good day"), compound_of(2 + 0.293 + 0.733), kTol);
}

TEST(Sentiment, ExclamationAndQuestionMarks) {
  EXPECT_NEAR(compound("good!!!"), compound_of(2 + 3 * 0.292), kTol);
  EXPECT_NEAR(compound("good!!!!!!!"), compound_of(2 + 4 * 0.292), kTol);  // at most 4
  EXPECT_NEAR(compound("bad!!"), compound_of(-2 - 2 * 0.292), kTol);
  EXPECT_NEAR(compound("good?"), compound_of(2.0), kTol);  // a single question mark adds nothing
  EXPECT_NEAR(compound("good??"), compound_of(2 + 2 * 0.18), kTol);
  EXPECT_NEAR(compound("good???"), compound_of(2 + 3 * 0.18), kTol);
  EXPECT_NEAR(compound("good?????"), compound_of(2 + 0.96), kTol);
  EXPECT_NEAR(compound("good!? really?"), compound_of(2 + 0.292 + 2 * 0.18), kTol);
  EXPECT_EQ(compound("the parcel!!!"), 0);  // emphasis of nothing
  const Sentiment s = small().score("good food!!");
  EXPECT_NEAR(s.pos, 3.584 / 4.584, kTol);
  EXPECT_NEAR(s.neu, 1 / 4.584, kTol);
}

TEST(Sentiment, MarksAndEmojiCountWhereverTheyStand) {
  // Marks are counted and emoji found 8 bytes at a step: every position, including the last
  // bytes of a text that are not a whole step, must count the same.
  for (size_t pad = 0; pad < 20; ++pad) {
    const std::string spaces(pad, ' ');
    EXPECT_NEAR(compound("good" + spaces + "!!!"), compound_of(2 + 3 * 0.292), kTol) << pad;
    EXPECT_NEAR(compound(spaces + "good !" + spaces + "!"), compound_of(2 + 2 * 0.292), kTol) << pad;
    EXPECT_NEAR(compound("good" + spaces + "???"), compound_of(2 + 3 * 0.18), kTol) << pad;
    EXPECT_NEAR(compound(spaces + "\xF0\x9F\x98\x8A"), compound_of(1.6), kTol) << pad;
    EXPECT_NEAR(compound("good" + spaces + "\xF0\x9F\x98\x8A" + spaces), compound_of(3.6), kTol) << pad;
  }
}

TEST(Sentiment, ButWeighsTheClauseAfterIt) {
  const Sentiment s = small().score("good but bad");
  EXPECT_NEAR(s.compound, compound_of(2 * 0.5 - 2 * 1.5), kTol);
  EXPECT_NEAR(s.pos, 2.0 / 7.0, kTol);
  EXPECT_NEAR(s.neg, 4.0 / 7.0, kTol);
  EXPECT_NEAR(s.neu, 1.0 / 7.0, kTol);
  EXPECT_NEAR(compound("bad food But the staff were happy"), compound_of(-1 + 1.5), kTol);
}

TEST(Sentiment, NeverSoAndWithoutDoubtAreNotNegations) {
  EXPECT_NEAR(compound("never so good"), compound_of((2 + 0.293) * 1.25), kTol);
  EXPECT_NEAR(compound("never this good"), compound_of(2 * 1.25), kTol);
  EXPECT_NEAR(compound("without a doubt good"), compound_of(2.0), kTol);  // "a" is not a token
}

TEST(Sentiment, NoAndLeast) {
  EXPECT_NEAR(compound("no"), compound_of(-1.2), kTol);
  EXPECT_NEAR(compound("no good"), compound_of(2 * -0.74), kTol);  // "no" itself then scores 0
  EXPECT_NEAR(compound("no really good"), compound_of(-1.2 + 2.293 * -0.74), kTol);
  EXPECT_NEAR(compound("the least good"), compound_of(-1.48), kTol);
  EXPECT_NEAR(compound("at least good"), compound_of(2.0), kTol);
}

TEST(Sentiment, IdiomsReplaceTheirWords) {
  EXPECT_NEAR(compound("yeah right"), compound_of(-2.0), kTol);
  EXPECT_EQ(compound("the bus stop"), 0);
  EXPECT_NEAR(compound("yeah"), compound_of(1.2), kTol);
}

TEST(Sentiment, EmoticonsAndPunctuation) {
  EXPECT_NEAR(compound(":)"), compound_of(2.0), kTol);
  EXPECT_NEAR(compound("arrived :),"), compound_of(2.0), kTol);
  EXPECT_NEAR(compound("xd"), compound_of(1.5), kTol);  // mixed-case entries are looked up lower-case
  EXPECT_NEAR(compound("#good (good) 'good'"), compound_of(6.0), kTol);
  const Sentiment s = small().score("I good");  // one-letter tokens are dropped
  EXPECT_NEAR(s.pos, 1.0, kTol);
}

TEST(Sentiment, EmojiAreReplacedByTheirDescription) {
  EXPECT_NEAR(compound("\xF0\x9F\x98\x8A"), compound_of(1.6), kTol);
  EXPECT_NEAR(compound("good\xF0\x9F\x98\x8A"), compound_of(3.6), kTol);
  const Sentiment s = small().score("good \xF0\x9F\x98\x8A");
  EXPECT_NEAR(s.pos, 5.6 / 6.6, kTol);  // "face" is neutral
  EXPECT_NEAR(compound("not \xF0\x9F\x98\x8A"), compound_of(1.6 * -0.74), kTol);
}

TEST(Sentiment, ProportionsSumToOne) {
  for (const char* text : {"good", "bad", "good but bad", "not good at all!!", "very kind of you :)",
                           "the parcel", "GOOD grief, NO", "happy happy bad"}) {
    const Sentiment s = small().score(text);
    expect_proportions_sum_to_one(s, text);
    EXPECT_GE(s.compound, -1);
    EXPECT_LE(s.compound, 1);
  }
}

TEST(Sentiment, AnyBytesGiveAResult) {
  const std::string inputs[] = {
      "\xff\xfe good \xc3",                  // invalid UTF-8
      "good \xF0\x9F\x98",                   // truncated emoji at the end
      "\xF0\x9F\x98 good",                   // truncated emoji, then text
      std::string("good\0bad\x01\x02\x7f", 12),  // NUL and control characters
      "\x80\x80\x80\x80",                    // continuation bytes only
      "#\xEF\xB8",                           // a keycap start cut short
      "!!!???",
  };
  for (const std::string& text : inputs) {
    const Sentiment s = small().score(text);
    EXPECT_TRUE(std::isfinite(s.compound));
    EXPECT_GE(s.compound, -1);
    EXPECT_LE(s.compound, 1);
  }
  EXPECT_NEAR(compound(std::string("good\0bad\x01", 9)), compound_of(0.0), kTol);  // two words, separated
}

TEST(Sentiment, HugeTextIsScored) {
  std::string text;
  while (text.size() < 100 * 1024) text += "the food was good but NOT great!! \xF0\x9F\x98\x8A kind of bad ";
  const Sentiment s = small().score(text);
  EXPECT_TRUE(std::isfinite(s.compound));
  EXPECT_GE(s.compound, -1);
  EXPECT_LE(s.compound, 1);
  expect_proportions_sum_to_one(s, "100 KB");
  std::string same(100 * 1024, 'g');  // one long token
  EXPECT_EQ(small().score(same).compound, 0);
  EXPECT_NEAR(compound("good"), compound_of(2.0), kTol);  // thread buffers are fine afterwards
}

TEST(Sentiment, MalformedLexiconsNameTheLine) {
  std::string error;
  EXPECT_FALSE(SentimentAnalyzer::from_text("good\t2\t0\t[]\nbad -2\n", "", error));
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
  EXPECT_FALSE(SentimentAnalyzer::from_text("good\tvery\t0\t[]\n", "", error));
  EXPECT_NE(error.find("line 1"), std::string::npos) << error;
  EXPECT_FALSE(SentimentAnalyzer::from_text("good\t2\n", "\xF0\x9F\x98\x8A\tsmile\nbroken\n", error));
  EXPECT_NE(error.find("emoji lexicon line 2"), std::string::npos) << error;
  EXPECT_TRUE(SentimentAnalyzer::from_text("good\t2\r\n\r\n", "", error)) << error;
}

TEST(SentimentBuiltin, LoadsOnceAndScoresWithTheShippedLexicon) {
  const auto a = SentimentAnalyzer::builtin();
  ASSERT_TRUE(a);
  EXPECT_EQ(a, SentimentAnalyzer::builtin());
  // good = 1.9 and love = 3.2 in the shipped lexicon
  EXPECT_NEAR(a->score("good").compound, 0.440434, 1e-6);  // 1.9 / sqrt(18.61)
  EXPECT_NEAR(a->score("I love this").compound, compound_of(3.2), kTol);
  EXPECT_NEAR(a->score("not good").compound, compound_of(1.9 * -0.74), kTol);
  // grinning face: an emoji-only text is scored through its description
  EXPECT_GT(a->score("\xF0\x9F\x98\x80\xF0\x9F\x98\x80").compound, 0.3);
  EXPECT_LT(a->score("my order never arrived and support is useless").compound, 0);
}

TEST(SentimentBuiltin, ThreadsGetTheSameScores) {
  const auto a = SentimentAnalyzer::builtin();
  const std::vector<std::string> texts = {"good", "not very good at all!!", "TERRIBLE service, but nice staff",
                                          "\xF0\x9F\x98\x80 kind of ok"};
  std::vector<double> expected;
  for (const auto& t : texts) expected.push_back(a->score(t).compound);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      for (int round = 0; round < 2000; ++round)
        for (size_t i = 0; i < texts.size(); ++i)
          if (a->score(texts[i]).compound != expected[i]) ++mismatches[k];
    });
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

// ---- `carewatch eval-sentiment` ---------------------------------------------------------------

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("carewatch_sentiment_eval_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".tsv");
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { fs::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST(SentimentEval, ReportsCorrelationAndError) {
  TempFile tsv(
      "id\tmean_rating\ttext\n"
      "1\t2.5\tI love the new app, great work!\n"
      "2\t-2.8\tterrible support, my refund is still missing\n"
      "3\t0.1\tthe store opens at nine\n"
      "4\t1.2\t\"a \"\"good\"\" day\twith a tab\"\n");
  std::ostringstream out, err;
  ASSERT_EQ(run_sentiment_eval(tsv.path(), out, err), 0) << err.str();
  const std::string report = out.str();
  EXPECT_NE(report.find("n: 4\n"), std::string::npos) << report;
  const size_t at = report.find("pearson_r: ");
  ASSERT_NE(at, std::string::npos) << report;
  EXPECT_GT(std::stod(report.substr(at + 11)), 0.8) << report;
  EXPECT_NE(report.find("mae_compound_x4: "), std::string::npos) << report;
  EXPECT_NE(report.find("mentions/s"), std::string::npos) << report;
}

TEST(SentimentEval, ErrorsNameFileAndLine) {
  std::ostringstream out, err;
  EXPECT_EQ(run_sentiment_eval("/nonexistent/ratings.tsv", out, err), 2);
  EXPECT_NE(err.str().find("/nonexistent/ratings.tsv"), std::string::npos) << err.str();

  TempFile bad_rating("id\tmean_rating\ttext\n1\t1.0\tfine\n2\tgreat\tnot a number\n");
  err.str("");
  EXPECT_EQ(run_sentiment_eval(bad_rating.path(), out, err), 2);
  EXPECT_NE(err.str().find(bad_rating.path() + ":3"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("great"), std::string::npos) << err.str();

  TempFile missing_field("id\tmean_rating\ttext\n1\t1.0\n");
  err.str("");
  EXPECT_EQ(run_sentiment_eval(missing_field.path(), out, err), 2);
  EXPECT_NE(err.str().find(missing_field.path() + ":2"), std::string::npos) << err.str();

  TempFile bad_header("rating,text\n1,good\n");
  err.str("");
  EXPECT_EQ(run_sentiment_eval(bad_header.path(), out, err), 2);
  EXPECT_NE(err.str().find(bad_header.path() + ":1"), std::string::npos) << err.str();
}

#ifdef CAREWATCH_HAVE_SHARED
// The target on the labelled tweets, when the shared data set is present (VADER's paper
// reports r = 0.881 on its full set of 4,200 tweets).
TEST(SentimentShared, CorrelatesWithHumanRatings) {
  const fs::path path = fs::path(CAREWATCH_SHARED_DIR) / "data" / "vader" / "tweets_dev.tsv";
  ASSERT_TRUE(fs::exists(path)) << "no rated tweets at " << path;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::getline(in, line);  // header
  const auto a = SentimentAnalyzer::builtin();
  std::vector<double> x, y;
  while (std::getline(in, line)) {
    const size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    if (t1 == std::string::npos || t2 == std::string::npos) continue;
    y.push_back(std::stod(line.substr(t1 + 1, t2 - t1 - 1)));
    x.push_back(a->score(std::string_view(line).substr(t2 + 1)).compound);
  }
  ASSERT_GT(x.size(), 1000u);
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  const double r = sxy / std::sqrt(sxx * syy);
  EXPECT_GE(r, 0.88) << "Pearson r on " << x.size() << " tweets";
}
#endif  // CAREWATCH_HAVE_SHARED

}  // namespace
}  // namespace carewatch::rules
