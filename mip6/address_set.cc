// Flat set of IPv6 addresses (address_set.h).
#include "mip6/address_set.h"

#include <utility>

namespace mip6 {

AddressSet::AddressSet(std::initializer_list<Ipv6Address> addresses) {
  reserve(addresses.size());
  for (const auto& a : addresses) insert(a);
}

std::size_t AddressSet::home(const Ipv6Address& a) const {
  // FNV-1a then a multiplicative mix; the high bits pick the slot.
  const std::uint64_t h = static_cast<std::uint64_t>(Ipv6AddressHash{}(a)) * 0x9e3779b97f4a7c15ull;
  return static_cast<std::size_t>(h >> 32) & (slots_.size() - 1);
}

bool AddressSet::contains(const Ipv6Address& a) const {
  if (a.is_unspecified()) return has_unspecified_;
  if (slots_.empty()) return false;
  for (std::size_t i = home(a);; i = next(i)) {
    if (slots_[i] == a) return true;
    if (slots_[i].is_unspecified()) return false;
  }
}

bool AddressSet::insert(const Ipv6Address& a) {
  if (a.is_unspecified()) {
    if (has_unspecified_) return false;
    has_unspecified_ = true;
    ++size_;
    return true;
  }
  if (contains(a)) return false;
  // At most 7/8 full (the unspecified address takes no slot), so every
  // probe run ends at an empty slot.
  const std::size_t stored = size_ - (has_unspecified_ ? 1 : 0);
  if ((stored + 1) * 8 > slots_.size() * 7) rehash(slots_.empty() ? 16 : 2 * slots_.size());
  std::size_t i = home(a);
  while (!slots_[i].is_unspecified()) i = next(i);
  slots_[i] = a;
  ++size_;
  return true;
}

void AddressSet::clear() {
  slots_.clear();
  size_ = 0;
  has_unspecified_ = false;
}

void AddressSet::reserve(std::size_t n) {
  std::size_t slots = slots_.empty() ? 16 : slots_.size();
  while (n * 8 > slots * 7) slots *= 2;
  if (slots > slots_.size()) rehash(slots);
}

void AddressSet::rehash(std::size_t slots) {
  std::vector<Ipv6Address> old = std::exchange(slots_, std::vector<Ipv6Address>(slots));
  for (const auto& a : old) {
    if (a.is_unspecified()) continue;
    std::size_t i = home(a);
    while (!slots_[i].is_unspecified()) i = next(i);
    slots_[i] = a;
  }
}

}  // namespace mip6
