#include "mip6/address.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

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

// Equality and order through 64-bit words must be exactly the octet-wise
// (memcmp) comparison: containers and first_due() ties depend on it.
TEST(Ipv6Address, OrderIsOctetWise) {
  std::uint64_t state = 0x243f6a8885a308d3ull;
  auto next_octet = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    // Few distinct values, so that long common prefixes and ties occur.
    return static_cast<std::uint8_t>((state >> 59) & 0x3 ? 0 : (state >> 56));
  };
  for (int i = 0; i < 20000; ++i) {
    Ipv6Address::Bytes a{}, b{};
    for (auto& x : a) x = next_octet();
    for (auto& x : b) x = next_octet();
    if (i % 5 == 0) b = a;
    if (i % 7 == 0) b[15 - i % 16] ^= 0x80;
    const int m = std::memcmp(a.data(), b.data(), 16);
    const Ipv6Address x(a), y(b);
    EXPECT_EQ(x == y, m == 0);
    EXPECT_EQ(x < y, m < 0);
    EXPECT_EQ(x > y, m > 0);
    EXPECT_EQ(x != y, m != 0);
  }
}

}  // namespace
}  // namespace mip6
