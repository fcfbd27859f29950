// Tests of mip6/ipv6_packet: golden vectors (interop.md §1.3 BU, and
// packets built offline with scapy 2.5 and pasted here), build/parse round
// trips, randomized round trips and truncation/mutation robustness. The
// malformed cases are in ipv6_packet_malformed_test.cc.
#include "mip6/ipv6_packet.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/mip6/ipv6_test_vectors.h"

namespace mip6 {
namespace {

using namespace ipv6_test;  // NOLINT: test vectors and helpers

// ---- golden vectors --------------------------------------------------------

TEST(Ipv6PacketGolden, ParsesInteropBindingUpdateWithHao) {
  const Bytes b = hex(kBuHex);
  auto r = parse_ipv6_packet(b);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(r->source, addr("fd00:2::10"));
  EXPECT_EQ(r->destination, addr("fd00:1::1"));
  EXPECT_EQ(r->hop_limit, 64);
  EXPECT_EQ(r->payload_length, 0x38);
  ASSERT_TRUE(r->home_address);
  EXPECT_EQ(*r->home_address, addr("fd00:1::100"));
  EXPECT_EQ(r->home_address_option_offset, 46u);  // 40 + 6: the 8n+6 alignment
  EXPECT_FALSE(r->type2_routing);
  EXPECT_EQ(r->extension_header_count, 1u);
  EXPECT_EQ(r->upper_protocol, ipproto::kMobility);
  EXPECT_EQ(r->upper_offset, 64u);
  ASSERT_EQ(r->upper_layer.size(), 32u);
  EXPECT_EQ(r->upper_layer.data(), b.data() + 64);
  EXPECT_EQ(r->effective_source(), addr("fd00:1::100"));
  EXPECT_EQ(r->effective_destination(), addr("fd00:1::1"));
  // The MH checksum (0xf28f) holds over the effective addresses (HoA as
  // source, RFC 6275 §6.3) and not over the CoA.
  EXPECT_EQ(upper_layer_checksum(r->effective_source(), r->effective_destination(),
                                 ipproto::kMobility, r->upper_layer),
            0);
  EXPECT_NE(upper_layer_checksum(r->source, r->destination, ipproto::kMobility, r->upper_layer), 0);
}

TEST(Ipv6PacketGolden, BuildsInteropBindingUpdateWithHao) {
  const Bytes golden = hex(kBuHex);
  Ipv6PacketSpec spec;
  spec.source = addr("fd00:2::10");
  spec.destination = addr("fd00:1::1");
  spec.home_address = addr("fd00:1::100");
  spec.upper_protocol = ipproto::kMobility;
  spec.payload = std::span(golden).subspan(64);
  Bytes out;
  ASSERT_TRUE(build_ipv6_packet(spec, out).ok());
  EXPECT_EQ(out, golden);
  EXPECT_EQ(ipv6_packet_size(spec), golden.size());
  EXPECT_EQ(spec.effective_source(), addr("fd00:1::100"));
}

TEST(Ipv6PacketGolden, ComputesMhChecksumOverPseudoHeader) {
  const Bytes bu = hex(kBuHex);
  Bytes mh(bu.begin() + 64, bu.end());
  mh[4] = mh[5] = 0;
  EXPECT_EQ(upper_layer_checksum(addr("fd00:1::100"), addr("fd00:1::1"), 135, mh), 0xf28f);
}

TEST(Ipv6PacketGolden, BindingAckWithType2RoutingHeader) {
  const Bytes golden = hex(kBaRh2Hex);
  auto r = parse_ipv6_packet(golden);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  ASSERT_TRUE(r->type2_routing);
  EXPECT_EQ(r->type2_routing->home_address, addr("fd00:1::100"));
  EXPECT_EQ(r->type2_routing->segments_left, 1);
  EXPECT_EQ(r->type2_routing->offset, 40u);
  EXPECT_FALSE(r->home_address);
  EXPECT_EQ(r->upper_protocol, ipproto::kMobility);
  EXPECT_EQ(r->upper_offset, 64u);
  EXPECT_EQ(r->upper_layer.size(), 16u);
  EXPECT_EQ(r->effective_source(), addr("fd00:1::1"));
  EXPECT_EQ(r->effective_destination(), addr("fd00:1::100"));
  EXPECT_EQ(upper_layer_checksum(r->effective_source(), r->effective_destination(),
                                 ipproto::kMobility, r->upper_layer),
            0);

  Ipv6PacketSpec spec;
  spec.source = addr("fd00:1::1");
  spec.destination = addr("fd00:2::10");
  spec.type2_routing_home_address = addr("fd00:1::100");
  spec.upper_protocol = ipproto::kMobility;
  spec.payload = r->upper_layer;
  Bytes out;
  ASSERT_TRUE(build_ipv6_packet(spec, out).ok());
  EXPECT_EQ(out, golden);
  EXPECT_EQ(spec.effective_destination(), addr("fd00:1::100"));
}

TEST(Ipv6PacketGolden, EspBehindType2RoutingHeaderIsLeftUntouched) {
  const Bytes golden = hex(kBaRh2EspHex);
  auto r = parse_ipv6_packet(golden);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(r->upper_protocol, ipproto::kEsp);
  EXPECT_EQ(r->upper_offset, 64u);
  ASSERT_EQ(r->upper_layer.size(), golden.size() - 64);
  EXPECT_EQ(Bytes(r->upper_layer.begin(), r->upper_layer.begin() + 4), hex("00001001"));  // SPI
  EXPECT_EQ(r->effective_destination(), addr("fd00:1::100"));

  Ipv6PacketSpec spec;
  spec.source = r->source;
  spec.destination = r->destination;
  spec.type2_routing_home_address = r->type2_routing->home_address;
  spec.upper_protocol = ipproto::kEsp;
  spec.payload = r->upper_layer;
  Bytes out;
  ASSERT_TRUE(build_ipv6_packet(spec, out).ok());
  EXPECT_EQ(out, golden);
}

TEST(Ipv6PacketGolden, EspBehindHaoDestinationOptions) {
  const Bytes golden = hex(kBuHaoEspHex);
  auto r = parse_ipv6_packet(golden);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(r->upper_protocol, ipproto::kEsp);
  EXPECT_EQ(r->upper_offset, 64u);
  ASSERT_TRUE(r->home_address);
  EXPECT_EQ(r->effective_source(), addr("fd00:1::100"));

  Ipv6PacketSpec spec;
  spec.source = r->source;
  spec.destination = r->destination;
  spec.home_address = r->home_address;
  spec.upper_protocol = ipproto::kEsp;
  spec.payload = r->upper_layer;
  Bytes out;
  ASSERT_TRUE(build_ipv6_packet(spec, out).ok());
  EXPECT_EQ(out, golden);
}

TEST(Ipv6PacketGolden, SkipsRouterAlertInHopByHop) {
  const Bytes golden = hex(kHbhHaoBuHex);
  auto r = parse_ipv6_packet(golden);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(r->extension_header_count, 2u);
  ASSERT_TRUE(r->home_address);
  EXPECT_EQ(r->home_address_option_offset, 48u + 6u);
  EXPECT_EQ(r->upper_protocol, ipproto::kMobility);
  EXPECT_EQ(r->upper_offset, 72u);
  EXPECT_EQ(upper_layer_checksum(r->effective_source(), r->effective_destination(),
                                 ipproto::kMobility, r->upper_layer),
            0);
}

// ---- other parse behaviour -------------------------------------------------

TEST(Ipv6Packet, IgnoresTrailingBytesAfterPayloadLength) {
  Bytes b = hex(kBuHex);
  b.resize(b.size() + 10, 0xee);  // e.g. Ethernet padding
  auto r = parse_ipv6_packet(b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->upper_layer.size(), 32u);
}

TEST(Ipv6Packet, Type2WithSegmentsLeftZeroUsesDestinationField) {
  // Already processed (RFC 8200 §4.4): the destination field is final.
  auto r = parse_ipv6_packet(raw_packet(43, [] {
    Bytes b = rh2(135, addr("fd00:2::10"), 0);
    b.insert(b.end(), kMh8.begin(), kMh8.end());
    return b;
  }()));
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  ASSERT_TRUE(r->type2_routing);
  EXPECT_EQ(r->type2_routing->segments_left, 0);
  EXPECT_EQ(r->effective_destination(), addr("fd00:1::1"));
}

TEST(Ipv6Packet, StopsAtNoNextHeaderAndReportsTheRest) {
  Bytes rest = {59, 0, 1, 4, 0, 0, 0, 0, 0xaa, 0xbb};  // DestOpt{PadN}, then 2 bytes
  auto r = parse_ipv6_packet(raw_packet(60, rest));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->upper_protocol, ipproto::kNoNextHeader);
  EXPECT_EQ(r->upper_offset, 48u);
  EXPECT_EQ(r->upper_layer.size(), 2u);
}

TEST(Ipv6Packet, OtherTransportProtocolsAreReportedAsUpperLayer) {
  for (std::uint8_t proto : {6, 17, 41, 58}) {
    auto r = parse_ipv6_packet(raw_packet(proto, kMh8));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->upper_protocol, proto);
    EXPECT_EQ(r->upper_offset, 40u);
    EXPECT_EQ(r->extension_header_count, 0u);
  }
}

