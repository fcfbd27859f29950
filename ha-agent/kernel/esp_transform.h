// EspTransform: how one crypto::EspAlgorithm is spelled for the Linux XFRM
// API (crypto API names, key and ICV lengths in bits) and how the SaParams
// key material is split between cipher and integrity keys. Kept here, not
// in crypto/, because the names belong to the kernel interface.
#pragma once

#include <cstddef>
#include <string>

#include "crypto/sa.h"
#include "ha-agent/kernel/kernel_error.h"

namespace kernel {

struct EspTransform {
  bool aead = false;
  // AEAD (RFC 4106): name, key bits including the 32-bit salt, ICV bits.
  const char* aead_name = nullptr;
  unsigned aead_key_bits = 0;
  unsigned icv_bits = 0;
  // Cipher + integrity (RFC 3602 + RFC 4868).
  const char* cipher_name = nullptr;
  unsigned cipher_key_bits = 0;
  const char* auth_name = nullptr;
  unsigned auth_key_bits = 0;
  unsigned auth_trunc_bits = 0;

  // Octets of key material SaParams::key must hold.
  std::size_t key_octets() const;
  // "rfc4106(gcm(aes))" or "cbc(aes)+hmac(sha256)".
  std::string describe() const;
};

EspTransform esp_transform(crypto::EspAlgorithm a);

// Checks what the kernel would reject less clearly: SPI range (RFC 4303
// §2.1), key length for the algorithm, replay window size, addresses.
KernelStatus validate_sa(const crypto::SaParams& p);

}  // namespace kernel
