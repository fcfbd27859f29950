// Validation rules of the `harp` section (protocol-notes §5.4, §5.9) and of
// its peers: line numbers, field paths, one error each.
#include "tests/conf/conf_test_util.h"

namespace conf::test {
namespace {

// Line 4: "harp {", line 5: group_id; `body` starts on line 6.
std::string harp(const std::string& body, const std::string& before = "") {
  return kBase + before + "harp {\n  group_id: 7\n" + body + "}\n";
}

// A peer block of 7 lines.
std::string peer(const std::string& address, unsigned spi_in, unsigned spi_out) {
  return "  peer {\n"
         "    address: \"" + address + "\"\n"
         "    spi_in: " + std::to_string(spi_in) + "\n"
         "    spi_out: " + std::to_string(spi_out) + "\n"
         "    algorithm: \"aes-gcm-256\"\n"
         "    key_file: \"/etc/ha-agent/keys/peer.key\"\n"
         "  }\n";
}

TEST(ConfHarpRules, ValidGroupLoads) {
  Config c = config_of(harp("  preference: -5\n  takeover: \"spread\"\n  preempt: true\n" +
                            peer("2001:db8:2::1", 0x3001, 0x4001) + peer("2001:db8:3::1", 0x3002, 0x4002)));
  ASSERT_TRUE(c.harp.has_value());
  EXPECT_EQ(c.harp->group_id, 7);
  EXPECT_EQ(c.harp->preference, -5);
  EXPECT_EQ(c.harp->takeover, TakeoverPolicy::kSpread);
  EXPECT_TRUE(c.harp->preempt);
  ASSERT_EQ(c.harp->peers.size(), 2u);
  EXPECT_EQ(c.harp->peers[1].address, *mip6::Ipv6Address::parse("2001:db8:3::1"));
  EXPECT_EQ(c.harp->peers[1].sa.algorithm, crypto::EspAlgorithm::kAesGcm256);
}

TEST(ConfHarpRules, GroupIdRequiredAndInRange) {
  expect_one_error(kBase + "harp {\n  preference: 1\n}\n", 4, "harp.group_id", "required");
  expect_one_error(kBase + "harp {\n  group_id: 0\n}\n", 5, "harp.group_id", "1..255");
  expect_one_error(kBase + "harp {\n  group_id: 256\n}\n", 5, "harp.group_id", "1..255");
  EXPECT_EQ(config_of(kBase + "harp { group_id: 255 }\n").harp->group_id, 255);
}

TEST(ConfHarpRules, PreferenceIsSigned16Bit) {
  expect_one_error(harp("  preference: 32768\n"), 6, "harp.preference", "-32768..32767");
  expect_one_error(harp("  preference: -32769\n"), 6, "harp.preference", "-32768..32767");
}

TEST(ConfHarpRules, HelloIntervalRange) {
  expect_one_error(harp("  hello_interval_ms: 9\n"), 6, "harp.hello_interval_ms", "10..65000");
  expect_one_error(harp("  hello_interval_ms: 65001\n"), 6, "harp.hello_interval_ms", "10..65000");
  EXPECT_EQ(config_of(harp("  hello_interval_ms: 10\n")).harp->hello_interval, std::chrono::milliseconds(10));
  EXPECT_EQ(config_of(harp("  hello_interval_ms: 65000\n")).harp->hello_interval,
            std::chrono::milliseconds(65000));
}

TEST(ConfHarpRules, DeadMultiplierAtLeastTwo) {
  expect_one_error(harp("  dead_multiplier: 1\n"), 6, "harp.dead_multiplier", "2..255");
  EXPECT_EQ(config_of(harp("  dead_multiplier: 2\n")).harp->dead_multiplier, 2u);
}

TEST(ConfHarpRules, RealtimePriorityIsASchedRrPriority) {
  expect_one_error(harp("  realtime_priority: 100\n"), 6, "harp.realtime_priority", "0..99");
  EXPECT_EQ(config_of(harp("")).harp->realtime_priority, 0u);
  EXPECT_EQ(config_of(harp("  realtime_priority: 99\n")).harp->realtime_priority, 99u);
}

TEST(ConfHarpRules, RiseAtLeastOne) {
  expect_one_error(harp("  rise: 0\n"), 6, "harp.rise", "1..255");
}

TEST(ConfHarpRules, TakeoverPolicyKnown) {
  expect_one_error(harp("  takeover: \"random\"\n"), 6, "harp.takeover", "preference or spread");
}

TEST(ConfHarpRules, MhTypesAvoidIanaRange) {
  expect_one_error(harp("  mh_type_hello: 12\n"), 6, "harp.mh_type_hello", "IANA");
  expect_one_error(harp("  mh_type_control: 23\n"), 6, "harp.mh_type_control", "IANA");
  expect_one_error(harp("  mh_type_sync: 256\n"), 6, "harp.mh_type_sync", "24..255");
  Config c = config_of(harp("  mh_type_hello: 24\n  mh_type_sync: 25\n  mh_type_control: 255\n"));
  EXPECT_EQ(c.harp->wire_types.mh_hello, 24);
  EXPECT_EQ(c.harp->wire_types.mh_control, 255);
}

TEST(ConfHarpRules, MhTypesDistinct) {
  expect_one_error(harp("  mh_type_control: 200\n"), 6, "harp.mh_type_control", "harp.mh_type_hello");
  // Reported on the field the file sets, not on the default it collides with.
  expect_one_error(harp("  mh_type_sync: 202\n"), 6, "harp.mh_type_sync", "harp.mh_type_control");
}

TEST(ConfHarpRules, BciOptionType) {
  expect_one_error(harp("  bci_option_type: 1\n"), 6, "harp.bci_option_type", "PadN");
  expect_one_error(harp("  bci_option_type: 300\n"), 6, "harp.bci_option_type", "64..255");
}

TEST(ConfHarpRules, SwitchRate) {
  expect_one_error(harp("  switch_rate_per_s: 0\n"), 6, "harp.switch_rate_per_s", "1..1000000");
}

TEST(ConfHarpRules, PeerAddressRequiredValidAndUnique) {
  expect_one_error(harp("  peer {\n    spi_in: 4096 spi_out: 4096 algorithm: \"aes-gcm-128\" key_file: \"/k\"\n  }\n"),
                   6, "harp.peer[0].address", "required");
  expect_one_error(harp(peer("fe80::2", 0x3001, 0x4001)), 7, "harp.peer[0].address", "link-local");
  expect_one_error(harp(peer("2001:db8:2::1", 0x3001, 0x4001) + peer("2001:db8:2::1", 0x3002, 0x4002)), 14,
                   "harp.peer[1].address", "harp.peer[0]");
}

TEST(ConfHarpRules, PeerIsNotOurselves) {
  expect_one_error(harp(peer("2001:db8:1::1", 0x3001, 0x4001)), 7, "harp.peer[0].address", "own ha_address");
}

TEST(ConfHarpRules, PeerSpisUniqueAcrossMobileNodes) {
  std::string in_clash = harp(peer("2001:db8:2::1", 0x1001, 0x4001), mobile_node("2001:db8:1::100", 0x1001, 0x2001));
  // mobile_node occupies lines 4..10, harp starts on 11, the peer on 13.
  expect_one_error(in_clash, 15, "harp.peer[0].spi_in", "mobile_node[0].spi_in");
  std::string out_clash =
      harp(peer("2001:db8:2::1", 0x3001, 0x2001), mobile_node("2001:db8:1::100", 0x1001, 0x2001));
  expect_one_error(out_clash, 16, "harp.peer[0].spi_out", "mobile_node[0].spi_out");
  std::string peers_clash = harp(peer("2001:db8:2::1", 0x3001, 0x4001) + peer("2001:db8:3::1", 0x3001, 0x4002));
  expect_one_error(peers_clash, 15, "harp.peer[1].spi_in", "harp.peer[0].spi_in");
}

TEST(ConfHarpRules, PeerSaRules) {
  std::string text = harp(peer("2001:db8:2::1", 0x3001, 0x4001));
  std::string bad_alg = text;
  bad_alg.replace(bad_alg.find("aes-gcm-256"), 11, "chacha20");
  expect_one_error(bad_alg, 10, "harp.peer[0].algorithm", "unknown ESP algorithm");
  std::string rel = text;
  rel.replace(rel.find("/etc/ha-agent/keys/peer.key"), 1, "");
  expect_one_error(rel, 11, "harp.peer[0].key_file", "not absolute");
  expect_one_error(harp(peer("2001:db8:2::1", 100, 0x4001)), 8, "harp.peer[0].spi_in", "1..255");
  std::string window = text;
  window.insert(window.find("  }\n"), "    replay_window: 8192\n");
  expect_one_error(window, 12, "harp.peer[0].replay_window", "64..4096");
  expect_one_error(harp("  peer { address: \"2001:db8:4::1\" preference: 40000 spi_in: 8192 spi_out: 8192 "
                        "algorithm: \"aes-gcm-128\" key_file: \"/k\" }\n"),
                   6, "harp.peer[0].preference", "-32768..32767");
}

}  // namespace
}  // namespace conf::test
