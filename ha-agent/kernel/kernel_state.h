// KernelState: the seam through which the daemon changes routing and
// neighbour state for the mobile nodes it serves (RFC 6275 §10.4.1 proxy
// ND for a home address, a /128 route towards it, the proxy_ndp sysctl).
// Two implementations: NetlinkKernelState (libnl-route, the real kernel) and
// RecordingKernelState (backend "none": records the intended changes, for
// tests and for hosts where ha-agent must not touch the kernel). Adds and
// removes are idempotent and report a ChangeOutcome; remove_all_installed()
// undoes everything the object installed, for a clean shutdown.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ha-agent/kernel/kernel_error.h"
#include "mip6/address.h"

namespace kernel {

// A proxy neighbour entry (NTF_PROXY): the kernel answers Neighbor
// Solicitations for `address` on `interface` with its own link-layer address.
struct ProxyNdpEntry {
  mip6::Ipv6Address address;
  std::string interface;
  auto operator<=>(const ProxyNdpEntry&) const = default;
  std::string to_string() const;
};

// A /128 route to a home address, through a device and optionally a
// gateway on that device's link, with a metric (IPv6 route priority).
struct HostRoute {
  mip6::Ipv6Address destination;
  std::string interface;
  std::optional<mip6::Ipv6Address> gateway;
  std::uint32_t metric = 1024;
  auto operator<=>(const HostRoute&) const = default;
  std::string to_string() const;
};

class KernelState {
 public:
  virtual ~KernelState() = default;

  virtual KernelResult<ChangeOutcome> add_proxy_ndp(const ProxyNdpEntry& e) = 0;
  virtual KernelResult<ChangeOutcome> remove_proxy_ndp(const ProxyNdpEntry& e) = 0;
  virtual KernelResult<ChangeOutcome> add_host_route(const HostRoute& r) = 0;
  virtual KernelResult<ChangeOutcome> remove_host_route(const HostRoute& r) = 0;
  // net.ipv6.conf.<interface>.proxy_ndp = 1; the old value is restored by
  // remove_all_installed().
  virtual KernelResult<ChangeOutcome> enable_proxy_ndp(std::string_view interface) = 0;
  // Removes every entry this object added and restores sysctls it changed;
  // keeps going after an error and returns the first one.
  virtual KernelStatus remove_all_installed() = 0;

  virtual std::string_view backend_name() const = 0;
};
using KernelStatePtr = std::unique_ptr<KernelState>;

enum class KernelStateBackend : std::uint8_t { kNetlink, kNone };
std::optional<KernelStateBackend> parse_kernel_state_backend(
    std::string_view name);  // "netlink"|"none"
KernelResult<KernelStatePtr> make_kernel_state(KernelStateBackend backend);

// Shared input checks (both backends): interface name, unicast addresses.
KernelStatus validate(const ProxyNdpEntry& e);
KernelStatus validate(const HostRoute& r);

}  // namespace kernel
