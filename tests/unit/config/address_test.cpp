// api.listen's host: resolved once before anything starts, as run and check-config both do.
// Only names that resolve without a DNS server are used: addresses, "localhost" (/etc/hosts) and
// an IPv6 zone naming no interface (refused by getaddrinfo itself).
#include "daemon/config/address.h"

#include <gtest/gtest.h>

#include "daemon/config/config.h"

namespace carewatch {
namespace {

TEST(ResolveHost, AddressesStayAsTheyAre) {
  std::string error;
  EXPECT_EQ(resolve_host("10.1.2.3", error), "10.1.2.3");
  EXPECT_EQ(resolve_host("0.0.0.0", error), "0.0.0.0");
  EXPECT_EQ(resolve_host("::1", error), "::1");
}

TEST(ResolveHost, LocalhostIsItsIpv4Address) {
  std::string error;
  EXPECT_EQ(resolve_host("localhost", error), "127.0.0.1") << error;
}

TEST(ResolveHost, FailureSaysWhy) {
  std::string error;
  EXPECT_FALSE(resolve_host("fe80::1%nosuchif0", error));
  EXPECT_FALSE(error.empty());
}

Config parsed(const std::string& text, std::map<std::string, std::string> env = {}) {
  std::vector<std::string> errors;
  auto cfg = parse_config(text, "test.json", "/srv/carewatch", errors, [env](const std::string& name) {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
  EXPECT_TRUE(cfg) << ::testing::PrintToString(errors);
  return cfg ? std::move(*cfg) : Config{};
}

TEST(ResolveApiListen, HostNameBecomesTheAddressRunListensOn) {
  Config cfg = parsed(R"({"api": {"listen": "localhost:9000"}})");
  EXPECT_EQ(cfg.api_host, "localhost") << "parsing does not resolve";
  EXPECT_EQ(resolve_api_listen(cfg), std::nullopt);
  EXPECT_EQ(cfg.api_host, "127.0.0.1");
  EXPECT_EQ(cfg.api_port, 9000);

  Config defaults = parsed("{}");
  EXPECT_EQ(resolve_api_listen(defaults), std::nullopt);
  EXPECT_EQ(defaults.api_host, "127.0.0.1");
}

TEST(ResolveApiListen, ErrorNamesApiListenAndShowsTheValueAsWritten) {
  Config cfg = parsed(R"({"api": {"listen": "[fe80::1%nosuchif0]:8640"}})");
  const auto error = resolve_api_listen(cfg);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->rfind(R"(api.listen: expected a host name that resolves, or an IP address, got "[fe80::1%nosuchif0]:8640" ()", 0),
            0u)
      << *error;

  Config from_env = parsed(R"({"api": {"listen": "${LISTEN}"}})", {{"LISTEN", "[fe80::1%nosuchif0]:1"}});
  const auto env_error = resolve_api_listen(from_env);
  ASSERT_TRUE(env_error);
  EXPECT_NE(env_error->find(R"(got "${LISTEN}")"), std::string::npos) << *env_error;
  EXPECT_EQ(env_error->find("nosuchif0"), std::string::npos) << *env_error;
}

}  // namespace
}  // namespace carewatch
