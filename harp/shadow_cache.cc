#include "harp/shadow_cache.h"

namespace harp {

void ShadowCache::remove(std::unordered_map<Ipv6Address, Slot>::iterator it) {
  auto& d = digests_[it->second.owner];
  d.count -= 1;
  d.digest ^= record_hash(it->second.record);
  if (d.count == 0) digests_.erase(it->second.owner);
  expiry_.erase({it->second.record.expires_at, it->first});
  by_hoa_.erase(it);
}

ShadowCache::ApplyResult ShadowCache::apply(const Ipv6Address& owner, const BindingRecord& r,
                                            bool deleted, const PreferenceOf& preference_of) {
  ApplyResult res;
  auto it = by_hoa_.find(r.home_address);
  if (deleted) {
    if (it == by_hoa_.end() || it->second.owner != owner) {
      res.applied = Applied::kDeleteUnknown;
      return res;
    }
    remove(it);
    res.applied = Applied::kDeleted;
    return res;
  }
  if (it != by_hoa_.end()) {
    if (it->second.owner != owner) {
      // Two owners claim this MN (after a takeover, or a healed partition).
      const Claim mine{r.epoch, r.sequence, preference_of(owner), owner, r.confirmed,
                       r.registered_ms};
      const auto& h = it->second.record;
      const Claim held{h.epoch,     h.sequence,  preference_of(it->second.owner), it->second.owner,
                       h.confirmed, h.registered_ms};
      if (!claim_wins(mine, held)) {
        res.applied = Applied::kLostToOther;
        return res;
      }
      res.displaced_owner = it->second.owner;
    }
    remove(it);
  }
  by_hoa_.emplace(r.home_address, Slot{owner, r});
  auto& d = digests_[owner];
  d.count += 1;
  d.digest ^= record_hash(r);
  expiry_.insert({r.expires_at, r.home_address});
  return res;
}

bool ShadowCache::erase(const Ipv6Address& home_address) {
  auto it = by_hoa_.find(home_address);
  if (it == by_hoa_.end()) return false;
  remove(it);
  return true;
}

std::size_t ShadowCache::prune_owner(const Ipv6Address& owner, const std::set<Ipv6Address>& kept) {
  std::vector<Ipv6Address> gone;
  for (const auto& [hoa, slot] : by_hoa_)
    if (slot.owner == owner && kept.count(hoa) == 0) gone.push_back(hoa);
  for (const auto& h : gone) erase(h);
  return gone.size();
}

const BindingRecord* ShadowCache::find(const Ipv6Address& home_address) const {
  auto it = by_hoa_.find(home_address);
  return it == by_hoa_.end() ? nullptr : &it->second.record;
}

std::optional<Ipv6Address> ShadowCache::owner_of(const Ipv6Address& home_address) const {
  auto it = by_hoa_.find(home_address);
  if (it == by_hoa_.end()) return std::nullopt;
  return it->second.owner;
}

std::vector<BindingRecord> ShadowCache::of_owner(const Ipv6Address& owner) const {
  std::vector<BindingRecord> out;
  out.reserve(count(owner));
  for (const auto& [hoa, slot] : by_hoa_)
    if (slot.owner == owner) out.push_back(slot.record);
  return out;
}

std::size_t ShadowCache::count(const Ipv6Address& owner) const {
  auto it = digests_.find(owner);
  return it == digests_.end() ? 0 : it->second.count;
}

wire::OwnerDigest ShadowCache::digest(const Ipv6Address& owner) const {
  auto it = digests_.find(owner);
  return it == digests_.end() ? wire::OwnerDigest{} : it->second;
}

std::vector<Ipv6Address> ShadowCache::expire(mip6::Clock::time_point now) {
  std::vector<Ipv6Address> out;
  while (!expiry_.empty() && expiry_.begin()->first <= now) {
    const auto hoa = expiry_.begin()->second;
    out.push_back(hoa);
    erase(hoa);
  }
  return out;
}

std::optional<mip6::Clock::time_point> ShadowCache::next_expiry() const {
  if (expiry_.empty()) return std::nullopt;
  return expiry_.begin()->first;
}

}  // namespace harp
