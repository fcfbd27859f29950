// Known-answer tests: every message and option against byte strings written
// from the RFC layouts (protocol-notes §2-§5), in both directions, plus the
// scapy/Wireshark-checked vectors of interop.md §1.3 with their checksums.
#include <gtest/gtest.h>

#include "mip6/mh_checksum.h"
#include "mip6/mh_codec.h"
#include "tests/mip6/mh_test_util.h"

namespace mip6 {
namespace {

using test::addr;
using test::hex;
using test::to_hex;

// Decodes `wire` and compares with `expected`; encodes `expected` and
// compares with `wire` (checksum field zero unless src/dst are given).
void both_ways(const std::string& wire_hex, const MobilityMessage& expected,
               const HarpNumbers& harp = {}) {
  const auto wire = hex(wire_hex);
  auto d = decode_mobility_header(wire, harp);
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->message, expected) << message_name(expected);
  EXPECT_EQ(d->header.mh_type, mh_type_of(expected, harp));
  EXPECT_EQ(d->header.length(), wire.size());
  std::vector<std::uint8_t> out;
  auto s = encode_mobility_header(expected, out, harp);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(to_hex(out), to_hex(wire)) << message_name(expected);
}

// ---- interop.md §1.3 vectors (scapy-built, Wireshark-decoded) ------------

TEST(MhGolden, BindingUpdateWithAltCoaAndChecksum) {
  const auto wire = hex("3b030500f28f0007d000009601000310fd000002000000000000000000000010");
  BindingUpdate bu{
      SequenceNumber(7),
      BindingUpdate::kAck | BindingUpdate::kHomeRegistration | BindingUpdate::kKeyManagement,
      150,
      {}};
  bu.options.alternate_care_of_address = addr("fd00:2::10");
  auto d = decode_mobility_header(wire);
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->message, MobilityMessage(bu));
  EXPECT_EQ(d->header.checksum, 0xf28f);
  EXPECT_EQ(std::get<BindingUpdate>(d->message).lifetime_seconds(), 600u);
  // HoA (from the HAO) as source, RFC 6275 §6.1.1 / §6.3.
  EXPECT_TRUE(verify_mh_checksum(wire, addr("fd00:1::100"), addr("fd00:1::1")));
  EXPECT_EQ(mh_checksum(wire, addr("fd00:1::100"), addr("fd00:1::1")), 0xf28f);
  // With the care-of address as source the sum differs (interop.md §1.2: 0xf37e).
  EXPECT_FALSE(verify_mh_checksum(wire, addr("fd00:2::10"), addr("fd00:1::1")));
  EXPECT_EQ(mh_checksum(wire, addr("fd00:2::10"), addr("fd00:1::1")), 0xf37e);

  std::vector<std::uint8_t> out;
  ASSERT_TRUE(encode_mobility_header(bu, addr("fd00:1::100"), addr("fd00:1::1"), out));
  EXPECT_EQ(to_hex(out), to_hex(wire));
}

TEST(MhGolden, HomeAgentSwitchWithChecksum) {
  const auto wire =
      hex("3b040c00c22d0200 fd000001000000000000000000000002 fd000001000000000000000000000003");
  HomeAgentSwitch has{{addr("fd00:1::2"), addr("fd00:1::3")}, {}};
  auto d = decode_mobility_header(wire);
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->message, MobilityMessage(has));
  EXPECT_TRUE(verify_mh_checksum(wire, addr("fd00:1::1"), addr("fd00:2::10")));
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(encode_mobility_header(has, addr("fd00:1::1"), addr("fd00:2::10"), out));
  EXPECT_EQ(to_hex(out), to_hex(wire));
}

TEST(MhGolden, HeartbeatRequestAndResponseWithChecksum) {
  const auto req = hex("3b010d00b858000001020304 01020000");
  Heartbeat hb{0, 0x01020304, {}};
  both_ways("3b010d000000000001020304 01020000", hb);
  EXPECT_TRUE(verify_mh_checksum(req, addr("fd00:1::1"), addr("fd00:1::2")));
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(encode_mobility_header(hb, addr("fd00:1::1"), addr("fd00:1::2"), out));
  EXPECT_EQ(to_hex(out), to_hex(req));
  // The response differs only in R and so in the checksum (interop.md §2.1: 0xb857).
  hb.flags = Heartbeat::kResponse;
  out.clear();
  ASSERT_TRUE(encode_mobility_header(hb, addr("fd00:1::2"), addr("fd00:1::1"), out));
  EXPECT_EQ(to_hex(out),
            "3b010d00b857000101020304"
            "01020000");
}

