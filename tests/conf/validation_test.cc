// One test per validation rule of conf/ha_agent.proto outside the HARP
// section: each checks the reported line (1-based) and field path, and that
// exactly one error comes out (no cascades).
#include "tests/conf/conf_test_util.h"

namespace conf::test {
namespace {

// --- this HA: addresses, interfaces, prefixes -------------------------------

TEST(ConfRules, HaAddressRequired) {
  expect_one_error("home_interface: \"eth1\"\nhome_prefix: \"2001:db8:1::/64\"\n", 0, "ha_address",
                   "at least one");
}

TEST(ConfRules, HaAddressMustParse) {
  expect_one_error(kBase + "ha_address: \"2001:db8:1::zz\"\n", 4, "ha_address[1]", "not an IPv6 address");
  expect_one_error(kBase + "ha_address: \"192.0.2.1\"\n", 4, "ha_address[1]", "not an IPv6 address");
}

TEST(ConfRules, HaAddressMustBeGlobalUnicast) {
  expect_one_error(kBase + "ha_address: \"ff02::1\"\n", 4, "ha_address[1]", "multicast");
  expect_one_error(kBase + "ha_address: \"::\"\n", 4, "ha_address[1]", "unspecified");
  expect_one_error(kBase + "ha_address: \"::1\"\n", 4, "ha_address[1]", "loopback");
  expect_one_error(kBase + "ha_address: \"fe80::1\"\n", 4, "ha_address[1]", "link-local");
}

TEST(ConfRules, HaAddressNoDuplicates) {
  expect_one_error(kBase + "ha_address: \"2001:db8:1:0::1\"\n", 4, "ha_address[1]", "twice");
}

TEST(ConfRules, HomeInterfaceRequiredAndValid) {
  expect_one_error("ha_address: \"2001:db8:1::1\"\nhome_prefix: \"2001:db8:1::/64\"\n", 0, "home_interface",
                   "at least one");
  expect_one_error(kBase + "home_interface: \"a-very-long-ifname\"\n", 4, "home_interface[1]", "15 octets");
  expect_one_error(kBase + "home_interface: \"eth/1\"\n", 4, "home_interface[1]", "'/'");
  expect_one_error(kBase + "home_interface: \"\"\n", 4, "home_interface[1]", "empty");
  expect_one_error(kBase + "home_interface: \"eth1\"\n", 4, "home_interface[1]", "twice");
}

TEST(ConfRules, HomePrefixRequired) {
  expect_one_error("ha_address: \"2001:db8:1::1\"\nhome_interface: \"eth1\"\n", 0, "home_prefix", "at least one");
}

TEST(ConfRules, HomePrefixMustBeValid) {
  expect_one_error(kBase + "home_prefix: \"2001:db8:2::\"\n", 4, "home_prefix[1]", "not an IPv6 prefix");
  expect_one_error(kBase + "home_prefix: \"2001:db8:2::/129\"\n", 4, "home_prefix[1]", "not an IPv6 prefix");
  expect_one_error(kBase + "home_prefix: \"::/0\"\n", 4, "home_prefix[1]", "length 0");
  expect_one_error(kBase + "home_prefix: \"2001:db8:2::5/64\"\n", 4, "home_prefix[1]", "host bits");
  expect_one_error(kBase + "home_prefix: \"ff00::/8\"\n", 4, "home_prefix[1]", "multicast");
  expect_one_error(kBase + "home_prefix: \"2001:db8:1:0:8000::/65\"\n", 4, "home_prefix[1]", "overlaps");
}

// --- lifetimes (RFC 6275 §6.1.7) ---------------------------------------------

TEST(ConfRules, MaxLifetimeInFourSecondUnits) {
  expect_one_error(kBase + "lifetime { max_binding_lifetime_s: 3601 }\n", 4, "lifetime.max_binding_lifetime_s",
                   "multiple of 4");
}

TEST(ConfRules, MaxLifetimeWithinRfcLimit) {
  expect_one_error(kBase + "lifetime { max_binding_lifetime_s: 262144 }\n", 4,
                   "lifetime.max_binding_lifetime_s", "262140");
  expect_one_error(kBase + "lifetime { max_binding_lifetime_s: 0 }\n", 4, "lifetime.max_binding_lifetime_s",
                   "outside");
  Config c = config_of(kBase + "lifetime { max_binding_lifetime_s: 262140 brr_lead_time_s: 0 }\n");
  EXPECT_EQ(c.lifetime.max_binding_lifetime, std::chrono::seconds(262140));
  EXPECT_EQ(c.lifetime.brr_lead_time, std::chrono::seconds(0));
}

TEST(ConfRules, BrrLeadBelowMaxLifetime) {
  expect_one_error(kBase + "lifetime {\n  max_binding_lifetime_s: 100\n  brr_lead_time_s: 100\n}\n", 6,
                   "lifetime.brr_lead_time_s", "less than");
  // The default (60 s) does not fit a 60 s maximum: said so, at the section.
  expect_one_error(kBase + "lifetime {\n  max_binding_lifetime_s: 60\n}\n", 4, "lifetime.brr_lead_time_s",
                   "default is 60 s");
}

// --- served home addresses ----------------------------------------------------

TEST(ConfRules, ServedAddressInsideHomePrefix) {
  expect_one_error(kBase + "serve {\n  home_address: \"2001:db8:2::1\"\n}\n", 5, "serve.home_address[0]",
                   "not inside any home_prefix");
  expect_one_error(kBase + "serve { home_address: \"2001:db8:1::5\" home_address: \"2001:db8:1::5\" }\n", 4,
                   "serve.home_address[1]", "twice");
}

TEST(ConfRules, ServedPrefixInsideHomePrefix) {
  expect_one_error(kBase + "serve {\n  prefix: \"2001:db8::/48\"\n}\n", 5, "serve.prefix[0]",
                   "not inside any home_prefix");
  expect_one_error(kBase + "serve {\n  prefix: \"2001:db8:1::/120\"\n  prefix: \"2001:db8:1::1/120\"\n}\n", 6,
                   "serve.prefix[1]", "host bits");
}

// --- mobile nodes ------------------------------------------------------------

TEST(ConfRules, MobileNodeHomeAddressRequired) {
  expect_one_error(kBase + "mobile_node {\n  spi_in: 4096 spi_out: 4097 algorithm: \"aes-gcm-128\" "
                           "key_file: \"/k\"\n}\n",
                   4, "mobile_node[0].home_address", "required");
}

TEST(ConfRules, MobileNodeHomeAddressInHomePrefix) {
  std::string text = kBase + mobile_node("2001:db8:1::100", 0x1001, 0x2001) +
                     mobile_node("2001:db8:99::100", 0x1002, 0x2002);
  expect_one_error(text, 12, "mobile_node[1].home_address", "not inside any home_prefix");
}

TEST(ConfRules, MobileNodeHomeAddressUnicastAndUnique) {
  expect_one_error(kBase + mobile_node("ff02::2", 0x1001, 0x2001), 5, "mobile_node[0].home_address",
                   "multicast");
  std::string dup = kBase + mobile_node("2001:db8:1::100", 0x1001, 0x2001) +
                    mobile_node("2001:db8:1:0::100", 0x1002, 0x2002);
  expect_one_error(dup, 12, "mobile_node[1].home_address", "mobile_node[0]");
  expect_one_error(kBase + mobile_node("2001:db8:1::1", 0x1001, 0x2001), 5, "mobile_node[0].home_address",
                   "own ha_address");
}

TEST(ConfRules, SpiRequiredAndNotReserved) {
  expect_one_error(kBase + mobile_node("2001:db8:1::100", 0, 0x2001), 6, "mobile_node[0].spi_in", "SPI 0");
  expect_one_error(kBase + mobile_node("2001:db8:1::100", 0x1001, 255), 7, "mobile_node[0].spi_out", "1..255");
  expect_one_error(kBase + "mobile_node {\n  home_address: \"2001:db8:1::100\"\n  spi_out: 4096\n"
                           "  algorithm: \"aes-gcm-128\"\n  key_file: \"/k\"\n}\n",
                   4, "mobile_node[0].spi_in", "required");
  Config c = config_of(kBase + mobile_node("2001:db8:1::100", 256, 0xffffffff));
  EXPECT_EQ(c.mobile_nodes.at(0).sa.spi_in, 256u);
  EXPECT_EQ(c.mobile_nodes.at(0).sa.spi_out, 0xffffffffu);
}

TEST(ConfRules, SpiUniquePerDirection) {
  std::string in_dup = kBase + mobile_node("2001:db8:1::100", 0x1001, 0x2001) +
                       mobile_node("2001:db8:1::101", 0x1001, 0x2002);
  expect_one_error(in_dup, 13, "mobile_node[1].spi_in", "mobile_node[0].spi_in");
  std::string out_dup = kBase + mobile_node("2001:db8:1::100", 0x1001, 0x2001) +
                        mobile_node("2001:db8:1::101", 0x1002, 0x2001);
  expect_one_error(out_dup, 14, "mobile_node[1].spi_out", "mobile_node[0].spi_out");
  // The same number in different directions is fine.
  Config c = config_of(kBase + mobile_node("2001:db8:1::100", 0x1001, 0x2001) +
                       mobile_node("2001:db8:1::101", 0x2001, 0x1001));
  EXPECT_EQ(c.mobile_nodes.size(), 2u);
}

TEST(ConfRules, AlgorithmKnownAndRequired) {
  std::string text = kBase + mobile_node("2001:db8:1::100", 0x1001, 0x2001);
  std::string bad = text;
  bad.replace(bad.find("aes-gcm-128"), 11, "aes-gcm-192");
  expect_one_error(bad, 8, "mobile_node[0].algorithm", "unknown ESP algorithm 'aes-gcm-192'");
  std::string missing = text;
  missing.erase(missing.find("  algorithm"), std::string("  algorithm: \"aes-gcm-128\"\n").size());
  expect_one_error(missing, 4, "mobile_node[0].algorithm", "required");
  for (const char* name : {"aes-gcm-256", "aes-cbc-128-hmac-sha256", "aes-cbc-256-hmac-sha256"}) {
    std::string ok = text;
    ok.replace(ok.find("aes-gcm-128"), 11, name);
    Config c = config_of(ok);
    ASSERT_EQ(c.mobile_nodes.size(), 1u) << name;
    EXPECT_EQ(algorithm_name(c.mobile_nodes[0].sa.algorithm), name);
  }
}

std::string mn_with_keys(const std::string& key_lines) {
  return kBase + "mobile_node {\n  home_address: \"2001:db8:1::100\"\n  spi_in: 4096\n  spi_out: 4096\n"
                 "  algorithm: \"aes-gcm-128\"\n" + key_lines + "}\n";
}

TEST(ConfRules, KeyFilesOneOfTwoForms) {
  expect_one_error(mn_with_keys(""), 4, "mobile_node[0].key_file", "required");
  expect_one_error(mn_with_keys("  key_file: \"/k\"\n  key_file_in: \"/i\"\n"), 10, "mobile_node[0].key_file_in",
                   "not both forms");
  expect_one_error(mn_with_keys("  key_file_in: \"/i\"\n"), 4, "mobile_node[0].key_file_out",
                   "required together with key_file_in");
  Config c = config_of(mn_with_keys("  key_file_in: \"/i\"\n  key_file_out: \"/o\"\n"));
  ASSERT_EQ(c.mobile_nodes.size(), 1u);
  EXPECT_EQ(c.mobile_nodes[0].sa.key_files.inbound(), "/i");
  EXPECT_EQ(c.mobile_nodes[0].sa.key_files.outbound(), "/o");
}

TEST(ConfRules, KeyFilePathsAbsoluteAndNonEmpty) {
  expect_one_error(mn_with_keys("  key_file: \"etc/k\"\n"), 9, "mobile_node[0].key_file", "not absolute");
  expect_one_error(mn_with_keys("  key_file: \"\"\n"), 9, "mobile_node[0].key_file", "empty");
  expect_one_error(mn_with_keys("  key_file_in: \"/i\"\n  key_file_out: \"o\"\n"), 10,
                   "mobile_node[0].key_file_out", "not absolute");
  expect_one_error(mn_with_keys("  key_file: \"/k\\000x\"\n"), 9, "mobile_node[0].key_file", "NUL");
}

TEST(ConfRules, ReplayWindowRange) {
  expect_one_error(mn_with_keys("  key_file: \"/k\"\n  replay_window: 32\n"), 10, "mobile_node[0].replay_window",
                   "64..4096");
  expect_one_error(mn_with_keys("  key_file: \"/k\"\n  replay_window: 4097\n"), 10,
                   "mobile_node[0].replay_window", "64..4096");
  Config c = config_of(mn_with_keys("  key_file: \"/k\"\n  replay_window: 4096\n  esn: true\n"));
  EXPECT_EQ(c.mobile_nodes.at(0).sa.replay_window, 4096u);
  EXPECT_TRUE(c.mobile_nodes.at(0).sa.extended_sequence_numbers);
}

// --- logging, admin socket, backends -----------------------------------------

TEST(ConfRules, LogLevelAndSinkKnown) {
  expect_one_error(kBase + "logging {\n  level: \"verbose\"\n}\n", 5, "logging.level", "unknown log level");
  expect_one_error(kBase + "logging {\n  sink: \"journal\"\n}\n", 5, "logging.sink", "stderr or syslog");
}

TEST(ConfRules, ModuleLevels) {
  expect_one_error(kBase + "logging {\n  module { name: \"bgp\" level: \"debug\" }\n}\n", 5,
                   "logging.module[0].name", "unknown module");
  expect_one_error(kBase + "logging {\n  module { name: \"harp\" level: \"debug\" }\n"
                           "  module { name: \"harp\" level: \"info\" }\n}\n",
                   6, "logging.module[1].name", "twice");
  expect_one_error(kBase + "logging {\n  module { name: \"harp\" }\n}\n", 5, "logging.module[0].level",
                   "required");
  expect_one_error(kBase + "logging {\n  module {\n    name: \"io\"\n    level: \"loud\"\n  }\n}\n", 7,
                   "logging.module[0].level", "unknown log level");
}

TEST(ConfRules, AdminSocketModeAtMost0660) {
  expect_one_error(kBase + "admin {\n  mode: 0666\n}\n", 5, "admin.mode", "more than 0660");
  expect_one_error(kBase + "admin {\n  mode: 0760\n}\n", 5, "admin.mode", "more than 0660");
  expect_one_error(kBase + "admin {\n  mode: 0400\n}\n", 5, "admin.mode", "owner read and write");
  expect_one_error(kBase + "admin {\n  mode: 0640\n  group: \"adm\"\n}\n", 5, "admin.mode", "group 'adm'");
  Config c = config_of(kBase + "admin { mode: 0660 group: \"adm\" }\n");
  EXPECT_EQ(c.admin.mode, 0660u);
}

TEST(ConfRules, AdminSocketPathAndGroup) {
  expect_one_error(kBase + "admin {\n  socket_path: \"admin.sock\"\n}\n", 5, "admin.socket_path", "not absolute");
  expect_one_error(kBase + "admin {\n  mode: 0660\n  group: \"-x\"\n}\n", 6, "admin.group", "group name");
}

TEST(ConfRules, BackendsKnown) {
  expect_one_error(kBase + "packet_io {\n  backend: \"dpdk\"\n}\n", 5, "packet_io.backend", "auto, packet or kernel");
  expect_one_error(kBase + "kernel_state {\n  backend: \"ioctl\"\n}\n", 5, "kernel_state.backend",
                   "netlink or none");
  expect_one_error(kBase + "packet_io {\n  interface: \"a b\"\n}\n", 5, "packet_io.interface", "white space");
  Config c = config_of(kBase + "packet_io { backend: \"packet\" interface: \"veth0\" }\n"
                               "kernel_state { backend: \"none\" }\n");
  EXPECT_EQ(c.packet_io.backend, PacketIoBackend::kPacket);
  EXPECT_EQ(c.packet_io.interface, "veth0");
  EXPECT_EQ(c.kernel_state, KernelStateBackend::kNone);
}

TEST(ConfRules, SnapshotPathAbsolute) {
  expect_one_error(kBase + "snapshot_path: \"snap.pb\"\n", 4, "snapshot_path", "not absolute");
}

}  // namespace
}  // namespace conf::test
