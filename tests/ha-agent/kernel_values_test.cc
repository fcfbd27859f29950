// Pure parts of the XFRM backend: algorithm spelling for the kernel, SA
// validation, policy shapes built from crypto::SpdSelector, error naming.
#include <gtest/gtest.h>

#include <cerrno>

#include "ha-agent/kernel/esp_transform.h"
#include "ha-agent/kernel/kernel_error.h"
#include "ha-agent/kernel/xfrm_policy.h"

namespace kernel {
namespace {

mip6::Ipv6Address addr(const char* s) {
  return *mip6::Ipv6Address::parse(s);
}

TEST(EspTransform, KernelNamesAndKeySizes) {
  auto gcm = esp_transform(crypto::EspAlgorithm::kAesGcm128);
  EXPECT_TRUE(gcm.aead);
  EXPECT_STREQ(gcm.aead_name, "rfc4106(gcm(aes))");
  EXPECT_EQ(gcm.aead_key_bits, 160u);  // RFC 4106 §8.1: 128-bit key + 32-bit salt
  EXPECT_EQ(gcm.icv_bits, 128u);
  EXPECT_EQ(gcm.key_octets(), 20u);
  EXPECT_EQ(esp_transform(crypto::EspAlgorithm::kAesGcm256).key_octets(), 36u);

  auto cbc = esp_transform(crypto::EspAlgorithm::kAesCbc128HmacSha256);
  EXPECT_FALSE(cbc.aead);
  EXPECT_EQ(cbc.describe(), "cbc(aes)+hmac(sha256)");
  EXPECT_EQ(cbc.auth_trunc_bits, 128u);  // RFC 4868 §2.1
  EXPECT_EQ(cbc.key_octets(), 48u);
  EXPECT_EQ(esp_transform(crypto::EspAlgorithm::kAesCbc256HmacSha256).key_octets(), 64u);
}

crypto::SaParams valid_sa() {
  crypto::SaParams p;
  p.spi = 0x1001;
  p.algorithm = crypto::EspAlgorithm::kAesGcm128;
  p.source = addr("fd00:12::1");
  p.destination = addr("fd00:12::10");
  p.key = crypto::SecretBytes(20);
  return p;
}

TEST(ValidateSa, AcceptsAWellFormedSa) {
  EXPECT_TRUE(validate_sa(valid_sa()));
}

TEST(ValidateSa, RejectsReservedSpiWrongKeyAndHugeWindow) {
  auto p = valid_sa();
  p.spi = 255;  // RFC 4303 §2.1: 1..255 reserved
  auto r = validate_sa(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, KernelErrc::kInvalidArgument);
  EXPECT_NE(r.error().message.find("reserved"), std::string::npos);

  p = valid_sa();
  p.key = crypto::SecretBytes(16);  // salt missing
  r = validate_sa(p);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("rfc4106(gcm(aes)) needs 20 octets"), std::string::npos)
      << r.error().message;

  p = valid_sa();
  p.replay_window = 8192;
  EXPECT_FALSE(validate_sa(p));

  p = valid_sa();
  p.destination = mip6::Ipv6Address{};
  EXPECT_FALSE(validate_sa(p));
}

TEST(XfrmPolicy, FromSpdFollowsRfc3776Directions) {
  crypto::SpdSelector s;
  s.local = addr("fd00:12::1");                             // the HA
  s.remote = *mip6::Ipv6Prefix::parse("fd00:99::100/128");  // the HoA
  s.mh_type = 6;
  auto out = XfrmPolicy::from_spd(s, PolicyDirection::kOut, PolicyAction::kRequireEsp);
  EXPECT_EQ(out.selector.source.to_string(), "fd00:12::1/128");
  EXPECT_EQ(out.selector.destination.to_string(), "fd00:99::100/128");
  EXPECT_EQ(out.selector.protocol, 135);
  EXPECT_EQ(out.selector.mh_type, 6);
  auto in = XfrmPolicy::from_spd(s, PolicyDirection::kIn, PolicyAction::kAllow);
  EXPECT_EQ(in.selector.source.to_string(), "fd00:99::100/128");
  EXPECT_EQ(in.selector.destination.to_string(), "fd00:12::1/128");
  EXPECT_EQ(in.to_string(),
            "src fd00:99::100/128 dst fd00:12::1/128 proto 135 type 6 dir in allow priority 0");
  EXPECT_TRUE(validate(in));
}

TEST(XfrmPolicy, ValidationNamesTheProblem) {
  XfrmPolicy p;
  p.selector.source = {addr("fd00::1"), 128};
  p.selector.destination = {addr("fd00::2"), 129};
  auto r = validate(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, KernelErrc::kInvalidArgument);

  p.selector.destination.length = 128;
  p.selector.protocol = 58;
  p.selector.mh_type = 5;
  r = validate(p);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("MH type selector needs protocol 135"), std::string::npos);

  p.selector.protocol = 135;
  p.template_destination = addr("fd00::2");  // template on an allow policy
  EXPECT_FALSE(validate(p));
  p.action = PolicyAction::kRequireEsp;
  EXPECT_TRUE(validate(p));
}

TEST(KernelError, ErrnoMappingAndText) {
  EXPECT_EQ(errc_from_errno(ENOSYS), KernelErrc::kAlgorithmUnavailable);
  EXPECT_EQ(errc_from_errno(EPROTONOSUPPORT), KernelErrc::kProtocolUnavailable);
  EXPECT_EQ(errc_from_errno(EEXIST), KernelErrc::kExists);
  EXPECT_EQ(errc_from_errno(ESRCH), KernelErrc::kNotFound);
  EXPECT_EQ(errc_from_errno(EPERM), KernelErrc::kPermissionDenied);
  EXPECT_EQ(errno_text(ENOSYS), "Function not implemented");
  KernelError e{KernelErrc::kEspUnavailable, 0, "no"};
  EXPECT_EQ(e.to_string(), "esp-unavailable: no");
}

}  // namespace
}  // namespace kernel
