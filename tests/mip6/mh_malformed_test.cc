// Every malformed-input case of the decoder, and every encoder refusal, gives
// its named error and byte offset (RFC 6275 §6.1.1, §6.2, §9.2; RFC 5142 §4).
#include <gtest/gtest.h>

#include <set>

#include "mip6/mh_codec.h"
#include "tests/mip6/mh_test_util.h"

namespace mip6 {
namespace {

using test::addr;
using test::hex;

void expect_error(const std::string& wire_hex, MhErrc code, std::size_t offset,
                  const HarpNumbers& harp = {}) {
  const auto wire = hex(wire_hex);
  auto d = decode_mobility_header(wire, harp);
  ASSERT_FALSE(d) << "decoded: " << wire_hex;
  EXPECT_EQ(to_string(d.error().code), to_string(code)) << wire_hex;
  EXPECT_EQ(d.error().offset, offset) << wire_hex;
}

// A BU header (16 octets, Header Len 1) followed by the given option octets.
std::string bu16(const std::string& options) {
  return "3b 01 05 00 0000 0001 8000 0001 " + options;
}
std::string bu24(const std::string& options) {
  return "3b 02 05 00 0000 0001 8000 0001 " + options;
}
std::string bu32(const std::string& options) {
  return "3b 03 05 00 0000 0001 8000 0001 " + options;
}

TEST(MhMalformed, Truncated) {
  expect_error("", MhErrc::kTruncated, 0);
  expect_error("3b", MhErrc::kTruncated, 1);
  expect_error("3b 00 00 00 0000 00", MhErrc::kTruncated, 7);
}

TEST(MhMalformed, LengthNotMultipleOf8) {
  expect_error("3b 01 05 00 0000 0001 8000 0001", MhErrc::kLengthNotMultipleOf8, 8);
  expect_error("3b 00 00 00 0000 0000 00", MhErrc::kLengthNotMultipleOf8, 8);
}

TEST(MhMalformed, TooLong) {
  std::vector<std::uint8_t> big(2056, 0);
  big[0] = 59;
  big[1] = 255;
  auto d = decode_mobility_header(big);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), (MhError{MhErrc::kTooLong, 2048}));
}

TEST(MhMalformed, PayloadProtoOtherThan59) {
  // RFC 6275 §9.2: Parameter Problem pointing at offset 0.
  expect_error("06 00 00 00 0000 0000", MhErrc::kBadPayloadProto, 0);
  expect_error("3a 01 05 00 0000 0001 8000 0001 01020000", MhErrc::kBadPayloadProto, 0);
}

TEST(MhMalformed, HeaderLenInconsistentWithData) {
  expect_error("3b 02 05 00 0000 0001 8000 0001 01020000", MhErrc::kHeaderLenBeyondData, 1);
  // interop.md §2.1 frame 10: a Heartbeat with Header Len 4 in 16 octets.
  expect_error("3b 04 0d 00 0000 0000 01020304 01020000", MhErrc::kHeaderLenBeyondData, 1);
  expect_error("3b 00 00 00 0000 0000 0000000000000000", MhErrc::kDataBeyondHeaderLen, 8);
}

TEST(MhMalformed, UnknownMhType) {
  // §9.2: answered with Binding Error status 2; the offset names the type octet.
  expect_error("3b 00 63 00 0000 0000", MhErrc::kUnknownMhType, 2);
  expect_error("3b 01 01 00 0000 0000 0000000000000000", MhErrc::kUnknownMhType, 2);  // HoTI
  expect_error("3b 01 10 00 0000 0000 0000000000000000", MhErrc::kUnknownMhType, 2);
  HarpNumbers moved{.hello = 210, .sync = 211, .control = 212, .bci_option = 210};
  expect_error("3b 01 c8 00 0000 0005 0064 0003 03e8 01 80", MhErrc::kUnknownMhType, 2, moved);
}

TEST(MhMalformed, HeaderLenBelowTypeMinimum) {
  // MH-06: BU 1, BA 1, BE 2, Heartbeat 1, HARP 1.
  expect_error("3b 00 05 00 0000 0001", MhErrc::kHeaderLenTooSmall, 1);
  expect_error("3b 00 06 00 0000 0001", MhErrc::kHeaderLenTooSmall, 1);
  expect_error("3b 01 07 00 0000 0200 fd00000100000000", MhErrc::kHeaderLenTooSmall, 1);
  expect_error("3b 00 0d 00 0000 0000", MhErrc::kHeaderLenTooSmall, 1);
  expect_error("3b 00 c8 00 0000 0000", MhErrc::kHeaderLenTooSmall, 1);
  expect_error("3b 00 c9 00 0000 0000", MhErrc::kHeaderLenTooSmall, 1);
  expect_error("3b 00 ca 00 0000 0100", MhErrc::kHeaderLenTooSmall, 1);
}