// ---- RFC 6275 messages ----------------------------------------------------

TEST(MhGolden, BindingRefreshRequest) {
  both_ways("3b 00 00 00 0000 0000", BindingRefreshRequest{});
}

TEST(MhGolden, BindingUpdateWithoutOptionsGetsPadN4) {
  // Fixed part 12 octets + PadN(4) = 16, Header Len 1 (protocol-notes §2.4).
  both_ways("3b 01 05 00 0000 | 0009 | c000 | 0096 | 01 02 00 00",
            BindingUpdate{SequenceNumber(9), 0xc000, 150, {}});
}

TEST(MhGolden, BindingUpdateDeregistrationAllFlags) {
  both_ways("3b 01 05 00 0000 | ffff | ffc0 | 0000 | 01 02 00 00",
            BindingUpdate{SequenceNumber(0xffff), 0xffc0, 0, {}});
}

TEST(MhGolden, BindingUpdateNonceIndicesAndAuthData) {
  // NI (2n) at 12..18; BAD (8n+2) fits at 18 with no padding, ends at 32 (RFC 6275 §6.2.6-7).
  BindingUpdate bu{SequenceNumber(1), BindingUpdate::kAck, 7, {}};
  bu.options.nonce_indices = NonceIndices{1, 2};
  bu.options.binding_authorization_data = hex("000102030405060708090a0b");
  both_ways(
      "3b 03 05 00 0000 | 0001 | 8000 | 0007 | 04 04 0001 0002 | 05 0c 000102030405060708090a0b",
      bu);
}

TEST(MhGolden, BindingUpdateMobileNetworkPrefix) {
  // RFC 3963 §4.3: MNP (8n+4) directly at 12; R flag 0x0400.
  BindingUpdate bu{SequenceNumber(2), 0xc400, 300, {}};
  bu.options.mobile_network_prefixes.push_back({64, addr("2001:db8:1::")});
  both_ways("3b 03 05 00 0000 | 0002 | c400 | 012c | 06 12 00 40 20010db8000100000000000000000000",
            bu);
}

TEST(MhGolden, BindingUpdateMobileNodeIdentifier) {
  // RFC 4283 §3: no alignment; 17 octets at 12, PadN(3) tail to 32.
  BindingUpdate bu{SequenceNumber(3), 0xc000, 1, {}};
  const std::string nai = "mn@example.com";
  bu.options.mobile_node_identifier = MobileNodeIdentifier{1, {nai.begin(), nai.end()}};
  both_ways(
      "3b 03 05 00 0000 | 0003 | c000 | 0001 | 08 0f 01 6d6e406578616d706c652e636f6d | 01 01 00",
      bu);
}

TEST(MhGolden, BindingUpdateVendorSpecific) {
  // RFC 5094 §3, placed at 4n+2: PadN(2) at 12, option at 14, Pad1 tail.
  BindingUpdate bu{SequenceNumber(4), 0xc000, 1, {}};
  bu.options.vendor_specific.push_back({0x00001234, 1, {0xaa, 0xbb}});
  both_ways("3b 02 05 00 0000 | 0004 | c000 | 0001 | 01 00 | 13 07 00001234 01 aabb | 00", bu);
}

TEST(MhGolden, BindingUpdateIpv4HomeAndCareOfAddress) {
  // RFC 5555 §3.1.1 / §3.1.3 (4n): prefix-len 24 and P in the first 16 bits.
  BindingUpdate bu{SequenceNumber(5), 0xc100, 1, {}};
  bu.options.ipv4_home_address = Ipv4HomeAddress{24, true, {192, 0, 2, 1}};
  bu.options.ipv4_care_of_address = Ipv4CareOfAddress{{198, 51, 100, 1}};
  both_ways(
      "3b 03 05 00 0000 | 0005 | c100 | 0001 | 1d 06 6200 c0000201 | 20 06 0000 c6336401 |"
      " 01 02 0000",
      bu);
}

TEST(MhGolden, BindingAcknowledgementWithRefreshAdvice) {
  // RFC 6275 §6.1.8 + BRA (2n) at 12: Header Len 1.
  BindingAcknowledgement ba{0, BindingAcknowledgement::kKeyManagement, SequenceNumber(7), 150, {}};
  ba.options.binding_refresh_advice = 60;
  both_ways("3b 01 06 00 0000 | 00 80 | 0007 | 0096 | 02 02 003c", ba);
}

TEST(MhGolden, BindingAcknowledgementRejected) {
  both_ways("3b 01 06 00 0000 | 87 00 | 0010 | 0000 | 01 02 0000",
            BindingAcknowledgement{135, 0, SequenceNumber(16), 0, {}});
}

