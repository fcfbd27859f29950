// Unit tests of ha-agent/ctl/decode_json: hex parsing with error offsets,
// JSON escaping, and the JSON object `ha-agentctl decode` prints for each
// message kind (exact strings, so a changed field name fails here).
#include <gtest/gtest.h>

#include "ha-agent/ctl/decode_json.h"
#include "ha-agent/ctl/json_writer.h"
#include "tests/mip6/mh_test_util.h"

namespace ha_agent::ctl {
namespace {

using mip6::test::addr;

std::string json_of(const std::string& hex_text, std::optional<PseudoHeader> pseudo = {}) {
  const auto bytes = mip6::test::hex(hex_text);  // allows '|' separators
  auto d = mip6::decode_mobility_header(bytes);
  if (!d) {
    ADD_FAILURE() << d.error().to_string();
    return {};
  }
  return decoded_to_json(*d, bytes, pseudo);
}

TEST(CtlHex, ParsesWithSeparatorsAndPrefix) {
  auto b = parse_hex("0x3b 00:00-00\n0000 0000");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->size(), 8u);
  EXPECT_EQ((*b)[0], 0x3b);
  EXPECT_EQ(to_hex(*b), "3b00000000000000");
}

TEST(CtlHex, ErrorsNameTheOffset) {
  auto b = parse_hex("3b0g");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().to_string(), "bad-hex-digit at offset 3");
  b = parse_hex("3b0");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().to_string(), "odd-hex-length at offset 2");
  b = parse_hex("3 b");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().to_string(), "odd-hex-length at offset 0");
  b = parse_hex("  ");
  ASSERT_FALSE(b);
  EXPECT_EQ(std::string(b.error().what), "empty-input");
}

TEST(CtlJson, EscapesStrings) {
  EXPECT_EQ(JsonWriter::escape("a\"b\\c\n\x01\xff"), "\"a\\\"b\\\\c\\n\\u0001\\u00ff\"");
  JsonWriter j;
  j.begin_object()
      .field("a", 1)
      .key("b")
      .begin_array()
      .value("x")
      .value(true)
      .null()
      .end_array()
      .field("c", false)
      .end_object();
  EXPECT_EQ(j.str(), R"({"a":1,"b":["x",true,null],"c":false})");
}

TEST(CtlJson, BindingUpdateWithChecksum) {
  const std::string bu = "3b030500f28f0007d000009601000310fd000002000000000000000000000010";
  EXPECT_EQ(json_of(bu, PseudoHeader{addr("fd00:1::100"), addr("fd00:1::1")}),
            R"({"mh_type":5,"message":"Binding Update","payload_proto":59,"header_len":3,)"
            R"("length":32,"checksum":"0xf28f","checksum_ok":true,"checksum_expected":"0xf28f",)"
            R"("sequence":7,"flags":"AHK","flags_raw":"0xd000","lifetime_s":600,"options":[)"
            R"({"type":3,"name":"Alternate Care-of Address","address":"fd00:2::10"}]})");
  // Care-of address as source: wrong pseudo-header, checksum_ok false.
  auto j = json_of(bu, PseudoHeader{addr("fd00:2::10"), addr("fd00:1::1")});
  EXPECT_NE(j.find(R"("checksum_ok":false,"checksum_expected":"0xf37e")"), std::string::npos) << j;
  // Without addresses: no checksum_ok.
  EXPECT_EQ(json_of(bu).find("checksum_ok"), std::string::npos);
}

TEST(CtlJson, BindingAcknowledgementAndError) {
  EXPECT_EQ(
      json_of("3b 01 06 00 0000 | 00 80 | 0007 | 0096 | 02 02 003c"),
      R"({"mh_type":6,"message":"Binding Acknowledgement","payload_proto":59,"header_len":1,)"
      R"("length":16,"checksum":"0x0000","status":0,"accepted":true,"flags":"K","sequence":7,)"
      R"("lifetime_s":600,"options":[{"type":2,"name":"Binding Refresh Advice",)"
      R"("refresh_interval_s":240}]})");
  EXPECT_EQ(
      json_of("3b 02 07 00 0000 | 02 00 | fd000001000000000000000000000100"),
      R"({"mh_type":7,"message":"Binding Error","payload_proto":59,"header_len":2,)"
      R"("length":24,"checksum":"0x0000","status":2,"home_address":"fd00:1::100","options":[]})");
}

