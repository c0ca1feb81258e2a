// The agent's desk through ApiRoutes::handle (hand-off, notes, conversation, customer history,
// identity links, the same-text check), against a real redis-server started per test.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/api/api_key.h"
#include "daemon/api/api_routes.h"
#include "daemon/store/desk_store.h"
#include "daemon/store/queue_store.h"
#include "daemon/telemetry/metrics.h"
#include "tests/support/api_fixture.h"

namespace carewatch {
namespace {

using namespace std::chrono_literals;

constexpr TimeMs kDay = 24LL * 3600 * 1000;

using Answer = testing::HttpReply;

// A source that can reply, counting like Mastodon: 500 characters.
class ReplyingConnector : public Connector {
 public:
  PollResult poll(const std::string&) override { return {}; }
  ReplyRules reply_rules() const override {
    ReplyRules r;
    r.can_reply = true;
    r.max_length = 500;
    r.length_unit = "characters";
    return r;
  }
  std::optional<ReplyProblem> check_reply(const Mention&, const std::string&) const override { return std::nullopt; }
};

Mention make_mention(const std::string& id, TimeMs posted, const std::string& author_id = "a1",
                     const std::string& queue = "care", const std::string& platform = "mastodon") {
  Mention m;
  m.platform = platform;
  m.native_id = id;
  m.uid = make_uid(platform, id);
  m.source = "brand-tag";
  m.text = "order " + id + " never arrived";
  m.author.id = author_id;
  m.author.handle = "handle-" + author_id;
  m.author.display_name = "Name " + author_id;
  m.posted_at = posted;
  m.seen_at = posted + 1000;
  m.decision.category = Category::complaint;
  m.decision.priority = 1;
  m.decision.queue = queue;
  return m;
}

class DeskTest : public testing::ApiFixture {
 protected:
  DeskTest() : ApiFixture("desk") {
    config.api_rate_limit_per_minute = 100'000;
    config.agents = {{"alice", sha256_hex("alice-key"), AgentRole::agent},
                     {"bob", sha256_hex("bob-key"), AgentRole::agent},
                     {"lena", sha256_hex("lena-key"), AgentRole::lead},
                     {"vic", sha256_hex("vic-key"), AgentRole::viewer}};
    ReplyDesk desk;
    desk.connector_for = [](const std::string& source) -> std::shared_ptr<Connector> {
      if (source == "brand-tag") return std::make_shared<ReplyingConnector>();
      return nullptr;
    };
    routes().set_reply_desk(std::move(desk));
  }