TEST(MhMalformed, HomeAgentSwitchCountInconsistentWithHeaderLen) {
  // interop.md §2.1 frame 9: N = 3 with one address present (HS-01).
  expect_error("3b 02 0c 00 0000 03 00 fd000001000000000000000000000002",
               MhErrc::kHasAddressCountMismatch, 6);
  expect_error("3b 00 0c 00 0000 01 00", MhErrc::kHasAddressCountMismatch, 6);
}

TEST(MhMalformed, HarpSubtypes) {
  expect_error("3b 01 c9 00 0000 03 00 0001 01 00 01020000", MhErrc::kBadSyncType, 6);
  expect_error("3b 01 ca 00 0000 00 00 0001 01 00 01020000", MhErrc::kBadControlType, 6);
  expect_error("3b 01 ca 00 0000 05 00 0001 01 00 01020000", MhErrc::kBadControlType, 6);
}

TEST(MhMalformed, OptionTruncatedAndOverrun) {
  // MH-07: a TLV that does not fit the MH.
  expect_error(bu16("00 00 00 02"), MhErrc::kOptionTruncated, 15);
  expect_error(bu16("02 05 0000"), MhErrc::kOptionOverrun, 12);
  expect_error(bu16("01 03 0000"), MhErrc::kOptionOverrun, 12);  // PadN too
  expect_error(bu24("00 00 a0 ff 00000000 00000000"), MhErrc::kOptionOverrun, 14);
}

TEST(MhMalformed, BadLengthForFixedSizeOptions) {
  expect_error(bu16("02 01 00 00"), MhErrc::kBadOptionLength, 12);  // BRA != 2
  expect_error(bu32("03 0f 000000000000000000000000000000 00 00 00"), MhErrc::kBadOptionLength,
               12);                                                // ACoA
  expect_error(bu16("04 02 0001"), MhErrc::kBadOptionLength, 12);  // NI != 4
  expect_error(bu32("06 10 0040 0000000000000000000000000000 01 00"), MhErrc::kBadOptionLength,
               12);                                                                   // MNP
  expect_error(bu24("1c 02 0000 01 06 000000000000"), MhErrc::kBadOptionLength, 12);  // RC != 4
  expect_error(bu24("1d 04 00000000 01 04 00000000"), MhErrc::kBadOptionLength, 12);  // IPv4 HoA
  expect_error(bu24("20 05 0000000000 01 03 000000"), MhErrc::kBadOptionLength, 12);  // IPv4 CoA
  expect_error(bu32("22 11 00 40 000000000000000000000000000000 00"), MhErrc::kBadOptionLength,
               12);  // MH Addr
}

TEST(MhMalformed, BadLengthForVariableOptionsBelowMinimum) {
  expect_error(bu16("05 00 0000"), MhErrc::kBadOptionLength, 12);  // BAD without data
  expect_error(bu16("08 00 0000"), MhErrc::kBadOptionLength, 12);  // MN-ID without subtype
  expect_error(bu24("13 04 00001234 01 04 00000000"), MhErrc::kBadOptionLength, 12);  // Vendor < 5
  // BCI shorter than its 38-octet fixed part (protocol-notes §5.3.3).
  expect_error("3b 01 c9 00 0000 01 00 0001 01 00 c8 02 0000", MhErrc::kBadOptionLength, 12);
}

TEST(MhMalformed, DuplicateSingletonOptions) {
  expect_error(bu24("02 02 0001 02 02 0002 01 02 0000"), MhErrc::kDuplicateOption, 16);
  expect_error(bu24("04 04 00010002 04 04 00010002"), MhErrc::kDuplicateOption, 18);
  expect_error(bu24("1c 04 00000001 1c 04 00000002"), MhErrc::kDuplicateOption, 18);
  expect_error(bu24("08 02 01 41 08 02 01 42 01 02 0000"), MhErrc::kDuplicateOption, 16);
  expect_error(bu24("05 02 0102 05 02 0102 01 02 0000"), MhErrc::kDuplicateOption, 16);
}

TEST(MhMalformed, DuplicateAlternateCareOfAddress) {
  expect_error(
      "3b 06 05 00 0000 0001 8000 0001 01 00"
      " 03 10 fd000002000000000000000000000010 01 04 00000000"
      " 03 10 fd000002000000000000000000000011",
      MhErrc::kDuplicateOption, 38);
}

TEST(MhMalformed, RepeatableOptionsAreNotDuplicates) {
  auto d = decode_mobility_header(hex(bu32("13 05 00001234 01 13 05 00001234 02 01 04 00000000")));
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(std::get<BindingUpdate>(d->message).options.vendor_specific.size(), 2u);
}

TEST(MhMalformed, AuthDataNotLast) {
  // RFC 6275 §6.2.7: the BAD at 12 is followed by Nonce Indices.
  expect_error(bu24("05 02 0102 04 04 00010002 0000"), MhErrc::kAuthDataNotLast, 12);
  // ...or by an unknown option.
  expect_error(bu24("05 02 0102 a0 00 000000000000"), MhErrc::kAuthDataNotLast, 12);
}

