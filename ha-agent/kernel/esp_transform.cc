#include "ha-agent/kernel/esp_transform.h"

namespace kernel {

EspTransform esp_transform(crypto::EspAlgorithm a) {
  EspTransform t;
  switch (a) {
    case crypto::EspAlgorithm::kAesGcm128:
    case crypto::EspAlgorithm::kAesGcm256:
      // RFC 4106 §8.1: key = AES key || 4-octet salt; ICV 16 octets.
      t.aead = true;
      t.aead_name = "rfc4106(gcm(aes))";
      t.aead_key_bits = (a == crypto::EspAlgorithm::kAesGcm128 ? 128 : 256) + 32;
      t.icv_bits = 128;
      break;
    case crypto::EspAlgorithm::kAesCbc128HmacSha256:
    case crypto::EspAlgorithm::kAesCbc256HmacSha256:
      // RFC 3602 AES-CBC; RFC 4868 §2.1 HMAC-SHA-256-128: 256-bit key,
      // ICV truncated to 128 bits. Key material = cipher key || auth key.
      t.cipher_name = "cbc(aes)";
      t.cipher_key_bits = a == crypto::EspAlgorithm::kAesCbc128HmacSha256 ? 128 : 256;
      t.auth_name = "hmac(sha256)";
      t.auth_key_bits = 256;
      t.auth_trunc_bits = 128;
      break;
  }
  return t;
}

std::size_t EspTransform::key_octets() const {
  return aead ? aead_key_bits / 8 : (cipher_key_bits + auth_key_bits) / 8;
}

std::string EspTransform::describe() const {
  if (aead) return aead_name;
  return std::string(cipher_name) + "+" + auth_name;
}

KernelStatus validate_sa(const crypto::SaParams& p) {
  const EspTransform t = esp_transform(p.algorithm);
  // RFC 4303 §2.1: SPI 0 is reserved for local use, 1..255 by IANA.
  if (p.spi < 256) {
    return kernel_fail(KernelErrc::kInvalidArgument,
                       "SPI " + std::to_string(p.spi) + " is reserved (RFC 4303 §2.1)");
  }
  if (p.key.size() != t.key_octets()) {
    return kernel_fail(KernelErrc::kInvalidArgument,
                       t.describe() + " needs " + std::to_string(t.key_octets()) +
                           " octets of key material, got " + std::to_string(p.key.size()));
  }
  if (p.replay_window > 4096) {
    return kernel_fail(KernelErrc::kInvalidArgument,
                       "replay window " + std::to_string(p.replay_window) + " > 4096");
  }
  if (p.source.is_unspecified() || p.destination.is_unspecified()) {
    return kernel_fail(KernelErrc::kInvalidArgument, "SA source and destination must be set");
  }
  return mip6::Ok{};
}

}  // namespace kernel
