// AddressSet (mip6/address_set.h) against std::set as the reference model.
#include "mip6/address_set.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>

namespace mip6 {
namespace {

Ipv6Address addr(const char* text) { return *Ipv6Address::parse(text); }

TEST(AddressSet, InsertAndContains) {
  AddressSet s{addr("fd00:1::100"), addr("fd00:1::101")};
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.contains(addr("fd00:1::100")));
  EXPECT_EQ(s.count(addr("fd00:1::101")), 1u);
  EXPECT_FALSE(s.contains(addr("fd00:1::102")));
  EXPECT_FALSE(s.insert(addr("fd00:1::100")));  // already there
  EXPECT_EQ(s.size(), 2u);
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.contains(addr("fd00:1::100")));
}

// The unspecified address marks empty slots; as a member it is kept aside.
TEST(AddressSet, UnspecifiedAddressIsAMemberLikeAnyOther) {
  AddressSet s;
  EXPECT_FALSE(s.contains(Ipv6Address{}));
  EXPECT_TRUE(s.insert(Ipv6Address{}));
  EXPECT_FALSE(s.insert(Ipv6Address{}));
  EXPECT_TRUE(s.contains(Ipv6Address{}));
  EXPECT_EQ(s.size(), 1u);
  EXPECT_FALSE(s.contains(addr("::1")));
}

TEST(AddressSet, MatchesAReferenceSetThroughGrowth) {
  AddressSet s;
  std::set<Ipv6Address> model;
  std::uint64_t state = 7;
  auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  for (int i = 0; i < 50000; ++i) {
    Ipv6Address::Bytes b{0xfd, 0, 0, 1};
    // Consecutive-ish home addresses, as ha-genconf writes, plus collisions.
    const std::uint64_t v = next() % 30000;
    b[13] = static_cast<std::uint8_t>(v >> 16);
    b[14] = static_cast<std::uint8_t>(v >> 8);
    b[15] = static_cast<std::uint8_t>(v);
    const Ipv6Address a(b);
    ASSERT_EQ(s.insert(a), model.insert(a).second) << a.to_string();
    ASSERT_EQ(s.size(), model.size());
  }
  for (std::uint64_t v = 0; v < 40000; ++v) {
    Ipv6Address::Bytes b{0xfd, 0, 0, 1};
    b[13] = static_cast<std::uint8_t>(v >> 16);
    b[14] = static_cast<std::uint8_t>(v >> 8);
    b[15] = static_cast<std::uint8_t>(v);
    ASSERT_EQ(s.contains(Ipv6Address(b)), model.count(Ipv6Address(b)) == 1) << v;
  }
}

TEST(AddressSet, ReserveKeepsMembers) {
  AddressSet s{addr("fd00:1::1")};
  s.reserve(100000);
  EXPECT_TRUE(s.contains(addr("fd00:1::1")));
  for (int i = 2; i < 1000; ++i) {
    Ipv6Address::Bytes b = addr("fd00:1::").bytes();
    b[14] = static_cast<std::uint8_t>(i >> 8);
    b[15] = static_cast<std::uint8_t>(i);
    EXPECT_TRUE(s.insert(Ipv6Address(b)));
  }
  EXPECT_EQ(s.size(), 999u);
  EXPECT_TRUE(s.contains(addr("fd00:1::1")));
}

}  // namespace
}  // namespace mip6
