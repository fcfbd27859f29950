// Security Policy Database (spd.h), RFC 4301 §4.4.1 and §5.2.
#include "crypto/spd.h"

#include <algorithm>

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

mip6::Status<EspError> SecurityPolicyDatabase::add(const SpdSelector& selector,
                                                   std::uint32_t outbound_spi) {
  auto [it, fresh] = by_spi_.try_emplace(outbound_spi, Entry{selector, next_order_});
  if (!fresh) return mip6::fail(EspError::kDuplicateSpi);
  ++next_order_;
  if (selector.remote.length >= 128) {
    exact_.emplace(selector.remote.address, outbound_spi);
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
    auto [b, e] = exact_.equal_range(s.remote.address);
    for (auto x = b; x != e; ++x)
      if (x->second == outbound_spi) {
        exact_.erase(x);
        break;
      }
  } else {
    prefixes_.erase(std::remove(prefixes_.begin(), prefixes_.end(), outbound_spi), prefixes_.end());
  }
  by_spi_.erase(it);
  return true;
}

bool SecurityPolicyDatabase::better(std::uint32_t spi, const OutboundPacketInfo& p,
                                    const Entry*& best, std::uint32_t& best_spi) const {
  const Entry& e = by_spi_.at(spi);
  if (!selects(e.selector, p) || (best && !before(e, *best))) return false;
  best = &e;
  best_spi = spi;
  return true;
}

mip6::Result<std::uint32_t, EspError> SecurityPolicyDatabase::select(
    const OutboundPacketInfo& p) const {
  // Every exact policy comes before every prefix (longer remote first).
  const Entry* best = nullptr;
  std::uint32_t best_spi = 0;
  auto [b, e] = exact_.equal_range(p.destination);
  for (auto x = b; x != e; ++x) better(x->second, p, best, best_spi);
  if (best) return best_spi;
  for (std::uint32_t spi : prefixes_)
    if (better(spi, p, best, best_spi)) return best_spi;  // the list is in before() order
  return mip6::fail(EspError::kNoPolicy);
}

}  // namespace crypto
