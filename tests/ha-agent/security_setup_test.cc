// Tests of ha-agent/daemon/security_setup: the reload's "same keys?" check
// compares freshly loaded key files with the installed SAs' own keys (no
// digest is kept per SA any more: issue #4, memory per mobile node).
#include "ha-agent/daemon/security_setup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace ha_agent {
namespace {

class SecuritySetupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ha-security-setup-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/mn.key";
  }
  void TearDown() override {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
  }
  // Both directions of an AES-GCM-128 pair: 2 x 20 octets as hex.
  void write_key(char digit) {
    std::ofstream(path_) << std::string(80, digit) << "\n";
    ASSERT_EQ(chmod(path_.c_str(), 0600), 0);
  }
  conf::SaPairConfig sa() const {
    conf::SaPairConfig c;
    c.spi_in = 0x1001;
    c.spi_out = 0x2001;
    c.key_files.in = conf::KeyPath(path_);
    return c;
  }

  std::string dir_, path_;
};

TEST_F(SecuritySetupTest, SameKeysComparesWithTheInstalledSas) {
  write_key('a');
  SecuritySetup s;
  const conf::SaPairConfig c = sa();
  const auto hoa = *mip6::Ipv6Address::parse("fd00:1::5");
  SaPairSpec spec{*mip6::Ipv6Address::parse("fd00:1::1"), hoa, hoa, &c, SaRole::kHomeAgent};
  ASSERT_TRUE(add_sa_pair(s, spec, crypto::SaTime{}));

  auto same = load_sa_keys(c, SaRole::kHomeAgent);
  ASSERT_TRUE(same);
  EXPECT_TRUE(same_keys(s, c.spi_in, c.spi_out, *same));
  // Only the HA-to-MN half changed: still a change.
  std::ofstream(path_) << std::string(40, 'a') << std::string(40, 'b') << "\n";
  auto half = load_sa_keys(c, SaRole::kHomeAgent);
  ASSERT_TRUE(half);
  EXPECT_FALSE(same_keys(s, c.spi_in, c.spi_out, *half));

  write_key('b');
  auto changed = load_sa_keys(c, SaRole::kHomeAgent);
  ASSERT_TRUE(changed);
  EXPECT_FALSE(same_keys(s, c.spi_in, c.spi_out, *changed));
  EXPECT_FALSE(same_keys(s, c.spi_in + 1, c.spi_out, *same)) << "no such SA";

  remove_sa_pair(s, c.spi_in, c.spi_out);
  EXPECT_FALSE(same_keys(s, c.spi_in, c.spi_out, *same));
}

}  // namespace
}  // namespace ha_agent
