// Tests of mip6/icmpv6_nd: golden vectors built offline with scapy 2.5
// (ICMPv6ND_NA / ICMPv6ND_NS with link-layer address options) and pasted
// here, the RFC 4861 §7.1 receive checks one by one, and randomized round
// trips of the Neighbor Advertisement builder.
#include "mip6/icmpv6_nd.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "tests/mip6/ipv6_test_vectors.h"

namespace mip6 {
namespace {

using namespace ipv6_test;  // NOLINT: test vectors and helpers

constexpr MacAddress kMac1{2, 0, 0, 0, 0, 1};

// An ICMPv6 packet with a correct checksum over the given message.
Bytes icmp_packet(const Ipv6Address& src, const Ipv6Address& dst, std::uint8_t hlim, Bytes icmp) {
  icmp[2] = icmp[3] = 0;
  const auto sum = upper_layer_checksum(src, dst, ipproto::kIcmpv6, icmp);
  icmp[2] = static_cast<std::uint8_t>(sum >> 8);
  icmp[3] = static_cast<std::uint8_t>(sum);
  Ipv6PacketSpec spec;
  spec.source = src;
  spec.destination = dst;
  spec.hop_limit = hlim;
  spec.upper_protocol = ipproto::kIcmpv6;
  spec.payload = icmp;
  Bytes out;
  EXPECT_TRUE(build_ipv6_packet(spec, out).ok());
  return out;
}

// The ICMPv6 part of a golden packet (after the 40-octet header).
Bytes icmp_of(const char* h) {
  Bytes b = hex(h);
  return Bytes(b.begin() + 40, b.end());
}

NdError nd_error(const Bytes& packet) {
  auto r = parse_neighbor_discovery(packet);
  EXPECT_FALSE(r.ok());
  return r.ok() ? NdError{NdErrc::kBadSource, 99999, std::nullopt} : r.error();
}

TEST(NeighborAdvertisementGolden, BuildsUnsolicitedNaForProxyNd) {
  NeighborAdvertisement na;  // defaults: ff02::1, O set, S clear (RFC 6275 §10.4.1)
  na.source = addr("fe80::1");
  na.target = addr("fd00:1::100");
  na.target_link_layer_address = kMac1;
  Bytes out;
  ASSERT_TRUE(build_neighbor_advertisement(na, out).ok());
  EXPECT_EQ(out, hex(kUnsolicitedNaHex));
}

TEST(NeighborAdvertisementGolden, ParsesUnsolicitedNa) {
  auto r = parse_neighbor_discovery(hex(kUnsolicitedNaHex));
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  const auto* na = std::get_if<NeighborAdvertisement>(&*r);
  ASSERT_NE(na, nullptr);
  EXPECT_EQ(na->source, addr("fe80::1"));
  EXPECT_EQ(na->destination, kAllNodesMulticast);
  EXPECT_FALSE(na->router);
  EXPECT_FALSE(na->solicited);
  EXPECT_TRUE(na->override_flag);
  EXPECT_EQ(na->target, addr("fd00:1::100"));
  EXPECT_EQ(na->target_link_layer_address, kMac1);
}

TEST(NeighborAdvertisementGolden, SolicitedNaWithoutOption) {
  NeighborAdvertisement na;
  na.source = addr("fd00:1::1");
  na.destination = addr("fd00:1::7");
  na.router = true;
  na.solicited = true;
  na.override_flag = false;
  na.target = addr("fd00:1::1");
  Bytes out;
  ASSERT_TRUE(build_neighbor_advertisement(na, out).ok());
  EXPECT_EQ(out, hex(kSolicitedNaHex));
  auto r = parse_neighbor_discovery(out);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(std::get<NeighborAdvertisement>(*r), na);
}

TEST(NeighborSolicitationGolden, ParsesNsWithSourceLinkLayerAddress) {
  auto r = parse_neighbor_discovery(hex(kNsHex));
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  const auto* ns = std::get_if<NeighborSolicitation>(&*r);
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ(ns->source, addr("fe80::2"));
  EXPECT_EQ(ns->destination, addr("ff02::1:ff00:100"));
  EXPECT_EQ(ns->target, addr("fd00:1::100"));
  EXPECT_EQ(ns->source_link_layer_address, (MacAddress{2, 0, 0, 0, 0, 2}));
}

TEST(NeighborSolicitationGolden, ParsesDadProbe) {
  auto r = parse_neighbor_discovery(hex(kDadNsHex));
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  const auto& ns = std::get<NeighborSolicitation>(*r);
  EXPECT_TRUE(ns.source.is_unspecified());
  EXPECT_EQ(ns.target, addr("fd00:1::100"));
  EXPECT_FALSE(ns.source_link_layer_address);
}

TEST(NeighborDiscovery, SkipsUnknownOptions) {
  Bytes icmp = icmp_of(kUnsolicitedNaHex);
  icmp.insert(icmp.end(), {0x7f, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  auto r = parse_neighbor_discovery(icmp_packet(addr("fe80::1"), kAllNodesMulticast, 255, icmp));
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(std::get<NeighborAdvertisement>(*r).target_link_layer_address, kMac1);
}

// ---- build errors ----------------------------------------------------------

TEST(NeighborAdvertisementBuild, RefusesInvalidFields) {
  Bytes out;
  NeighborAdvertisement na;
  na.source = addr("fe80::1");
  na.target = addr("fd00:1::100");

  NeighborAdvertisement bad = na;
  bad.source = addr("::");
  EXPECT_EQ(build_neighbor_advertisement(bad, out).error().code, NdErrc::kBadSource);
  bad.source = addr("ff02::1");
  EXPECT_EQ(build_neighbor_advertisement(bad, out).error().code, NdErrc::kBadSource);
  bad = na;
  bad.target = addr("ff02::1");
  EXPECT_EQ(build_neighbor_advertisement(bad, out).error().code, NdErrc::kMulticastTarget);
  bad = na;
  bad.solicited = true;  // towards ff02::1
  EXPECT_EQ(build_neighbor_advertisement(bad, out).error().code, NdErrc::kSolicitedToMulticast);
}

// ---- RFC 4861 §7.1 receive checks, one per case ------------------------------

TEST(NeighborDiscoveryMalformed, FramingErrorIsPassedOn) {
  Bytes b = hex(kUnsolicitedNaHex);
  b.pop_back();
  const NdError e = nd_error(b);
  EXPECT_EQ(e.code, NdErrc::kFraming);
  ASSERT_TRUE(e.framing);
  EXPECT_EQ(e.framing->code, Ipv6Errc::kTruncatedPayload);
  EXPECT_EQ(to_string(e), "malformed IPv6 framing: payload length exceeds the packet at offset 4");
}

TEST(NeighborDiscoveryMalformed, NotIcmpv6) {
  Bytes b = hex(kUnsolicitedNaHex);
  b[6] = ipproto::kMobility;
  EXPECT_EQ(nd_error(b).code, NdErrc::kNotIcmpv6);
}

TEST(NeighborDiscoveryMalformed, NotNeighborDiscovery) {
  Bytes echo = {128, 0, 0, 0, 0, 1, 0, 1};  // Echo Request
  EXPECT_EQ(nd_error(icmp_packet(addr("fe80::1"), addr("fe80::2"), 255, echo)),
            (NdError{NdErrc::kNotNeighborDiscovery, 40, std::nullopt}));
}

TEST(NeighborDiscoveryMalformed, BadHopLimit) {
  Bytes b = hex(kUnsolicitedNaHex);
  b[7] = 254;  // not covered by the checksum: still valid otherwise
  EXPECT_EQ(nd_error(b), (NdError{NdErrc::kBadHopLimit, 7, std::nullopt}));
}

TEST(NeighborDiscoveryMalformed, BadChecksum) {
  Bytes b = hex(kUnsolicitedNaHex);
  b[40 + 3] ^= 1;
  EXPECT_EQ(nd_error(b), (NdError{NdErrc::kBadChecksum, 42, std::nullopt}));
  b = hex(kUnsolicitedNaHex);
  b[60] ^= 0x80;  // a target address bit
  EXPECT_EQ(nd_error(b).code, NdErrc::kBadChecksum);
}

TEST(NeighborDiscoveryMalformed, BadCode) {
  Bytes icmp = icmp_of(kUnsolicitedNaHex);
  icmp[1] = 1;
  EXPECT_EQ(nd_error(icmp_packet(addr("fe80::1"), kAllNodesMulticast, 255, icmp)),
            (NdError{NdErrc::kBadCode, 41, std::nullopt}));
}

TEST(NeighborDiscoveryMalformed, Truncated) {
  Bytes icmp = icmp_of(kUnsolicitedNaHex);
  icmp.resize(20);
  EXPECT_EQ(nd_error(icmp_packet(addr("fe80::1"), kAllNodesMulticast, 255, icmp)),
            (NdError{NdErrc::kTruncated, 40, std::nullopt}));
  // Fewer than 4 octets (no checksum field at all).
  Bytes b = hex(kUnsolicitedNaHex);
  b.resize(43);
  b[5] = 3;
  EXPECT_EQ(nd_error(b), (NdError{NdErrc::kTruncated, 40, std::nullopt}));
}

TEST(NeighborDiscoveryMalformed, MulticastTarget) {
  Bytes icmp = icmp_of(kNsHex);
  icmp[8] = 0xff;
  EXPECT_EQ(nd_error(icmp_packet(addr("fe80::2"), addr("ff02::1:ff00:100"), 255, icmp)),
            (NdError{NdErrc::kMulticastTarget, 48, std::nullopt}));
}

TEST(NeighborDiscoveryMalformed, ZeroLengthOption) {
  Bytes icmp = icmp_of(kUnsolicitedNaHex);
  icmp[25] = 0;
  EXPECT_EQ(nd_error(icmp_packet(addr("fe80::1"), kAllNodesMulticast, 255, icmp)),
            (NdError{NdErrc::kZeroLengthOption, 65, std::nullopt}));
}

TEST(NeighborDiscoveryMalformed, OptionOverrun) {
  Bytes icmp = icmp_of(kUnsolicitedNaHex);
  icmp[25] = 2;  // 16 octets, 8 present
  EXPECT_EQ(nd_error(icmp_packet(addr("fe80::1"), kAllNodesMulticast, 255, icmp)),
            (NdError{NdErrc::kOptionOverrun, 65, std::nullopt}));
  icmp = icmp_of(kUnsolicitedNaHex);
  icmp.push_back(2);  // a lone option type octet
  EXPECT_EQ(nd_error(icmp_packet(addr("fe80::1"), kAllNodesMulticast, 255, icmp)),
            (NdError{NdErrc::kOptionOverrun, 72, std::nullopt}));
}

TEST(NeighborDiscoveryMalformed, BadLinkLayerAddressOption) {
  Bytes icmp = icmp_of(kUnsolicitedNaHex);
  icmp[25] = 2;
  icmp.resize(icmp.size() + 8, 0);
  EXPECT_EQ(nd_error(icmp_packet(addr("fe80::1"), kAllNodesMulticast, 255, icmp)),
            (NdError{NdErrc::kBadLinkLayerAddressOption, 65, std::nullopt}));
}

TEST(NeighborDiscoveryMalformed, DuplicateOption) {
  Bytes icmp = icmp_of(kUnsolicitedNaHex);
  icmp.insert(icmp.end(), icmp.begin() + 24, icmp.begin() + 32);
  EXPECT_EQ(nd_error(icmp_packet(addr("fe80::1"), kAllNodesMulticast, 255, icmp)),
            (NdError{NdErrc::kDuplicateOption, 72, std::nullopt}));
}

TEST(NeighborDiscoveryMalformed, SolicitedToMulticast) {
  Bytes icmp = icmp_of(kUnsolicitedNaHex);
  icmp[4] |= 0x40;
  EXPECT_EQ(nd_error(icmp_packet(addr("fe80::1"), kAllNodesMulticast, 255, icmp)),
            (NdError{NdErrc::kSolicitedToMulticast, 44, std::nullopt}));
}

TEST(NeighborDiscoveryMalformed, DadProbeWithSourceLinkLayerAddress) {
  Bytes icmp = icmp_of(kNsHex);
  EXPECT_EQ(nd_error(icmp_packet(addr("::"), addr("ff02::1:ff00:100"), 255, icmp)),
            (NdError{NdErrc::kUnspecifiedSourceWithLinkLayerOption, 64, std::nullopt}));
}

TEST(NeighborDiscoveryMalformed, DadProbeNotToSolicitedNodeAddress) {
  Bytes icmp = icmp_of(kDadNsHex);
  EXPECT_EQ(nd_error(icmp_packet(addr("::"), addr("fd00:1::100"), 255, icmp)).code,
            NdErrc::kUnspecifiedSourceNotToSolicitedNode);
  EXPECT_EQ(nd_error(icmp_packet(addr("::"), kAllNodesMulticast, 255, icmp)).code,
            NdErrc::kUnspecifiedSourceNotToSolicitedNode);
}

TEST(NeighborDiscoveryErrors, EveryCodeHasADistinctName) {
  std::set<std::string_view> names;
  for (int c = 0; c <= static_cast<int>(NdErrc::kBadSource); ++c) {
    auto name = to_string(static_cast<NdErrc>(c));
    EXPECT_NE(name, "unknown neighbor discovery error");
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(NdErrc::kBadSource) + 1);
}

// ---- randomized ------------------------------------------------------------

TEST(NeighborAdvertisementRandom, BuildParseRoundTrip) {
  std::mt19937 rng(4861);
  Bytes out;
  for (int i = 0; i < 2000; ++i) {
    auto random_addr = [&](std::uint8_t first) {
      Ipv6Address::Bytes b;
      for (auto& x : b) x = static_cast<std::uint8_t>(rng());
      b[0] = first;
      return Ipv6Address(b);
    };
    NeighborAdvertisement na;
    na.source = random_addr(rng() & 1 ? 0xfe : 0xfd);
    na.target = random_addr(0x20);
    const bool unicast_dst = rng() & 1;
    if (unicast_dst) na.destination = random_addr(0xfd);
    na.router = rng() & 1;
    na.solicited = unicast_dst && (rng() & 1);
    na.override_flag = rng() & 1;
    if (rng() & 1) {
      MacAddress mac;
      for (auto& x : mac) x = static_cast<std::uint8_t>(rng());
      na.target_link_layer_address = mac;
    }
    ASSERT_TRUE(build_neighbor_advertisement(na, out).ok());
    auto r = parse_neighbor_discovery(out);
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(std::get<NeighborAdvertisement>(*r), na);

    // Any single flipped bit in the ICMPv6 message breaks the checksum or a check.
    Bytes bad = out;
    const std::size_t bit = 40 * 8 + rng() % ((out.size() - 40) * 8);
    bad[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(parse_neighbor_discovery(bad).ok());
  }
}

}  // namespace
}  // namespace mip6
