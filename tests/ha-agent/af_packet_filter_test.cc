// The classic BPF destination filter of the packet backend, run through a
// small interpreter of the same opcodes the kernel executes.
#include <gtest/gtest.h>

#include <vector>

#include "ha-agent/io/af_packet_io.h"

namespace ha_agent::io {
namespace {

std::vector<std::uint8_t> ipv6_to(const char* dst) {
  std::vector<std::uint8_t> p(48, 0);
  p[0] = 0x60;
  auto a = *mip6::Ipv6Address::parse(dst);
  std::copy(a.bytes().begin(), a.bytes().end(), p.begin() + 24);
  return p;
}

TEST(DestinationFilter, KeepsOnlyOurAddresses) {
  std::vector<mip6::Ipv6Address> ours = {*mip6::Ipv6Address::parse("fd00:1::1"),
                                         *mip6::Ipv6Address::parse("fd00:9::42")};
  auto prog = build_destination_filter(ours);
  EXPECT_NE(run_destination_filter(prog, ipv6_to("fd00:1::1")), 0u);
  EXPECT_NE(run_destination_filter(prog, ipv6_to("fd00:9::42")), 0u);
  EXPECT_EQ(run_destination_filter(prog, ipv6_to("fd00:1::2")), 0u);
  EXPECT_EQ(run_destination_filter(prog, ipv6_to("fd00:9::43")), 0u);
  EXPECT_EQ(run_destination_filter(prog, ipv6_to("fe00:1::1")), 0u);  // first word differs
  auto v4 = ipv6_to("fd00:1::1");
  v4[0] = 0x45;
  EXPECT_EQ(run_destination_filter(prog, v4), 0u);
  EXPECT_EQ(run_destination_filter(prog, std::span(v4).first(30)), 0u);  // short: dropped
}

TEST(DestinationFilter, EveryAddressOfAFullListMatchesAndJumpsStayInRange) {
  std::vector<mip6::Ipv6Address> ours;
  for (int i = 0; i < 30; ++i)
    ours.push_back(*mip6::Ipv6Address::parse("fd00:1::" + std::to_string(i + 1)));
  auto prog = build_destination_filter(ours);
  for (int i = 0; i < 30; ++i)
    EXPECT_NE(run_destination_filter(prog, ipv6_to(("fd00:1::" + std::to_string(i + 1)).c_str())),
              0u)
        << i;
  EXPECT_EQ(run_destination_filter(prog, ipv6_to("fd00:1::99")), 0u);
  for (std::size_t pc = 0; pc < prog.size(); ++pc)
    EXPECT_LT(pc + 1 + std::max(prog[pc].jt, prog[pc].jf), prog.size() + 1);
}

TEST(DestinationFilter, NoAddressesOrTooManyKeepsAllIpv6) {
  auto prog = build_destination_filter({});
  EXPECT_NE(run_destination_filter(prog, ipv6_to("fd00:1::1")), 0u);
  std::vector<mip6::Ipv6Address> many(31, *mip6::Ipv6Address::parse("fd00::1"));
  auto wide = build_destination_filter(many);
  EXPECT_NE(run_destination_filter(wide, ipv6_to("2001:db8::1")), 0u);
  auto v4 = ipv6_to("fd00:1::1");
  v4[0] = 0x45;
  EXPECT_EQ(run_destination_filter(wide, v4), 0u);
}

TEST(DestinationFilter, SolicitedNodeMulticastOnlyWhenAsked) {
  std::vector<mip6::Ipv6Address> ours = {*mip6::Ipv6Address::parse("fd00:1::1")};
  auto plain = build_destination_filter(ours);
  EXPECT_EQ(run_destination_filter(plain, ipv6_to("ff02::1:ff12:3456")), 0u);
  auto prog = build_destination_filter(ours, true);
  EXPECT_NE(run_destination_filter(prog, ipv6_to("ff02::1:ff12:3456")), 0u);
  EXPECT_NE(run_destination_filter(prog, ipv6_to("fd00:1::1")), 0u);
  EXPECT_EQ(run_destination_filter(prog, ipv6_to("fd00:1::2")), 0u);
  EXPECT_EQ(run_destination_filter(prog, ipv6_to("ff02::1:fe12:3456")), 0u);
  EXPECT_EQ(run_destination_filter(prog, ipv6_to("ff02::1")), 0u);
  EXPECT_EQ(run_destination_filter(prog, ipv6_to("ff02::2:ff12:3456")), 0u);
  EXPECT_EQ(run_destination_filter(prog, ipv6_to("ff05::1:ff12:3456")), 0u);
  auto v4 = ipv6_to("ff02::1:ff12:3456");
  v4[0] = 0x45;
  EXPECT_EQ(run_destination_filter(prog, v4), 0u);
  // A full address list with the multicast block still fits 8-bit jumps.
  std::vector<mip6::Ipv6Address> full;
  for (int i = 0; i < 30; ++i)
    full.push_back(*mip6::Ipv6Address::parse("fd00:1::" + std::to_string(i + 1)));
  auto big = build_destination_filter(full, true);
  EXPECT_NE(run_destination_filter(big, ipv6_to("fd00:1::30")), 0u);  // the 30th ("30")
  EXPECT_NE(run_destination_filter(big, ipv6_to("ff02::1:ff00:1")), 0u);
  EXPECT_EQ(run_destination_filter(big, ipv6_to("fd00:1::31")), 0u);
  for (std::size_t pc = 0; pc < big.size(); ++pc)
    EXPECT_LT(pc + 1 + std::max(big[pc].jt, big[pc].jf), big.size() + 1);
}

std::vector<std::uint8_t> ipv6_from_to(const char* src, const char* dst) {
  auto p = ipv6_to(dst);
  auto a = *mip6::Ipv6Address::parse(src);
  std::copy(a.bytes().begin(), a.bytes().end(), p.begin() + 8);
  return p;
}

// Issue #6: HARP peers' packets on a socket of their own (kOnly), the same
// packets kept off the other socket (kExcept): each packet lands on one.
TEST(SourceFilter, OnlyAndExceptSplitPeersFromTheRest) {
  const std::vector<mip6::Ipv6Address> ours = {*mip6::Ipv6Address::parse("fd00:1::1")};
  SourceRule peers;
  for (const char* a : {"fd00:1::2", "fd00:1::3", "fd00:9::3"})
    peers.addresses.push_back(*mip6::Ipv6Address::parse(a));
  peers.mode = SourceRule::Mode::kOnly;
  const auto only = build_packet_filter(ours, false, peers);
  peers.mode = SourceRule::Mode::kExcept;
  const auto except = build_packet_filter(ours, true, peers);
  for (const char* src : {"fd00:1::2", "fd00:1::3", "fd00:9::3"}) {
    EXPECT_NE(run_destination_filter(only, ipv6_from_to(src, "fd00:1::1")), 0u) << src;
    EXPECT_EQ(run_destination_filter(except, ipv6_from_to(src, "fd00:1::1")), 0u) << src;
    // Still only to our addresses.
    EXPECT_EQ(run_destination_filter(only, ipv6_from_to(src, "fd00:1::7")), 0u) << src;
  }
  for (const char* src : {"fd00:1::4", "fd00:9::2", "2001:db8::3", "fd00:1::"}) {
    EXPECT_EQ(run_destination_filter(only, ipv6_from_to(src, "fd00:1::1")), 0u) << src;
    EXPECT_NE(run_destination_filter(except, ipv6_from_to(src, "fd00:1::1")), 0u) << src;
    EXPECT_NE(run_destination_filter(except, ipv6_from_to(src, "ff02::1:ff00:5")), 0u) << src;
    EXPECT_EQ(run_destination_filter(except, ipv6_from_to(src, "fd00:1::7")), 0u) << src;
  }
  auto v4 = ipv6_from_to("fd00:1::2", "fd00:1::1");
  v4[0] = 0x45;
  EXPECT_EQ(run_destination_filter(only, v4), 0u);
}

TEST(SourceFilter, FullListsStillFitEightBitJumps) {
  std::vector<mip6::Ipv6Address> ours;
  for (int i = 0; i < 30; ++i)
    ours.push_back(*mip6::Ipv6Address::parse("fd00:1::" + std::to_string(i + 1)));
  SourceRule peers;
  for (int i = 0; i < 8; ++i)
    peers.addresses.push_back(*mip6::Ipv6Address::parse("fd00:2::" + std::to_string(i + 1)));
  for (auto mode : {SourceRule::Mode::kOnly, SourceRule::Mode::kExcept}) {
    peers.mode = mode;
    const auto prog = build_packet_filter(ours, true, peers);
    for (std::size_t pc = 0; pc < prog.size(); ++pc)
      EXPECT_LT(pc + 1 + std::max(prog[pc].jt, prog[pc].jf), prog.size() + 1);
    // 30 destinations do not fit next to 8 sources: every destination is
    // kept (as with more than 30 before), the source rule still holds.
    const bool only = mode == SourceRule::Mode::kOnly;
    EXPECT_EQ(run_destination_filter(prog, ipv6_from_to("fd00:2::8", "2001:db8::1")) != 0, only);
    EXPECT_EQ(run_destination_filter(prog, ipv6_from_to("fd00:3::1", "2001:db8::1")) != 0, !only);
  }
  // A short destination list keeps being checked next to 8 sources.
  peers.mode = SourceRule::Mode::kExcept;
  const std::vector<mip6::Ipv6Address> few(ours.begin(), ours.begin() + 5);
  const auto prog = build_packet_filter(few, true, peers);
  EXPECT_NE(run_destination_filter(prog, ipv6_from_to("fd00:3::1", "fd00:1::5")), 0u);
  EXPECT_EQ(run_destination_filter(prog, ipv6_from_to("fd00:3::1", "fd00:1::6")), 0u);
}

}  // namespace
}  // namespace ha_agent::io
