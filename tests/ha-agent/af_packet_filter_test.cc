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

}  // namespace
}  // namespace ha_agent::io
