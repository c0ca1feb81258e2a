// Agent API keys: SHA-256 against known vectors, the demo keys, lookup, and the Bearer header.
#include "daemon/api/api_key.h"

#include <gtest/gtest.h>

namespace carewatch {
namespace {

TEST(Sha256Hex, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string("a\0b", 3)).size(), 64u);
  EXPECT_NE(sha256_hex(std::string("a\0b", 3)), sha256_hex("a")) << "hashes every byte, not up to a NUL";
}

TEST(Sha256Hex, DemoKeysMatchTheDemoConfig) {
  EXPECT_EQ(sha256_hex("cw_demo_ana_key"), "64ead5f60f903128119308ea277aa21901bfaea9bb7dbc3e3fc7d3167c7e30ae");
  EXPECT_EQ(sha256_hex("cw_demo_ben_key"), "b5bc0e1841ca22a3c42ff691980d77dc8211afef65ef143fa66e9a53ed48c5fe");
}

std::vector<AgentConfig> demo_agents() {
  return {{"ana", sha256_hex("cw_demo_ana_key")}, {"ben", sha256_hex("cw_demo_ben_key")}};
}

TEST(FindAgentByKey, FindsTheAgentWhoseHashMatches) {
  const auto agents = demo_agents();
  const AgentConfig* ana = find_agent_by_key(agents, "cw_demo_ana_key");
  ASSERT_NE(ana, nullptr);
  EXPECT_EQ(ana->id, "ana");
  EXPECT_EQ(ana, &agents[0]);
  const AgentConfig* ben = find_agent_by_key(agents, "cw_demo_ben_key");
  ASSERT_NE(ben, nullptr);
  EXPECT_EQ(ben->id, "ben");
}

TEST(FindAgentByKey, RejectsWrongEmptyAndHashAsKey) {
  const auto agents = demo_agents();
  EXPECT_EQ(find_agent_by_key(agents, "cw_demo_ana_kez"), nullptr);
  EXPECT_EQ(find_agent_by_key(agents, "CW_DEMO_ANA_KEY"), nullptr);
  EXPECT_EQ(find_agent_by_key(agents, ""), nullptr);
  // Presenting the stored hash itself must not authenticate.
  EXPECT_EQ(find_agent_by_key(agents, agents[0].key_sha256), nullptr);
  EXPECT_EQ(find_agent_by_key({}, "cw_demo_ana_key"), nullptr);
}

TEST(FindAgentByKey, MalformedStoredHashNeverMatches) {
  const std::vector<AgentConfig> agents = {{"short", "64ead5f6"}, {"empty", ""}};
  EXPECT_EQ(find_agent_by_key(agents, "cw_demo_ana_key"), nullptr);
}

TEST(BearerToken, Parsing) {
  EXPECT_EQ(bearer_token("Bearer cw_demo_ana_key"), "cw_demo_ana_key");
  EXPECT_EQ(bearer_token("bearer abc"), "abc");
  EXPECT_EQ(bearer_token("BEARER abc"), "abc");
  EXPECT_EQ(bearer_token("  Bearer   abc  "), "abc");
  EXPECT_EQ(bearer_token("Bearer\tabc"), "abc");
  EXPECT_EQ(bearer_token("Bearer"), "");
  EXPECT_EQ(bearer_token("Bearer "), "");
  EXPECT_EQ(bearer_token("Bearerabc"), "");
  EXPECT_EQ(bearer_token("Basic YWxhZGRpbjpvcGVuc2VzYW1l"), "");
  EXPECT_EQ(bearer_token("Token abc"), "");
  EXPECT_EQ(bearer_token("abc"), "");
  EXPECT_EQ(bearer_token(""), "");
  EXPECT_EQ(bearer_token("Bearer abc def"), "") << "one token only";
}

}  // namespace
}  // namespace carewatch
