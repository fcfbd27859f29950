// BindingRecord: one binding as the redundancy group sees it (an own binding
// mirrored from mip6::BindingEvent, or a shadow learned from a peer's
// Binding Cache Information option, protocol-notes §5.3.3), with conversions
// to and from the BCI (remaining lifetime in 4-s units at send time, rounded
// down; the receiver re-bases on its own clock, gap G6) and the hash the
// anti-entropy digest XORs together (docs/harp.md). An own binding is
// "confirmed" unless the HomeAgent entry still waits for the MN's first BU
// after a takeover (accept_any_sequence).
#pragma once

#include <cstdint>

#include "harp/wire_extensions.h"
#include "mip6/binding_cache.h"
#include "mip6/clock.h"
#include "mip6/mobility_options.h"

namespace harp {

struct BindingRecord {
  mip6::Ipv6Address home_address;
  mip6::Ipv6Address care_of_address;
  std::uint16_t flags = 0;
  mip6::SequenceNumber sequence;
  std::uint32_t epoch = 0;
  // False while the owner holds it from a takeover only: the MN has not sent
  // it a BU yet (no BU accepted since adopt_binding). Split brain, B3.
  bool confirmed = true;
  // Wall-clock time (ms since 1970, the owner's clock) of the MN's last
  // Binding Update the owner accepted; a takeover keeps the copied value.
  // 0 = unknown (a peer that does not send it). Split brain, B4.
  std::uint64_t registered_ms = 0;
  mip6::Clock::time_point expires_at{};
  mip6::MobilityOptions sub_options;  // without our epoch / unconfirmed sub-options
};

BindingRecord record_from_entry(const mip6::BindingCacheEntry& e);
// BCI for `r` at `now`; `deleted` sends Lifetime 0 (§5.3.2).
mip6::BindingCacheInformation to_bci(const BindingRecord& r, mip6::Clock::time_point now,
                                     bool deleted = false);
// The record a BCI describes, expiring at now + Lifetime x 4 s. nullopt when
// the epoch or registration-time sub-option is malformed.
std::optional<BindingRecord> record_from_bci(const mip6::BindingCacheInformation& bci,
                                             mip6::Clock::time_point now);
// A BindingCacheEntry for HomeAgent::adopt_binding (takeover).
mip6::BindingCacheEntry entry_from_record(const BindingRecord& r,
                                          const mip6::Ipv6Address& our_address,
                                          mip6::Clock::time_point now);

// Order-independent digest input: hash of (HoA, CoA, flags, sequence, epoch,
// confirmed).
std::uint64_t record_hash(const BindingRecord& r);

}  // namespace harp
