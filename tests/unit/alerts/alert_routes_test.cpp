// Which channels take an alert (daemon/alerts/alert_routes.h).
#include "daemon/alerts/alert_routes.h"

#include <gtest/gtest.h>

#include "tests/support/alert_samples.h"

namespace carewatch {
namespace {

AlertRouteConfig route(const std::string& channel) {
  AlertRouteConfig r;
  r.channel = channel;
  return r;
}

TEST(AlertRoutes, KindsAndFiltersPickTheChannels) {
  AlertRouteConfig care = route("care");
  care.kinds = {"urgent", "sla_breach"};
  care.queues = {"care"};
  AlertRouteConfig billing = route("billing");
  billing.queues = {"billing"};
  AlertRouteConfig spikes = route("marketing");
  spikes.kinds = {"spike"};
  spikes.platforms = {"x", "mastodon"};
  const AlertRoutes routes({care, billing, spikes});

  Alert urgent = testing::sample_urgent_alert();
  EXPECT_EQ(routes.channels_for(urgent), std::vector<std::string>{"care"});
  urgent.queue = "billing";
  EXPECT_EQ(routes.channels_for(urgent), std::vector<std::string>{"billing"});

  Alert spike;
  spike.kind = AlertKind::spike;
  spike.platform = "mastodon";
  spike.category = "complaint";
  EXPECT_EQ(routes.channels_for(spike), std::vector<std::string>{"marketing"});  // no queue: not billing's
  spike.platform = "reddit";
  EXPECT_TRUE(routes.channels_for(spike).empty());
}

TEST(AlertRoutes, AChannelIsTakenOnceEvenWhenTwoRoutesTakeTheAlert) {
  const AlertRoutes routes({route("all"), route("all"), route("other")});
  EXPECT_EQ(routes.channels_for(testing::sample_urgent_alert()), (std::vector<std::string>{"all", "other"}));
}

TEST(AlertRoutes, UrgentMeansP0OrAnUrgentTagOfTheRoute) {
  AlertRouteConfig plain = route("plain");
  AlertRouteConfig outage = route("outage");
  outage.urgent_tags = {"outage", "legal"};
  const AlertRoutes routes({plain, outage});
  Alert a = testing::sample_urgent_alert();
  a.priority = 0;
  EXPECT_EQ(routes.channels_for(a), (std::vector<std::string>{"plain", "outage"}));
  a.priority = 2;  // tagged outage, not p0
  EXPECT_EQ(routes.channels_for(a), std::vector<std::string>{"outage"});
  a.tags = {"billing"};
  EXPECT_TRUE(routes.channels_for(a).empty());
  EXPECT_EQ(routes.urgent_tags(), (std::set<std::string>{"legal", "outage"}));
  // Other kinds are not held to it.
  a.kind = AlertKind::sla_breach;
  EXPECT_EQ(routes.channels_for(a).size(), 2u);
}

TEST(AlertRoutes, PrioritiesTagsCategoriesSources) {
  AlertRouteConfig r = route("c");
  r.priorities = {0, 1};
  r.tags = {"vip"};
  r.categories = {"complaint"};
  r.sources = {"masto"};
  Alert a = testing::sample_urgent_alert();
  a.kind = AlertKind::sla_warning;
  a.priority = 1;
  a.tags = {"x", "vip"};
  EXPECT_TRUE(AlertRoutes::takes(r, a));
  a.priority = -1;  // unknown priority: a priority filter does not take it
  EXPECT_FALSE(AlertRoutes::takes(r, a));
  a.priority = 1;
  a.tags = {};
  EXPECT_FALSE(AlertRoutes::takes(r, a));
  a.tags = {"vip"};
  a.source = "other";
  EXPECT_FALSE(AlertRoutes::takes(r, a));
  a.source = "masto";
  a.category = "praise";
  EXPECT_FALSE(AlertRoutes::takes(r, a));
}

}  // namespace
}  // namespace carewatch
