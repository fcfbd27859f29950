#include "mip6/address.h"

#include <gtest/gtest.h>

namespace mip6 {
namespace {

TEST(Ipv6Address, ParsesAndPrints) {
  auto a = Ipv6Address::parse("fd00:1::100");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->to_string(), "fd00:1::100");
  EXPECT_EQ(a->bytes()[0], 0xfd);
  EXPECT_EQ(a->bytes()[15], 0x00);
  EXPECT_EQ(a->bytes()[14], 0x01);
}

TEST(Ipv6Address, RejectsBadText) {
  EXPECT_FALSE(Ipv6Address::parse(""));
  EXPECT_FALSE(Ipv6Address::parse("10.0.0.1"));
  EXPECT_FALSE(Ipv6Address::parse("fd00::1::2"));
  EXPECT_FALSE(Ipv6Address::parse(std::string(100, 'a')));
}

TEST(Ipv6Prefix, Contains) {
  auto p = Ipv6Prefix::parse("fd00:1::/64");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->contains(*Ipv6Address::parse("fd00:1::100")));
  EXPECT_FALSE(p->contains(*Ipv6Address::parse("fd00:2::100")));
  auto odd = Ipv6Prefix::parse("fd00:1:ff00::/41");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->contains(*Ipv6Address::parse("fd00:1:ff7f::1")));
  EXPECT_FALSE(odd->contains(*Ipv6Address::parse("fd00:1:ff80::1")));
  EXPECT_EQ(p->to_string(), "fd00:1::/64");
}

TEST(Ipv6Prefix, RejectsBadText) {
  EXPECT_FALSE(Ipv6Prefix::parse("fd00:1::"));
  EXPECT_FALSE(Ipv6Prefix::parse("fd00:1::/129"));
  EXPECT_FALSE(Ipv6Prefix::parse("fd00:1::/"));
  EXPECT_FALSE(Ipv6Prefix::parse("fd00:1::/6x"));
}

}  // namespace
}  // namespace mip6
