// `carewatch eval-groups`: replays a labelled CSV in time order and measures the groups against a
// reason column. Invented rows here; the shared airline tweets where they are present.
#include "daemon/tools/group_eval_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "tests/support/command_run.h"
#include "tests/support/temp_dir.h"

namespace carewatch {
namespace {

namespace fs = std::filesystem;

// The value in `column` (1-based, after the name) of the row of `out` named `name`.
double figure(const std::string& out, const std::string& name, int column) {
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0) continue;
    std::istringstream fields(line.substr(name.size()));
    std::string f;
    for (int i = 0; i < column; ++i) fields >> f;
    if (!f.empty() && f.back() == '%') f.pop_back();
    return std::stod(f);
  }
  ADD_FAILURE() << "no row " << name << " in\n" << out;
  return -1;
}

TEST(GroupEval, GroupsAlikeComplaintsAndMeasuresPurityAndCoverage) {
  testing::TempDir dir{"carewatch-group-eval-"};
  std::string csv = "text,when,reason,who,sentiment,brand\n";
  const char* const crash[] = {"the app crashes at login after the update", "app crashes at login after the update!",
                               "since the update the app crashes at login", "app crashes at login after update, fix it",
                               "after the update my app crashes at login"};
  const char* const refund[] = {"refund for the cancelled trip never arrived", "still no refund for my cancelled trip",
                                "where is the refund for my cancelled trip", "cancelled trip and no refund yet",
                                "refund for a cancelled trip takes forever"};
  for (int i = 0; i < 5; ++i) {
    csv += std::string("\"") + crash[i] + "\",24-02-2015 10." + std::to_string(10 + i) + ",App,user" +
           std::to_string(i) + ",negative,Acme\n";
    csv += std::string("\"") + refund[i] + "\",24-02-2015 10." + std::to_string(20 + i) + ",Refund,other" +
           std::to_string(i) + ",negative,Acme\n";
  }
  csv += "\"what a lovely crew\",24-02-2015 10.40,,fan,positive,Acme\n";
  GroupEvalOptions o;
  o.data = dir.write("g.csv", csv);
  o.time_field = "when";
  o.reason_field = "reason";
  o.author_field = "who";
  o.filter_field = "sentiment";
  o.brand_field = "brand";
  const auto r = testing::run_command(run_group_eval, o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("replayed 10 texts"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("announced (reached min_mentions from min_authors): 2 groups"), std::string::npos) << r.out;
  EXPECT_EQ(figure(r.out, "signatures (this)", 2), 2);      // groups of size >= N
  EXPECT_EQ(figure(r.out, "signatures (this)", 3), 100.0);  // coverage
  EXPECT_EQ(figure(r.out, "signatures (this)", 4), 100.0);  // purity
  EXPECT_EQ(figure(r.out, "brand x window slot", 4), 50.0);
  EXPECT_NE(r.out.find("peak RSS"), std::string::npos);
}

TEST(GroupEval, BadInputIsReported) {
  GroupEvalOptions o;
  o.data = "/nonexistent/g.csv";
  EXPECT_EQ(testing::run_command(run_group_eval, o).status, 2);
  testing::TempDir dir{"carewatch-group-eval-"};
  o.data = dir.write("g.csv", "text,tweet_created\nx,1\n");
  const auto r = testing::run_command(run_group_eval, o);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("negativereason"), std::string::npos) << r.err;
  o.window = "soon";
  EXPECT_EQ(testing::run_command(run_group_eval, o).status, 2);
}

#ifdef CAREWATCH_HAVE_SHARED
// The airline tweets: grouping must beat random groups of the same sizes by a wide margin.
TEST(GroupEvalShared, AirlineComplaintGroupsArePurerThanRandomOnes) {
  const fs::path path = fs::path(CAREWATCH_SHARED_DIR) / "data" / "airline" / "airline_dev.csv";
  ASSERT_TRUE(fs::exists(path)) << path;
  GroupEvalOptions o;
  o.data = path.string();
  const auto r = testing::run_command(run_group_eval, o);
  ASSERT_EQ(r.status, 0) << r.err;
  std::cout << r.out;
  const double ours = figure(r.out, "signatures (this)", 4);
  const double random = figure(r.out, "random groups of the same sizes", 4);
  EXPECT_GT(ours, random + 20) << r.out;
  EXPECT_GT(figure(r.out, "signatures (this)", 2), 10) << r.out;  // groups of size >= N
}
#endif  // CAREWATCH_HAVE_SHARED

}  // namespace
}  // namespace carewatch
