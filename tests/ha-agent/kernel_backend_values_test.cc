// Pure parts of the `kernel` packet I/O backend (issue #4): the Home Address
// option read from IPV6_DSTOPTS ancillary data, the Type 2 routing header
// given to IPV6_RTHDR, and the XFRM states and policies a home agent
// installs (ha-agent/kernel/mip6_xfrm.h). The kernel's behaviour with them
// is checked in Debian's stock kernel by tests/qemu/kernel_backend_test.sh.
#include <gtest/gtest.h>

#include <vector>

#include "ha-agent/io/kernel_mh_io.h"
#include "ha-agent/kernel/mip6_xfrm.h"

namespace {

mip6::Ipv6Address addr(const char* s) { return *mip6::Ipv6Address::parse(s); }

// A Destination Options header as a BU carries it (RFC 6275 §6.3: the
// option is aligned 8n+6, so PadN of 4 octets precedes it): 24 octets.
std::vector<std::uint8_t> dstopts_with_hao(const mip6::Ipv6Address& a) {
  std::vector<std::uint8_t> h(24, 0);
  const std::uint8_t head[8] = {50, 2, 1, 2, 0, 0, 201, 16};
  for (std::size_t i = 0; i < 8; ++i) h[i] = head[i];
  for (std::size_t i = 0; i < 16; ++i) h[8 + i] = a.data()[i];
  return h;
}

TEST(HomeAddressOption, ReadsTheAddressAfterPadding) {
  auto h = dstopts_with_hao(addr("fd00:2::10"));
  auto r = ha_agent::io::home_address_option_of(h);
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, addr("fd00:2::10"));
}

TEST(HomeAddressOption, NoneInOtherOptions) {
  std::vector<std::uint8_t> h = {59, 0, 1, 4, 0, 0, 0, 0};  // PadN(4): 8 octets
  auto r = ha_agent::io::home_address_option_of(h);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_value());
}

TEST(HomeAddressOption, NamedErrors) {
  using ha_agent::io::DstOptsErrc;
  auto h = dstopts_with_hao(addr("fd00:2::10"));
  // Shorter than the length field says.
  auto shorter = std::vector<std::uint8_t>(h.begin(), h.end() - 1);
  EXPECT_EQ(ha_agent::io::home_address_option_of(shorter).error(), DstOptsErrc::kTruncated);
  EXPECT_EQ(ha_agent::io::home_address_option_of(std::vector<std::uint8_t>{50}).error(),
            DstOptsErrc::kTruncated);
  // An option running past the header.
  std::vector<std::uint8_t> overrun = {59, 0, 1, 9, 0, 0, 0, 0};
  EXPECT_EQ(ha_agent::io::home_address_option_of(overrun).error(), DstOptsErrc::kOptionOverrun);
  // A Home Address option of the wrong length.
  std::vector<std::uint8_t> bad = {59, 0, 201, 4, 1, 2, 3, 4};
  EXPECT_EQ(ha_agent::io::home_address_option_of(bad).error(), DstOptsErrc::kBadHaoLength);
  // Two of them (RFC 6275 §6.3 allows at most one).
  std::vector<std::uint8_t> two(40, 0xfd);  // 2 + 18 + 18, two Pad1 close it
  two[0] = 59, two[1] = 4, two[2] = 201, two[3] = 16, two[20] = 201, two[21] = 16;
  two[38] = two[39] = 0;
  EXPECT_EQ(ha_agent::io::home_address_option_of(two).error(), DstOptsErrc::kDuplicateHao);
  EXPECT_EQ(ha_agent::io::to_string(DstOptsErrc::kDuplicateHao), "duplicate_hao");
}

TEST(Type2RoutingHeader, Rfc6275Layout) {
  auto rh = ha_agent::io::type2_routing_header_data(addr("fd00:2::10"));
  EXPECT_EQ(rh[1], 2);  // Hdr Ext Len
  EXPECT_EQ(rh[2], 2);  // Routing Type 2
  EXPECT_EQ(rh[3], 1);  // Segments Left
  EXPECT_EQ(mip6::Ipv6Address::from_bytes(rh.data() + 8), addr("fd00:2::10"));
}

TEST(Mip6Xfrm, HomeAgentBasePlan) {
  auto plan = kernel::home_agent_base_plan(addr("fd00:1::1"));
  ASSERT_EQ(plan.ro_states.size(), 1u);
  const auto& hao = plan.ro_states[0];
  EXPECT_EQ(hao.protocol, kernel::kIpProtoDestinationOptions);
  EXPECT_TRUE(hao.source.is_unspecified());
  EXPECT_TRUE(hao.care_of_address.is_unspecified());
  EXPECT_TRUE(hao.wildcard_receive);
  EXPECT_EQ(hao.to_string(), "src any dst fd00:1::1 proto hao coa any mode ro flag wildrecv");
  EXPECT_TRUE(kernel::validate(hao));
  ASSERT_EQ(plan.policies.size(), 1u);
  const auto& p = plan.policies[0];
  EXPECT_EQ(p.to_string(), "src ::/0 dst fd00:1::1/128 proto 50 dir in allow +hao priority 0");
  EXPECT_TRUE(kernel::validate(p));
}

TEST(Mip6Xfrm, MobileNodePolicies) {
  auto ps = kernel::mobile_node_policies(addr("fd00:1::1"), addr("fd00:1::1:0:7"), 0x1000007);
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0].to_string(),
            "src fd00:1::1:0:7/128 dst fd00:1::1/128 proto 135 dir in require-esp spi 16777223 +hao "
            "priority 0");
  EXPECT_EQ(ps[1].to_string(),
            "src fd00:1::1/128 dst fd00:1::1:0:7/128 proto 135 dir out require-esp priority 0");
  for (const auto& p : ps) EXPECT_TRUE(kernel::validate(p)) << p.to_string();
}

TEST(Mip6Xfrm, ValidationNamesMistakes) {
  kernel::XfrmRoState s;
  s.destination = addr("fd00:1::1");
  EXPECT_FALSE(kernel::validate(s));  // any source without wildrecv
  s.wildcard_receive = true;
  EXPECT_TRUE(kernel::validate(s));
  s.protocol = 50;
  EXPECT_FALSE(kernel::validate(s));

  auto ps = kernel::mobile_node_policies(addr("fd00:1::1"), addr("fd00:1::1:0:7"), 0x1000007);
  auto out = ps[1];
  out.accept_home_address_option = true;  // HAO templates are for inbound only
  EXPECT_FALSE(kernel::validate(out));
  auto allow = ps[0];
  allow.action = kernel::PolicyAction::kAllow;  // an SPI without an ESP template
  EXPECT_FALSE(kernel::validate(allow));
}

}  // namespace
