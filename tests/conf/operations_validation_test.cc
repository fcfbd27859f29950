// Rules of the `privileges` and `metrics` sections (issue #7): line, field
// path and one error per mistake, defaults, and the example file.
#include <fstream>
#include <sstream>

#include "tests/conf/conf_test_util.h"

namespace conf::test {
namespace {

TEST(ConfOperations, AbsentSectionsMeanNoDropAndNoListener) {
  Config c = config_of(kBase);
  EXPECT_FALSE(c.privileges.has_value());
  EXPECT_FALSE(c.metrics.has_value());
  EXPECT_NE(describe(c).find("(no listener)"), std::string::npos);
}

TEST(ConfOperations, PrivilegesUserAndGroup) {
  Config c = config_of(kBase + "privileges { user: \"ha-agent\" }\n");
  ASSERT_TRUE(c.privileges.has_value());
  EXPECT_EQ(c.privileges->user, "ha-agent");
  EXPECT_FALSE(c.privileges->group.has_value());
  c = config_of(kBase + "privileges { user: \"nobody\" group: \"nogroup\" }\n");
  ASSERT_TRUE(c.privileges.has_value());
  EXPECT_EQ(c.privileges->group, std::optional<std::string>("nogroup"));
  EXPECT_NE(describe(c).find("user nobody group nogroup"), std::string::npos) << describe(c);
}

TEST(ConfOperations, PrivilegesNeedAValidUser) {
  expect_one_error(kBase + "privileges {\n  group: \"nogroup\"\n}\n", 4, "privileges.user",
                   "required");
  expect_one_error(kBase + "privileges {\n  user: \"-rf\"\n}\n", 5, "privileges.user",
                   "user name '-rf'");
  expect_one_error(kBase + "privileges {\n  user: \"a b\"\n}\n", 5, "privileges.user", "user name");
  expect_one_error(kBase + "privileges {\n  user: \"\"\n}\n", 5, "privileges.user", "1..32");
  expect_one_error(kBase + "privileges {\n  user: \"" + std::string(33, 'u') + "\"\n}\n", 5,
                   "privileges.user", "1..32");
  expect_one_error(kBase + "privileges {\n  user: \"nobody\"\n  group: \"no/group\"\n}\n", 6,
                   "privileges.group", "group name 'no/group'");
}

TEST(ConfOperations, MetricsListenerDefaultsToLoopback) {
  Config c = config_of(kBase + "metrics {}\n");
  ASSERT_TRUE(c.metrics.has_value());
  EXPECT_EQ(c.metrics->address, "::1");
  EXPECT_TRUE(c.metrics->ipv6);
  EXPECT_EQ(c.metrics->port, 9469);
  EXPECT_EQ(c.metrics->to_string(), "[::1]:9469");
  EXPECT_NE(describe(c).find("http://[::1]:9469/metrics"), std::string::npos) << describe(c);
}

TEST(ConfOperations, MetricsListenerAddressForms) {
  Config c = config_of(kBase + "metrics { listen: \"127.0.0.1:9100\" }\n");
  ASSERT_TRUE(c.metrics.has_value());
  EXPECT_FALSE(c.metrics->ipv6);
  EXPECT_EQ(c.metrics->address, "127.0.0.1");
  EXPECT_EQ(c.metrics->port, 9100);
  c = config_of(kBase + "metrics { listen: \"[2001:db8::5]:65535\" }\n");
  ASSERT_TRUE(c.metrics.has_value());
  EXPECT_EQ(c.metrics->address, "2001:db8::5");
  EXPECT_EQ(c.metrics->port, 65535);
}

TEST(ConfOperations, MetricsListenerRejectsBadAddresses) {
  const char* bad[][2] = {
      {"::1:9469", "in brackets"},         // IPv6 without brackets
      {"[::1]", "[ipv6]:port"},            // no port
      {"[::1]:", "port 1..65535"},         // empty port
      {"[::1]:0", "port 1..65535"},        // port 0
      {"[::1]:65536", "port 1..65535"},    // too large
      {"[::1]:94x", "port 1..65535"},      // not a number
      {"[::1]:-1", "port 1..65535"},       // negative
      {"[localhost]:80", "numeric IPv6"},  // names are never resolved
      {"localhost:80", "numeric IPv4"},    //
      {"[::1:80", "[ipv6]:port"},          // no closing bracket
      {"127.0.0.256:80", "numeric IPv4"},  //
      {"", "[ipv6]:port"},                 //
  };
  for (auto& [text, needle] : bad)
    expect_one_error(kBase + "metrics {\n  listen: \"" + text + "\"\n}\n", 5, "metrics.listen",
                     needle);
}

TEST(ConfOperations, ExampleFileHasBoth) {
  std::ifstream in(HA_CONF_EXAMPLE);
  std::stringstream ss;
  ss << in.rdbuf();
  Config c = config_of(ss.str());
  ASSERT_TRUE(c.privileges.has_value());
  EXPECT_EQ(c.privileges->user, "ha-agent");
  ASSERT_TRUE(c.metrics.has_value());
  EXPECT_EQ(c.metrics->to_string(), "[::1]:9469");
}

}  // namespace
}  // namespace conf::test
