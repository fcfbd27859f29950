// Tests of mip6/ipv6_packet: one test per malformed case, each with its
// named error and byte offset.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "mip6/ipv6_packet.h"
#include "tests/mip6/ipv6_test_vectors.h"

namespace mip6 {
namespace {

using namespace ipv6_test;  // NOLINT: test vectors and helpers

Ipv6Error parse_error(const Bytes& b) {
  auto r = parse_ipv6_packet(b);
  EXPECT_FALSE(r.ok());
  return r.ok() ? Ipv6Error{Ipv6Errc::kBadFieldValue, 99999} : r.error();
}

// ---- one test per malformed case ------------------------------------------

TEST(Ipv6PacketMalformed, TruncatedHeader) {
  EXPECT_EQ(parse_error(Bytes{}), (Ipv6Error{Ipv6Errc::kTruncatedHeader, 0}));
  Bytes b = hex(kBuHex);
  b.resize(39);
  EXPECT_EQ(parse_error(b), (Ipv6Error{Ipv6Errc::kTruncatedHeader, 39}));
}

TEST(Ipv6PacketMalformed, BadVersion) {
  Bytes b = hex(kBuHex);
  b[0] = 0x45;
  EXPECT_EQ(parse_error(b), (Ipv6Error{Ipv6Errc::kBadVersion, 0}));
}

TEST(Ipv6PacketMalformed, PayloadLengthBeyondBuffer) {
  Bytes b = hex(kBuHex);
  b.pop_back();
  EXPECT_EQ(parse_error(b), (Ipv6Error{Ipv6Errc::kTruncatedPayload, 4}));
}

TEST(Ipv6PacketMalformed, TruncatedExtensionHeader) {
  // Only the Next Header octet of the DestOpt fits in the payload.
  EXPECT_EQ(parse_error(raw_packet(60, {135})),
            (Ipv6Error{Ipv6Errc::kTruncatedExtensionHeader, 40}));
  // Hdr Ext Len says 16 octets, 8 present.
  EXPECT_EQ(parse_error(raw_packet(60, {135, 1, 1, 4, 0, 0, 0, 0})),
            (Ipv6Error{Ipv6Errc::kTruncatedExtensionHeader, 41}));
  // The HAO header of the golden BU cut by a Payload Length of 20.
  Bytes b = hex(kBuHex);
  b[5] = 20;
  EXPECT_EQ(parse_error(b), (Ipv6Error{Ipv6Errc::kTruncatedExtensionHeader, 41}));
}

TEST(Ipv6PacketMalformed, HopByHopNotFirst) {
  Bytes rest = {0, 0, 1, 4, 0, 0, 0, 0, 135, 0, 1, 4, 0, 0, 0, 0};
  EXPECT_EQ(parse_error(raw_packet(60, rest)), (Ipv6Error{Ipv6Errc::kHopByHopNotFirst, 48}));
}

TEST(Ipv6PacketMalformed, TooManyExtensionHeaders) {
  Bytes rest;
  for (int i = 0; i < 9; ++i) append(rest, {60, 0, 1, 4, 0, 0, 0, 0});
  rest[8 * 8] = 135;
  EXPECT_EQ(parse_error(raw_packet(60, rest)),
            (Ipv6Error{Ipv6Errc::kTooManyExtensionHeaders, 40 + 8 * 8}));
  // Eight is fine.
  rest.resize(8 * 8);
  rest[7 * 8] = 59;
  auto r = parse_ipv6_packet(raw_packet(60, rest));
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(r->extension_header_count, 8u);
}

TEST(Ipv6PacketMalformed, TruncatedOption) {
  // PadN claims 7 data octets, 4 remain in the header.
  EXPECT_EQ(parse_error(raw_packet(60, {59, 0, 0, 0, 1, 7, 0, 0})),
            (Ipv6Error{Ipv6Errc::kTruncatedOption, 45}));
  // PadN one octet longer than the header (data would end at 49 > 48).
  EXPECT_EQ(parse_error(raw_packet(60, {59, 0, 1, 5, 0, 0, 0, 0})),
            (Ipv6Error{Ipv6Errc::kTruncatedOption, 43}));
  // Exactly filling the header is fine.
  EXPECT_TRUE(parse_ipv6_packet(raw_packet(60, {59, 0, 1, 4, 0, 0, 0, 0})).ok());
  // A non-Pad1 option type in the last octet, with no length octet.
  EXPECT_EQ(parse_error(raw_packet(60, {59, 0, 1, 3, 0, 0, 0, 1})),
            (Ipv6Error{Ipv6Errc::kTruncatedOption, 47}));
}

TEST(Ipv6PacketMalformed, UnrecognizedOptionThatMustNotBeSkipped) {
  for (std::uint8_t type : {0x5e, 0x9e, 0xde}) {  // high bits 01, 10, 11
    EXPECT_EQ(parse_error(raw_packet(60, {59, 0, type, 4, 0, 0, 0, 0})),
              (Ipv6Error{Ipv6Errc::kUnrecognizedOption, 42}))
        << int(type);
    EXPECT_EQ(parse_error(raw_packet(0, {59, 0, type, 4, 0, 0, 0, 0})),
              (Ipv6Error{Ipv6Errc::kUnrecognizedOption, 42}));
  }
  EXPECT_EQ(to_string(Ipv6Errc::kUnrecognizedOption),
            "unrecognized option that must not be skipped");
}

TEST(Ipv6PacketMalformed, HomeAddressOptionInHopByHopIsUnrecognized) {
  Bytes rest = hao_destopts(135, addr("fd00:1::100"));
  rest.insert(rest.end(), kMh8.begin(), kMh8.end());
  EXPECT_EQ(parse_error(raw_packet(0, rest)), (Ipv6Error{Ipv6Errc::kUnrecognizedOption, 46}));
}

TEST(Ipv6PacketMalformed, BadHomeAddressOptionLength) {
  // HAO with length 14 at offset 6, then PadN(0) to fill 24 octets.
  Bytes rest = {59, 2, 1, 2, 0, 0, 0xc9, 14};
  append(rest, addr("fd00:1::100"));
  rest.resize(22);
  append(rest, {1, 0});
  EXPECT_EQ(parse_error(raw_packet(60, rest)),
            (Ipv6Error{Ipv6Errc::kBadHomeAddressOptionLength, 47}));
}

TEST(Ipv6PacketMalformed, MisalignedHomeAddressOption) {
  Bytes rest = {59, 2, 0xc9, 16};
  append(rest, addr("fd00:1::100"));
  append(rest, {1, 2, 0, 0});
  EXPECT_EQ(parse_error(raw_packet(60, rest)),
            (Ipv6Error{Ipv6Errc::kMisalignedHomeAddressOption, 42}));
}

TEST(Ipv6PacketMalformed, DuplicateHomeAddressOption) {
  // Two HAOs in one header: PadN(2) HAO PadN(4) HAO, 48 octets.
  Bytes rest = {59, 5, 1, 2, 0, 0, 0xc9, 16};
  append(rest, addr("fd00:1::100"));
  append(rest, {1, 4, 0, 0, 0, 0, 0xc9, 16});
  append(rest, addr("fd00:1::101"));
  ASSERT_EQ(rest.size(), 48u);
  EXPECT_EQ(parse_error(raw_packet(60, rest)),
            (Ipv6Error{Ipv6Errc::kDuplicateHomeAddressOption, 70}));
  // One in each of two Destination Options headers.
  Bytes two = hao_destopts(60, addr("fd00:1::100"));
  Bytes second = hao_destopts(59, addr("fd00:1::101"));
  two.insert(two.end(), second.begin(), second.end());
  EXPECT_EQ(parse_error(raw_packet(60, two)),
            (Ipv6Error{Ipv6Errc::kDuplicateHomeAddressOption, 40 + 24 + 6}));
}

TEST(Ipv6PacketMalformed, HomeAddressOptionBeforeRoutingHeader) {
  Bytes rest = hao_destopts(43, addr("fd00:1::100"));
  Bytes r = rh2(59, addr("fd00:1::101"));
  rest.insert(rest.end(), r.begin(), r.end());
  EXPECT_EQ(parse_error(raw_packet(60, rest)),
            (Ipv6Error{Ipv6Errc::kHomeAddressOptionBeforeRoutingHeader, 64}));
}

TEST(Ipv6PacketMalformed, HomeAddressNotUnicast) {
  for (const char* bad : {"ff02::1", "::", "::1", "fe80::1"}) {
    EXPECT_EQ(parse_error(raw_packet(60, hao_destopts(59, addr(bad)))),
              (Ipv6Error{Ipv6Errc::kHomeAddressNotUnicast, 48}))
        << bad;
    EXPECT_EQ(parse_error(raw_packet(43, rh2(59, addr(bad)))),
              (Ipv6Error{Ipv6Errc::kHomeAddressNotUnicast, 48}))
        << bad;
  }
}

TEST(Ipv6PacketMalformed, UnsupportedRoutingType) {
  for (std::uint8_t type : {0, 3, 4, 253}) {
    for (std::uint8_t segleft : {0, 1}) {
      Bytes rest = rh2(59, addr("fd00:1::100"), segleft);
      rest[2] = type;
      EXPECT_EQ(parse_error(raw_packet(43, rest)),
                (Ipv6Error{Ipv6Errc::kUnsupportedRoutingType, 42}));
    }
  }
}

TEST(Ipv6PacketMalformed, BadType2RoutingLength) {
  Bytes rest = rh2(59, addr("fd00:1::100"));
  rest[1] = 4;  // 40 octets: two addresses
  rest.resize(40, 0);
  EXPECT_EQ(parse_error(raw_packet(43, rest)), (Ipv6Error{Ipv6Errc::kBadType2RoutingLength, 41}));
  Bytes shorter = {59, 0, 2, 1, 0, 0, 0, 0};  // no room for an address
  EXPECT_EQ(parse_error(raw_packet(43, shorter)),
            (Ipv6Error{Ipv6Errc::kBadType2RoutingLength, 41}));
}

TEST(Ipv6PacketMalformed, BadType2SegmentsLeft) {
  for (std::uint8_t segleft : {2, 255})
    EXPECT_EQ(parse_error(raw_packet(43, rh2(59, addr("fd00:1::100"), segleft))),
              (Ipv6Error{Ipv6Errc::kBadType2SegmentsLeft, 43}));
}

TEST(Ipv6PacketMalformed, DuplicateRoutingHeader) {
  Bytes rest = rh2(43, addr("fd00:1::100"));
  Bytes second = rh2(59, addr("fd00:1::101"));
  rest.insert(rest.end(), second.begin(), second.end());
  EXPECT_EQ(parse_error(raw_packet(43, rest)),
            (Ipv6Error{Ipv6Errc::kDuplicateExtensionHeader, 64}));
}

TEST(Ipv6PacketMalformed, FragmentUnsupported) {
  EXPECT_EQ(parse_error(raw_packet(44, {135, 0, 0, 1, 0, 0, 0, 1})),
            (Ipv6Error{Ipv6Errc::kFragmentUnsupported, 40}));
  Bytes rest = hao_destopts(44, addr("fd00:1::100"));
  append(rest, {135, 0, 0, 1, 0, 0, 0, 1});
  EXPECT_EQ(parse_error(raw_packet(60, rest)), (Ipv6Error{Ipv6Errc::kFragmentUnsupported, 64}));
}

TEST(Ipv6PacketMalformed, UnsupportedExtensionHeader) {
  for (std::uint8_t nh : {51, 139, 140, 253, 254})
    EXPECT_EQ(parse_error(raw_packet(nh, kMh8)),
              (Ipv6Error{Ipv6Errc::kUnsupportedExtensionHeader, 40}));
}

TEST(Ipv6PacketErrors, EveryCodeHasADistinctName) {
  std::set<std::string_view> names;
  for (int c = 0; c <= static_cast<int>(Ipv6Errc::kBadFieldValue); ++c) {
    auto name = to_string(static_cast<Ipv6Errc>(c));
    EXPECT_NE(name, "unknown IPv6 error");
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(Ipv6Errc::kBadFieldValue) + 1);
  EXPECT_EQ(to_string(Ipv6Error{Ipv6Errc::kBadVersion, 0}), "IP version is not 6 at offset 0");
}

}  // namespace
}  // namespace mip6
