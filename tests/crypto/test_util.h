// Helpers shared by the crypto/ tests: hex conversion and SA construction
// with fixed test keys.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/esp_sa.h"
#include "crypto/sa.h"

namespace crypto::test {

inline std::vector<std::uint8_t> hex(std::string_view h) {
  std::vector<std::uint8_t> out;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  int hi = -1;
  for (char c : h) {
    int v = nib(c);
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

inline std::string to_hex(std::span<const std::uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}

// Deterministic key material of the right size for `a`.
inline SecretBytes test_key(EspAlgorithm a, std::uint8_t seed = 0) {
  SecretBytes k(key_material_size(a));
  auto v = k.mutable_view();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>(seed + i * 7 + 1);
  return k;
}

inline SaParams params(EspAlgorithm a, SaDirection d, bool esn = false, std::uint32_t spi = 0x1001,
                       std::uint32_t window = 1024) {
  SaParams p;
  p.spi = spi;
  p.direction = d;
  p.algorithm = a;
  p.key = test_key(a);
  p.extended_sequence_numbers = esn;
  p.replay_window = window;
  return p;
}

inline SaTime t0() { return SaTime{} + std::chrono::hours(1); }

inline EspSaPtr make_sa(SaParams p, SaTime now = t0()) {
  auto r = EspSa::create(std::move(p), now);
  return r ? std::move(r).value() : nullptr;
}

inline constexpr EspAlgorithm kAllAlgorithms[] = {
    EspAlgorithm::kAesGcm128, EspAlgorithm::kAesGcm256, EspAlgorithm::kAesCbc128HmacSha256,
    EspAlgorithm::kAesCbc256HmacSha256};

}  // namespace crypto::test