TEST(Ipv6Packet, SkipsUnknownOptionWithHighBitsZeroAndPad1) {
  // DestOpt{Pad1, option 0x1e (high bits 00: skip) with 1 octet, Pad1, Pad1}.
  Bytes rest = {135, 0, 0, 0x1e, 1, 0x55, 0, 0};
  rest.insert(rest.end(), kMh8.begin(), kMh8.end());
  auto r = parse_ipv6_packet(raw_packet(60, rest));
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_FALSE(r->home_address);
  EXPECT_EQ(r->upper_protocol, 135);
}

TEST(Ipv6Packet, TrafficClassAndFlowLabelRoundTrip) {
  Ipv6PacketSpec spec;
  spec.source = addr("2001:db8::1");
  spec.destination = addr("2001:db8::2");
  spec.traffic_class = 0xb8;
  spec.flow_label = 0xabcde;
  spec.hop_limit = 7;
  spec.upper_protocol = ipproto::kNoNextHeader;
  Bytes out;
  ASSERT_TRUE(build_ipv6_packet(spec, out).ok());
  EXPECT_EQ(Bytes(out.begin(), out.begin() + 4), hex("6b8abcde"));
  auto r = parse_ipv6_packet(out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->traffic_class, 0xb8);
  EXPECT_EQ(r->flow_label, 0xabcdeu);
  EXPECT_EQ(r->hop_limit, 7);
  EXPECT_EQ(r->payload_length, 0);
  EXPECT_TRUE(r->upper_layer.empty());
}

