// AddressSet: a set of IPv6 addresses in one flat open-addressing table
// (linear probing, at most 7/8 full, size 0 or a power of two), for the
// per-packet "is this one of ours" questions over 100,000 addresses, such
// as the home addresses an HA serves (RFC 6275 §10.3.1, BA 133 otherwise).
// 16 octets per slot and no node per address: ≈ 21-42 octets per address
// instead of ≈ 56 for an std::unordered_set node and bucket, and a lookup
// reads one contiguous run instead of chasing a node (issue #4). Insert
// only: the sets are built from configuration and replaced whole.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <vector>

#include "mip6/address.h"

namespace mip6 {

class AddressSet {
 public:
  AddressSet() = default;
  AddressSet(std::initializer_list<Ipv6Address> addresses);

  // False when `a` was there already.
  bool insert(const Ipv6Address& a);
  bool contains(const Ipv6Address& a) const;
  std::size_t count(const Ipv6Address& a) const { return contains(a) ? 1 : 0; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear();
  // Sizes the table for n addresses (no rehash while inserting them).
  void reserve(std::size_t n);

 private:
  // The unspecified address marks an empty slot; it is kept aside.
  std::size_t home(const Ipv6Address& a) const;
  std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }
  void rehash(std::size_t slots);

  std::vector<Ipv6Address> slots_;
  std::size_t size_ = 0;  // including the unspecified address
  bool has_unspecified_ = false;
};

}  // namespace mip6
