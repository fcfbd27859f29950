#include "mip6/binding_cache.h"

#include <algorithm>

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

std::uint32_t BindingCache::push_slot(const BindingCacheEntry& entry) {
  const std::uint32_t s = size_;
  if ((s >> kChunkBits) == chunks_.size()) chunks_.push_back(std::make_unique<Slot[]>(kChunk));
  slot(s).entry = entry;
  ++size_;
  return s;
}

void BindingCache::pop_slot() {
  --size_;
  // Keep one spare chunk so that add/remove at a chunk boundary does not
  // allocate each time; free the others as the cache shrinks.
  while (chunks_.size() >= 2 && (std::size_t{size_} + 2 * kChunk) <= chunks_.size() * kChunk)
    chunks_.pop_back();
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
    if (slot(s).entry.home_address == home_address) return b;
  }
}

std::uint32_t BindingCache::find_slot(const Ipv6Address& home_address) const {
  const std::size_t b = find_bucket(home_address);
  return b < index_.size() ? index_[b] : kNoSlot;
}

void BindingCache::index_insert(std::uint32_t s) {
  // At most 75 % full, so every probe run ends at an empty bucket. A
  // rehash indexes every slot, `s` (already stored) included.
  if (std::size_t{size_} * 4 > index_.size() * 3) {
    rehash(index_.empty() ? 16 : 2 * index_.size());
    return;
  }
  std::size_t b = home_bucket(slot(s).entry.home_address);
  while (index_[b] != kNoSlot) b = next_bucket(b);
  index_[b] = s;
}

void BindingCache::index_erase(std::size_t hole) {
  index_[hole] = kNoSlot;
  // Backward-shift deletion: a later bucket of the run moves into the hole
  // unless its home bucket lies cyclically in (hole, j]; no tombstones.
  for (std::size_t j = next_bucket(hole); index_[j] != kNoSlot; j = next_bucket(j)) {
    const std::size_t k = home_bucket(slot(index_[j]).entry.home_address);
    const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
    if (stays) continue;
    index_[hole] = index_[j];
    index_[j] = kNoSlot;
    hole = j;
  }
}

void BindingCache::rehash(std::size_t buckets) {
  index_.assign(buckets, kNoSlot);
  for (std::uint32_t s = 0; s < size_; ++s) {
    std::size_t b = home_bucket(slot(s).entry.home_address);
    while (index_[b] != kNoSlot) b = next_bucket(b);
    index_[b] = s;
  }
}

bool BindingCache::earlier(const Timer& a, const Timer& b) const {
  if (a.at != b.at) return a.at < b.at;
  return slot(a.slot).entry.home_address < slot(b.slot).entry.home_address;
}

void BindingCache::heap_place(std::size_t pos, const Timer& t) {
  heap_[pos] = t;
  slot(t.slot).heap_pos = static_cast<std::uint32_t>(pos);
}

void BindingCache::heap_up(std::size_t pos) {
  const Timer t = heap_[pos];
  while (pos > 0) {
    const std::size_t parent = (pos - 1) / kArity;
    if (!earlier(t, heap_[parent])) break;
    heap_place(pos, heap_[parent]);
    pos = parent;
  }
  heap_place(pos, t);
}

void BindingCache::heap_down(std::size_t pos) {
  const Timer t = heap_[pos];
  for (;;) {
    const std::size_t first = kArity * pos + 1;
    if (first >= heap_.size()) break;
    const std::size_t end = std::min(first + kArity, heap_.size());
    std::size_t child = first;
    for (std::size_t c = first + 1; c < end; ++c)
      if (earlier(heap_[c], heap_[child])) child = c;
    if (!earlier(heap_[child], t)) break;
    heap_place(pos, heap_[child]);
    pos = child;
  }
  heap_place(pos, t);
}

void BindingCache::heap_fix(std::size_t pos) {
  if (pos > 0 && earlier(heap_[pos], heap_[(pos - 1) / kArity]))
    heap_up(pos);
  else
    heap_down(pos);
}

const BindingCacheEntry* BindingCache::find(const Ipv6Address& home_address) const {
  const std::uint32_t s = find_slot(home_address);
  return s == kNoSlot ? nullptr : &slot(s).entry;
}

BindingCacheEntry* BindingCache::find(const Ipv6Address& home_address) {
  const std::uint32_t s = find_slot(home_address);
  return s == kNoSlot ? nullptr : &slot(s).entry;
}

void BindingCache::put(const BindingCacheEntry& entry, Clock::time_point timer_at) {
  if (const std::uint32_t s = find_slot(entry.home_address); s != kNoSlot) {
    slot(s).entry = entry;
    const std::size_t pos = slot(s).heap_pos;
    heap_[pos].at = timer_at;
    heap_fix(pos);
    return;
  }
  const std::uint32_t s = push_slot(entry);
  index_insert(s);
  heap_.push_back(Timer{timer_at, s});
  heap_up(heap_.size() - 1);
}

bool BindingCache::reschedule(const Ipv6Address& home_address, Clock::time_point timer_at) {
  const std::uint32_t s = find_slot(home_address);
  if (s == kNoSlot) return false;
  const std::size_t pos = slot(s).heap_pos;
  heap_[pos].at = timer_at;
  heap_fix(pos);
  return true;
}

std::optional<BindingCacheEntry> BindingCache::erase(const Ipv6Address& home_address) {
  const std::size_t b = find_bucket(home_address);
  if (b >= index_.size()) return std::nullopt;
  const std::uint32_t s = index_[b];
  BindingCacheEntry removed = slot(s).entry;
  // Out of the heap: the last heap item takes its place.
  const std::size_t pos = slot(s).heap_pos;
  const Timer last_in_heap = heap_.back();
  heap_.pop_back();
  if (pos < heap_.size()) {
    heap_place(pos, last_in_heap);
    heap_fix(pos);
  }
  index_erase(b);
  // Out of the slots: the last slot moves into s (its index bucket and heap
  // item follow it).
  const std::uint32_t last = size_ - 1;
  if (s != last) {
    const std::size_t lb = find_bucket(slot(last).entry.home_address);
    slot(s) = slot(last);
    index_[lb] = s;
    heap_[slot(s).heap_pos].slot = s;
  }
  pop_slot();
  return removed;
}

void BindingCache::clear() {
  chunks_.clear();
  size_ = 0;
  index_.clear();
  heap_.clear();
}

std::optional<Clock::time_point> BindingCache::next_timer() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.front().at;
}

std::optional<Ipv6Address> BindingCache::first_due(Clock::time_point now) const {
  if (heap_.empty() || heap_.front().at > now) return std::nullopt;
  return slot(heap_.front().slot).entry.home_address;
}

std::optional<Clock::time_point> BindingCache::timer_of(const Ipv6Address& home_address) const {
  const std::uint32_t s = find_slot(home_address);
  if (s == kNoSlot) return std::nullopt;
  return heap_[slot(s).heap_pos].at;
}

void BindingCache::for_each(const std::function<void(const BindingCacheEntry&)>& f) const {
  for (std::uint32_t s = 0; s < size_; ++s) f(slot(s).entry);
}

}  // namespace mip6
