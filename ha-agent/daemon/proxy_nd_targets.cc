// Targets of the user-space proxy ND (proxy_nd_targets.h), RFC 6275 §10.4.1.
#include "ha-agent/daemon/proxy_nd_targets.h"

#include <utility>

namespace ha_agent {
namespace {

constexpr std::size_t kMinSlots = 16;

std::uint64_t interface_id(const mip6::Ipv6Address& a) {
  std::uint64_t v = 0;
  for (std::size_t i = 8; i < 16; ++i) v = v << 8 | a.bytes()[i];
  return v;
}

// fe80::/64 exactly: the form link_local_of() gives (RFC 4291 §2.5.6).
bool is_link_local_64(const mip6::Ipv6Address& a) {
  const auto& b = a.bytes();
  if (b[0] != 0xfe || b[1] != 0x80) return false;
  for (std::size_t i = 2; i < 8; ++i)
    if (b[i] != 0) return false;
  return true;
}

}  // namespace

std::size_t ProxyNdTargets::home_slot(const mip6::Ipv6Address& a) const {
  // Only the interface identifier: a link-local target finds the run of
  // every home address that shares it. Fibonacci hashing spreads
  // consecutive identifiers (ha-genconf numbers them) over the table.
  const std::uint64_t h = interface_id(a) * 0x9e3779b97f4a7c15ull;
  return static_cast<std::size_t>(h >> 32) & (slots_.size() - 1);
}

std::size_t ProxyNdTargets::find(const mip6::Ipv6Address& home_address) const {
  if (slots_.empty()) return 0;
  for (std::size_t i = home_slot(home_address);; i = next(i)) {
    if (slots_[i].state == State::kEmpty) return slots_.size();
    if (slots_[i].home_address == home_address) return i;
  }
}

void ProxyNdTargets::add(const mip6::Ipv6Address& home_address, bool with_link_local) {
  const State state = with_link_local ? State::kWithLinkLocal : State::kHomeAddress;
  if (std::size_t i = find(home_address); i < slots_.size()) {
    slots_[i].state = state;
    return;
  }
  // At most 80 % full, so every probe run ends at an empty slot.
  if ((size_ + 1) * 5 > slots_.size() * 4) grow();
  std::size_t i = home_slot(home_address);
  while (slots_[i].state != State::kEmpty) i = next(i);
  slots_[i] = Slot{home_address, state};
  ++size_;
}

bool ProxyNdTargets::remove(const mip6::Ipv6Address& home_address) {
  std::size_t hole = find(home_address);
  if (hole >= slots_.size()) return false;
  slots_[hole] = Slot{};
  --size_;
  // Backward-shift deletion: move later entries of the run into the hole
  // when their home slot does not lie after it (cyclically), so no lookup
  // stops early at the hole and no tombstones build up.
  for (std::size_t j = next(hole); slots_[j].state != State::kEmpty; j = next(j)) {
    const std::size_t k = home_slot(slots_[j].home_address);
    const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
    if (stays) continue;
    slots_[hole] = slots_[j];
    slots_[j] = Slot{};
    hole = j;
  }
  return true;
}

bool ProxyNdTargets::answers(const mip6::Ipv6Address& target) const {
  if (slots_.empty()) return false;
  if (!is_link_local_64(target)) return find(target) < slots_.size();
  const std::uint64_t iid = interface_id(target);
  for (std::size_t i = home_slot(target); slots_[i].state != State::kEmpty; i = next(i))
    if (slots_[i].state == State::kWithLinkLocal && interface_id(slots_[i].home_address) == iid)
      return true;
  return false;
}

void ProxyNdTargets::clear() {
  slots_.clear();
  slots_.shrink_to_fit();
  size_ = 0;
}

void ProxyNdTargets::grow() {
  std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(slots_.empty() ? kMinSlots
                                                                                 : 2 * slots_.size()));
  for (const Slot& s : old) {
    if (s.state == State::kEmpty) continue;
    std::size_t i = home_slot(s.home_address);
    while (slots_[i].state != State::kEmpty) i = next(i);
    slots_[i] = s;
  }
}

}  // namespace ha_agent
