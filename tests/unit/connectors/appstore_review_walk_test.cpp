// The newest-first review walk shared by appstore and googleplay (connectors/common/review_walk.h):
// what it returns from pages of (time, id) items and the cursor it writes, including the cases the
// fakes rarely produce: a page not sorted by time, several reviews in one second, a walk resumed
// after reviews slid down a page.
#include <gtest/gtest.h>

#include "connectors/common/review_walk.h"

namespace carewatch::review_walk {
namespace {

std::vector<std::string> ids_of(const std::vector<Item>& items, const std::vector<size_t>& taken) {
  std::vector<std::string> out;
  for (size_t i : taken) out.push_back(items[i].id);
  return out;
}

TEST(ReviewWalk, TheFirstPollTakesItsWholePageInAnyOrderAndEnds) {
  StreamWalk w(std::nullopt);
  EXPECT_EQ(w.start(), "");
  EXPECT_FALSE(w.state());  // nothing read yet: no state to store
  const std::vector<Item> page = {{100, "a"}, {300, "c"}, {200, "b"}, {300, "d"}};
  EXPECT_EQ(ids_of(page, w.take(page, false, "2")), (std::vector<std::string>{"a", "c", "b", "d"}));
  EXPECT_TRUE(w.done());
  const auto s = w.state();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->seen.at, 300);
  EXPECT_EQ(s->seen.ids, (std::set<std::string>{"c", "d"}));
  EXPECT_FALSE(s->walk);
}

TEST(ReviewWalk, ReviewsInTheSameSecondAsTheMarkAreNotLost) {
  StreamState st;
  st.seen = Mark{300, {"c"}};
  StreamWalk w(st);
  const std::vector<Item> page = {{300, "e"}, {300, "c"}, {200, "b"}};
  EXPECT_EQ(ids_of(page, w.take(page, false, "2")), (std::vector<std::string>{"e"}));
  EXPECT_TRUE(w.done());  // reached "c"
  EXPECT_EQ(w.state()->seen.ids, (std::set<std::string>{"c", "e"}));
}

TEST(ReviewWalk, AResumedWalkSkipsWhatSlidDownAndLeavesNewOnesToTheNextWalk) {
  StreamState st;
  st.seen = Mark{100, {"old"}};
  StreamWalk first(st);
  const std::vector<Item> p1 = {{500, "n5"}, {400, "n4"}};
  EXPECT_EQ(first.take(p1, false, "2").size(), 2u);
  EXPECT_FALSE(first.done());
  const StreamState mid = *first.state();
  ASSERT_TRUE(mid.walk);
  EXPECT_EQ(mid.walk->next, "2");

  // Written and read back, as a restart does.
  States states{{"us", mid}}, read;
  std::string error;
  ASSERT_TRUE(parse_states(write_states(states), read, error)) << error;
  StreamWalk resumed(read.at("us"));
  EXPECT_EQ(resumed.start(), "2");
  // Two reviews arrived on top, so page 2 now starts with n5 and n4 again.
  const std::vector<Item> p2 = {{500, "n5"}, {400, "n4"}, {300, "n3"}, {100, "old"}};
  EXPECT_EQ(ids_of(p2, resumed.take(p2, false, "3")), (std::vector<std::string>{"n3"}));
  EXPECT_TRUE(resumed.done());
  EXPECT_EQ(resumed.state()->seen.at, 500);  // the walk's top: the two new ones come next walk
  StreamWalk next(*resumed.state());
  const std::vector<Item> top = {{700, "n7"}, {600, "n6"}, {500, "n5"}};
  EXPECT_EQ(ids_of(top, next.take(top, false, "2")), (std::vector<std::string>{"n7", "n6"}));
}

TEST(ReviewWalk, ABrokenCursorIsNamed) {
  States s;
  std::string error;
  EXPECT_TRUE(parse_states("", s, error));
  EXPECT_FALSE(parse_states("[]", s, error));
  EXPECT_FALSE(parse_states(R"({"us": {"seen": {"at": 1, "ids": [2]}}})", s, error));
  EXPECT_EQ(error, "cursor.us.seen.ids: expected strings");
  EXPECT_FALSE(parse_states(R"({"us": {"seen": {"at": 1, "ids": []}, "walk": {"top": {}}}})", s, error));
  EXPECT_NE(error.find("cursor.us.walk"), std::string::npos) << error;
}

}  // namespace
}  // namespace carewatch::review_walk