  // Through ApiRoutes::handle, with the agent's key.
  Answer call(const std::string& method, const std::string& target, const std::string& agent = "alice",
              const std::string& body = "") {
    return handle(method, target, agent + "-key", body);
  }
  Answer get(const std::string& target, const std::string& agent = "alice") { return call("GET", target, agent); }
  Answer post(const std::string& target, const std::string& body, const std::string& agent = "alice") {
    return call("POST", target, agent, body);
  }
  std::string claim(const std::string& queue, const std::string& agent) {
    const Answer a = post("/v1/queues/" + queue + "/claim", "", agent);
    if (a.status != 200) return "";
    return a.json()["uid"].GetString();
  }
  std::string hget(const std::string& uid, const std::string& field) {
    return redis.command("HGET {desk}:m:" + uid + " " + field);
  }
};

// What an agent holds, to come back to after a reload or from another screen: only their own
// open claims, whatever happened to the others.
TEST_F(DeskTest, ClaimsListsWhatTheAgentHoldsNow) {
  const TimeMs now = now_ms();
  store->enqueue({make_mention("1", now - 60'000), make_mention("2", now - 50'000, "a2"),
                  make_mention("3", now - 40'000, "a3"), make_mention("b", now - 30'000, "a4", "billing"),
                  make_mention("5", now - 20'000, "a5")});
  ASSERT_EQ(claim("care", "alice"), "mastodon:1");
  ASSERT_EQ(claim("care", "alice"), "mastodon:2");
  ASSERT_EQ(claim("billing", "alice"), "mastodon:b");
  ASSERT_EQ(claim("care", "alice"), "mastodon:3");
  ASSERT_EQ(claim("care", "bob"), "mastodon:5");
  ASSERT_EQ(post("/v1/mentions/mastodon:2/release", "").status, 200);
  ASSERT_EQ(post("/v1/mentions/mastodon:3/resolve", "").status, 200);
  ASSERT_EQ(post("/v1/mentions/mastodon:1/reply", R"({"text": "So sorry, we are on it."})").status, 202);

  auto uids = [](const Answer& a) {
    std::vector<std::string> out;
    const auto d = a.json();
    for (const auto& i : d["items"].GetArray()) out.push_back(i["uid"].GetString());
    return out;
  };
  const Answer mine = get("/v1/claims");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(uids(mine), (std::vector<std::string>{"mastodon:b", "mastodon:1"}));  // billing, then care
  const auto d = mine.json();
  EXPECT_EQ(std::string(d["agent"].GetString()), "alice");
  const auto& one = d["items"][1];
  EXPECT_EQ(std::string(one["queue"].GetString()), "care");
  EXPECT_EQ(one["priority"].GetInt(), 1);
  EXPECT_EQ(std::string(one["state"].GetString()), "claimed");
  EXPECT_EQ(std::string(one["platform"].GetString()), "mastodon");
  EXPECT_EQ(std::string(one["author"]["handle"].GetString()), "handle-a1");
  EXPECT_EQ(std::string(one["text"].GetString()), "order 1 never arrived");
  EXPECT_EQ(one["replies"].GetInt(), 1);
  EXPECT_TRUE(one["claimed_at"].IsString());
  EXPECT_TRUE(one["lease_until"].IsString());
  EXPECT_EQ(uids(get("/v1/claims?limit=1")), std::vector<std::string>{"mastodon:b"});

  EXPECT_EQ(uids(get("/v1/claims", "bob")), std::vector<std::string>{"mastodon:5"});
  EXPECT_EQ(uids(get("/v1/claims?agent=alice", "lena")), uids(mine));  // a lead sees anyone's
  EXPECT_TRUE(uids(get("/v1/claims", "vic")).empty());                  // a viewer holds nothing
  const Answer other = get("/v1/claims?agent=bob");
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_NE(other.body.find("agent:"), std::string::npos) << other.body;
  EXPECT_EQ(get("/v1/claims?agent=nobody", "lena").status, 404);
  EXPECT_EQ(get("/v1/claims?limit=0").status, 400);

  // Handed off to another queue: no longer hers.
  ASSERT_EQ(post("/v1/mentions/mastodon:b/handoff", R"({"queue": "care"})").status, 200);
  EXPECT_EQ(uids(get("/v1/claims")), std::vector<std::string>{"mastodon:1"});
}

TEST_F(DeskTest, HandOffMovesTheMentionToTheOtherQueueWithItsNote) {
  const TimeMs now = now_ms();
  store->enqueue({make_mention("1", now - 60'000), make_mention("b", now - 50'000, "a2", "billing")});
  ASSERT_EQ(claim("care", "alice"), "mastodon:1");
  redis.command("ZADD {desk}:sla:due:care 12345 mastodon:1");  // as the SLA watch keeps it

  const Answer h = post("/v1/mentions/mastodon:1/handoff", R"({"queue": "billing", "note": "refund: billing's call"})");
  ASSERT_EQ(h.status, 200) << h.body;
  EXPECT_EQ(h.body, R"({"uid":"mastodon:1","status":"ok","queue":"billing"})");

  EXPECT_EQ(hget("mastodon:1", "state"), "queued");
  EXPECT_EQ(hget("mastodon:1", "queue"), "billing");
  EXPECT_EQ(hget("mastodon:1", "handoffs"), "1");
  EXPECT_EQ(hget("mastodon:1", "owner"), "(nil)");
  EXPECT_EQ(redis.command("ZSCORE {desk}:sla:due:care mastodon:1"), "(nil)");
  EXPECT_EQ(redis.command("ZSCORE {desk}:sla:due:billing mastodon:1"), "12345");

  // Gone from care (nobody can claim it there), waiting in billing at the same priority.
  EXPECT_EQ(post("/v1/queues/care/claim", "", "bob").status, 204);
  EXPECT_EQ(claim("billing", "bob"), "mastodon:b");
  EXPECT_EQ(claim("billing", "bob"), "mastodon:1");
  EXPECT_EQ(redis.command("XLEN {desk}:q:billing:p1"), "2");

  const Answer notes = get("/v1/mentions/mastodon:1/notes", "bob");
  ASSERT_EQ(notes.status, 200) << notes.body;
  const auto nd = notes.json();
  ASSERT_EQ(nd["notes"].Size(), 1u) << notes.body;
  EXPECT_STREQ(nd["notes"][0]["agent"].GetString(), "alice");
  EXPECT_STREQ(nd["notes"][0]["text"].GetString(), "refund: billing's call");
  const std::string note_id = nd["notes"][0]["id"].GetString();

  const Answer m = get("/v1/mentions/mastodon:1", "bob");
  ASSERT_EQ(m.status, 200) << m.body;
  const auto md = m.json();
  EXPECT_EQ(md["handoffs"].GetInt64(), 1);
  const rapidjson::Value* handed = nullptr;
  for (const auto& e : md["events"].GetArray())
    if (std::string(e["type"].GetString()) == "handed_off") handed = &e;
  ASSERT_NE(handed, nullptr) << m.body;
  EXPECT_STREQ((*handed)["actor"].GetString(), "alice");
  EXPECT_STREQ((*handed)["queue"].GetString(), "billing");
  EXPECT_STREQ((*handed)["from_queue"].GetString(), "care");
  EXPECT_EQ((*handed)["note_id"].GetString(), note_id);
  // The shared stream has it too (what the live feed and the figures read).
  EXPECT_NE(redis.command("XREVRANGE {desk}:events + - COUNT 5").find("handed_off"), std::string::npos);
}

TEST_F(DeskTest, HandOffRefusals) {
  const TimeMs now = now_ms();
  store->enqueue({make_mention("1", now - 60'000), make_mention("2", now - 50'000), make_mention("3", now - 40'000),
                  make_mention("b", now - 30'000, "a2", "billing")});
  const std::string body = R"({"queue": "billing"})";
  EXPECT_EQ(post("/v1/mentions/mastodon:404/handoff", body).status, 404);
  const Answer unclaimed = post("/v1/mentions/mastodon:1/handoff", body);
  EXPECT_EQ(unclaimed.status, 409) << unclaimed.body;
  EXPECT_EQ(unclaimed.code(), "not_claimed");

  ASSERT_EQ(claim("care", "alice"), "mastodon:1");
  const Answer theirs = post("/v1/mentions/mastodon:1/handoff", body, "bob");
  EXPECT_EQ(theirs.status, 409);
  EXPECT_EQ(theirs.code(), "conflict");
  EXPECT_NE(theirs.error().find("alice"), std::string::npos) << theirs.body;

  const Answer viewer = post("/v1/mentions/mastodon:1/handoff", body, "vic");
  EXPECT_EQ(viewer.status, 403);
  EXPECT_EQ(viewer.code(), "forbidden");

  for (const char* bad : {R"({"queue": "no such/queue"})", R"({"queue": ""})", R"({"note": "x"})", R"({"queue": 7})",
                          R"({"queue": "care"})", R"({"queue": "nowhere"})", "not json"}) {
    const Answer a = post("/v1/mentions/mastodon:1/handoff", bad);
    EXPECT_EQ(a.status, 400) << bad << " -> " << a.body;
    EXPECT_TRUE(a.error().rfind("queue:", 0) == 0 || a.error().rfind("body:", 0) == 0) << bad << " -> " << a.body;
  }
  EXPECT_EQ(hget("mastodon:1", "queue"), "care");
  EXPECT_EQ(hget("mastodon:1", "owner"), "alice");

  // A lead hands off anyone's claim.
  const Answer lead = post("/v1/mentions/mastodon:1/handoff", body, "lena");
  EXPECT_EQ(lead.status, 200) << lead.body;
  EXPECT_EQ(hget("mastodon:1", "queue"), "billing");
  EXPECT_EQ(get("/v1/mentions/mastodon:1/notes").body, R"({"notes":[]})");
}

TEST_F(DeskTest, NotesAreKeptOldestFirstAndWrittenAsEvents) {
  store->enqueue({make_mention("1", now_ms() - 60'000)});
  const Answer first = post("/v1/mentions/mastodon:1/notes", R"({"text": "customer called twice"})", "bob");
  ASSERT_EQ(first.status, 201) << first.body;
  const auto fd = first.json();
  EXPECT_STREQ(fd["agent"].GetString(), "bob");
  EXPECT_STREQ(fd["text"].GetString(), "customer called twice");
  EXPECT_TRUE(fd["at"].IsString());
  ASSERT_EQ(post("/v1/mentions/mastodon:1/notes", R"({"text": "second"})", "lena").status, 201);

  const auto nd = get("/v1/mentions/mastodon:1/notes", "vic").json();  // viewers read
  ASSERT_EQ(nd["notes"].Size(), 2u);
  EXPECT_STREQ(nd["notes"][0]["text"].GetString(), "customer called twice");
  EXPECT_STREQ(nd["notes"][1]["agent"].GetString(), "lena");
  EXPECT_STREQ(nd["notes"][0]["id"].GetString(), fd["id"].GetString());

  const auto md = get("/v1/mentions/mastodon:1").json();
  int noted = 0;
  for (const auto& e : md["events"].GetArray())
    if (std::string(e["type"].GetString()) == "noted") ++noted;
  EXPECT_EQ(noted, 2);

  EXPECT_EQ(post("/v1/mentions/mastodon:1/notes", R"({"text": "x"})", "vic").status, 403);
  EXPECT_EQ(post("/v1/mentions/mastodon:1/notes", R"({"text": "   "})").status, 400);
  EXPECT_EQ(post("/v1/mentions/mastodon:404/notes", R"({"text": "x"})").status, 404);
  EXPECT_EQ(get("/v1/mentions/mastodon:404/notes").status, 404);
  EXPECT_EQ(call("PUT", "/v1/mentions/mastodon:1/notes").status, 405);
}

TEST_F(DeskTest, ConversationInTimeOrderWithParentRepliesAndTheBrandsReplies) {
  const TimeMs t = now_ms() - 10 * 60'000;
  Mention parent = make_mention("p", t, "a9", "");  // routed nowhere, still part of the thread
  parent.conversation_id = "c1";
  Mention self = make_mention("s", t + 60'000);
  self.parent_id = "p";
  self.conversation_id = "c1";
  Mention later = make_mention("l", t + 120'000, "a3");
  later.conversation_id = "c1";
  Mention elsewhere = make_mention("x", t + 130'000, "a3");
  elsewhere.conversation_id = "c2";
  store->enqueue({parent, self, later, elsewhere});
  ASSERT_EQ(claim("care", "alice"), "mastodon:s");
  ASSERT_EQ(post("/v1/mentions/mastodon:s/reply", R"({"text": "We are on it", "external": true})").status, 200);

  const Answer c = get("/v1/mentions/mastodon:s/conversation");
  ASSERT_EQ(c.status, 200) << c.body;
  const auto d = c.json();
  std::vector<std::string> seen;
  for (const auto& i : d["items"].GetArray()) seen.push_back(std::string(i["relation"].GetString()) + " " + i["uid"].GetString());
  EXPECT_EQ(seen, (std::vector<std::string>{"parent mastodon:p", "self mastodon:s", "reply mastodon:l",
                                            "brand_reply mastodon:s"}))
      << c.body;
  const auto& brand = d["items"][3];
  EXPECT_STREQ(brand["text"].GetString(), "We are on it");
  EXPECT_STREQ(brand["agent"].GetString(), "alice");
  EXPECT_TRUE(brand["author"].IsNull());
  EXPECT_STREQ(d["items"][0]["author"]["handle"].GetString(), "handle-a9");
  EXPECT_STREQ(d["items"][1]["agent"].GetString(), "alice");
  EXPECT_EQ(get("/v1/mentions/mastodon:404/conversation").status, 404);
}

TEST_F(DeskTest, HistoryAcrossLinkedIdentitiesWithRepeatContacts) {
  const TimeMs now = now_ms();
  store->enqueue({make_mention("old", now - 10 * kDay), make_mention("week", now - 3 * kDay),
                  make_mention("day", now - 1 * kDay), make_mention("bsky", now - 2 * kDay, "b1", "care", "bluesky"),
                  make_mention("other", now - 1 * kDay, "zz"), make_mention("cur", now - 1000)});
  // The day before's contact was answered and resolved.
  ASSERT_EQ(claim("care", "alice"), "mastodon:old");
  ASSERT_EQ(post("/v1/mentions/mastodon:old/resolve", "").status, 200);
  ASSERT_EQ(claim("care", "alice"), "mastodon:week");
  ASSERT_EQ(post("/v1/mentions/mastodon:week/reply", R"({"text": "Refund sent", "external": true})").status, 200);
  ASSERT_EQ(post("/v1/mentions/mastodon:week/resolve", "").status, 200);

  auto uids = [](const rapidjson::Document& d) {
    std::vector<std::string> out;
    for (const auto& i : d["items"].GetArray()) out.push_back(i["uid"].GetString());
    return out;
  };
  Answer h = get("/v1/mentions/mastodon:cur/history");
  ASSERT_EQ(h.status, 200) << h.body;
  auto d = h.json();
  EXPECT_EQ(uids(d), (std::vector<std::string>{"mastodon:day", "mastodon:week", "mastodon:old"})) << h.body;
  EXPECT_EQ(d["repeat_contacts"].GetInt64(), 2);  // week and day: within the 7 days before
  EXPECT_EQ(d["handoffs"].GetInt64(), 0);
  EXPECT_STREQ(d["customer"]["identities"][0]["handle"].GetString(), "handle-a1");
  const auto& week = d["items"][1];
  EXPECT_STREQ(week["state"].GetString(), "resolved");
  EXPECT_STREQ(week["resolved_by"].GetString(), "alice");
  ASSERT_EQ(week["replies"].Size(), 1u);
  EXPECT_STREQ(week["replies"][0]["text"].GetString(), "Refund sent");

  // Linked with a Bluesky identity: one customer, one history.
  EXPECT_EQ(post("/v1/customers/link", R"({"a": "mastodon:a1", "b": "bluesky:b1"})", "vic").status, 403);
  const Answer l = post("/v1/customers/link", R"({"a": "mastodon:a1", "b": "bluesky:b1"})");
  ASSERT_EQ(l.status, 200) << l.body;
  EXPECT_EQ(l.json()["customer"]["identities"].Size(), 2u) << l.body;
  d = get("/v1/mentions/mastodon:cur/history").json();
  EXPECT_EQ(uids(d), (std::vector<std::string>{"mastodon:day", "bluesky:bsky", "mastodon:week", "mastodon:old"}));
  EXPECT_EQ(d["repeat_contacts"].GetInt64(), 3);
  EXPECT_EQ(d["customer"]["identities"].Size(), 2u);
  // Transitive: a third identity linked to the Bluesky one joins the same customer.
  const Answer t3 = post("/v1/customers/link", R"({"a": "bluesky:b1", "b": "mastodon:zz"})");
  ASSERT_EQ(t3.status, 200) << t3.body;
  EXPECT_EQ(t3.json()["customer"]["identities"].Size(), 3u) << t3.body;
  EXPECT_EQ(get("/v1/mentions/mastodon:cur/history").json()["repeat_contacts"].GetInt64(), 4);
  // The customer's page: the current mention included.
  const Answer cust = get("/v1/customers/mastodon:zz?limit=2");
  ASSERT_EQ(cust.status, 200) << cust.body;
  EXPECT_EQ(uids(cust.json()), (std::vector<std::string>{"mastodon:cur", "mastodon:day"}));
  EXPECT_TRUE(cust.json()["handoffs"].IsNull());

  const Answer u = post("/v1/customers/unlink", R"({"identity": "mastodon:zz"})");
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(post("/v1/customers/unlink", R"({"identity": "bluesky:b1"})").status, 200);
  d = get("/v1/mentions/mastodon:cur/history").json();
  EXPECT_EQ(uids(d).size(), 3u);
  EXPECT_EQ(d["customer"]["identities"].Size(), 1u);

  for (const char* bad : {R"({"a": "mastodon:a1", "b": "mastodon:a1"})", R"({"a": "mastodon", "b": "bluesky:b1"})",
                          R"({"a": "Mast odon:1", "b": "bluesky:b1"})", R"({"a": "mastodon:a1"})"}) {
    const Answer a = post("/v1/customers/link", bad);
    EXPECT_EQ(a.status, 400) << bad << " -> " << a.body;
  }
  EXPECT_EQ(post("/v1/customers/unlink", R"({"identity": ":x"})").status, 400);
  EXPECT_EQ(get("/v1/customers/nocolon").status, 400);
  EXPECT_EQ(get("/v1/mentions/mastodon:cur/history?limit=0").status, 400);
  EXPECT_EQ(get("/v1/mentions/mastodon:404/history").status, 404);
}

TEST_F(DeskTest, SameTextWarningCountsTodaysRepliesOfTheTeam) {
  const TimeMs now = now_ms();
  store->enqueue({make_mention("1", now - 3000), make_mention("2", now - 2000), make_mention("3", now - 1000)});
  const std::string check = R"({"text": "Thanks for reaching out!"})";
  Answer a = post("/v1/replies/check", check);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body, R"({"sent_today":0,"threshold":3,"warn":false})");

  const char* variants[] = {"Thanks for reaching out!", "  thanks   for\\treaching OUT! ", "THANKS FOR REACHING OUT!"};
  for (int i = 0; i < 3; ++i) {
    const std::string agent = i == 1 ? "bob" : "alice";
    const std::string uid = claim("care", agent);
    ASSERT_FALSE(uid.empty());
    const std::string body = std::string(R"({"external": true, "text": ")") + variants[i] + "\"}";
    ASSERT_EQ(post("/v1/mentions/" + uid + "/reply", body, agent).status, 200);
    a = post("/v1/replies/check", check);
    EXPECT_EQ(a.json()["sent_today"].GetInt64(), i + 1) << a.body;
    EXPECT_EQ(a.json()["warn"].GetBool(), i + 1 >= 3) << a.body;
  }
  EXPECT_EQ(post("/v1/replies/check", R"({"text": "Thanks for reaching out"})").json()["sent_today"].GetInt64(), 0);
  EXPECT_EQ(post("/v1/replies/check", R"({"text": ""})").status, 400);
}

TEST_F(DeskTest, MentionCarriesItsReplyRules) {
  Mention m = make_mention("1", now_ms() - 1000);
  Mention quiet = make_mention("2", now_ms() - 1000);
  quiet.source = "replay";
  store->enqueue({m, quiet});
  const auto d = get("/v1/mentions/mastodon:1").json();
  ASSERT_TRUE(d["reply_rules"].IsObject());
  EXPECT_EQ(d["reply_rules"]["max_length"].GetInt64(), 500);
  EXPECT_STREQ(d["reply_rules"]["unit"].GetString(), "characters");
  EXPECT_STREQ(d["reply_rules"]["to"].GetString(), "Name a1");
  EXPECT_EQ(d["handoffs"].GetInt64(), 0);
  EXPECT_TRUE(get("/v1/mentions/mastodon:2").json()["reply_rules"].IsNull());
}

}  // namespace
}  // namespace carewatch

namespace carewatch {
namespace {

TEST_F(DeskTest, IndexesAndNotesExpireWithTheirMentions) {
  const TimeMs now = now_ms();
  Mention routed = make_mention("1", now - 60'000);
  routed.conversation_id = "c1";
  Mention stored = make_mention("2", now - 50'000, "a1", "");
  stored.conversation_id = "c1";
  store->enqueue({routed, stored});
  auto ttl = [this](const std::string& key) { return std::stoll(redis.command("TTL " + key)); };
  EXPECT_GT(ttl("{desk}:au:mastodon:a1"), 0);
  EXPECT_GT(ttl("{desk}:cv:mastodon:c1"), 0);
  // Only routed mentions are contacts; every stored one is part of its conversation.
  EXPECT_EQ(redis.command("ZSCORE {desk}:au:mastodon:a1 mastodon:2"), "(nil)");
  EXPECT_EQ(redis.command("ZSCORE {desk}:au:mastodon:a1 mastodon:1"), std::to_string(now - 60'000));
  EXPECT_EQ(redis.command("ZCARD {desk}:cv:mastodon:c1"), "2");
  EXPECT_EQ(hget("mastodon:1", "author"), "mastodon:a1");
  EXPECT_EQ(hget("mastodon:1", "conversation"), "mastodon:c1");

  // A note on a live mention lives as long; on a stored one (which expires) it expires with it.
  ASSERT_EQ(post("/v1/mentions/mastodon:1/notes", R"({"text": "a"})").status, 201);
  ASSERT_EQ(post("/v1/mentions/mastodon:2/notes", R"({"text": "b"})").status, 201);
  EXPECT_EQ(ttl("{desk}:notes:mastodon:1"), -1);
  EXPECT_GT(ttl("{desk}:notes:mastodon:2"), 0);
  EXPECT_LE(ttl("{desk}:notes:mastodon:2"), ttl("{desk}:m:mastodon:2"));

  redis.command("EXPIRE {desk}:au:mastodon:a1 100");
  ASSERT_EQ(claim("care", "alice"), "mastodon:1");
  ASSERT_EQ(post("/v1/mentions/mastodon:1/resolve", "").status, 200);
  EXPECT_GT(ttl("{desk}:notes:mastodon:1"), 0);
  EXPECT_GT(ttl("{desk}:au:mastodon:a1"), 100);  // renewed: it outlives the resolved hash
  EXPECT_GE(ttl("{desk}:au:mastodon:a1"), ttl("{desk}:m:mastodon:1"));
}

}  // namespace
}  // namespace carewatch
