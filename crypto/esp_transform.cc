// Algorithm dispatch for EspTransform (esp_transform.h).
#include "crypto/esp_transform.h"

namespace crypto {

EspLayout esp_layout(EspAlgorithm a) {
  switch (a) {
    case EspAlgorithm::kAesGcm128:
    case EspAlgorithm::kAesGcm256:
      return {8, 16, 4};  // RFC 4106 §3: 8-octet IV, 16-octet ICV, 4-octet alignment
    case EspAlgorithm::kAesCbc128HmacSha256:
    case EspAlgorithm::kAesCbc256HmacSha256:
      return {16, 16, 16};  // RFC 3602 §3 (IV = block), RFC 4868 §2.3 (ICV 16)
  }
  return {16, 16, 16};
}

mip6::Result<EspTransformPtr, EspError> make_esp_transform(EspAlgorithm a,
                                                           std::span<const std::uint8_t> key,
                                                           SaDirection d) {
  const bool gcm = a == EspAlgorithm::kAesGcm128 || a == EspAlgorithm::kAesGcm256;
  return gcm ? make_gcm_transform(a, key, d) : make_cbc_hmac_transform(a, key, d);
}

}  // namespace crypto
