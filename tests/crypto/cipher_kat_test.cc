// Known-answer tests of the primitives the ESP path runs (crypto/cipher.h)
// against published vectors, and ESP-level checks against packets made by an
// independent implementation (scapy 2.5, interop.md §1.4).
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "crypto/cipher.h"
#include "crypto/esp_sa.h"
#include "tests/crypto/test_util.h"

namespace crypto {
namespace {

using test::hex;
using test::to_hex;

struct GcmCase {
  const char* name;
  const char* key;
  const char* iv;
  const char* plain;
  const char* aad;
  const char* cipher;
  const char* tag;
};

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B,
// test cases 2, 3, 4 (AES-128) and 14, 15, 16 (AES-256).
constexpr const char* kP3 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
constexpr const char* kP4 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
constexpr const char* kA4 = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr const char* kK3 = "feffe9928665731c6d6a8f9467308308";
constexpr const char* kK15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
const GcmCase kGcmCases[] = {
    {"tc2", "00000000000000000000000000000000", "000000000000000000000000",
     "00000000000000000000000000000000", "", "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"tc3", kK3, "cafebabefacedbaddecaf888", kP3, "",
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"tc4", kK3, "cafebabefacedbaddecaf888", kP4, kA4,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"tc14", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "00000000000000000000000000000000", "",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"tc15", kK15, "cafebabefacedbaddecaf888", kP3, "",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"tc16", kK15, "cafebabefacedbaddecaf888", kP4, kA4,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
     "",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(AesGcmKat, McGrewViegaVectorsEncryptAndDecrypt) {
  for (const auto& c : kGcmCases) {
    SCOPED_TRACE(c.name);
    auto key = hex(c.key), iv = hex(c.iv), pt = hex(c.plain), aad = hex(c.aad);
    auto want_ct = hex(c.cipher);
    want_ct.resize(pt.size());  // tc16 shares tc15's text, truncated to 60 octets
    auto enc = AesGcm::create(key, true);
    auto dec = AesGcm::create(key, false);
    ASSERT_TRUE(enc && dec);
    std::array<std::uint8_t, 12> nonce;
    std::copy(iv.begin(), iv.end(), nonce.begin());
    // Twice: the context is reused per packet and must give the same answer.
    for (int round = 0; round < 2; ++round) {
      auto data = pt;
      std::array<std::uint8_t, 16> tag{};
      ASSERT_TRUE(enc->seal(nonce, aad, data, tag));
      EXPECT_EQ(to_hex(data), to_hex(want_ct));
      EXPECT_EQ(to_hex(tag), c.tag);
      std::vector<std::uint8_t> out(data.size());
      ASSERT_TRUE(dec->open(nonce, aad, data, tag, out));
      EXPECT_EQ(out, pt);
      tag[0] ^= 1;
      EXPECT_FALSE(dec->open(nonce, aad, data, tag, out));
      EXPECT_EQ(out, std::vector<std::uint8_t>(out.size(), 0)) << "plaintext wiped on failure";
    }
  }
}

// NIST SP 800-38A F.2.1 (CBC-AES128.Encrypt) and F.2.5 (CBC-AES256.Encrypt).
TEST(AesCbcKat, Sp800_38aVectors) {
  const auto iv = hex("000102030405060708090a0b0c0d0e0f");
  const auto pt = hex(
      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
  struct {
    const char* key;
    const char* ct;
  } cases[] = {
      {"2b7e151628aed2a6abf7158809cf4f3c",
       "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
       "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"},
      {"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
       "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
       "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"},
  };
  std::array<std::uint8_t, 16> ivb;
  std::copy(iv.begin(), iv.end(), ivb.begin());
  for (const auto& c : cases) {
    auto key = hex(c.key);
    auto enc = AesCbc::create(key, true);
    auto dec = AesCbc::create(key, false);
    ASSERT_TRUE(enc && dec);
    for (int round = 0; round < 2; ++round) {
      std::vector<std::uint8_t> ct(pt.size()), back(pt.size());
      ASSERT_TRUE(enc->run(ivb, pt, ct));
      EXPECT_EQ(to_hex(ct), c.ct);
      ASSERT_TRUE(dec->run(ivb, ct, back));
      EXPECT_EQ(back, pt);
    }
  }
}

// RFC 4231 test cases 1 and 2, and RFC 4868 §2.7.2.1 (32-octet key, the
// size ESP uses; its first 16 octets are the HMAC-SHA-256-128 ICV).
TEST(HmacSha256Kat, Rfc4231AndRfc4868Vectors) {
  struct {
    std::vector<std::uint8_t> key;
    std::string data;
    const char* mac;
  } cases[] = {
      {std::vector<std::uint8_t>(20, 0x0b), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {{'J', 'e', 'f', 'e'}, "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::vector<std::uint8_t>(32, 0x0b), "Hi There",
       "198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7"},
  };
  for (const auto& c : cases) {
    auto h = HmacSha256::create(c.key);
    ASSERT_TRUE(h);
    std::vector<std::uint8_t> data(c.data.begin(), c.data.end());
    for (int round = 0; round < 2; ++round) {  // context reuse
      std::array<std::uint8_t, 32> out{};
      ASSERT_TRUE(h->compute(data, {}, out));
      EXPECT_EQ(to_hex(out), c.mac);
      // Split input gives the same MAC (the ESN high bits are fed this way).
      std::span<const std::uint8_t> all(data);
      ASSERT_TRUE(h->compute(all.first(3), all.subspan(3), out));
      EXPECT_EQ(to_hex(out), c.mac);
    }
  }
}

// ESP packets made by scapy 2.5's SecurityAssociation (interop.md §1.4 keys,
// SPI 0x1001 GCM and 0x2002 CBC, sequence 1) carrying a Binding Update.
constexpr const char* kScapyMh = "3b010500f2c00009d000009601020000";
constexpr const char* kScapyGcm =
    "0000100100000001970972cbc3e2939114cf35d96c733e43db94be0d822605bb1cc363a4e5dce630f046108ba567"
    "764c98d505fc";
constexpr const char* kScapyCbc =
    "00002002000000019f9a80d0bdfd6d96786736ef53d99ded8815b9f5ab175deadf468d83653e9732d3960d51b7de"
    "be2a2058f0e6e75544284c17f3d846c30c6a8312c562e1073bc2";

EspSaPtr scapy_sa(EspAlgorithm a, std::uint32_t spi, const char* key_hex) {
  SaParams p;
  p.spi = spi;
  p.direction = SaDirection::kInbound;
  p.algorithm = a;
  auto k = hex(key_hex);
  p.key = SecretBytes(k);
  return test::make_sa(std::move(p));
}

TEST(EspKat, OpensScapyGcmPacket) {
  auto sa = scapy_sa(EspAlgorithm::kAesGcm128, 0x1001,
                     "00112233445566778899aabbccddeeff01020304");
  ASSERT_TRUE(sa);
  auto esp = hex(kScapyGcm);
  std::vector<std::uint8_t> out(esp.size());
  auto r = sa->unprotect(esp, out, test::t0());
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(r->next_header, 135);
  EXPECT_EQ(r->sequence, 1u);
  EXPECT_EQ(to_hex(std::span(out).first(r->payload_size)), kScapyMh);
}

TEST(EspKat, OpensScapyCbcHmacPacket) {
  auto sa = scapy_sa(EspAlgorithm::kAesCbc128HmacSha256, 0x2002,
                     "000102030405060708090a0b0c0d0e0f"
                     "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
  ASSERT_TRUE(sa);
  auto esp = hex(kScapyCbc);
  std::vector<std::uint8_t> out(esp.size());
  auto r = sa->unprotect(esp, out, test::t0());
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(r->next_header, 135);
  EXPECT_EQ(to_hex(std::span(out).first(r->payload_size)), kScapyMh);
}

// RFC 4106-style layout check: recompute the GCM of an ESP packet we made
// with bare OpenSSL-backed AesGcm from the RFC's rules: IV = 64-bit sequence
// number, nonce = salt ‖ IV, AAD = SPI ‖ Seq (or SPI ‖ ESN64), trailer
// padding 1,2,... to a 4-octet boundary.
TEST(EspKat, GcmLayoutFollowsRfc4106) {
  for (bool esn : {false, true}) {
    SCOPED_TRACE(esn ? "esn" : "no esn");
    auto p = test::params(EspAlgorithm::kAesGcm128, SaDirection::kOutbound, esn, 0x12345678);
    auto key = p.key.clone();
    auto sa = test::make_sa(std::move(p));
    ASSERT_TRUE(sa);
    const std::uint64_t seq = esn ? 0x0000000700000009ull : 9;
    ASSERT_TRUE(sa->jump_sequence(seq));
    const auto mh = hex(kScapyMh);
    std::vector<std::uint8_t> esp(sa->protected_size(mh.size()));
    auto r = sa->protect(mh, 135, esp, test::t0());
    ASSERT_TRUE(r);
    ASSERT_EQ(esp.size(), 8u + 8 + 20 + 16);  // 16 + pad 2 + 2 = 20
    EXPECT_EQ(to_hex(std::span(esp).first(8)), "1234567800000009");
    EXPECT_EQ(to_hex(std::span(esp).subspan(8, 8)), esn ? "0000000700000009" : "0000000000000009");

    auto gcm = AesGcm::create(key.view().first(16), false);
    ASSERT_TRUE(gcm);
    std::array<std::uint8_t, 12> nonce;
    std::copy_n(key.view().begin() + 16, 4, nonce.begin());
    std::copy_n(esp.begin() + 8, 8, nonce.begin() + 4);
    const auto aad = esn ? hex("123456780000000700000009") : hex("1234567800000009");
    std::array<std::uint8_t, 16> tag;
    std::copy_n(esp.end() - 16, 16, tag.begin());
    std::vector<std::uint8_t> plain(20);
    ASSERT_TRUE(gcm->open(nonce, aad, std::span(esp).subspan(16, 20), tag, plain));
    EXPECT_EQ(to_hex(plain), std::string(kScapyMh) + "010202" + "87");
  }
}

// RFC 4303 §2.2.1 + RFC 4868: ICV = HMAC-SHA-256(SPI‖Seq‖IV‖ct [‖ ESN high])[0..16).
TEST(EspKat, CbcHmacIcvCoversHeaderIvCiphertextAndEsnHigh) {
  for (bool esn : {false, true}) {
    auto p = test::params(EspAlgorithm::kAesCbc128HmacSha256, SaDirection::kOutbound, esn);
    auto key = p.key.clone();
    auto sa = test::make_sa(std::move(p));
    ASSERT_TRUE(sa);
    ASSERT_TRUE(sa->jump_sequence(esn ? 0x0000000500000003ull : 3));
    const auto mh = hex(kScapyMh);
    std::vector<std::uint8_t> esp(sa->protected_size(mh.size()));
    ASSERT_TRUE(sa->protect(mh, 135, esp, test::t0()));
    ASSERT_EQ(esp.size(), 8u + 16 + 32 + 16);
    EXPECT_EQ(to_hex(std::span(esp).first(8)), "0000100100000003");
    auto h = HmacSha256::create(key.view().subspan(16));
    ASSERT_TRUE(h);
    std::array<std::uint8_t, 32> mac;
    const auto hi = hex("00000005");
    ASSERT_TRUE(h->compute(std::span(esp).first(esp.size() - 16),
                           esn ? std::span<const std::uint8_t>(hi) : std::span<const std::uint8_t>(),
                           mac));
    EXPECT_EQ(to_hex(std::span(mac).first(16)), to_hex(std::span(esp).last(16)));
    // IV = AES-ECB_K(seq64 ‖ SPI ‖ 0) (NIST SP 800-38A App. C construction).
    auto blk = AesBlock::create(key.view().first(16));
    std::array<std::uint8_t, 16> in{}, iv{};
    auto n = hex(esn ? "00000005000000030000100100000000" : "00000000000000030000100100000000");
    std::copy(n.begin(), n.end(), in.begin());
    ASSERT_TRUE(blk->encrypt(in, iv));
    EXPECT_EQ(to_hex(iv), to_hex(std::span(esp).subspan(8, 16)));
  }
}

}  // namespace
}  // namespace crypto
