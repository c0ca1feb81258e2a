// What `carewatch bench classify` prints (its parts and figures), not how fast anything is.
#include "daemon/tools/bench_classify_command.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tests/support/command_run.h"

namespace carewatch {
namespace {

testing::CommandRun run(const BenchClassifyOptions& o) { return testing::run_command(run_bench_classify, o); }

BenchClassifyOptions small() {
  BenchClassifyOptions o;
  o.mentions = 300;
  o.rules = 100;
  o.compare_nltk = false;
  return o;
}

TEST(BenchClassify, PrintsEveryPartAndWhatTheEnglishPassDecided) {
  const testing::CommandRun r = run(small());
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* part : {"  decide ", "  decide batch ", "  sentiment ", "  complaint model ", "  model explain ", "  language ",
                           "  language CLD2 ", "  all ", "decisions:", "languages:", "peak RSS:"})
    EXPECT_NE(r.out.find(part), std::string::npos) << part << "\n" << r.out;
  // The share the English pass took, and CLD2's verdict on exactly those texts.
  const size_t at = r.out.find("plainly English (no CLD2): ");
  ASSERT_NE(at, std::string::npos) << r.out;
  unsigned agreed = 0, plain = 0;
  ASSERT_EQ(std::sscanf(r.out.c_str() + r.out.find("CLD2 says \"en\" for ", at), "CLD2 says \"en\" for %u of those %u",
                        &agreed, &plain),
            2)
      << r.out;
  EXPECT_GT(plain, 0u);
  EXPECT_EQ(agreed, plain) << r.out;
}

TEST(BenchClassify, DecideOnlyTimesTheDecisionAlone) {
  BenchClassifyOptions o = small();
  o.decide_only = true;
  const testing::CommandRun r = run(o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("  decide "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  decide batch "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" mentions/s "), std::string::npos) << r.out;
  for (const char* part : {"  sentiment ", "  language ", "  all ", "peak RSS:", "plainly English"})
    EXPECT_EQ(r.out.find(part), std::string::npos) << part << "\n" << r.out;
}

TEST(BenchClassify, NoMentionsIsAnError) {
  BenchClassifyOptions o = small();
  o.mentions = 0;
  const testing::CommandRun r = run(o);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--mentions must be at least 1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace carewatch
