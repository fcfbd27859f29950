// Helpers of the snapshot tests: a small snapshot with fixed values, and the
// container wrapped around a hand-made payload (independent SHA-256 via
// OpenSSL's EVP interface).
#pragma once

#include <openssl/evp.h>

#include <string>
#include <vector>

#include "ha-agent/snapshot/snapshot_codec.h"

namespace ha_agent::snapshot::test {

inline mip6::Ipv6Address addr(const char* text) { return *mip6::Ipv6Address::parse(text); }

inline WallTime wall_ms(std::int64_t ms) { return WallTime(std::chrono::milliseconds(ms)); }

inline SnapshotEntry entry(const char* hoa, std::uint16_t seq, std::int64_t expires_ms) {
  SnapshotEntry e;
  e.home_address = addr(hoa);
  e.care_of_address = addr("fd00:2::10");
  e.our_address = addr("fd00:1::1");
  e.sequence = mip6::SequenceNumber(seq);
  e.granted_lifetime_s = 600;
  e.expires_at = wall_ms(expires_ms);
  e.registered_at = wall_ms(expires_ms - 600'000);
  e.flags = 0xC000;  // A and H (RFC 6275 §6.1.7)
  e.spi = 0x1001;
  e.refresh_count = 3;
  return e;
}

inline Snapshot sample() {
  Snapshot s;
  s.header.written_at = wall_ms(1'700'000'000'000);
  s.header.ha_address = addr("fd00:1::1");
  for (std::size_t i = 0; i < s.header.mn_set_digest.size(); ++i)
    s.header.mn_set_digest[i] = static_cast<std::uint8_t>(i);
  s.header.mobile_node_count = 3;
  s.entries.push_back(entry("fd00:1::1:0:1", 7, 1'700'000'300'000));
  auto b = entry("fd00:1::1:0:2", 65535, 1'700'000'100'000);
  b.epoch = 4;
  b.confirmed = false;
  b.owner = addr("fd00:1::2");
  s.entries.push_back(b);
  return s;
}

// magic | length (64-bit BE) | SHA-256 | payload.
inline std::vector<std::uint8_t> wrap(const std::string& payload) {
  std::vector<std::uint8_t> out(std::begin(kMagic), std::end(kMagic));
  const std::uint64_t n = payload.size();
  for (int k = 7; k >= 0; --k) out.push_back(static_cast<std::uint8_t>(n >> (8 * k)));
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(payload.data(), payload.size(), md, &len, EVP_sha256(), nullptr);
  out.insert(out.end(), md, md + len);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

}  // namespace ha_agent::snapshot::test