TEST(MhGolden, BindingError) {
  both_ways("3b 02 07 00 0000 | 02 00 | fd000001000000000000000000000100",
            BindingError{BindingError::kUnrecognizedMhType, addr("fd00:1::100"), {}});
}

TEST(MhGolden, HomeAgentSwitchEmptyList) {
  both_ways("3b 00 0c 00 0000 00 00", HomeAgentSwitch{});
}

TEST(MhGolden, HeartbeatWithRestartCounter) {
  // RFC 5847 §5.2 (4n+2): PadN(2) at 12, RC at 14..20, PadN(4) tail.
  Heartbeat hb{Heartbeat::kResponse, 0x01020304, {}};
  hb.options.restart_counter = 5;
  both_ways("3b 02 0d 00 0000 00 01 01020304 | 01 00 | 1c 04 00000005 | 01 02 0000", hb);
}

// ---- HARP [D] messages (protocol-notes §5.3) -----------------------------

TEST(MhGolden, HaHello) {
  both_ways("3b 01 c8 00 0000 | 0005 | 0064 | 0003 | 03e8 | 01 | 80",
            HaHello{SequenceNumber(5), 100, 3, 1000, 1, HaHello::kActive, {}});
}

TEST(MhGolden, HaHelloNegativePreferenceAndPrefixOption) {
  // MH IPv6 Address/Prefix (RFC 5568 §6.4.1) at 8n+4 [D]: PadN(4) at 16, option at 20.
  HaHello h{SequenceNumber(0xfffe), -2, 0, 100, 7, HaHello::kReplyRequested, {}};
  h.options.ipv6_address_prefixes.push_back({4, 64, addr("fd00:1::")});
  both_ways(
      "3b 04 c8 00 0000 | fffe | fffe | 0000 | 0064 | 07 | 40 | 01 02 0000 |"
      " 22 12 04 40 fd000001000000000000000000000000",
      h);
}

TEST(MhGolden, StateSynchronizationReplyWithBci) {
  // BCI (4n) at 12, 40 octets; PadN(4) tail: 56 octets, Header Len 6.
  StateSynchronization s{SyncType::kReply,
                         StateSynchronization::kAckRequested | StateSynchronization::kFullDump,
                         0x0102,
                         1,
                         {}};
  s.options.binding_cache_information.push_back(
      {0xd000, SequenceNumber(7), 150, addr("fd00:1::100"), addr("fd00:2::10"), {}});
  both_ways(
      "3b 06 c9 00 0000 | 01 c0 0102 01 00 |"
      " c8 26 d000 0007 0096 fd000001000000000000000000000100"
      " fd000002000000000000000000000010 | 01 02 0000",
      s);
}

TEST(MhGolden, StateSynchronizationBciWithMobileNetworkPrefixSubOption) {
  // Sub-options start at 52 = 8n+4, where the MNP already sits aligned.
  StateSynchronization s{SyncType::kReply, 0, 9, 2, {}};
  BindingCacheInformation b{0xc400, SequenceNumber(1), 10, addr("fd00:1::100"), addr("fd00:2::10"),
                            {}};
  b.sub_options.mobile_network_prefixes.push_back({48, addr("fd00:3::")});
  s.options.binding_cache_information.push_back(b);
  both_ways(
      "3b 08 c9 00 0000 | 01 00 0009 02 00 |"
      " c8 3a c400 0001 000a fd000001000000000000000000000100"
      " fd000002000000000000000000000010 | 06 12 00 30 fd000003000000000000000000000000",
      s);
}

TEST(MhGolden, StateSynchronizationRequestAndAck) {
  both_ways("3b 01 c9 00 0000 | 00 00 0001 01 00 | 01 02 0000",
            StateSynchronization{SyncType::kRequest, 0, 1, 1, {}});
  both_ways("3b 01 c9 00 0000 | 02 00 0001 01 00 | 01 02 0000",
            StateSynchronization{SyncType::kAck, 0, 1, 1, {}});
}

TEST(MhGolden, HaControl) {
  both_ways("3b 01 ca 00 0000 | 01 00 0033 01 00 | 01 02 0000",
            HaControl{ControlType::kSwitchOverRequest, 0, 0x33, 1, {}});
  both_ways("3b 01 ca 00 0000 | 04 84 0033 01 00 | 01 02 0000",
            HaControl{ControlType::kSwitchBackReply, 132, 0x33, 1, {}});
}

