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

void SecurityPolicyDatabase::insert_sorted(std::vector<Entry>& v, Entry e) {
  auto it = std::upper_bound(v.begin(), v.end(), e, before);
  v.insert(it, std::move(e));
}

mip6::Status<EspError> SecurityPolicyDatabase::add(const SpdSelector& selector,
                                                   std::uint32_t outbound_spi) {
  if (!by_spi_.emplace(outbound_spi, selector).second) return mip6::fail(EspError::kDuplicateSpi);
  Entry e{selector, outbound_spi, next_order_++};
  if (selector.remote.length >= 128)
    insert_sorted(exact_[selector.remote.address], std::move(e));
  else
    insert_sorted(prefixes_, std::move(e));
  return mip6::Ok{};
}

bool SecurityPolicyDatabase::remove(std::uint32_t outbound_spi) {
  auto it = by_spi_.find(outbound_spi);
  if (it == by_spi_.end()) return false;
  const SpdSelector& s = it->second;
  auto drop = [&](std::vector<Entry>& v) {
    v.erase(std::remove_if(v.begin(), v.end(), [&](const Entry& e) { return e.spi == outbound_spi; }),
            v.end());
  };
  if (s.remote.length >= 128) {
    auto ex = exact_.find(s.remote.address);
    if (ex != exact_.end()) {
      drop(ex->second);
      if (ex->second.empty()) exact_.erase(ex);
    }
  } else {
    drop(prefixes_);
  }
  by_spi_.erase(it);
  return true;
}

mip6::Result<std::uint32_t, EspError> SecurityPolicyDatabase::select(
    const OutboundPacketInfo& p) const {
  if (auto ex = exact_.find(p.destination); ex != exact_.end())
    for (const auto& e : ex->second)
      if (selects(e.selector, p)) return e.spi;
  for (const auto& e : prefixes_)
    if (selects(e.selector, p)) return e.spi;
  return mip6::fail(EspError::kNoPolicy);
}

}  // namespace crypto
