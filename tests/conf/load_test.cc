// conf::load(): the shipped example, defaults, syntax errors with 1-based
// positions, several errors at once, error formatting and describe().
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/conf/conf_test_util.h"

namespace conf::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string read_example() {
  std::ifstream in(HA_CONF_EXAMPLE);
  EXPECT_TRUE(in.good()) << HA_CONF_EXAMPLE;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

mip6::Ipv6Address addr(const char* s) { return *mip6::Ipv6Address::parse(s); }

TEST(ConfLoad, ExampleConfigParsesAndValidates) {
  std::string text = read_example();
  ASSERT_FALSE(text.empty());
  auto r = load(text, "ha-agent.conf.example");
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  const Config& c = *r;
  EXPECT_EQ(c.file_name, "ha-agent.conf.example");
  ASSERT_EQ(c.ha_addresses.size(), 1u);
  EXPECT_EQ(c.ha_addresses[0], addr("2001:db8:1::1"));
  EXPECT_EQ(c.home_interfaces, std::vector<std::string>{"eth1"});
  ASSERT_EQ(c.home_prefixes.size(), 1u);
  EXPECT_EQ(c.home_prefixes[0].to_string(), "2001:db8:1::/64");
  EXPECT_EQ(c.lifetime.max_binding_lifetime, seconds(3600));
  ASSERT_EQ(c.mobile_nodes.size(), 3u);
  const auto& mn1 = c.mobile_nodes[1];
  EXPECT_EQ(mn1.home_address, addr("2001:db8:1::101"));
  EXPECT_EQ(mn1.sa.spi_in, 0x1002u);
  EXPECT_EQ(mn1.sa.spi_out, 0x2002u);
  EXPECT_EQ(mn1.sa.algorithm, crypto::EspAlgorithm::kAesCbc128HmacSha256);
  EXPECT_EQ(mn1.sa.key_files.layout, KeyFiles::Layout::kOneFilePerDirection);
  EXPECT_EQ(mn1.sa.key_files.inbound(), "/etc/ha-agent/keys/mn-101.in.key");
  EXPECT_EQ(mn1.sa.key_files.outbound(), "/etc/ha-agent/keys/mn-101.out.key");
  EXPECT_TRUE(mn1.sa.extended_sequence_numbers);
  EXPECT_EQ(mn1.sa.replay_window, 2048u);
  EXPECT_EQ(c.mobile_nodes[0].sa.key_files.layout, KeyFiles::Layout::kOneFileBothDirections);
  EXPECT_EQ(c.mobile_nodes[2].sa.algorithm, crypto::EspAlgorithm::kAesGcm256);
  EXPECT_EQ(c.logging.sink, LogSink::kSyslog);
  ASSERT_EQ(c.logging.modules.size(), 1u);
  EXPECT_EQ(c.logging.modules[0].module, "harp");
  EXPECT_EQ(c.logging.modules[0].level, LogLevel::kDebug);
  EXPECT_EQ(c.admin.mode, 0660u);
  EXPECT_EQ(c.admin.group, std::optional<std::string>("ha-admin"));
  ASSERT_TRUE(c.harp.has_value());
  EXPECT_EQ(c.harp->group_id, 7);
  EXPECT_EQ(c.harp->preference, 100);
  ASSERT_EQ(c.harp->peers.size(), 1u);
  EXPECT_EQ(c.harp->peers[0].address, addr("2001:db8:2::1"));
  EXPECT_EQ(c.harp->peers[0].sa.spi_in, 0x3001u);
  EXPECT_EQ(c.snapshot_path, std::optional<std::string>("/var/lib/ha-agent/snapshot.pb"));
  // serve: prefix ::100/121 and ::200; ::180 is held as standby only.
  EXPECT_TRUE(serves(c, addr("2001:db8:1::100")));
  EXPECT_TRUE(serves(c, addr("2001:db8:1::17f")));
  EXPECT_TRUE(serves(c, addr("2001:db8:1::200")));
  EXPECT_FALSE(serves(c, addr("2001:db8:1::180")));
}

TEST(ConfLoad, DefaultsAreFilledIn) {
  Config c = config_of(kBase + mobile_node("2001:db8:1::100", 0x1001, 0x2001) + "harp { group_id: 1 }\n");
  EXPECT_EQ(c.lifetime.max_binding_lifetime, seconds(3600));
  EXPECT_EQ(c.lifetime.brr_lead_time, seconds(60));
  EXPECT_TRUE(c.served.addresses.empty());
  EXPECT_TRUE(c.served.prefixes.empty());
  ASSERT_EQ(c.mobile_nodes.size(), 1u);
  EXPECT_EQ(c.mobile_nodes[0].sa.replay_window, 1024u);
  EXPECT_FALSE(c.mobile_nodes[0].sa.extended_sequence_numbers);
  EXPECT_EQ(c.logging.level, LogLevel::kInfo);
  EXPECT_EQ(c.logging.sink, LogSink::kStderr);
  EXPECT_EQ(c.admin.socket_path, "/run/ha-agent/admin.sock");
  EXPECT_EQ(c.admin.mode, 0600u);
  EXPECT_FALSE(c.admin.group.has_value());
  EXPECT_EQ(c.packet_io.backend, PacketIoBackend::kAuto);
  EXPECT_EQ(c.packet_io.interface, "eth1");  // first home_interface
  EXPECT_EQ(c.kernel_state, KernelStateBackend::kNetlink);
  ASSERT_TRUE(c.harp.has_value());
  EXPECT_EQ(c.harp->preference, 0);
  EXPECT_EQ(c.harp->hello_interval, milliseconds(1000));
  EXPECT_EQ(c.harp->dead_multiplier, 3u);
  EXPECT_EQ(c.harp->rise, 3u);
  EXPECT_FALSE(c.harp->preempt);
  EXPECT_EQ(c.harp->takeover, TakeoverPolicy::kPreference);
  EXPECT_EQ(c.harp->wire_types.mh_hello, 200);
  EXPECT_EQ(c.harp->wire_types.mh_sync, 201);
  EXPECT_EQ(c.harp->wire_types.mh_control, 202);
  EXPECT_EQ(c.harp->wire_types.bci_option, 200);
  EXPECT_EQ(c.harp->switch_rate_per_s, 1000u);
  EXPECT_FALSE(c.snapshot_path.has_value());
  // No serve section: every configured MN is served, nothing else.
  EXPECT_TRUE(serves(c, addr("2001:db8:1::100")));
  EXPECT_FALSE(serves(c, addr("2001:db8:1::101")));
}

TEST(ConfLoad, StandaloneWithoutHarp) {
  Config c = config_of(kBase);
  EXPECT_FALSE(c.harp.has_value());
  EXPECT_TRUE(c.mobile_nodes.empty());
}

TEST(ConfLoad, UnknownFieldIsSyntaxErrorWithOneBasedLine) {
  auto errors = errors_of(kBase + "\n  bogus_field: 3\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 5);
  EXPECT_EQ(errors[0].column, 14);  // protobuf points just past the unknown name
  EXPECT_TRUE(errors[0].field_path.empty());
  EXPECT_NE(errors[0].message.find("bogus_field"), std::string::npos) << errors[0].message;
}

TEST(ConfLoad, UnknownNestedFieldIsSyntaxError) {
  auto errors = errors_of(kBase + "harp {\n  group_id: 1\n  helo_interval_ms: 100\n}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 6);
  EXPECT_NE(errors[0].message.find("helo_interval_ms"), std::string::npos);
}

TEST(ConfLoad, SingularFieldGivenTwiceIsSyntaxError) {
  auto errors = errors_of(kBase + "snapshot_path: \"/a\"\nsnapshot_path: \"/b\"\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 5);
}

TEST(ConfLoad, MalformedTextReportsLine) {
  auto errors = errors_of("ha_address: \"2001:db8:1::1\"\nhome_interface: \"eth1\n");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].line, 2);
  errors = errors_of(kBase + "lifetime {\n  max_binding_lifetime_s: 60\n");  // missing '}'
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].line, 6);
  errors = errors_of(kBase + "mobile_node { spi_in: -5 }\n");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].line, 4);
  EXPECT_EQ(errors[0].column, 23);
}

