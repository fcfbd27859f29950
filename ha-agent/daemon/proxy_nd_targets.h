// ProxyNdTargets: the targets the daemon's user-space proxy ND answers
// Neighbor Solicitations for (kernel_state.proxy_nd "user-space",
// daemon_proxy_nd.cc): every bound home address and, for a binding
// registered with L=1, the link-local address with the same interface
// identifier (RFC 6275 §10.4.1, mip6::link_local_of()). It holds ONE entry
// per binding, the home address and its L flag (issue #4, memory per
// mobile node: it was a hash map with a node per address, two per L
// binding, ≈ 72 octets each): the link-local target is answered by
// matching its interface identifier against the entries with L set, not by
// storing it. The entries sit in an open-addressing table (linear probing,
// backward-shift deletion, at most 80 % full, 17 octets per slot) whose
// home slot depends only on the low 64 bits of the address, so all home
// addresses with one interface identifier lie in one probe run and a
// link-local lookup scans only that run. No I/O; not thread-safe (the
// daemon's io_context thread owns it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mip6/address.h"

namespace ha_agent {

class ProxyNdTargets {
 public:
  // Adds the binding of `home_address`, or updates its L flag.
  // `with_link_local`: also answer for link_local_of(home_address).
  void add(const mip6::Ipv6Address& home_address, bool with_link_local);
  // Removes the binding of `home_address`; false when there was none.
  bool remove(const mip6::Ipv6Address& home_address);
  // True when an NS for `target` is to be answered: a bound home address,
  // or fe80::/64 with the interface identifier of a binding with L set.
  bool answers(const mip6::Ipv6Address& target) const;
  // Bindings held (not targets: a binding with L answers for two).
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }
  void clear();

 private:
  enum class State : std::uint8_t { kEmpty, kHomeAddress, kWithLinkLocal };
  struct Slot {
    mip6::Ipv6Address home_address;
    State state = State::kEmpty;
  };
  std::size_t home_slot(const mip6::Ipv6Address& a) const;
  std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }
  // The slot holding `home_address`, or slots_.size() when absent.
  std::size_t find(const mip6::Ipv6Address& home_address) const;
  void grow();

  std::vector<Slot> slots_;  // size 0 or a power of two
  std::size_t size_ = 0;
};

}  // namespace ha_agent
