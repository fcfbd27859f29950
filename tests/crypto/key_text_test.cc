// Key material text parsing (crypto/key_text.h) and algorithm names (sa.h).
#include "crypto/key_text.h"

#include <gtest/gtest.h>

#include "tests/crypto/test_util.h"

namespace crypto {
namespace {

TEST(KeyText, AcceptsHexWithWhitespacePrefixesAndComments) {
  const char* text =
      "# mn1 <-> ha1, aes-gcm-128\n"
      "0x00112233 44556677\n"
      "\t8899AABB ccddeeff   # key\r\n"
      "0X01020304  # salt\n";
  auto k = parse_key_text(text, EspAlgorithm::kAesGcm128);
  ASSERT_TRUE(k) << to_string(k.error());
  EXPECT_EQ(test::to_hex(k->view()), "00112233445566778899aabbccddeeff01020304");
  auto k2 = parse_key_text("0x00112233445566778899aabbccddeeff01020304", 20);
  ASSERT_TRUE(k2);
  EXPECT_EQ(test::to_hex(k2->view()), test::to_hex(k->view()));
}

TEST(KeyText, ExactLengthPerAlgorithm) {
  for (EspAlgorithm a : test::kAllAlgorithms) {
    const std::size_t n = key_material_size(a);
    std::string good(2 * n, 'a');
    EXPECT_TRUE(parse_key_text(good, a)) << to_string(a);
    auto shorter = parse_key_text(good.substr(2), a);
    ASSERT_FALSE(shorter);
    EXPECT_EQ(shorter.error().code, KeyTextError::Code::kWrongLength);
    EXPECT_EQ(shorter.error().expected, n);
    EXPECT_EQ(shorter.error().got, n - 1);
    auto longer = parse_key_text(good + "00", a);
    ASSERT_FALSE(longer);
    EXPECT_EQ(longer.error().code, KeyTextError::Code::kWrongLength);
  }
  EXPECT_EQ(key_material_size(EspAlgorithm::kAesGcm128), 20u);
  EXPECT_EQ(key_material_size(EspAlgorithm::kAesGcm256), 36u);
  EXPECT_EQ(key_material_size(EspAlgorithm::kAesCbc128HmacSha256), 48u);
  EXPECT_EQ(key_material_size(EspAlgorithm::kAesCbc256HmacSha256), 64u);
}

TEST(KeyText, NamedErrorsWithoutQuotingTheKey) {
  auto e = parse_key_text("", 20);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, KeyTextError::Code::kEmpty);
  e = parse_key_text("  # only a comment\n", 20);
  EXPECT_EQ(e.error().code, KeyTextError::Code::kEmpty);
  e = parse_key_text("abc", 20);
  EXPECT_EQ(e.error().code, KeyTextError::Code::kOddDigitCount);
  e = parse_key_text("0011\n22g3", 20);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, KeyTextError::Code::kBadCharacter);
  EXPECT_EQ(e.error().line, 2u);
  EXPECT_EQ(e.error().column, 3u);
  const std::string msg = to_string(e.error());
  EXPECT_NE(msg.find("line 2, column 3"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("0011"), std::string::npos) << "never echoes key text";
  e = parse_key_text("00x1", 2);  // 0x only at the start of a group
  EXPECT_EQ(e.error().code, KeyTextError::Code::kBadCharacter);
  e = parse_key_text("0x", 1);
  EXPECT_EQ(e.error().code, KeyTextError::Code::kEmpty);
}

TEST(EspAlgorithmNames, RoundTrip) {
  for (EspAlgorithm a : test::kAllAlgorithms) {
    auto back = parse_esp_algorithm(to_string(a));
    ASSERT_TRUE(back) << to_string(a);
    EXPECT_EQ(*back, a);
  }
  EXPECT_FALSE(parse_esp_algorithm("aes-ccm-128"));
  EXPECT_FALSE(parse_esp_algorithm(""));
}

}  // namespace
}  // namespace crypto
