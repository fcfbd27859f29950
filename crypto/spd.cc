// Security Policy Database (spd.h), RFC 4301 §4.4.1 and §5.2.
#include "crypto/spd.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace crypto {

mip6::Status<EspError> check_inbound(const SpdSelector& s, const InboundPacketInfo& p) {
  if (p.protocol != s.upper_layer_protocol) return mip6::fail(EspError::kPolicyProtocolMismatch);
  if (!s.local.is_unspecified() && p.destination != s.local)
    return mip6::fail(EspError::kPolicyLocalMismatch);
  // RFC 4877 §4: the HoA must be the one authorised for this SA's peer.
  if (s.home_address && p.home_address.value_or(p.source) != *s.home_address)
    return mip6::fail(EspError::kPolicyHomeAddressMismatch);
  if (!s.remote.contains(p.source)) return mip6::fail(EspError::kPolicySourceOutsideRemote);
  if (s.mh_type && p.protocol == kIpProtoMh && p.mh_type != s.mh_type)
    return mip6::fail(EspError::kPolicyMhTypeMismatch);
  return mip6::Ok{};
}

bool selects(const SpdSelector& s, const OutboundPacketInfo& p) {
  if (p.protocol != s.upper_layer_protocol) return false;
  if (!s.local.is_unspecified() && p.source != s.local) return false;
  if (!s.remote.contains(p.destination)) return false;
  if (s.home_address && p.destination != *s.home_address) return false;
  if (s.mh_type && p.protocol == kIpProtoMh && p.mh_type != s.mh_type) return false;
  return true;
}

bool SecurityPolicyDatabase::before(const Entry& a, const Entry& b) {
  if (a.selector.remote.length != b.selector.remote.length)
    return a.selector.remote.length > b.selector.remote.length;
  if (a.selector.mh_type.has_value() != b.selector.mh_type.has_value())
    return a.selector.mh_type.has_value();
  return a.order < b.order;
}

std::size_t SecurityPolicyDatabase::exact_home(const mip6::Ipv6Address& a) const {
  const std::uint64_t h =
      static_cast<std::uint64_t>(mip6::Ipv6AddressHash{}(a)) * 0x9e3779b97f4a7c15ull;
  return static_cast<std::size_t>(h >> 32) & (exact_.size() - 1);
}

const mip6::Ipv6Address& SecurityPolicyDatabase::remote_of(std::uint32_t spi) const {
  return by_spi_.at(spi).selector.remote.address;
}

void SecurityPolicyDatabase::exact_insert(std::uint32_t spi) {
  if ((exact_size_ + 1) * 4 > exact_.size() * 3) {
    std::vector<std::uint32_t> old(exact_.empty() ? 16 : 2 * exact_.size(), 0);
    old.swap(exact_);
    for (std::uint32_t s : old) {
      if (s == 0) continue;
      std::size_t i = exact_home(remote_of(s));
      while (exact_[i] != 0) i = exact_next(i);
      exact_[i] = s;
    }
  }
  std::size_t i = exact_home(remote_of(spi));
  while (exact_[i] != 0) i = exact_next(i);
  exact_[i] = spi;
  ++exact_size_;
}

// Called while by_spi_ still holds `spi` (its address gives the run).
void SecurityPolicyDatabase::exact_erase(std::uint32_t spi) {
  std::size_t hole = exact_home(remote_of(spi));
  while (exact_[hole] != spi) hole = exact_next(hole);  // it is in the run
  exact_[hole] = 0;
  --exact_size_;
  // Backward-shift deletion: a later SPI of the run moves into the hole
  // unless its home slot lies cyclically in (hole, j]; no tombstones.
  for (std::size_t j = exact_next(hole); exact_[j] != 0; j = exact_next(j)) {
    const std::size_t k = exact_home(remote_of(exact_[j]));
    const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
    if (stays) continue;
    exact_[hole] = exact_[j];
    exact_[j] = 0;
    hole = j;
  }
}

void SecurityPolicyDatabase::renumber() {
  std::vector<std::pair<std::uint32_t, Entry*>> all;
  all.reserve(by_spi_.size());
  for (auto& [spi, e] : by_spi_) all.emplace_back(e.order, &e);
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  next_order_ = 0;
  for (auto& [order, e] : all) e->order = next_order_++;
}

mip6::Status<EspError> SecurityPolicyDatabase::add(const SpdSelector& selector,
                                                   std::uint32_t outbound_spi) {
  // SPI 0 is never an SA's (RFC 4303 §2.1); the exact index uses it as "empty".
  if (outbound_spi == 0) return mip6::fail(EspError::kBadSpi);
  if (next_order_ == std::numeric_limits<std::uint32_t>::max()) renumber();
  auto [it, fresh] = by_spi_.try_emplace(outbound_spi, Entry{selector, next_order_});
  if (!fresh) return mip6::fail(EspError::kDuplicateSpi);
  ++next_order_;
  if (selector.remote.length >= 128) {
    exact_insert(outbound_spi);
  } else {
    auto pos = std::upper_bound(prefixes_.begin(), prefixes_.end(), outbound_spi,
                                [this](std::uint32_t a, std::uint32_t b) {
                                  return before(by_spi_.at(a), by_spi_.at(b));
                                });
    prefixes_.insert(pos, outbound_spi);
  }
  return mip6::Ok{};
}

bool SecurityPolicyDatabase::remove(std::uint32_t outbound_spi) {
  auto it = by_spi_.find(outbound_spi);
  if (it == by_spi_.end()) return false;
  const SpdSelector& s = it->second.selector;
  if (s.remote.length >= 128) {
    exact_erase(outbound_spi);
  } else {
    prefixes_.erase(std::remove(prefixes_.begin(), prefixes_.end(), outbound_spi), prefixes_.end());
  }
  by_spi_.erase(it);
  return true;
}

bool SecurityPolicyDatabase::better(std::uint32_t spi, const Entry& e, const OutboundPacketInfo& p,
                                    const Entry*& best, std::uint32_t& best_spi) {
  if (!selects(e.selector, p) || (best && !before(e, *best))) return false;
  best = &e;
  best_spi = spi;
  return true;
}

mip6::Result<std::uint32_t, EspError> SecurityPolicyDatabase::select(
    const OutboundPacketInfo& p) const {
  // Every exact policy comes before every prefix (longer remote first).
  // One policy lookup per SPI of the run (it is read once per packet).
  const Entry* best = nullptr;
  std::uint32_t best_spi = 0;
  if (!exact_.empty())
    for (std::size_t i = exact_home(p.destination); exact_[i] != 0; i = exact_next(i)) {
      const Entry& e = by_spi_.find(exact_[i])->second;
      if (e.selector.remote.address == p.destination) better(exact_[i], e, p, best, best_spi);
    }
  if (best) return best_spi;
  for (std::uint32_t spi : prefixes_)
    if (better(spi, by_spi_.find(spi)->second, p, best, best_spi))
      return best_spi;  // the list is in before() order
  return mip6::fail(EspError::kNoPolicy);
}

}  // namespace crypto
