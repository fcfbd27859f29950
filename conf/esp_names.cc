// ESP algorithm names in the configuration. crypto/ owns the names
// (crypto::parse_esp_algorithm, crypto::to_string); when conf/ is built
// without the crypto library (HA_CONF_HAVE_CRYPTO undefined, only while
// crypto/ is being written) a table with the same names stands in.
#include "conf/config.h"

namespace conf {

#ifdef HA_CONF_HAVE_CRYPTO

std::optional<crypto::EspAlgorithm> parse_algorithm_name(std::string_view name) {
  return crypto::parse_esp_algorithm(name);
}
std::string_view algorithm_name(crypto::EspAlgorithm a) { return crypto::to_string(a); }

#else

namespace {
struct Name {
  std::string_view name;
  crypto::EspAlgorithm algorithm;
};
constexpr Name kNames[] = {
    {"aes-gcm-128", crypto::EspAlgorithm::kAesGcm128},
    {"aes-gcm-256", crypto::EspAlgorithm::kAesGcm256},
    {"aes-cbc-128-hmac-sha256", crypto::EspAlgorithm::kAesCbc128HmacSha256},
    {"aes-cbc-256-hmac-sha256", crypto::EspAlgorithm::kAesCbc256HmacSha256},
};
}  // namespace

std::optional<crypto::EspAlgorithm> parse_algorithm_name(std::string_view name) {
  for (const auto& n : kNames)
    if (n.name == name) return n.algorithm;
  return std::nullopt;
}
std::string_view algorithm_name(crypto::EspAlgorithm a) {
  for (const auto& n : kNames)
    if (n.algorithm == a) return n.name;
  return "?";
}

#endif

}  // namespace conf
