// The desk's request checks and bodies (daemon/api/desk_input.h, desk_json.h) and its routes'
// matching (api_match.h): pure functions, no Redis.
#include "daemon/api/desk_input.h"

#include <gtest/gtest.h>

#include "daemon/api/api_match.h"
#include "daemon/api/desk_json.h"

namespace carewatch {
namespace {

TEST(DeskInput, HandoffBodyNeedsAQueueNameAndTakesAnOptionalNote) {
  const HandoffBody ok = read_handoff_body(R"({"queue": "billing", "note": "refund"})");
  ASSERT_FALSE(ok.problem) << *ok.problem;
  EXPECT_EQ(ok.queue, "billing");
  EXPECT_EQ(ok.note, "refund");
  const HandoffBody no_note = read_handoff_body(R"({"queue": "vip.care-2", "note": "   "})");
  ASSERT_FALSE(no_note.problem);
  EXPECT_EQ(no_note.note, "");  // blank: no note
  EXPECT_FALSE(read_handoff_body(R"({"queue": "care", "note": null})").problem);

  struct Case {
    const char* body;
    const char* starts;
  } cases[] = {{R"({})", "queue:"},
               {R"({"queue": ""})", "queue:"},
               {R"({"queue": 3})", "queue: expected a string"},
               {R"({"queue": "two words"})", "queue: expected a queue name"},
               {R"({"queue": "care", "note": 5})", "note: expected a string"},
               {"[1]", "body:"},
               {"{\"queue\": \"\xff\"}", "body: invalid UTF-8"}};
  for (const auto& c : cases) {
    const HandoffBody b = read_handoff_body(c.body);
    ASSERT_TRUE(b.problem) << c.body;
    EXPECT_EQ(b.problem->rfind(c.starts, 0), 0u) << c.body << " -> " << *b.problem;
  }
  const HandoffBody long_note = read_handoff_body(R"({"queue": "care", "note": ")" + std::string(kMaxNoteBytes + 1, 'x') + "\"}");
  ASSERT_TRUE(long_note.problem);
  EXPECT_EQ(long_note.problem->rfind("note: expected at most", 0), 0u);
}

TEST(DeskInput, IdentitiesArePlatformColonAuthorId) {
  EXPECT_FALSE(identity_problem("mastodon:109", "a"));
  EXPECT_FALSE(identity_problem("bluesky:did:plc:abc", "a"));  // the author id may hold colons
  EXPECT_FALSE(identity_problem("google-play:x_1", "a"));
  for (const char* bad : {"mastodon", ":109", "mastodon:", "Mastodon:1", "mast odon:1", "x:a\tb"}) {
    const auto p = identity_problem(bad, "identity");
    ASSERT_TRUE(p) << bad;
    EXPECT_EQ(p->rfind("identity: expected", 0), 0u) << *p;
  }
  EXPECT_TRUE(identity_problem("x:" + std::string(513, 'a'), "b"));
}

TEST(DeskInput, LinkBodyNeedsTwoDifferentIdentities) {
  const LinkBody ok = read_link_body(R"({"a": "mastodon:1", "b": "x:2"})");
  ASSERT_FALSE(ok.problem) << *ok.problem;
  EXPECT_EQ(ok.a, "mastodon:1");
  EXPECT_EQ(ok.b, "x:2");
  EXPECT_EQ(read_link_body(R"({"a": "mastodon:1"})").problem->rfind("b:", 0), 0u);
  EXPECT_EQ(read_link_body(R"({"a": "mastodon:1", "b": "mastodon:1"})").problem->rfind("b: expected an identity other", 0), 0u);
  EXPECT_EQ(read_link_body(R"({"a": "nope", "b": "x:2"})").problem->rfind("a:", 0), 0u);
}

TEST(DeskInput, TextBodyNeedsSomethingToSay) {
  EXPECT_EQ(read_text_body(R"({"text": "hi"})", "text").text, "hi");
  EXPECT_EQ(*read_text_body(R"({"text": " \n"})", "text").problem, "text: expected a non-empty string");
  EXPECT_EQ(*read_text_body(R"({})", "identity").problem, "identity: expected a non-empty string");
}

TEST(DeskInput, SameTextFormTrimsCollapsesAndLowercases) {
  EXPECT_EQ(same_text_form("  Thanks   for\treaching\n OUT!  "), "thanks for reaching out!");
  EXPECT_EQ(same_text_form("ÉTÉ \xC2\xA0 Привет"), "été привет");  // no-break space is white space
  EXPECT_EQ(same_text_form(""), "");
  EXPECT_EQ(same_text_form(" \t "), "");
  EXPECT_NE(same_text_form("Thanks!"), same_text_form("Thanks"));
}

TEST(DeskJson, BodiesHaveTheContractsShapes) {
  EXPECT_EQ(handoff_json("mastodon:1", "billing"), R"({"uid":"mastodon:1","status":"ok","queue":"billing"})");
  EXPECT_EQ(same_text_json(2, 3), R"({"sent_today":2,"threshold":3,"warn":false})");
  EXPECT_EQ(same_text_json(3, 3), R"({"sent_today":3,"threshold":3,"warn":true})");
  EXPECT_EQ(notes_json({{"1-0", "ana", 1'795'341'600'000, "<b>hi</b>"}}),
            R"({"notes":[{"id":"1-0","agent":"ana","at":"2026-11-22T10:00:00.000Z","text":"<b>hi</b>"}]})");
  const Customer c{"mastodon:1", {"mastodon:1", "x:2"}};
  EXPECT_EQ(customer_json(c, {{"mastodon:1", "ana"}}),
            R"({"customer":{"id":"mastodon:1","identities":[{"platform":"mastodon","author_id":"1","handle":"ana"},)"
            R"({"platform":"x","author_id":"2","handle":null}]}})");
}

TEST(DeskRoutes, MatchByPathAndForNotesByMethod) {
  auto match = [](const char* target, const char* method = "") { return match_target(target, method); };
  EXPECT_EQ(match("/v1/mentions/mastodon:1/handoff").id, RouteId::handoff);
  EXPECT_EQ(match("/v1/mentions/mastodon:1/notes", "GET").id, RouteId::notes);
  EXPECT_EQ(match("/v1/mentions/mastodon:1/notes", "POST").id, RouteId::note_add);
  EXPECT_STREQ(match("/v1/mentions/mastodon:1/notes", "POST").method, "POST");
  EXPECT_STREQ(match("/v1/mentions/mastodon:1/notes", "PUT").method, "GET");
  EXPECT_EQ(match("/v1/mentions/mastodon:1/conversation").id, RouteId::conversation);
  EXPECT_EQ(match("/v1/mentions/mastodon:1/history?limit=5").id, RouteId::history);
  EXPECT_EQ(match("/v1/customers/mastodon%3A1").id, RouteId::customer);
  EXPECT_EQ(match("/v1/customers/mastodon%3A1").param, "mastodon:1");
  EXPECT_EQ(match("/v1/customers/link").id, RouteId::customer_link);
  EXPECT_EQ(match("/v1/customers/unlink").id, RouteId::customer_unlink);
  EXPECT_EQ(match("/v1/replies/check").id, RouteId::replies_check);
  EXPECT_FALSE(match("/v1/mentions/mastodon:1/nothing").found);
}

}  // namespace
}  // namespace carewatch
