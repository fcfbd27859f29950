// The Binding Cache of a home agent (RFC 6275 §9.1, §10.1): one entry per
// home address holding the registered care-of address, the BU flags, the last
// accepted sequence number, the granted lifetime and what a redundancy group
// needs later (ownership epoch, "accept any sequence next" after a takeover,
// protocol-notes §5.6.1 step 4). The cache is a plain container with O(1)
// lookup by home address and one timer per entry; the earliest timer is
// found by (time, home address), and whoever fires a timer looks the entry
// up by that home address, never through a stored pointer. It makes no
// protocol decisions; HomeAgent (home_agent.h) does, and reports every
// change as a BindingEvent.
// Memory and speed (issue #4): the entries live in fixed-size chunks (no
// node per entry, no copy on growth, pointers stay valid while other
// entries are added), indexed by an open-addressing table of slot numbers
// that reads the key from the entry itself (no second copy of the home
// address); the timers are a 4-ary min-heap of (time, slot) pairs, so a
// refresh that moves a timer compares times in one array instead of
// reading two entries per level. About 140 octets per binding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "mip6/address.h"
#include "mip6/clock.h"
#include "mip6/sequence_number.h"

namespace mip6 {

// One home registration. sizeof is 96 octets on x86-64 with g++ 12 and
// clang 14 (bounded in tests/mip6/binding_cache_test.cc); with its heap
// position, index bucket and heap item a binding costs about 140 octets,
// so 100 000 bindings take ~14 MB.
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
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Sizes the index and the timer heap for n entries.
  void reserve(std::size_t n);

  const BindingCacheEntry* find(const Ipv6Address& home_address) const;
  // Mutable access for field updates; a change of the entry's deadline must
  // be followed by reschedule(). A pointer from find() stays valid until
  // the entry is erased or the cache cleared; erasing another entry may
  // move the last-added entry into the freed place (then its pointer too).
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
  // The home address whose timer is the earliest one at or before `now`
  // (the lowest home address among timers at the same time).
  std::optional<Ipv6Address> first_due(Clock::time_point now) const;
  std::optional<Clock::time_point> timer_of(const Ipv6Address& home_address) const;

  // Visits every entry (unspecified order). `f` must not modify the cache.
  void for_each(const std::function<void(const BindingCacheEntry&)>& f) const;

 private:
  static constexpr std::uint32_t kNoSlot = 0xffffffffu;
  struct Slot {
    BindingCacheEntry entry;
    std::uint32_t heap_pos = 0;  // where this slot's timer sits in heap_
  };
  struct Timer {
    Clock::time_point at;
    std::uint32_t slot;
  };
  // Slots 0..size_-1, kChunk per allocation; erase moves the last slot
  // into the hole, so they stay dense.
  static constexpr std::uint32_t kChunkBits = 10;
  static constexpr std::uint32_t kChunk = 1u << kChunkBits;
  Slot& slot(std::uint32_t s) { return chunks_[s >> kChunkBits][s & (kChunk - 1)]; }
  const Slot& slot(std::uint32_t s) const { return chunks_[s >> kChunkBits][s & (kChunk - 1)]; }
  std::uint32_t push_slot(const BindingCacheEntry& entry);
  void pop_slot();

  // Index: open addressing (linear probing, backward-shift deletion) of
  // slot numbers, at most 75 % full; size 0 or a power of two.
  std::size_t home_bucket(const Ipv6Address& a) const;
  std::size_t next_bucket(std::size_t b) const { return (b + 1) & (index_.size() - 1); }
  // The bucket holding the slot of `home_address`, or index_.size().
  std::size_t find_bucket(const Ipv6Address& home_address) const;
  std::uint32_t find_slot(const Ipv6Address& home_address) const;
  void index_insert(std::uint32_t slot);
  void index_erase(std::size_t bucket);
  void rehash(std::size_t buckets);

  // Timer heap (4-ary) ordered by (time, home address), as the ordered set
  // it replaced: first_due() answers exactly as before.
  static constexpr std::size_t kArity = 4;
  bool earlier(const Timer& a, const Timer& b) const;
  void heap_place(std::size_t pos, const Timer& t);
  void heap_up(std::size_t pos);
  void heap_down(std::size_t pos);
  void heap_fix(std::size_t pos);

  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t size_ = 0;
  std::vector<std::uint32_t> index_;  // slot numbers or kNoSlot
  std::vector<Timer> heap_;           // heap_[0] earliest
};

}  // namespace mip6
