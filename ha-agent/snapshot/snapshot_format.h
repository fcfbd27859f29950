// The binding-cache snapshot as value types (issue #7, "Restart without
// loss"; docs/operations.md): what the daemon writes at shutdown and every
// `snapshot_interval_s`, and restores at the next start. Times are wall-clock
// (a restart, or a reboot, resets the steady clock) with millisecond
// precision; restore_plan.h converts between these and mip6 Binding Cache
// entries with both clocks passed in by the caller. The wire form (Protobuf
// payload in a checksummed container) is snapshot_codec.h.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "mip6/address.h"
#include "mip6/sequence_number.h"

namespace ha_agent::snapshot {

using WallTime = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

// Version of the payload schema (snapshot.proto). A reader refuses others.
inline constexpr std::uint32_t kFormatVersion = 1;

// SHA-256 over the configured MNs' home addresses (restore_plan.h).
using MnSetDigest = std::array<std::uint8_t, 32>;

struct SnapshotHeader {
  std::uint32_t format_version = kFormatVersion;
  WallTime written_at{};
  mip6::Ipv6Address ha_address;  // first ha_address of the writer's config
  MnSetDigest mn_set_digest{};
  std::uint32_t mobile_node_count = 0;
  bool operator==(const SnapshotHeader&) const = default;
};

// One Binding Cache entry (RFC 6275 §9.1) with the HARP state kept with it.
struct SnapshotEntry {
  mip6::Ipv6Address home_address;
  mip6::Ipv6Address care_of_address;
  mip6::Ipv6Address our_address;
  mip6::SequenceNumber sequence;  // last accepted BU (RFC 6275 §9.5.1)
  std::uint32_t granted_lifetime_s = 0;
  WallTime registered_at{};
  WallTime expires_at{};
  std::uint16_t flags = 0;
  std::uint32_t spi = 0;
  std::uint32_t refresh_count = 0;
  std::uint32_t epoch = 0;                 // HARP ownership epoch
  bool confirmed = true;                   // false: still waits for the MN's first BU
  std::optional<mip6::Ipv6Address> owner;  // HARP owner seen at write time
  bool operator==(const SnapshotEntry&) const = default;
};

struct Snapshot {
  SnapshotHeader header;
  std::vector<SnapshotEntry> entries;
  bool operator==(const Snapshot&) const = default;
};

}  // namespace ha_agent::snapshot
