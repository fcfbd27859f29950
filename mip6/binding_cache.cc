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

const BindingCacheEntry* BindingCache::find(const Ipv6Address& home_address) const {
  auto it = entries_.find(home_address);
  return it == entries_.end() ? nullptr : &it->second.entry;
}

BindingCacheEntry* BindingCache::find(const Ipv6Address& home_address) {
  auto it = entries_.find(home_address);
  return it == entries_.end() ? nullptr : &it->second.entry;
}

void BindingCache::put(const BindingCacheEntry& entry, Clock::time_point timer_at) {
  auto [it, inserted] = entries_.try_emplace(entry.home_address);
  if (!inserted) timers_.erase(TimerKey{it->second.timer_at, entry.home_address});
  it->second.entry = entry;
  it->second.timer_at = timer_at;
  timers_.insert(TimerKey{timer_at, entry.home_address});
}

bool BindingCache::reschedule(const Ipv6Address& home_address, Clock::time_point timer_at) {
  auto it = entries_.find(home_address);
  if (it == entries_.end()) return false;
  timers_.erase(TimerKey{it->second.timer_at, home_address});
  it->second.timer_at = timer_at;
  timers_.insert(TimerKey{timer_at, home_address});
  return true;
}

std::optional<BindingCacheEntry> BindingCache::erase(const Ipv6Address& home_address) {
  auto it = entries_.find(home_address);
  if (it == entries_.end()) return std::nullopt;
  timers_.erase(TimerKey{it->second.timer_at, home_address});
  BindingCacheEntry removed = it->second.entry;
  entries_.erase(it);
  return removed;
}

void BindingCache::clear() {
  entries_.clear();
  timers_.clear();
}

std::optional<Clock::time_point> BindingCache::next_timer() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->at;
}

std::optional<Ipv6Address> BindingCache::first_due(Clock::time_point now) const {
  if (timers_.empty() || timers_.begin()->at > now) return std::nullopt;
  return timers_.begin()->home_address;
}

std::optional<Clock::time_point> BindingCache::timer_of(const Ipv6Address& home_address) const {
  auto it = entries_.find(home_address);
  if (it == entries_.end()) return std::nullopt;
  return it->second.timer_at;
}

void BindingCache::for_each(const std::function<void(const BindingCacheEntry&)>& f) const {
  for (const auto& [key, slot] : entries_) f(slot.entry);
}

}  // namespace mip6
