// RecordingKernelState: the "none" KernelState backend. It changes nothing
// in the kernel; it keeps the set of entries that would be installed, with
// the same idempotency rules as the netlink backend, and an ordered log of
// every intended change, which tests and `ha-agentctl` can inspect.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ha-agent/kernel/kernel_state.h"

namespace kernel {

struct KernelChange {
  enum class Kind : std::uint8_t {
    kAddProxyNdp,
    kRemoveProxyNdp,
    kAddHostRoute,
    kRemoveHostRoute,
    kEnableProxyNdp,
    kRestoreProxyNdp,
  };
  Kind kind = Kind::kAddProxyNdp;
  std::optional<ProxyNdpEntry> proxy;  // proxy-NDP kinds
  std::optional<HostRoute> route;      // route kinds
  std::string interface;               // sysctl kinds
  ChangeOutcome outcome = ChangeOutcome::kApplied;

  bool operator==(const KernelChange&) const = default;
  // e.g. "add proxy-ndp fd00:1::100 dev eth0: applied"
  std::string to_string() const;
};

class RecordingKernelState final : public KernelState {
 public:
  KernelResult<ChangeOutcome> add_proxy_ndp(const ProxyNdpEntry& e) override;
  KernelResult<ChangeOutcome> remove_proxy_ndp(const ProxyNdpEntry& e) override;
  KernelResult<ChangeOutcome> add_host_route(const HostRoute& r) override;
  KernelResult<ChangeOutcome> remove_host_route(const HostRoute& r) override;
  KernelResult<ChangeOutcome> enable_proxy_ndp(std::string_view interface) override;
  KernelStatus remove_all_installed() override;
  std::string_view backend_name() const override { return "none"; }

  const std::vector<KernelChange>& changes() const { return changes_; }
  const std::set<ProxyNdpEntry>& proxy_entries() const { return proxies_; }
  const std::set<HostRoute>& host_routes() const { return routes_; }
  const std::set<std::string>& proxy_ndp_interfaces() const { return sysctls_; }
  void clear_log() { changes_.clear(); }

 private:
  KernelChange& record(KernelChange::Kind kind, ChangeOutcome outcome);

  std::vector<KernelChange> changes_;
  std::set<ProxyNdpEntry> proxies_;
  std::set<HostRoute> routes_;
  std::set<std::string> sysctls_;
};

}  // namespace kernel
