// What a binding-cache snapshot becomes at the next start, without I/O
// (docs/operations.md, "Restart without loss"). The caller reads both clocks
// once (ClockPair) and passes them in, so the arithmetic of remaining
// lifetimes is testable with any clock. Rules:
//  - an entry whose wall-clock expiry has passed is dropped (counted expired);
//  - an entry for a home address that is no longer a configured mobile node
//    (snapshot of an older config) is dropped (counted unknown); so is one
//    registered with an address that is no longer this HA's (foreign);
//  - the rest are adopted with their *remaining* lifetime, never more than
//    the lifetime granted (a wall clock stepped backwards must not extend a
//    binding, RFC 6275 §10.3.1: the HA grants at most what it acknowledged);
//  - in a HARP group the peers' copies win (docs/harp.md, B1): the snapshot
//    is held until every peer finished its restore exchange, or the restore
//    wait ran out, and then used only for MNs nobody restored or holds.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <unordered_set>
#include <vector>

#include "ha-agent/snapshot/snapshot_format.h"
#include "mip6/binding_cache.h"
#include "mip6/clock.h"

namespace ha_agent::snapshot {

// Both clocks read at the same moment.
struct ClockPair {
  mip6::Clock::time_point steady{};
  WallTime wall{};
};

using AddressSet = std::unordered_set<mip6::Ipv6Address, mip6::Ipv6AddressHash>;

// SHA-256 over the sorted, de-duplicated home addresses (16 octets each).
MnSetDigest mn_set_digest(std::vector<mip6::Ipv6Address> home_addresses);

// A Binding Cache entry on the wall clock. `owner`: the HARP owner, if any.
SnapshotEntry to_snapshot_entry(const mip6::BindingCacheEntry& e, const ClockPair& now,
                                const std::optional<mip6::Ipv6Address>& owner = std::nullopt);

// The Binding Cache entry to adopt for `e` at `now`, or nullopt when it has
// expired. Remaining lifetime = expires_at - now.wall, capped at the granted
// lifetime; registered_at = expires_at - granted lifetime.
std::optional<mip6::BindingCacheEntry> to_cache_entry(const SnapshotEntry& e, const ClockPair& now);

struct RestorePlan {
  std::vector<mip6::BindingCacheEntry> adopt;  // in snapshot order
  std::size_t expired = 0;
  std::size_t unknown = 0;  // home address not configured any more
  std::size_t foreign = 0;  // our_address not one of this HA's addresses
  bool digest_mismatch = false;   // written with a different MN set
  bool written_in_future = false;  // header time after now.wall (clock stepped back)
};

RestorePlan plan_restore(const Snapshot& s, const AddressSet& configured_home_addresses,
                         const AddressSet& our_addresses, const MnSetDigest& current_digest,
                         const ClockPair& now);

// --- HARP group: the peers' copies first -------------------------------

// How long a restarted HA waits for its peers before it falls back to the
// snapshot. A peer that is not up is waited for until `down_peers`: it must
// be heard `rise` Hellos to count as up, and the restore exchange (SS-REQ,
// SS-REP) needs a round trip with retransmission at 1 s:
// (rise + dead_multiplier) x hello interval + 2 s. A peer that is up but has
// not answered yet is waited for until `answering_peers`, 32 s later: after
// a restart faster than the dead interval the peer drops our ESP packets as
// replays until it declares us down (RFC 4303 §3.3.3, docs/operations.md),
// and the restore request is repeated at 1, 2, 4, ... 32 s (docs/harp.md).
struct GroupRestoreDeadlines {
  mip6::Clock::time_point down_peers{};
  mip6::Clock::time_point answering_peers{};
};
GroupRestoreDeadlines group_restore_deadlines(mip6::Clock::time_point start,
                                              std::chrono::milliseconds hello_interval, std::uint32_t rise,
                                              std::uint32_t dead_multiplier);

// One peer as HarpNode shows it: up (heard `rise` Hellos), and whether it
// still owes us our bindings (HarpNode::restoring_from). A peer becomes up
// and is asked for the restore in the same step, so "up and not restoring"
// means its restore (L) has arrived.
struct PeerRestoreState {
  bool up = false;
  bool restoring = false;
};

// True when the snapshot may be used: every peer answered, or is down past
// `down_peers`, or `answering_peers` has passed.
bool peers_settled(const std::vector<PeerRestoreState>& peers, mip6::Clock::time_point now,
                   const GroupRestoreDeadlines& deadlines);

struct GroupSelection {
  std::vector<mip6::BindingCacheEntry> adopt;
  std::size_t claimed = 0;  // restored by or held by the group: snapshot copy not used
  std::size_t expired = 0;  // ran out while we waited
};

// The held entries no one claims: `claimed(hoa)` is true when this HA holds
// the MN already (restored by a peer, or the MN registered meanwhile) or a
// peer owns it.
GroupSelection select_unclaimed(const std::vector<mip6::BindingCacheEntry>& held,
                                const std::function<bool(const mip6::Ipv6Address&)>& claimed,
                                mip6::Clock::time_point now);

}  // namespace ha_agent::snapshot