TEST(MhMalformed, ErrorsInsideBciSubOptions) {
  const std::string bci_head =
      "01 00 0001 01 00 | c8 %s 0000 0000 0000 fd000001000000000000000000000100"
      " 00000000000000000000000000000000 | ";
  auto make = [&](const char* len, const std::string& hdr, const std::string& sub) {
    std::string h = bci_head;
    h.replace(h.find("%s"), 2, len);
    return hdr + h + sub;
  };
  // BCI claims 44 octets but the MH ends at 56 after 42 of them: overrun.
  expect_error(make("2c", "3b 06 c9 00 0000 ", "02 00 0000"), MhErrc::kOptionOverrun, 12);
  // Sub-option overrunning the BCI (but not the MH).
  expect_error(make("2a", "3b 06 c9 00 0000 ", "06 12 00 30"), MhErrc::kOptionOverrun, 52);
  // Bad length of a sub-option.
  expect_error(make("2a", "3b 06 c9 00 0000 ", "06 02 00 30"), MhErrc::kBadOptionLength, 52);
  // Duplicate singleton inside the BCI.
  expect_error(make("2e", "3b 07 c9 00 0000 ", "08 02 0141 08 02 0142 01 02 0000"),
               MhErrc::kDuplicateOption, 56);
}

TEST(MhMalformed, ErrorNamesAreDistinct) {
  std::set<std::string_view> names;
  for (int c = 0; c <= static_cast<int>(MhErrc::kTooManyAddresses); ++c)
    names.insert(to_string(static_cast<MhErrc>(c)));
  EXPECT_EQ(names.size(), static_cast<std::size_t>(MhErrc::kTooManyAddresses) + 1);
  EXPECT_EQ((MhError{MhErrc::kOptionOverrun, 14}).to_string(), "option-overrun at offset 14");
}

// ---- encoder refusals ------------------------------------------------------

void expect_encode_error(const MobilityMessage& m, MhErrc code, std::size_t offset) {
  std::vector<std::uint8_t> out = {1, 2, 3};
  auto s = encode_mobility_header(m, out);
  ASSERT_FALSE(s);
  EXPECT_EQ(to_string(s.error().code), to_string(code));
  EXPECT_EQ(s.error().offset, offset);
  EXPECT_EQ(out, (std::vector<std::uint8_t>{1, 2, 3}));  // left as it was
}

TEST(MhEncodeErrors, LongerThan2048) {
  HomeAgentSwitch has;
  has.addresses.assign(127, addr("fd00:1::2"));  // 8 + 16 * 127 = 2040: fits
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(encode_mobility_header(has, out));
  EXPECT_EQ(out.size(), 2040u);
  EXPECT_EQ(out[1], 254);
  has.addresses.push_back(addr("fd00:1::3"));  // 2056
  expect_encode_error(has, MhErrc::kTooLong, 2048);
  has.addresses.assign(256, addr("fd00:1::2"));
  expect_encode_error(has, MhErrc::kTooManyAddresses, 6);
  // Many BCIs (protocol-notes §5.3.2: at most 50 per SS-REP).
  StateSynchronization s{SyncType::kReply, 0, 1, 1, {}};
  s.options.binding_cache_information.assign(50, BindingCacheInformation{});
  out.clear();
  ASSERT_TRUE(encode_mobility_header(s, out));
  EXPECT_LE(out.size(), 2048u);
  s.options.binding_cache_information.push_back({});
  expect_encode_error(s, MhErrc::kTooLong, 2048);
}

TEST(MhEncodeErrors, OptionTooLong) {
  BindingUpdate bu;
  bu.options.vendor_specific.push_back({1, 1, std::vector<std::uint8_t>(251, 0)});
  expect_encode_error(bu, MhErrc::kOptionTooLong, 14);
  bu.options.vendor_specific[0].data.resize(250);  // 4 + 1 + 250 = 255: fits
  std::vector<std::uint8_t> out;
  EXPECT_TRUE(encode_mobility_header(bu, out));
  BindingUpdate bu2;
  bu2.options.unknown.push_back({0xa0, std::vector<std::uint8_t>(256, 0), 0});
  expect_encode_error(bu2, MhErrc::kOptionTooLong, 12);
}

TEST(MhEncodeErrors, NestedBciAndEmptyAuthData) {
  StateSynchronization s{SyncType::kReply, 0, 1, 1, {}};
  BindingCacheInformation outer;
  outer.sub_options.binding_cache_information.push_back({});
  s.options.binding_cache_information.push_back(outer);
  expect_encode_error(s, MhErrc::kNestedBindingCacheInfo, 52);
  BindingUpdate bu;
  bu.options.binding_authorization_data = std::vector<std::uint8_t>{};
  expect_encode_error(bu, MhErrc::kBadOptionLength, 12);
}

}  // namespace
}  // namespace mip6
