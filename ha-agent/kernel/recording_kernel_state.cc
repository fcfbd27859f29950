#include "ha-agent/kernel/recording_kernel_state.h"

#include "ha-agent/kernel/netlink_socket.h"

namespace kernel {

std::string KernelChange::to_string() const {
  std::string s;
  switch (kind) {
    case Kind::kAddProxyNdp:
      s = "add proxy-ndp " + proxy->to_string();
      break;
    case Kind::kRemoveProxyNdp:
      s = "remove proxy-ndp " + proxy->to_string();
      break;
    case Kind::kAddHostRoute:
      s = "add route " + route->to_string();
      break;
    case Kind::kRemoveHostRoute:
      s = "remove route " + route->to_string();
      break;
    case Kind::kEnableProxyNdp:
      s = "set net.ipv6.conf." + interface + ".proxy_ndp=1";
      break;
    case Kind::kRestoreProxyNdp:
      s = "restore net.ipv6.conf." + interface + ".proxy_ndp";
      break;
  }
  return s + ": " + std::string(kernel::to_string(outcome));
}

KernelChange& RecordingKernelState::record(KernelChange::Kind kind, ChangeOutcome outcome) {
  KernelChange c;
  c.kind = kind;
  c.outcome = outcome;
  changes_.push_back(std::move(c));
  return changes_.back();
}

KernelResult<ChangeOutcome> RecordingKernelState::add_proxy_ndp(const ProxyNdpEntry& e) {
  if (auto v = validate(e); !v) return mip6::fail(v.error());
  const auto outcome =
      proxies_.insert(e).second ? ChangeOutcome::kApplied : ChangeOutcome::kAlreadyPresent;
  record(KernelChange::Kind::kAddProxyNdp, outcome).proxy = e;
  return outcome;
}

KernelResult<ChangeOutcome> RecordingKernelState::remove_proxy_ndp(const ProxyNdpEntry& e) {
  if (auto v = validate(e); !v) return mip6::fail(v.error());
  const auto outcome = proxies_.erase(e) != 0 ? ChangeOutcome::kApplied : ChangeOutcome::kWasAbsent;
  record(KernelChange::Kind::kRemoveProxyNdp, outcome).proxy = e;
  return outcome;
}

KernelResult<ChangeOutcome> RecordingKernelState::add_host_route(const HostRoute& r) {
  if (auto v = validate(r); !v) return mip6::fail(v.error());
  // Same rule as the kernel (fib6_add_rt2node with NLM_F_EXCL): one route
  // per destination and metric; an identical one is "already present", a
  // different next hop at the same metric is a conflict.
  for (const HostRoute& have : routes_) {
    if (have.destination == r.destination && have.metric == r.metric && have != r) {
      return kernel_fail(KernelErrc::kExists,
                         "add route " + r.to_string() + ": conflicts with " + have.to_string());
    }
  }
  const auto outcome =
      routes_.insert(r).second ? ChangeOutcome::kApplied : ChangeOutcome::kAlreadyPresent;
  record(KernelChange::Kind::kAddHostRoute, outcome).route = r;
  return outcome;
}

KernelResult<ChangeOutcome> RecordingKernelState::remove_host_route(const HostRoute& r) {
  if (auto v = validate(r); !v) return mip6::fail(v.error());
  const auto outcome = routes_.erase(r) != 0 ? ChangeOutcome::kApplied : ChangeOutcome::kWasAbsent;
  record(KernelChange::Kind::kRemoveHostRoute, outcome).route = r;
  return outcome;
}

KernelResult<ChangeOutcome> RecordingKernelState::enable_proxy_ndp(std::string_view interface) {
  if (auto v = validate_interface_name(interface); !v) return mip6::fail(v.error());
  const auto outcome =
      sysctls_.emplace(interface).second ? ChangeOutcome::kApplied : ChangeOutcome::kAlreadyPresent;
  record(KernelChange::Kind::kEnableProxyNdp, outcome).interface = std::string(interface);
  return outcome;
}

KernelStatus RecordingKernelState::remove_all_installed() {
  // Routes first, then proxy entries, then sysctls: the reverse of the
  // order in which a home registration sets them up (RFC 6275 §10.3.1).
  const auto routes = routes_;
  for (const auto& r : routes) (void)remove_host_route(r);
  const auto proxies = proxies_;
  for (const auto& p : proxies) (void)remove_proxy_ndp(p);
  for (const auto& i : sysctls_)
    record(KernelChange::Kind::kRestoreProxyNdp, ChangeOutcome::kApplied).interface = i;
  sysctls_.clear();
  return mip6::Ok{};
}

}  // namespace kernel
