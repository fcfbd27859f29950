// Security Association and Security Policy parameters (RFC 4301 §4.4): the
// value types that describe an ESP transport-mode SA and the selectors that
// say which traffic it protects. The user-space ESP engine (crypto/) and the
// kernel XFRM backend (ha-agent/kernel/) are both driven from these objects.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "crypto/secret_bytes.h"
#include "mip6/address.h"

namespace crypto {

// ESP algorithms ha-agent supports (issue #3).
enum class EspAlgorithm : std::uint8_t {
  kAesGcm128,            // RFC 4106, 16-octet ICV; key = 16 + 4 salt octets
  kAesGcm256,            // RFC 4106, 16-octet ICV; key = 32 + 4 salt octets
  kAesCbc128HmacSha256,  // RFC 3602 + RFC 4868 HMAC-SHA-256-128; key = 16 + 32 octets
  kAesCbc256HmacSha256,  // RFC 3602 + RFC 4868 HMAC-SHA-256-128; key = 32 + 32 octets
};

std::string_view to_string(EspAlgorithm a);
std::optional<EspAlgorithm> parse_esp_algorithm(std::string_view name);
// Octets of key material the algorithm needs (cipher key, salt, auth key).
std::size_t key_material_size(EspAlgorithm a);

enum class SaDirection : std::uint8_t { kInbound, kOutbound };

// SA lifetime limits (RFC 4301 §4.4.2.1); 0 means "no limit".
struct SaLifetime {
  std::uint64_t bytes = 0;
  std::uint64_t packets = 0;
  std::uint64_t seconds = 0;
};

// Traffic selectors of an SPD entry (RFC 4301 §4.4.1), shaped for Mobile
// IPv6 signalling (RFC 3776 §5, RFC 4877 §7): selectors name the home
// address, not the care-of address.
struct SpdSelector {
  mip6::Ipv6Address local;            // this node's address
  mip6::Ipv6Prefix remote;            // peer address or prefix (usually the HoA/128)
  std::uint8_t upper_layer_protocol = 135;  // IPPROTO_MH
  std::optional<std::uint8_t> mh_type;      // nullopt: any MH type
  std::optional<mip6::Ipv6Address> home_address;  // HoA the SA is bound to (RFC 4877 PAD check)
};

// One ESP transport-mode SA (RFC 4303).
struct SaParams {
  std::uint32_t spi = 0;  // never 0; 1-255 are reserved (RFC 4303 §2.1)
  SaDirection direction = SaDirection::kInbound;
  EspAlgorithm algorithm = EspAlgorithm::kAesGcm128;
  mip6::Ipv6Address source;       // outer source of protected packets
  mip6::Ipv6Address destination;  // outer destination of protected packets
  SecretBytes key;                // key_material_size(algorithm) octets
  bool extended_sequence_numbers = false;  // RFC 4303 §2.2.1
  std::uint32_t replay_window = 1024;      // inbound only; 64..4096
  SaLifetime soft_lifetime;
  SaLifetime hard_lifetime;
  SpdSelector selector;
};

}  // namespace crypto