TEST(ConfLoad, AllSemanticErrorsAreReportedSortedByLine) {
  std::string text =
      "ha_address: \"2001:db8:1::1\"\n"                       // 1
      "home_interface: \"eth1\"\n"                            // 2
      "home_prefix: \"2001:db8:1::/64\"\n"                    // 3
      "harp { group_id: 0 }\n"                                // 4
      "mobile_node {\n"                                       // 5
      "  home_address: \"2001:db8:9::1\"\n"                   // 6
      "  spi_in: 7\n"                                         // 7
      "  spi_out: 0x2001\n"                                   // 8
      "  algorithm: \"des\"\n"                                // 9
      "  key_file: \"keys/mn.key\"\n"                         // 10
      "}\n"                                                   // 11
      "admin { mode: 0666 }\n";                               // 12
  auto errors = errors_of(text);
  ASSERT_EQ(errors.size(), 6u) << to_string(errors);
  std::vector<std::pair<int, std::string>> got;
  for (const auto& e : errors) got.emplace_back(e.line, e.field_path);
  std::vector<std::pair<int, std::string>> want = {
      {4, "harp.group_id"},           {6, "mobile_node[0].home_address"},
      {7, "mobile_node[0].spi_in"},   {9, "mobile_node[0].algorithm"},
      {10, "mobile_node[0].key_file"}, {12, "admin.mode"}};
  EXPECT_EQ(got, want);
}

