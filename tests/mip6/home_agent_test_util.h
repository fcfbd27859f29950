// Shared fixtures of the home-agent tests (home_agent_test.cc,
// home_agent_timer_test.cc): a policy with two HA addresses and two home
// prefixes, BU/context builders, and accessors for returned Actions.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <utility>
#include <vector>

#include "mip6/home_agent.h"

namespace mip6::ha_test {

inline Ipv6Address addr(const char* text) {
  return *Ipv6Address::parse(text);
}

inline const Ipv6Address kHa = addr("fd00:1::1");
inline const Ipv6Address kHa2 = addr("fd00:2::1");
inline const Ipv6Address kHoa = addr("fd00:1::100");
inline const Ipv6Address kHoa2 = addr("fd00:2::200");
inline const Ipv6Address kCoa = addr("2001:db8:1::10");
inline const Ipv6Address kCoa2 = addr("2001:db8:2::10");
inline const Clock::time_point kT0 = Clock::time_point{} + std::chrono::hours(100);

inline constexpr std::uint16_t kAH = BindingUpdate::kAck | BindingUpdate::kHomeRegistration;
inline constexpr std::uint32_t kSpi = 0x1000;

inline HomeAgentPolicy make_policy() {
  HomeAgentPolicy p;
  p.addresses = {kHa, kHa2};
  p.home_prefixes = {*Ipv6Prefix::parse("fd00:1::/64"), *Ipv6Prefix::parse("fd00:2::/64")};
  p.served_home_addresses = {kHoa, kHoa2};
  p.max_lifetime_s = 3600;
  p.brr_lead_time_s = 30;
  return p;
}

inline HomeAgent make_ha(const HomeAgentPolicy& p = make_policy()) {
  auto r = HomeAgent::create(p);
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

inline BindingUpdate bu(std::uint16_t seq, std::uint16_t lifetime_units,
                        std::uint16_t flags = kAH) {
  BindingUpdate b;
  b.sequence = SequenceNumber(seq);
  b.lifetime = lifetime_units;
  b.flags = flags;
  return b;
}

inline BindingUpdateContext ctx(const Ipv6Address& coa = kCoa, const Ipv6Address& hoa = kHoa) {
  BindingUpdateContext c;
  c.source = coa;
  c.destination = kHa;
  c.home_address = hoa;
  c.spi = kSpi;
  c.sa_home_address = hoa;
  return c;
}

template <class T>
std::vector<T> all_of(const Actions& actions) {
  std::vector<T> out;
  for (const auto& a : actions) {
    if (const T* t = std::get_if<T>(&a)) out.push_back(*t);
  }
  return out;
}

template <class T>
T only(const Actions& actions) {
  auto v = all_of<T>(actions);
  EXPECT_EQ(v.size(), 1u);
  return v.empty() ? T{} : v.front();
}

// The one BA of a result.
inline BindingAcknowledgement ba_of(const Actions& actions) {
  return only<SendBindingAck>(actions).ba;
}

}  // namespace mip6::ha_test
