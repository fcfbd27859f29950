// conf::diff(): what a reload would change, and what it must refuse.
#include "conf/config_diff.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/conf/conf_test_util.h"

namespace conf {
namespace {

using test::config_of;
using test::kBase;
using test::mobile_node;

std::string harp_section(const std::string& body) {
  return "harp {\n  group_id: 7\n" + body +
         "  peer { address: \"2001:db8:1::2\" spi_in: 900 spi_out: 901 algorithm: \"aes-gcm-128\" "
         "key_file: \"/k/p2\" }\n}\n";
}

bool has_restart(const ConfigDiff& d, const std::string& field) {
  return std::any_of(d.restart_only.begin(), d.restart_only.end(),
                     [&](const RestartOnly& r) { return r.field == field; });
}

TEST(ConfigDiff, IdenticalConfigsAreEmpty) {
  const auto text = kBase + mobile_node("2001:db8:1::10", 300, 301) + harp_section("");
  auto d = diff(config_of(text), config_of(text));
  EXPECT_TRUE(d.empty());
  EXPECT_FALSE(d.policy_changed());
  EXPECT_EQ(summary(d), std::vector<std::string>{"no change"});
}

TEST(ConfigDiff, MobileNodesAddedRemovedChanged) {
  auto a = config_of(kBase + mobile_node("2001:db8:1::10", 300, 301) +
                     mobile_node("2001:db8:1::11", 302, 303) + mobile_node("2001:db8:1::12", 304, 305));
  // ::10 kept, ::11 removed, ::12 changes spi_out, ::13 added.
  auto b = config_of(kBase + mobile_node("2001:db8:1::10", 300, 301) +
                     mobile_node("2001:db8:1::12", 304, 399) + mobile_node("2001:db8:1::13", 306, 307));
  auto d = diff(a, b);
  ASSERT_EQ(d.mobile_nodes_added.size(), 1u);
  EXPECT_EQ(d.mobile_nodes_added[0].home_address.to_string(), "2001:db8:1::13");
  ASSERT_EQ(d.mobile_nodes_removed.size(), 1u);
  EXPECT_EQ(d.mobile_nodes_removed[0].home_address.to_string(), "2001:db8:1::11");
  ASSERT_EQ(d.mobile_nodes_changed.size(), 1u);
  EXPECT_EQ(d.mobile_nodes_changed[0].after.home_address.to_string(), "2001:db8:1::12");
  EXPECT_EQ(d.mobile_nodes_changed[0].fields, std::vector<std::string>{"spi_out"});
  EXPECT_EQ(d.mobile_nodes_changed[0].before.sa.spi_out, 305u);
  EXPECT_EQ(d.mobile_nodes_changed[0].after.sa.spi_out, 399u);
  EXPECT_TRUE(d.restart_only.empty());
  EXPECT_TRUE(d.policy_changed());
  EXPECT_EQ(summary(d)[0], "mobile nodes: 1 added, 1 removed, 1 changed (spi_out)");
}

TEST(ConfigDiff, EverySaFieldOfAMobileNodeIsAChange) {
  auto a = config_of(kBase + mobile_node("2001:db8:1::10", 300, 301));
  auto b = config_of(kBase +
                     "mobile_node {\n home_address: \"2001:db8:1::10\"\n spi_in: 310\n spi_out: 301\n"
                     " algorithm: \"aes-gcm-256\"\n key_file_in: \"/k/in\"\n key_file_out: \"/k/out\"\n"
                     " esn: true\n replay_window: 64\n}\n");
  auto d = diff(a, b);
  ASSERT_EQ(d.mobile_nodes_changed.size(), 1u);
  EXPECT_EQ(d.mobile_nodes_changed[0].fields,
            (std::vector<std::string>{"spi_in", "algorithm", "key_file", "esn", "replay_window"}));
}

TEST(ConfigDiff, OrderOfMobileNodesDoesNotMatter) {
  auto a = config_of(kBase + mobile_node("2001:db8:1::10", 300, 301) + mobile_node("2001:db8:1::11", 302, 303));
  auto b = config_of(kBase + mobile_node("2001:db8:1::11", 302, 303) + mobile_node("2001:db8:1::10", 300, 301));
  EXPECT_TRUE(diff(a, b).empty());
}

TEST(ConfigDiff, KeyMaterialMarksAKeptMobileNodeChanged) {
  auto a = config_of(kBase + mobile_node("2001:db8:1::10", 300, 301));
  auto d = diff(a, a);
  mark_key_changed(d, a.mobile_nodes[0], a.mobile_nodes[0]);
  ASSERT_EQ(d.mobile_nodes_changed.size(), 1u);
  EXPECT_EQ(d.mobile_nodes_changed[0].fields, std::vector<std::string>{"key material"});
  mark_key_changed(d, a.mobile_nodes[0], a.mobile_nodes[0]);  // idempotent
  EXPECT_EQ(d.mobile_nodes_changed.size(), 1u);
  EXPECT_EQ(d.mobile_nodes_changed[0].fields.size(), 1u);
  EXPECT_FALSE(d.empty());
}

TEST(ConfigDiff, PolicySections) {
  auto a = config_of(kBase + "home_prefix: \"2001:db8:2::/64\"\n" + mobile_node("2001:db8:1::10", 300, 301));
  auto b = config_of(kBase + "home_prefix: \"2001:db8:3::/64\"\n" +
                     "lifetime { max_binding_lifetime_s: 600 brr_lead_time_s: 30 }\n"
                     "serve { home_address: \"2001:db8:1::10\" }\n" +
                     mobile_node("2001:db8:1::10", 300, 301));
  auto d = diff(a, b);
  EXPECT_TRUE(d.lifetime_changed);
  EXPECT_TRUE(d.served_changed);
  EXPECT_TRUE(d.home_prefixes_changed);
  EXPECT_TRUE(d.policy_changed());
  EXPECT_TRUE(d.restart_only.empty());
}

TEST(ConfigDiff, LoggingLevelsAreLiveTheSinkIsNot) {
  auto a = config_of(kBase + "logging { level: \"info\" module { name: \"harp\" level: \"debug\" } }\n");
  auto b = config_of(kBase + "logging { level: \"info\" module { name: \"harp\" level: \"warning\" } }\n");
  auto d = diff(a, b);
  EXPECT_TRUE(d.logging_levels_changed);
  EXPECT_TRUE(d.restart_only.empty());
  auto c = config_of(kBase + "logging { level: \"info\" sink: \"syslog\" module { name: \"harp\" level: \"debug\" } }\n");
  auto e = diff(a, c);
  EXPECT_FALSE(e.logging_levels_changed);
  EXPECT_TRUE(has_restart(e, "logging.sink"));
}

TEST(ConfigDiff, RateLimitsAndSnapshotIntervalAreLive) {
  auto a = config_of(kBase);
  auto b = config_of(kBase + "rate_limit { per_source_pps: 100 }\n");
  auto d = diff(a, b);
  EXPECT_TRUE(d.rate_limit_changed);
  EXPECT_FALSE(d.empty());
  EXPECT_TRUE(d.restart_only.empty());
  EXPECT_EQ(summary(d), std::vector<std::string>{"rate limits changed"});
  auto c = config_of(kBase + "snapshot_path: \"/var/lib/ha-agent/cache\"\n");
  auto e = config_of(kBase + "snapshot_path: \"/var/lib/ha-agent/cache\"\nsnapshot_interval_s: 5\n");
  auto f = diff(c, e);
  EXPECT_TRUE(f.snapshot_interval_changed);
  EXPECT_FALSE(f.rate_limit_changed);
  EXPECT_TRUE(f.restart_only.empty());
  EXPECT_TRUE(has_restart(diff(a, c), "snapshot_path"));
}

TEST(ConfigDiff, HarpPeersAndTimers) {
  auto a = config_of(kBase + harp_section("  hello_interval_ms: 100\n"));
  auto b = config_of(kBase +
                     "harp {\n group_id: 7\n preference: 5\n hello_interval_ms: 50\n dead_multiplier: 4\n"
                     " rise: 2\n preempt: true\n takeover: \"spread\"\n switch_rate_per_s: 10\n"
                     " peer { address: \"2001:db8:1::3\" spi_in: 910 spi_out: 911 algorithm: \"aes-gcm-128\" "
                     "key_file: \"/k/p3\" }\n}\n");
  auto d = diff(a, b);
  ASSERT_EQ(d.peers_added.size(), 1u);
  EXPECT_EQ(d.peers_added[0].address.to_string(), "2001:db8:1::3");
  ASSERT_EQ(d.peers_removed.size(), 1u);
  EXPECT_EQ(d.peers_removed[0].address.to_string(), "2001:db8:1::2");
  EXPECT_TRUE(d.peers_changed.empty());
  EXPECT_EQ(d.harp_fields_changed,
            (std::vector<std::string>{"preference", "hello_interval_ms", "dead_multiplier", "rise", "preempt",
                                      "takeover", "switch_rate_per_s"}));
  EXPECT_TRUE(d.restart_only.empty());
  EXPECT_FALSE(d.policy_changed());
}

TEST(ConfigDiff, HarpRealtimePriorityNeedsARestart) {
  auto a = config_of(kBase + harp_section(""));
  auto b = config_of(kBase + harp_section("  realtime_priority: 10\n"));
  auto d = diff(a, b);
  EXPECT_TRUE(has_restart(d, "harp.realtime_priority"));
  EXPECT_TRUE(d.harp_fields_changed.empty());
}

TEST(ConfigDiff, HarpPeerChanged) {
  auto a = config_of(kBase + harp_section(""));
  auto b = config_of(kBase +
                     "harp {\n group_id: 7\n peer { address: \"2001:db8:1::2\" preference: 3 spi_in: 900 "
                     "spi_out: 902 algorithm: \"aes-gcm-128\" key_file: \"/k/p2\" }\n}\n");
  auto d = diff(a, b);
  ASSERT_EQ(d.peers_changed.size(), 1u);
  EXPECT_EQ(d.peers_changed[0].fields, (std::vector<std::string>{"preference", "spi_out"}));
  mark_peer_key_changed(d, d.peers_changed[0].before, d.peers_changed[0].after);
  EXPECT_EQ(d.peers_changed[0].fields.back(), "key material");
}

TEST(ConfigDiff, RestartOnlyFieldsAreNamed) {
  auto a = config_of(kBase + harp_section(""));
  auto b = config_of(
      "ha_address: \"2001:db8:1::5\"\n"
      "home_interface: \"eth2\"\n"
      "home_prefix: \"2001:db8:1::/64\"\n"
      "packet_io { backend: \"packet\" }\n"
      "kernel_state { backend: \"none\" proxy_nd: \"user-space\" }\n"
      "admin { socket_path: \"/run/x.sock\" mode: 0660 group: \"adm\" }\n"
      "privileges { user: \"nobody\" }\n"
      "metrics { listen: \"[::1]:9000\" }\n"
      "snapshot_path: \"/var/lib/ha-agent/snap\"\n"
      "logging { sink: \"syslog\" }\n"
      "harp {\n group_id: 8\n mh_type_hello: 210\n mh_type_sync: 211\n mh_type_control: 212\n"
      " bci_option_type: 210\n peer { address: \"2001:db8:1::2\" spi_in: 900 spi_out: 901 "
      "algorithm: \"aes-gcm-128\" key_file: \"/k/p2\" }\n}\n");
  auto d = diff(a, b);
  for (const char* f : {"ha_address", "home_interface", "packet_io.backend", "packet_io.interface",
                        "kernel_state.backend", "kernel_state.proxy_nd", "admin.socket_path", "admin.mode",
                        "admin.group", "privileges", "metrics.listen", "snapshot_path", "logging.sink",
                        "harp.group_id", "harp.mh_type_hello", "harp.mh_type_sync", "harp.mh_type_control",
                        "harp.bci_option_type"})
    EXPECT_TRUE(has_restart(d, f)) << f;
  auto errors = restart_errors(d, "new.conf");
  ASSERT_EQ(errors.size(), d.restart_only.size());
  EXPECT_EQ(errors[0].to_string(), "new.conf: ha_address: changing the addresses of this HA needs a restart");
}

TEST(ConfigDiff, AddingOrRemovingTheGroupNeedsARestart) {
  auto a = config_of(kBase);
  auto b = config_of(kBase + harp_section(""));
  EXPECT_TRUE(has_restart(diff(a, b), "harp"));
  EXPECT_TRUE(has_restart(diff(b, a), "harp"));
  EXPECT_TRUE(diff(a, b).peers_added.empty());  // not diffed without both sections
}

}  // namespace
}  // namespace conf