TEST(ConfLoad, ListSyntaxErrorsPointAtTheList) {
  // protobuf records one location per list, not per element.
  auto errors = errors_of("home_interface: \"eth1\"\nhome_prefix: \"2001:db8:1::/64\"\n"
                          "ha_address: [\"2001:db8:1::2\",\n  \"ff02::1\"]\n");
  ASSERT_EQ(errors.size(), 1u) << to_string(errors);
  EXPECT_EQ(errors[0].field_path, "ha_address[1]");
  EXPECT_EQ(errors[0].line, 3);
}

TEST(ConfLoad, ErrorToStringFormat) {
  ConfigError e{"/etc/ha-agent/ha-agent.conf", 12, 3, "mobile_node[3].spi_in", "required"};
  EXPECT_EQ(e.to_string(), "/etc/ha-agent/ha-agent.conf:12:3: mobile_node[3].spi_in: required");
  ConfigError whole{"a.conf", 0, 0, "ha_address", "at least one"};
  EXPECT_EQ(whole.to_string(), "a.conf: ha_address: at least one");
  ConfigError syntax{"a.conf", 2, 1, "", "Expected identifier."};
  EXPECT_EQ(syntax.to_string(), "a.conf:2:1: Expected identifier.");
}

TEST(ConfLoad, ErrorsCarryFileNameAndColumn) {
  auto errors = errors_of(kBase + "lifetime {\n    max_binding_lifetime_s: 6\n}\n", "/x/ha.conf");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string().rfind("/x/ha.conf:5:5: lifetime.max_binding_lifetime_s: ", 0), 0u)
      << errors[0].to_string();
}

TEST(ConfLoad, OversizedInputIsRefused) {
  std::string big(kMaxConfigSize + 1, ' ');
  auto errors = errors_of(big);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 0);
  EXPECT_NE(errors[0].message.find("larger"), std::string::npos);
}

TEST(ConfLoad, EmptyInputNamesEveryMissingRequiredField) {
  auto errors = errors_of("");
  ASSERT_EQ(errors.size(), 3u) << to_string(errors);
  EXPECT_EQ(errors[0].field_path, "ha_address");
  EXPECT_EQ(errors[1].field_path, "home_interface");
  EXPECT_EQ(errors[2].field_path, "home_prefix");
  EXPECT_EQ(errors[0].line, 0);
}

TEST(ConfLoad, DescribeShowsKeyPathsOnly) {
  Config c = config_of(read_example());
  std::string d = describe(c);
  EXPECT_NE(d.find("/etc/ha-agent/keys/mn-100.key"), std::string::npos) << d;
  EXPECT_NE(d.find("/etc/ha-agent/keys/peer-ha2.key"), std::string::npos) << d;
  EXPECT_NE(d.find("aes-gcm-256"), std::string::npos) << d;
  EXPECT_NE(d.find("group 7"), std::string::npos) << d;
}

}  // namespace
}  // namespace conf::test
