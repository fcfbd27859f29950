// The Binding Cache of a home agent (RFC 6275 §9.1, §10.1): one entry per
// home address holding the registered care-of address, the BU flags, the last
// accepted sequence number, the granted lifetime and what a redundancy group
// needs later (ownership epoch, "accept any sequence next" after a takeover,
// protocol-notes §5.6.1 step 4). The cache is a plain container with O(1)
// lookup by home address and one timer per entry kept in an ordered index
// keyed by (time, home address): whoever fires a timer looks the entry up by
// that key, never through a stored pointer. It makes no protocol decisions;
// HomeAgent (home_agent.h) does, and reports every change as a BindingEvent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "mip6/address.h"
#include "mip6/clock.h"
#include "mip6/sequence_number.h"

namespace mip6 {

// One home registration. sizeof is 96 octets on x86-64 with g++ 12 and
// clang 14 (bounded in tests/mip6/binding_cache_test.cc); with its hash node,
// bucket and timer-index node a binding costs about 220 octets, so 100 000
// bindings take ~22 MB.
struct BindingCacheEntry {
  Ipv6Address home_address;           // key (RFC 6275 §9.1)
  Ipv6Address care_of_address;        // current primary care-of address
  Ipv6Address our_address;            // the HA address the MN registered with
  Clock::time_point created_at{};     // first accepted BU of this binding
  Clock::time_point registered_at{};  // last accepted BU (refresh or CoA change)
  Clock::time_point expires_at{};     // registered_at + granted lifetime (HA-07)
  std::uint32_t granted_lifetime_s = 0;
  std::uint32_t spi = 0;              // ESP SA that protected the last accepted BU
  std::uint32_t refresh_count = 0;    // accepted BUs after the first
  std::uint32_t ownership_epoch = 0;  // bumped by a takeover (DESIGN.md §2, split brain)
  std::uint16_t flags = 0;            // BU flag word as accepted; K cleared when not granted
  SequenceNumber last_sequence;       // last accepted sequence (RFC 6275 §9.5.1)
  bool brr_sent = false;              // a BRR was sent in this lifetime (§10.3.1)
  // Set by a takeover: the next authenticated BU is accepted whatever its
  // sequence number (protocol-notes §5.6.1 step 4, G10); cleared on acceptance.
  bool accept_any_sequence = false;

  bool link_local_compat() const;  // L flag (RFC 6275 §6.1.7)
  bool key_management() const;     // K flag as granted in the BA
  bool operator==(const BindingCacheEntry&) const = default;
};

// The link-local address with the interface identifier of `home_address`
// (fe80::/64 + low 64 bits), defended by the HA when L=1 (RFC 6275 §10.4.1).
Ipv6Address link_local_of(const Ipv6Address& home_address);

class BindingCache {
 public:
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void reserve(std::size_t n) { entries_.reserve(n); }

  const BindingCacheEntry* find(const Ipv6Address& home_address) const;
  // Mutable access for field updates; a change of the entry's deadline must
  // be followed by reschedule().
  BindingCacheEntry* find(const Ipv6Address& home_address);

  // Inserts or replaces the entry for entry.home_address and sets its timer.
  void put(const BindingCacheEntry& entry, Clock::time_point timer_at);
  // Moves the timer of an existing entry; false when there is no entry.
  bool reschedule(const Ipv6Address& home_address, Clock::time_point timer_at);
  // Removes the entry and its timer; returns the removed entry.
  std::optional<BindingCacheEntry> erase(const Ipv6Address& home_address);
  void clear();

  // When the earliest timer fires (nullopt when the cache is empty).
  std::optional<Clock::time_point> next_timer() const;
  // The home address whose timer is the earliest one at or before `now`.
  std::optional<Ipv6Address> first_due(Clock::time_point now) const;
  std::optional<Clock::time_point> timer_of(const Ipv6Address& home_address) const;

  // Visits every entry (unspecified order). `f` must not modify the cache.
  void for_each(const std::function<void(const BindingCacheEntry&)>& f) const;

 private:
  struct Slot {
    BindingCacheEntry entry;
    Clock::time_point timer_at{};
  };
  struct TimerKey {
    Clock::time_point at;
    Ipv6Address home_address;
    bool operator<(const TimerKey& o) const {
      if (at != o.at) return at < o.at;
      return home_address < o.home_address;
    }
  };

  std::unordered_map<Ipv6Address, Slot, Ipv6AddressHash> entries_;
  std::set<TimerKey> timers_;
};

}  // namespace mip6
