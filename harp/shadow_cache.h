// ShadowCache: the bindings this HA learned from its peers (hot standby,
// protocol-notes §5.5, SY-05, SY-06), grouped by owner (the source HA of the
// SS-REP that carried them, §5.3.3). A shadow has no kernel state: no BA, no
// proxy ND, no tunnel. Each shadow expires by its synced lifetime, re-based
// on our clock. One HoA is held under at most one owner: when two owners
// claim it the split-brain order (ownership.h) keeps the winner. Per owner it
// keeps an XOR digest and count (anti-entropy, docs/harp.md).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "harp/binding_record.h"
#include "harp/ownership.h"

namespace harp {

class ShadowCache {
 public:
  using PreferenceOf = std::function<std::int16_t(const Ipv6Address&)>;

  enum class Applied : std::uint8_t {
    kStored,         // inserted or replaced
    kDeleted,        // Lifetime 0 removed our shadow
    kDeleteUnknown,  // Lifetime 0 for a HoA this owner did not hold
    kLostToOther,    // another owner's shadow wins the split-brain order
  };
  struct ApplyResult {
    Applied applied = Applied::kStored;
    std::optional<Ipv6Address> displaced_owner;  // an older claim we dropped
  };

  // Applies one record from `owner` at `now` (deleted = Lifetime 0).
  ApplyResult apply(const Ipv6Address& owner, const BindingRecord& r, bool deleted,
                    const PreferenceOf& preference_of);
  bool erase(const Ipv6Address& home_address);
  // Full dump ended (L flag): drop this owner's shadows not named in `kept`.
  std::size_t prune_owner(const Ipv6Address& owner, const std::set<Ipv6Address>& kept);

  const BindingRecord* find(const Ipv6Address& home_address) const;
  std::optional<Ipv6Address> owner_of(const Ipv6Address& home_address) const;
  std::vector<BindingRecord> of_owner(const Ipv6Address& owner) const;
  std::size_t count(const Ipv6Address& owner) const;
  wire::OwnerDigest digest(const Ipv6Address& owner) const;
  std::size_t size() const { return by_hoa_.size(); }

  // Removes shadows whose lifetime ran out (SY-06); returns their HoAs.
  std::vector<Ipv6Address> expire(mip6::Clock::time_point now);
  std::optional<mip6::Clock::time_point> next_expiry() const;

 private:
  struct Slot {
    Ipv6Address owner;
    BindingRecord record;
  };
  void remove(std::unordered_map<Ipv6Address, Slot>::iterator it);

  std::unordered_map<Ipv6Address, Slot> by_hoa_;
  std::map<Ipv6Address, wire::OwnerDigest> digests_;
  std::set<std::pair<mip6::Clock::time_point, Ipv6Address>> expiry_;
};

}  // namespace harp
