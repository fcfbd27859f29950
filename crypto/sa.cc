// Names and key sizes of the ESP algorithms (sa.h).
#include "crypto/sa.h"

#include <array>

namespace crypto {
namespace {

struct AlgorithmInfo {
  EspAlgorithm algorithm;
  std::string_view name;
  std::size_t key_size;
};

// Key material layouts: RFC 4106 §8.1 (AES key then 4-octet salt) and
// RFC 3602 + RFC 4868 (cipher key then the 32-octet HMAC-SHA-256 key).
constexpr std::array<AlgorithmInfo, 4> kAlgorithms{{
    {EspAlgorithm::kAesGcm128, "aes-gcm-128", 16 + 4},
    {EspAlgorithm::kAesGcm256, "aes-gcm-256", 32 + 4},
    {EspAlgorithm::kAesCbc128HmacSha256, "aes-cbc-128-hmac-sha256", 16 + 32},
    {EspAlgorithm::kAesCbc256HmacSha256, "aes-cbc-256-hmac-sha256", 32 + 32},
}};

const AlgorithmInfo& info(EspAlgorithm a) {
  for (const auto& i : kAlgorithms)
    if (i.algorithm == a) return i;
  return kAlgorithms[0];  // unreachable for valid enum values
}

}  // namespace

std::string_view to_string(EspAlgorithm a) { return info(a).name; }

std::optional<EspAlgorithm> parse_esp_algorithm(std::string_view name) {
  for (const auto& i : kAlgorithms)
    if (i.name == name) return i.algorithm;
  return std::nullopt;
}

std::size_t key_material_size(EspAlgorithm a) { return info(a).key_size; }

}  // namespace crypto
