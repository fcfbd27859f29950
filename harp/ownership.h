// Ownership rules of the redundancy group, as pure functions: who takes a
// failed HA's MN (takeover assignment, protocol-notes §5.6.1 step 1 and
// DESIGN.md §2: `preference` = best live survivor, ties to the highest
// address; `spread` = rendezvous hashing (HRW) of the home address over the
// live survivors), who wins when two HAs claim one MN after a partition heals
// (split brain: a registration the MN confirmed with a newer sequence beats
// a takeover it never answered; of two registrations the MN confirmed, the
// later one; otherwise highest ownership epoch, then the MN's newer sequence number, then HA
// preference, then HA address; docs/harp.md "Split brain [D]"), and the per-binding hash the
// anti-entropy digest is built from. Every HA computes the same answer from
// the same inputs, so survivors agree without exchanging messages.
#pragma once

#include <cstdint>
#include <vector>

#include "harp/group_config.h"
#include "mip6/sequence_number.h"

namespace harp {

// 64-bit rendezvous score of (home address, HA address): splitmix64 over the
// 32 octets, platform independent (docs/harp.md).
std::uint64_t hrw_score(const Ipv6Address& home_address, const Ipv6Address& ha);

// The survivor that takes `home_address`. `survivors` must be non-empty.
Ipv6Address assign_taker(TakeoverPolicy policy, const Ipv6Address& home_address,
                         const std::vector<PeerConfig>& survivors);

// Two confirmed registrations closer in time than this are ordered by the
// MN's sequence, not by time (split brain rule 2, docs/harp.md B4): a BU
// delayed in the network or the clock skew between members could invert
// their times. [D]
inline constexpr std::uint64_t kRegistrationOrderWindowMs = 1000;

// One HA's claim on an MN.
struct Claim {
  std::uint32_t epoch = 0;
  mip6::SequenceNumber sequence;
  std::int16_t preference = 0;
  Ipv6Address ha;
  // False for a takeover the MN has not confirmed with a BU yet.
  bool confirmed = true;
  // Wall-clock ms of the MN's last BU accepted for this claim; 0 = unknown.
  std::uint64_t registered_ms = 0;
};

// True when `a` beats `b` (split brain order, DESIGN.md §2, refined [D] in
// docs/harp.md): (1) a confirmed claim beats an unconfirmed one when its MN
// sequence is newer than the one the takeover copied (the MN registered
// there after the copy was made and never followed the takeover); (2) of
// two confirmed claims with known registration times, the later one when
// they are more than kRegistrationOrderWindowMs apart, else the newer MN
// sequence (the MN registered there last, B4); (3) otherwise higher epoch, newer MN sequence (RFC 6275 §9.5.1 arithmetic),
// higher preference, higher address. Claims by the same HA never beat each
// other.
bool claim_wins(const Claim& a, const Claim& b);

}  // namespace harp
