// NetlinkSocket: an owned libnl socket (NETLINK_ROUTE or NETLINK_XFRM) that
// records, for every request, the errno and the extended-ack message the
// kernel answered with (NETLINK_EXT_ACK), so backends can return a
// KernelError such as "Function not implemented (kernel: Requested AEAD
// algorithm not found.)" instead of libnl's generic text. Also small RAII
// helpers for libnl objects and address conversion.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ha-agent/kernel/kernel_error.h"
#include "mip6/address.h"

struct nl_sock;
struct nl_addr;
struct nl_cache;

namespace kernel {

class NetlinkSocket {
 public:
  // protocol: NETLINK_ROUTE or NETLINK_XFRM.
  static KernelResult<NetlinkSocket> open(int protocol);

  NetlinkSocket(NetlinkSocket&&) noexcept;
  NetlinkSocket& operator=(NetlinkSocket&&) noexcept;
  ~NetlinkSocket();

  nl_sock* get() const;

  // Call before a request: forgets the previous kernel answer.
  void begin_request();
  // Turns a libnl return code (>= 0 success, < 0 -NLE_*) into a status.
  // On failure the error names `what`, the kernel errno (when the kernel
  // answered) and its extended-ack text.
  KernelStatus check(int libnl_rc, std::string_view what) const;
  // errno of the last NLMSG_ERROR received (0 if none).
  int last_errno() const;
  // "<errno text> (kernel: <extended ack>)" for the last NLMSG_ERROR.
  std::string describe_last_error() const;

  struct State;

 private:
  explicit NetlinkSocket(std::unique_ptr<State> s);
  std::unique_ptr<State> state_;
};

struct NlAddrDeleter {
  void operator()(nl_addr* a) const;
};
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrDeleter>;

struct NlCacheDeleter {
  void operator()(nl_cache* c) const;
};
using NlCachePtr = std::unique_ptr<nl_cache, NlCacheDeleter>;

// An AF_INET6 nl_addr with the given prefix length (nullptr on ENOMEM).
NlAddrPtr make_nl_addr(const mip6::Ipv6Address& a, unsigned prefix_len = 128);
// The IPv6 address in an nl_addr; unspecified when null or not AF_INET6.
mip6::Ipv6Address ipv6_of(nl_addr* a);

// Interface index for a name in the current network namespace.
KernelResult<int> interface_index(std::string_view name);
// Interface name for an index ("if<N>" when unknown).
std::string interface_name(int ifindex);
// Checks an interface name before it is used in a path or a request
// (non-empty, shorter than IFNAMSIZ, no '/', not "." or "..").
KernelStatus validate_interface_name(std::string_view name);

}  // namespace kernel