TEST(MhGolden, HarpNumbersAreConfigurable) {
  HarpNumbers harp{.hello = 240, .sync = 241, .control = 242, .bci_option = 250};
  ASSERT_TRUE(harp.valid());
  both_ways("3b 01 f0 00 0000 | 0005 | 0064 | 0003 | 03e8 | 01 | 80",
            HaHello{SequenceNumber(5), 100, 3, 1000, 1, HaHello::kActive, {}}, harp);
  StateSynchronization s{SyncType::kReply, 0, 1, 1, {}};
  s.options.binding_cache_information.push_back(
      {0, SequenceNumber(0), 0, addr("fd00:1::100"), addr("::"), {}});
  both_ways(
      "3b 06 f1 00 0000 | 01 00 0001 01 00 |"
      " fa 26 0000 0000 0000 fd000001000000000000000000000100"
      " 00000000000000000000000000000000 | 01 02 0000",
      s, harp);
  // With the defaults, 240 is not a known MH type.
  auto d = decode_mobility_header(hex("3b 01 f0 00 0000 0005 0064 0003 03e8 01 80"));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), (MhError{MhErrc::kUnknownMhType, 2}));
  EXPECT_FALSE((HarpNumbers{.hello = 5}).valid());
  EXPECT_FALSE((HarpNumbers{.hello = 201}).valid());
  EXPECT_TRUE(HarpNumbers{}.valid());
}

// ---- decoder-only vectors: padding, unknown options -----------------------

TEST(MhGolden, DecodesPad1AndNonZeroPadN) {
  // Four Pad1 instead of PadN(4); PadN data need not be zero on receive.
  both_ways("3b 01 05 00 0000 0001 8000 0010 01 02 0000",
            BindingUpdate{SequenceNumber(1), 0x8000, 16, {}});
  auto d = decode_mobility_header(hex("3b 01 05 00 0000 0001 8000 0010 00 00 00 00"));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->message, MobilityMessage(BindingUpdate{SequenceNumber(1), 0x8000, 16, {}}));
  d = decode_mobility_header(hex("3b 01 05 00 0000 0001 8000 0010 01 02 ffff"));
  ASSERT_TRUE(d);
}

TEST(MhGolden, UnknownOptionsAreSkippedAndKeptWithOffset) {
  // Unknown type 0xa0 at 12, then BRA at 17 (unaligned on purpose: receivers
  // do not enforce alignment).
  auto d = decode_mobility_header(
      hex("3b 02 06 00 0000 00 00 0001 0010 | a0 03 010203 | 02 02 0005 | 00 00 00"));
  ASSERT_TRUE(d) << d.error().to_string();
  const auto& ba = std::get<BindingAcknowledgement>(d->message);
  ASSERT_EQ(ba.options.unknown.size(), 1u);
  EXPECT_EQ(ba.options.unknown[0].type, 0xa0);
  EXPECT_EQ(ba.options.unknown[0].data, hex("010203"));
  EXPECT_EQ(ba.options.unknown[0].offset, 12u);
  EXPECT_EQ(ba.options.binding_refresh_advice, 5);
  // Re-encoded: BRA first at its 2n position, the unknown option after it.
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(encode_mobility_header(ba, out));
  EXPECT_EQ(to_hex(out),
            to_hex(hex("3b 02 06 00 0000 00 00 0001 0010 | 02 02 0005 | a0 03 010203 | 01 01 00")));
}

TEST(MhGolden, AuthDataMayBeFollowedByPaddingOnly) {
  auto d =
      decode_mobility_header(hex("3b 02 05 00 0000 0001 8000 0001 05 04 01020304 00 01 03 000000"));
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(std::get<BindingUpdate>(d->message).options.binding_authorization_data,
            hex("01020304"));
}

TEST(MhGolden, OptionsInsideBciSubOptionsKeepUnknown) {
  // A BCI whose sub-options hold an unknown type and a PadN.
  auto d = decode_mobility_header(
      hex("3b 07 c9 00 0000 01 00 0001 01 00 |"
          " c8 32 0000 0000 0000 fd000001000000000000000000000100 00000000000000000000000000000000"
          " | 99 02 abcd | 01 06 000000000000"));
  ASSERT_TRUE(d) << d.error().to_string();
  const auto& s = std::get<StateSynchronization>(d->message);
  ASSERT_EQ(s.options.binding_cache_information.size(), 1u);
  const auto& sub = s.options.binding_cache_information[0].sub_options;
  ASSERT_EQ(sub.unknown.size(), 1u);
  EXPECT_EQ(sub.unknown[0].type, 0x99);
  EXPECT_EQ(sub.unknown[0].offset, 52u);
}

}  // namespace
}  // namespace mip6
