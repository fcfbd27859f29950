#include "ha-agent/snapshot/restore_plan.h"

#include <openssl/sha.h>

#include <algorithm>

namespace ha_agent::snapshot {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

MnSetDigest mn_set_digest(std::vector<mip6::Ipv6Address> home_addresses) {
  std::sort(home_addresses.begin(), home_addresses.end());
  home_addresses.erase(std::unique(home_addresses.begin(), home_addresses.end()), home_addresses.end());
  std::vector<std::uint8_t> all;
  all.reserve(home_addresses.size() * mip6::Ipv6Address::kSize);
  for (const auto& a : home_addresses) all.insert(all.end(), a.bytes().begin(), a.bytes().end());
  MnSetDigest d{};
  ::SHA256(all.data(), all.size(), d.data());
  return d;
}

SnapshotEntry to_snapshot_entry(const mip6::BindingCacheEntry& e, const ClockPair& now,
                                const std::optional<mip6::Ipv6Address>& owner) {
  auto wall = [&](mip6::Clock::time_point t) {
    return now.wall + duration_cast<milliseconds>(t - now.steady);
  };
  SnapshotEntry s;
  s.home_address = e.home_address;
  s.care_of_address = e.care_of_address;
  s.our_address = e.our_address;
  s.sequence = e.last_sequence;
  s.granted_lifetime_s = e.granted_lifetime_s;
  s.registered_at = wall(e.registered_at);
  s.expires_at = wall(e.expires_at);
  s.flags = e.flags;
  s.spi = e.spi;
  s.refresh_count = e.refresh_count;
  s.epoch = e.ownership_epoch;
  s.confirmed = !e.accept_any_sequence;
  s.owner = owner;
  return s;
}

std::optional<mip6::BindingCacheEntry> to_cache_entry(const SnapshotEntry& e, const ClockPair& now) {
  if (e.expires_at <= now.wall) return std::nullopt;
  const milliseconds granted = seconds(e.granted_lifetime_s);
  const milliseconds remaining = std::min<milliseconds>(e.expires_at - now.wall, granted);
  mip6::BindingCacheEntry c;
  c.home_address = e.home_address;
  c.care_of_address = e.care_of_address;
  c.our_address = e.our_address;
  c.expires_at = now.steady + remaining;
  c.registered_at = c.expires_at - granted;
  c.created_at = c.registered_at;
  c.granted_lifetime_s = e.granted_lifetime_s;
  c.spi = e.spi;
  c.refresh_count = e.refresh_count;
  c.ownership_epoch = e.epoch;
  c.flags = e.flags;
  c.last_sequence = e.sequence;
  // HomeAgent::adopt_binding sets accept_any_sequence: the MN's next BU is
  // accepted whatever its sequence (it may have moved on while we were down).
  c.accept_any_sequence = !e.confirmed;
  return c;
}

RestorePlan plan_restore(const Snapshot& s, const AddressSet& configured_home_addresses,
                         const AddressSet& our_addresses, const MnSetDigest& current_digest,
                         const ClockPair& now) {
  RestorePlan p;
  p.digest_mismatch = s.header.mn_set_digest != current_digest;
  p.written_in_future = s.header.written_at > now.wall;
  p.adopt.reserve(s.entries.size());
  for (const auto& e : s.entries) {
    if (configured_home_addresses.count(e.home_address) == 0) {
      ++p.unknown;
      continue;
    }
    if (our_addresses.count(e.our_address) == 0) {
      ++p.foreign;
      continue;
    }
    auto c = to_cache_entry(e, now);
    if (!c) {
      ++p.expired;
      continue;
    }
    p.adopt.push_back(*c);
  }
  return p;
}

GroupRestoreDeadlines group_restore_deadlines(mip6::Clock::time_point start,
                                              std::chrono::milliseconds hello_interval, std::uint32_t rise,
                                              std::uint32_t dead_multiplier) {
  GroupRestoreDeadlines d;
  d.down_peers = start + hello_interval * static_cast<std::int64_t>(rise + dead_multiplier) + seconds(2);
  d.answering_peers = d.down_peers + seconds(32);
  return d;
}

bool peers_settled(const std::vector<PeerRestoreState>& peers, mip6::Clock::time_point now,
                   const GroupRestoreDeadlines& deadlines) {
  if (now >= deadlines.answering_peers) return true;
  return std::all_of(peers.begin(), peers.end(), [&](const PeerRestoreState& p) {
    return p.up ? !p.restoring : now >= deadlines.down_peers;
  });
}

GroupSelection select_unclaimed(const std::vector<mip6::BindingCacheEntry>& held,
                                const std::function<bool(const mip6::Ipv6Address&)>& claimed,
                                mip6::Clock::time_point now) {
  GroupSelection g;
  for (const auto& e : held) {
    if (e.expires_at <= now) {
      ++g.expired;
    } else if (claimed(e.home_address)) {
      ++g.claimed;
    } else {
      g.adopt.push_back(e);
    }
  }
  return g;
}

}  // namespace ha_agent::snapshot
