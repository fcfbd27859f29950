// EspTransform: the cryptographic core of one ESP SA, internal to crypto/.
// It knows the wire layout SPI(4) | Seq(4) | IV | ciphertext | ICV of
// RFC 4303 §2 and one algorithm; EspSa does framing, sequence numbers,
// replay and lifetimes around it. A transform holds keyed OpenSSL contexts;
// it is not owned by one SA but lives in a slot of an EspContextCache and is
// re-keyed (rekey()) when the slot passes to another SA of the same
// algorithm and direction. It writes into the caller's buffer, so a packet
// costs no allocation.
//   - AES-GCM (RFC 4106): esp_gcm.cc
//   - AES-CBC + HMAC-SHA-256-128 (RFC 3602, RFC 4868): esp_cbc_hmac.cc
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "crypto/esp_error.h"
#include "crypto/sa.h"
#include "mip6/result.h"

namespace crypto {

inline constexpr std::size_t kEspHeaderSize = 8;  // SPI + Sequence Number

class EspTransform {
 public:
  virtual ~EspTransform() = default;
  virtual std::size_t iv_size() const = 0;
  virtual std::size_t icv_size() const = 0;
  // The ciphertext length must be a multiple of this (RFC 4303 §2.4).
  virtual std::size_t alignment() const = 0;
  virtual EspAlgorithm algorithm() const = 0;
  virtual SaDirection direction() const = 0;
  // Schedules another key of the same algorithm and direction into the
  // existing contexts (the old key schedule is overwritten); false on a
  // library failure, after which the transform must not be used.
  virtual bool rekey(std::span<const std::uint8_t> key) = 0;

  // `packet` is the whole ESP packet; SPI and Sequence Number are written and
  // the plaintext (payload, padding, pad length, next header) sits after the
  // IV slot. Writes the IV, encrypts in place and appends the ICV. `seq` is
  // the full 64-bit number; with `esn` its high half is authenticated.
  virtual mip6::Status<EspError> seal(std::span<std::uint8_t> packet, std::uint64_t seq,
                                      bool esn) = 0;
  // Verifies the ICV of `packet` (whole ESP packet) and, only if it holds,
  // leaves the decrypted data in out[0, ciphertext length).
  virtual mip6::Status<EspError> open(std::span<const std::uint8_t> packet, std::uint64_t seq,
                                      bool esn, std::span<std::uint8_t> out) = 0;
};

using EspTransformPtr = std::unique_ptr<EspTransform>;

// Cipher layout constants of an algorithm, without creating a transform.
struct EspLayout {
  std::uint8_t iv_size;
  std::uint8_t icv_size;
  std::uint8_t alignment;
};
EspLayout esp_layout(EspAlgorithm a);

// `key` has key_material_size(algorithm) octets (checked by the caller).
mip6::Result<EspTransformPtr, EspError> make_esp_transform(EspAlgorithm a,
                                                           std::span<const std::uint8_t> key,
                                                           SaDirection d);
mip6::Result<EspTransformPtr, EspError> make_gcm_transform(EspAlgorithm a,
                                                           std::span<const std::uint8_t> key,
                                                           SaDirection d);
mip6::Result<EspTransformPtr, EspError> make_cbc_hmac_transform(
    EspAlgorithm a, std::span<const std::uint8_t> key, SaDirection d);

}  // namespace crypto