TEST(Ipv6Packet, BuildsRoutingHeaderBeforeHaoDestinationOptions) {
  const Bytes payload = {1, 2, 3, 4, 5};
  Ipv6PacketSpec spec;
  spec.source = addr("fd00:1::1");
  spec.destination = addr("fd00:2::10");
  spec.home_address = addr("fd00:1::2");
  spec.type2_routing_home_address = addr("fd00:1::100");
  spec.upper_protocol = ipproto::kEsp;
  spec.payload = payload;
  Bytes out;
  ASSERT_TRUE(build_ipv6_packet(spec, out).ok());
  ASSERT_EQ(out.size(), 40u + 24 + 24 + 5);
  EXPECT_EQ(out[6], ipproto::kRouting);
  EXPECT_EQ(out[40], ipproto::kDestinationOptions);
  EXPECT_EQ(out[64], ipproto::kEsp);
  auto r = parse_ipv6_packet(out);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(r->effective_source(), addr("fd00:1::2"));
  EXPECT_EQ(r->effective_destination(), addr("fd00:1::100"));
  EXPECT_EQ(Bytes(r->upper_layer.begin(), r->upper_layer.end()), payload);
}

TEST(Ipv6Packet, ReusesTheCallersBuffer) {
  Bytes out;
  Bytes big(1000, 0x11), small = {0x22};
  Ipv6PacketSpec spec;
  spec.source = addr("fd00:1::1");
  spec.destination = addr("fd00:1::2");
  spec.upper_protocol = ipproto::kEsp;
  spec.payload = big;
  ASSERT_TRUE(build_ipv6_packet(spec, out).ok());
  const auto* data = out.data();
  spec.payload = small;
  ASSERT_TRUE(build_ipv6_packet(spec, out).ok());
  EXPECT_EQ(out.size(), 41u);
  EXPECT_EQ(out.data(), data);  // no reallocation when shrinking
  EXPECT_EQ(out[5], 1);
}

// ---- build errors ----------------------------------------------------------

TEST(Ipv6PacketBuild, PayloadLengthLimit) {
  Bytes payload(0xffff - 24, 0);
  Ipv6PacketSpec spec;
  spec.source = addr("fd00:2::10");
  spec.destination = addr("fd00:1::1");
  spec.home_address = addr("fd00:1::100");
  spec.upper_protocol = ipproto::kEsp;
  spec.payload = payload;
  Bytes out;
  ASSERT_TRUE(build_ipv6_packet(spec, out).ok());  // exactly 65535
  EXPECT_EQ(out[4], 0xff);
  EXPECT_EQ(out[5], 0xff);
  EXPECT_TRUE(parse_ipv6_packet(out).ok());
  payload.push_back(0);
  spec.payload = payload;
  auto s = build_ipv6_packet(spec, out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Ipv6Errc::kPayloadTooLarge);
}

TEST(Ipv6PacketBuild, FlowLabelOutOfRange) {
  Ipv6PacketSpec spec;
  spec.flow_label = 0x100000;
  Bytes out;
  auto s = build_ipv6_packet(spec, out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Ipv6Errc::kBadFieldValue);
}

