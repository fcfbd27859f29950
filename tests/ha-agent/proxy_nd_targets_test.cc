// Tests of ha-agent/daemon/proxy_nd_targets: which NS targets the
// user-space proxy ND answers (RFC 6275 §10.4.1), against a reference model
// of the map it replaces (both addresses of an L binding, HoA only without L).
#include "ha-agent/daemon/proxy_nd_targets.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "mip6/binding_cache.h"

namespace ha_agent {
namespace {

mip6::Ipv6Address addr(const char* text) { return *mip6::Ipv6Address::parse(text); }

TEST(ProxyNdTargets, HomeAddressAndLinkLocal) {
  ProxyNdTargets t;
  EXPECT_FALSE(t.answers(addr("fd00:1::5")));
  t.add(addr("fd00:1::5"), false);
  t.add(addr("fd00:1::6"), true);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_TRUE(t.answers(addr("fd00:1::5")));
  EXPECT_TRUE(t.answers(addr("fd00:1::6")));
  EXPECT_FALSE(t.answers(addr("fe80::5"))) << "no L flag: the link-local is not ours to defend";
  EXPECT_TRUE(t.answers(addr("fe80::6")));
  EXPECT_FALSE(t.answers(addr("fe80:0:0:1::6"))) << "only fe80::/64 as link_local_of() forms it";
  EXPECT_FALSE(t.answers(addr("fd00:2::6"))) << "same identifier, other prefix";
  EXPECT_FALSE(t.answers(addr("fd00:1::7")));
  // The L flag follows the binding (re-install after L toggled).
  t.add(addr("fd00:1::5"), true);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_TRUE(t.answers(addr("fe80::5")));
  EXPECT_TRUE(t.remove(addr("fd00:1::6")));
  EXPECT_FALSE(t.remove(addr("fd00:1::6")));
  EXPECT_FALSE(t.answers(addr("fd00:1::6")));
  EXPECT_FALSE(t.answers(addr("fe80::6")));
  EXPECT_TRUE(t.answers(addr("fd00:1::5")));
  t.clear();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_FALSE(t.answers(addr("fd00:1::5")));
}

// Two bindings with one interface identifier and L set: the link-local is
// answered while either is bound.
TEST(ProxyNdTargets, SharedInterfaceIdentifier) {
  ProxyNdTargets t;
  t.add(addr("fd00:1::9"), true);
  t.add(addr("fd00:2::9"), true);
  EXPECT_TRUE(t.remove(addr("fd00:1::9")));
  EXPECT_TRUE(t.answers(addr("fe80::9")));
  EXPECT_TRUE(t.answers(addr("fd00:2::9")));
  EXPECT_FALSE(t.answers(addr("fd00:1::9")));
  EXPECT_TRUE(t.remove(addr("fd00:2::9")));
  EXPECT_FALSE(t.answers(addr("fe80::9")));
}

// Random adds and removes (with growth and backward-shift deletion, many
// addresses sharing an interface identifier) against a reference model.
TEST(ProxyNdTargets, MatchesReferenceModel) {
  std::mt19937 rng(6);
  ProxyNdTargets t;
  std::map<mip6::Ipv6Address, bool> model;  // HoA -> L
  auto hoa = [](std::uint32_t i) {
    auto b = addr("fd00:1::").bytes();
    b[7] = static_cast<std::uint8_t>(i % 5);  // five /64s
    b[14] = static_cast<std::uint8_t>((i / 5) >> 8);
    b[15] = static_cast<std::uint8_t>(i / 5);
    return mip6::Ipv6Address(b);
  };
  for (int step = 0; step < 40000; ++step) {
    const auto a = hoa(rng() % 3000);
    if (rng() % 3 != 0) {
      const bool l = rng() % 2 == 0;
      t.add(a, l);
      model[a] = l;
    } else {
      EXPECT_EQ(t.remove(a), model.erase(a) == 1);
    }
    ASSERT_EQ(t.size(), model.size());
    ASSERT_LE(t.size() * 5, t.capacity() * 4);
    const std::uint32_t p = rng() % 3000;
    const auto probe = hoa(p);
    ASSERT_EQ(t.answers(probe), model.count(probe) == 1);
    // Its link-local is answered when a binding with L in any of the five
    // /64s has the same identifier.
    bool want = false;
    for (std::uint32_t k = 0; k < 5; ++k) {
      auto m = model.find(hoa(p - p % 5 + k));
      want = want || (m != model.end() && m->second);
    }
    ASSERT_EQ(t.answers(mip6::link_local_of(probe)), want) << step;
  }
}

}  // namespace
}  // namespace ha_agent
