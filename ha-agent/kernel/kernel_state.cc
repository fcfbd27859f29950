#include "ha-agent/kernel/kernel_state.h"

#include "ha-agent/kernel/netlink_kernel_state.h"
#include "ha-agent/kernel/netlink_socket.h"
#include "ha-agent/kernel/recording_kernel_state.h"

namespace kernel {

std::string ProxyNdpEntry::to_string() const {
  return address.to_string() + " dev " + interface;
}

std::string HostRoute::to_string() const {
  std::string s = destination.to_string() + "/128";
  if (gateway) s += " via " + gateway->to_string();
  s += " dev " + interface + " metric " + std::to_string(metric);
  return s;
}

namespace {

KernelStatus validate_unicast(const mip6::Ipv6Address& a, std::string_view what) {
  if (a.is_unspecified() || a.is_multicast()) {
    return kernel_fail(KernelErrc::kInvalidArgument,
                       std::string(what) + " must be a unicast address, got " + a.to_string());
  }
  return mip6::Ok{};
}

}  // namespace

KernelStatus validate(const ProxyNdpEntry& e) {
  if (auto v = validate_interface_name(e.interface); !v) return v;
  return validate_unicast(e.address, "proxy NDP address");
}

KernelStatus validate(const HostRoute& r) {
  if (auto v = validate_interface_name(r.interface); !v) return v;
  if (auto v = validate_unicast(r.destination, "route destination"); !v) return v;
  if (r.gateway) return validate_unicast(*r.gateway, "route gateway");
  return mip6::Ok{};
}

std::optional<KernelStateBackend> parse_kernel_state_backend(std::string_view name) {
  if (name == "netlink") return KernelStateBackend::kNetlink;
  if (name == "none") return KernelStateBackend::kNone;
  return std::nullopt;
}

KernelResult<KernelStatePtr> make_kernel_state(KernelStateBackend backend) {
  if (backend == KernelStateBackend::kNone) {
    return KernelStatePtr(std::make_unique<RecordingKernelState>());
  }
  auto n = NetlinkKernelState::open();
  if (!n) return mip6::fail(n.error());
  return KernelStatePtr(std::move(*n));
}

}  // namespace kernel
