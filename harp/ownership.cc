#include "harp/ownership.h"

#include <algorithm>

namespace harp {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::uint64_t fold(std::uint64_t h, const Ipv6Address& a) {
  for (std::size_t i = 0; i < 16; i += 8) {
    std::uint64_t w = 0;
    for (std::size_t j = 0; j < 8; ++j) w = (w << 8) | a.bytes()[i + j];
    h = splitmix64(h ^ w);
  }
  return h;
}

bool better_member(const PeerConfig& a, const PeerConfig& b) {
  if (a.preference != b.preference) return a.preference > b.preference;
  return a.address > b.address;
}

}  // namespace

std::uint64_t hrw_score(const Ipv6Address& home_address, const Ipv6Address& ha) {
  return fold(fold(0x48415250ull, home_address), ha);  // "HARP"
}

Ipv6Address assign_taker(TakeoverPolicy policy, const Ipv6Address& home_address,
                         const std::vector<PeerConfig>& survivors) {
  const PeerConfig* best = &survivors.front();
  if (policy == TakeoverPolicy::kPreference) {
    for (const auto& s : survivors)
      if (better_member(s, *best)) best = &s;
    return best->address;
  }
  // HRW: the highest score wins; ties (astronomically rare) by address.
  std::uint64_t best_score = hrw_score(home_address, best->address);
  for (const auto& s : survivors) {
    const auto sc = hrw_score(home_address, s.address);
    if (sc > best_score || (sc == best_score && s.address > best->address)) {
      best = &s;
      best_score = sc;
    }
  }
  return best->address;
}

bool claim_wins(const Claim& a, const Claim& b) {
  if (a.ha == b.ha) return false;
  // B3 (docs/harp.md): a takeover made from a stale copy that never reached
  // the MN (no BU) must not beat the registration the MN keeps refreshing.
  // A confirmed claim whose MN sequence is newer than the one the takeover
  // copied wins: the MN registered there after that copy was made.
  if (a.confirmed != b.confirmed) {
    const Claim& c = a.confirmed ? a : b;
    const Claim& u = a.confirmed ? b : a;
    if (c.sequence.newer_than(u.sequence)) return a.confirmed;
  }
  // B4 (docs/harp.md): two registrations the MN made itself. The epoch may
  // be stale (the MN followed two HA Switches in a row during a partition)
  // or lost (an HA restarted cut off). Clearly apart in time, the later one
  // wins (the MN's sequence numbers may be per HA and restart at a new HA,
  // RFC 6275 §11.7.1, G10). Closer than the window the times may be out of
  // order (a BU delayed in the network, clock skew), and the MN's own
  // order of its BUs, the sequence number, decides. Both sides compare the
  // same numbers, so they agree whatever their clocks say.
  if (a.confirmed && b.confirmed && a.registered_ms != 0 && b.registered_ms != 0) {
    const auto later = std::max(a.registered_ms, b.registered_ms);
    const auto earlier = std::min(a.registered_ms, b.registered_ms);
    if (later - earlier > kRegistrationOrderWindowMs) return a.registered_ms == later;
    if (a.sequence != b.sequence) return a.sequence.newer_than(b.sequence);
  }
  if (a.epoch != b.epoch) return a.epoch > b.epoch;
  if (a.sequence != b.sequence) return a.sequence.newer_than(b.sequence);
  if (a.preference != b.preference) return a.preference > b.preference;
  return a.ha > b.ha;
}

}  // namespace harp