TEST(CtlJson, HomeAgentSwitchHeartbeatBrr) {
  auto j =
      json_of("3b040c00c22d0200 fd000001000000000000000000000002 fd000001000000000000000000000003");
  EXPECT_NE(j.find(R"("message":"Home Agent Switch")"), std::string::npos) << j;
  EXPECT_NE(j.find(R"("addresses":["fd00:1::2","fd00:1::3"])"), std::string::npos) << j;
  j = json_of("3b 02 0d 00 0000 00 03 01020304 | 01 00 | 1c 04 00000005 | 01 02 0000");
  EXPECT_NE(j.find(R"("sequence":16909060,"flags":"UR")"), std::string::npos) << j;
  EXPECT_NE(j.find(R"({"type":28,"name":"Restart Counter","restart_counter":5})"),
            std::string::npos)
      << j;
  j = json_of("3b 00 00 00 0000 0000");
  EXPECT_EQ(j, R"({"mh_type":0,"message":"Binding Refresh Request","payload_proto":59,)"
               R"("header_len":0,"length":8,"checksum":"0x0000","options":[]})");
}

TEST(CtlJson, HarpMessagesAndBci) {
  auto j = json_of("3b 01 c8 00 0000 | 0005 | fffe | 0003 | 03e8 | 01 | a0");
  EXPECT_NE(j.find(R"("sequence":5,"preference":-2,"lifetime_s":3,"hello_interval_ms":1000,)"
                   R"("group_id":1,"flags":"AM")"),
            std::string::npos)
      << j;
  j = json_of(
      "3b 08 c9 00 0000 | 01 60 0009 02 00 |"
      " c8 3a c400 0001 000a fd000001000000000000000000000100"
      " fd000002000000000000000000000010 | 06 12 00 30 fd000003000000000000000000000000");
  EXPECT_NE(
      j.find(R"("sync_type":1,"sync_type_name":"SS-REP","flags":"FL","identifier":9,"group_id":2)"),
      std::string::npos)
      << j;
  EXPECT_NE(
      j.find(R"({"type":200,"name":"Binding Cache Information","flags":"AHR","sequence":1,)"
             R"("lifetime_s":40,"home_address":"fd00:1::100","care_of_address":"fd00:2::10",)"
             R"("sub_options":[{"type":6,"name":"Mobile Network Prefix","prefix":"fd00:3::/48",)"
             R"("prefix_length":48}]})"),
      std::string::npos)
      << j;
  j = json_of("3b 01 ca 00 0000 | 04 84 0033 01 00 | 01 02 0000");
  EXPECT_NE(
      j.find(R"("control_type":4,"control_type_name":"SWB-REP","status":132,"identifier":51)"),
      std::string::npos)
      << j;
}

TEST(CtlJson, OtherOptionsAndUnknown) {
  // MN-ID NAI, vendor, unknown with offset, BAD last.
  auto j = json_of(
      "3b 06 05 00 0000 0003 c000 0001 | 08 0f 01 6d6e406578616d706c652e636f6d |"
      " 13 07 00001234 01 aabb | a0 02 0102 | 05 0c 000102030405060708090a0b");
  EXPECT_NE(j.find(R"({"type":8,"name":"Mobile Node Identifier","subtype":1,)"
                   R"("identifier":"6d6e406578616d706c652e636f6d","nai":"mn@example.com"})"),
            std::string::npos)
      << j;
  EXPECT_NE(
      j.find(R"({"type":19,"name":"Vendor Specific","vendor_id":4660,"sub_type":1,"data":"aabb"})"),
      std::string::npos)
      << j;
  EXPECT_NE(j.find(R"({"type":160,"name":"Unknown","offset":38,"data":"0102"})"), std::string::npos)
      << j;
  EXPECT_NE(
      j.find(
          R"({"type":5,"name":"Binding Authorization Data","authenticator":"000102030405060708090a0b"}]})"),
      std::string::npos)
      << j;
}

}  // namespace
}  // namespace ha_agent::ctl
