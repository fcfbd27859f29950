#include "mip6/binding_cache.h"

#include "mip6/mobility_messages.h"

namespace mip6 {

bool BindingCacheEntry::link_local_compat() const {
  return (flags & BindingUpdate::kLinkLocal) != 0;
}

bool BindingCacheEntry::key_management() const {
  return (flags & BindingUpdate::kKeyManagement) != 0;
}

Ipv6Address link_local_of(const Ipv6Address& home_address) {
  Ipv6Address::Bytes b = home_address.bytes();
  b[0] = 0xfe;
  b[1] = 0x80;
  for (std::size_t i = 2; i < 8; ++i) b[i] = 0;
  return Ipv6Address(b);
}

void BindingCache::reserve(std::size_t n) {
  heap_.reserve(n);
  std::size_t buckets = index_.empty() ? 16 : index_.size();
  while (n * 4 > buckets * 3) buckets *= 2;
  if (buckets > index_.size()) rehash(buckets);
}

std::size_t BindingCache::home_bucket(const Ipv6Address& a) const {
  // FNV-1a (Ipv6AddressHash) then a multiplicative mix: its high bits pick
  // the bucket, so addresses that differ in the low octets spread.
  const std::uint64_t h = static_cast<std::uint64_t>(Ipv6AddressHash{}(a)) * 0x9e3779b97f4a7c15ull;
  return static_cast<std::size_t>(h >> 32) & (index_.size() - 1);
}

std::size_t BindingCache::find_bucket(const Ipv6Address& home_address) const {
  if (index_.empty()) return 0;
  for (std::size_t b = home_bucket(home_address);; b = next_bucket(b)) {
    const std::uint32_t s = index_[b];
    if (s == kNoSlot) return index_.size();
    if (slots_[s].entry.home_address == home_address) return b;
  }
}

std::uint32_t BindingCache::find_slot(const Ipv6Address& home_address) const {
  const std::size_t b = find_bucket(home_address);
  return b < index_.size() ? index_[b] : kNoSlot;
}

void BindingCache::index_insert(std::uint32_t slot) {
  // At most 75 % full, so every probe run ends at an empty bucket. A
  // rehash indexes every slot, `slot` (already in slots_) included.
  if (slots_.size() * 4 > index_.size() * 3) {
    rehash(index_.empty() ? 16 : 2 * index_.size());
    return;
  }
  std::size_t b = home_bucket(slots_[slot].entry.home_address);
  while (index_[b] != kNoSlot) b = next_bucket(b);
  index_[b] = slot;
}

void BindingCache::index_erase(std::size_t hole) {
  index_[hole] = kNoSlot;
  // Backward-shift deletion: a later bucket of the run moves into the hole
  // unless its home bucket lies cyclically in (hole, j]; no tombstones.
  for (std::size_t j = next_bucket(hole); index_[j] != kNoSlot; j = next_bucket(j)) {
    const std::size_t k = home_bucket(slots_[index_[j]].entry.home_address);
    const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
    if (stays) continue;
    index_[hole] = index_[j];
    index_[j] = kNoSlot;
    hole = j;
  }
}

void BindingCache::rehash(std::size_t buckets) {
  index_.assign(buckets, kNoSlot);
  for (std::uint32_t s = 0; s < slots_.size(); ++s) {
    std::size_t b = home_bucket(slots_[s].entry.home_address);
    while (index_[b] != kNoSlot) b = next_bucket(b);
    index_[b] = s;
  }
}

bool BindingCache::earlier(std::uint32_t a, std::uint32_t b) const {
  const Slot& x = slots_[a];
  const Slot& y = slots_[b];
  if (x.timer_at != y.timer_at) return x.timer_at < y.timer_at;
  return x.entry.home_address < y.entry.home_address;
}

void BindingCache::heap_place(std::size_t pos, std::uint32_t slot) {
  heap_[pos] = slot;
  slots_[slot].heap_pos = static_cast<std::uint32_t>(pos);
}

void BindingCache::heap_up(std::size_t pos) {
  const std::uint32_t s = heap_[pos];
  while (pos > 0) {
    const std::size_t parent = (pos - 1) / 2;
    if (!earlier(s, heap_[parent])) break;
    heap_place(pos, heap_[parent]);
    pos = parent;
  }
  heap_place(pos, s);
}

void BindingCache::heap_down(std::size_t pos) {
  const std::uint32_t s = heap_[pos];
  for (;;) {
    std::size_t child = 2 * pos + 1;
    if (child >= heap_.size()) break;
    if (child + 1 < heap_.size() && earlier(heap_[child + 1], heap_[child])) ++child;
    if (!earlier(heap_[child], s)) break;
    heap_place(pos, heap_[child]);
    pos = child;
  }
  heap_place(pos, s);
}

void BindingCache::heap_fix(std::size_t pos) {
  if (pos > 0 && earlier(heap_[pos], heap_[(pos - 1) / 2]))
    heap_up(pos);
  else
    heap_down(pos);
}

const BindingCacheEntry* BindingCache::find(const Ipv6Address& home_address) const {
  const std::uint32_t s = find_slot(home_address);
  return s == kNoSlot ? nullptr : &slots_[s].entry;
}

BindingCacheEntry* BindingCache::find(const Ipv6Address& home_address) {
  const std::uint32_t s = find_slot(home_address);
  return s == kNoSlot ? nullptr : &slots_[s].entry;
}

void BindingCache::put(const BindingCacheEntry& entry, Clock::time_point timer_at) {
  if (const std::uint32_t s = find_slot(entry.home_address); s != kNoSlot) {
    slots_[s].entry = entry;
    slots_[s].timer_at = timer_at;
    heap_fix(slots_[s].heap_pos);
    return;
  }
  const auto s = static_cast<std::uint32_t>(slots_.size());
  slots_.push_back(Slot{entry, timer_at, static_cast<std::uint32_t>(heap_.size())});
  index_insert(s);
  heap_.push_back(s);
  heap_up(heap_.size() - 1);
}

bool BindingCache::reschedule(const Ipv6Address& home_address, Clock::time_point timer_at) {
  const std::uint32_t s = find_slot(home_address);
  if (s == kNoSlot) return false;
  slots_[s].timer_at = timer_at;
  heap_fix(slots_[s].heap_pos);
  return true;
}

std::optional<BindingCacheEntry> BindingCache::erase(const Ipv6Address& home_address) {
  const std::size_t b = find_bucket(home_address);
  if (b >= index_.size()) return std::nullopt;
  const std::uint32_t s = index_[b];
  BindingCacheEntry removed = slots_[s].entry;
  // Out of the heap: the last heap element takes its place.
  const std::size_t pos = slots_[s].heap_pos;
  const std::uint32_t last_in_heap = heap_.back();
  heap_.pop_back();
  if (pos < heap_.size()) {
    heap_place(pos, last_in_heap);
    heap_fix(pos);
  }
  index_erase(b);
  // Out of the deque: the last slot moves into s (its index bucket and heap
  // position follow it).
  const auto last = static_cast<std::uint32_t>(slots_.size() - 1);
  if (s != last) {
    const std::size_t lb = find_bucket(slots_[last].entry.home_address);
    slots_[s] = slots_[last];
    index_[lb] = s;
    heap_[slots_[s].heap_pos] = s;
  }
  slots_.pop_back();
  return removed;
}

void BindingCache::clear() {
  slots_.clear();
  index_.clear();
  heap_.clear();
}

std::optional<Clock::time_point> BindingCache::next_timer() const {
  if (heap_.empty()) return std::nullopt;
  return slots_[heap_.front()].timer_at;
}

std::optional<Ipv6Address> BindingCache::first_due(Clock::time_point now) const {
  if (heap_.empty() || slots_[heap_.front()].timer_at > now) return std::nullopt;
  return slots_[heap_.front()].entry.home_address;
}

std::optional<Clock::time_point> BindingCache::timer_of(const Ipv6Address& home_address) const {
  const std::uint32_t s = find_slot(home_address);
  if (s == kNoSlot) return std::nullopt;
  return slots_[s].timer_at;
}

void BindingCache::for_each(const std::function<void(const BindingCacheEntry&)>& f) const {
  for (const Slot& slot : slots_) f(slot.entry);
}

}  // namespace mip6