TEST(Ipv6PacketBuild, RefusesNonUnicastHomeAddresses) {
  Bytes out;
  for (const char* bad : {"ff02::1", "::", "::1", "fe80::1"}) {
    Ipv6PacketSpec spec;
    spec.source = addr("fd00:2::10");
    spec.destination = addr("fd00:1::1");
    spec.home_address = addr(bad);
    auto s = build_ipv6_packet(spec, out);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, Ipv6Errc::kHomeAddressNotUnicast);
    spec.home_address.reset();
    spec.type2_routing_home_address = addr(bad);
    s = build_ipv6_packet(spec, out);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, Ipv6Errc::kHomeAddressNotUnicast);
  }
}

// ---- randomized ------------------------------------------------------------

Ipv6Address random_unicast(std::mt19937& rng) {
  Ipv6Address::Bytes b;
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  b[0] = (rng() & 1) ? 0x20 : 0xfd;  // global unicast or ULA
  return Ipv6Address(b);
}

TEST(Ipv6PacketRandom, BuildParseRoundTrip) {
  std::mt19937 rng(20240601);
  const std::uint8_t protos[] = {50, 135, 58, 59, 6, 17};
  Bytes out, payload;
  for (int i = 0; i < 3000; ++i) {
    Ipv6PacketSpec spec;
    spec.source = random_unicast(rng);
    spec.destination = random_unicast(rng);
    spec.hop_limit = static_cast<std::uint8_t>(rng());
    spec.traffic_class = static_cast<std::uint8_t>(rng());
    spec.flow_label = rng() & 0xfffff;
    if (rng() & 1) spec.home_address = random_unicast(rng);
    if (rng() & 1) spec.type2_routing_home_address = random_unicast(rng);
    spec.upper_protocol = protos[rng() % std::size(protos)];
    payload.resize(rng() % 300);
    for (auto& x : payload) x = static_cast<std::uint8_t>(rng());
    spec.payload = payload;
    ASSERT_TRUE(build_ipv6_packet(spec, out).ok());
    ASSERT_EQ(out.size(), ipv6_packet_size(spec));

    auto r = parse_ipv6_packet(out);
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(r->source, spec.source);
    EXPECT_EQ(r->destination, spec.destination);
    EXPECT_EQ(r->hop_limit, spec.hop_limit);
    EXPECT_EQ(r->traffic_class, spec.traffic_class);
    EXPECT_EQ(r->flow_label, spec.flow_label);
    EXPECT_EQ(r->home_address, spec.home_address);
    EXPECT_EQ(r->type2_routing.has_value(), spec.type2_routing_home_address.has_value());
    if (r->type2_routing) {
      EXPECT_EQ(r->type2_routing->home_address, *spec.type2_routing_home_address);
    }
    EXPECT_EQ(r->effective_source(), spec.effective_source());
    EXPECT_EQ(r->effective_destination(), spec.effective_destination());
    EXPECT_EQ(r->upper_protocol, spec.upper_protocol);
    EXPECT_EQ(Bytes(r->upper_layer.begin(), r->upper_layer.end()), payload);

    // Every proper prefix is refused with the right name, never read past.
    const std::size_t cut = rng() % out.size();
    Bytes prefix(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(cut));
    auto t = parse_ipv6_packet(prefix);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code,
              cut < kIpv6HeaderSize ? Ipv6Errc::kTruncatedHeader : Ipv6Errc::kTruncatedPayload);
  }
}

TEST(Ipv6PacketRandom, MutatedPacketsNeverCrashAndStayInBounds) {
  std::mt19937 rng(7);
  const Bytes seeds[] = {hex(kBuHex), hex(kBaRh2Hex), hex(kBaRh2EspHex), hex(kBuHaoEspHex),
                         hex(kHbhHaoBuHex)};
  int ok = 0, failed = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes b = seeds[rng() % std::size(seeds)];
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
    if (rng() % 4 == 0) b.resize(rng() % (b.size() + 1));
    auto r = parse_ipv6_packet(b);
    if (!r.ok()) {
      ++failed;
      EXPECT_LE(r.error().offset, b.size());
      continue;
    }
    ++ok;
    EXPECT_EQ(r->upper_offset + r->upper_layer.size(), kIpv6HeaderSize + r->payload_length);
    EXPECT_LE(kIpv6HeaderSize + r->payload_length, b.size());
    EXPECT_EQ(r->upper_layer.data(), b.data() + r->upper_offset);
  }
  EXPECT_GT(ok, 0);
  EXPECT_GT(failed, 0);
}

}  // namespace
}  // namespace mip6
