// Shared pieces of the mn-emu tests: addresses, SA factories with known keys,
// an HA-side packet builder (what ha-agent would send) and temp key files.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "crypto/esp_sa.h"
#include "mip6/ipv6_packet.h"
#include "mip6/mh_checksum.h"
#include "mip6/mh_codec.h"

namespace mnemu::test {

inline mip6::Ipv6Address addr(const char* s) { return *mip6::Ipv6Address::parse(s); }

inline std::vector<std::uint8_t> key_bytes(std::uint8_t seed, std::size_t n) {
  std::vector<std::uint8_t> k(n);
  for (std::size_t i = 0; i < n; ++i) k[i] = static_cast<std::uint8_t>(seed + i * 7);
  return k;
}

inline std::string hex(const std::vector<std::uint8_t>& b) {
  static const char* h = "0123456789abcdef";
  std::string s;
  for (auto c : b) {
    s += h[c >> 4];
    s += h[c & 15];
  }
  return s;
}

inline crypto::EspSaPtr make_sa(std::uint32_t spi, crypto::SaDirection d, std::uint8_t key_seed,
                                crypto::EspAlgorithm alg = crypto::EspAlgorithm::kAesGcm128) {
  crypto::SaParams p;
  p.spi = spi;
  p.direction = d;
  p.algorithm = alg;
  p.key = crypto::SecretBytes(key_bytes(key_seed, crypto::key_material_size(alg)));
  auto sa = crypto::EspSa::create(std::move(p), std::chrono::steady_clock::now());
  return sa ? std::move(sa).value() : nullptr;
}

enum class HaForm { kRh2, kPlain, kTunnel };

// What an HA sends to an MN: MH (checksum over HA and final destination),
// ESP with the HA's outbound SA, then RH2 / plain / IPv6-in-IPv6 framing.
inline std::vector<std::uint8_t> ha_packet(const mip6::MobilityMessage& m, const mip6::Ipv6Address& ha,
                                           const mip6::Ipv6Address& hoa, const mip6::Ipv6Address& coa,
                                           crypto::EspSa& sa, HaForm form, bool corrupt_checksum = false) {
  const auto final_dst = form == HaForm::kPlain ? coa : hoa;
  std::vector<std::uint8_t> mh;
  if (!mip6::encode_mobility_header(m, ha, final_dst, mh)) return {};
  if (corrupt_checksum) mh[4] ^= 0x5a;
  std::vector<std::uint8_t> esp(sa.protected_size(mh.size()));
  auto sealed = sa.protect(mh, 135, esp, std::chrono::steady_clock::now());
  if (!sealed) return {};
  esp.resize(sealed->size);
  mip6::Ipv6PacketSpec spec;
  spec.source = ha;
  spec.upper_protocol = mip6::ipproto::kEsp;
  spec.payload = esp;
  std::vector<std::uint8_t> out;
  if (form == HaForm::kRh2) {
    spec.destination = coa;
    spec.type2_routing_home_address = hoa;
  } else {
    spec.destination = final_dst;
  }
  if (!mip6::build_ipv6_packet(spec, out)) return {};
  if (form != HaForm::kTunnel) return out;
  mip6::Ipv6PacketSpec outer;
  outer.source = ha;
  outer.destination = coa;
  outer.upper_protocol = 41;
  outer.payload = out;
  std::vector<std::uint8_t> tunnelled;
  if (!mip6::build_ipv6_packet(outer, tunnelled)) return {};
  return tunnelled;
}

// A temp directory removed at destruction.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/mn_emu_test_XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) const {
    const auto p = path / name;
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd >= 0) {
      (void)!::write(fd, text.data(), text.size());
      ::fchmod(fd, mode);
      ::close(fd);
    }
    return p.string();
  }
};

}  // namespace mnemu::test
