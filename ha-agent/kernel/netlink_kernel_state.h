// NetlinkKernelState: the KernelState backend that programs the real kernel
// through libnl-route (RTM_NEWNEIGH with NTF_PROXY, RTM_NEWROUTE for /128
// routes) and /proc/sys for the proxy_ndp switch. It remembers what it
// installed so remove_all_installed() can take exactly that away again, and
// offers dumps (through libnl caches) for status output and tests.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ha-agent/kernel/kernel_state.h"
#include "ha-agent/kernel/netlink_socket.h"

namespace kernel {

class NetlinkKernelState final : public KernelState {
 public:
  static KernelResult<std::unique_ptr<NetlinkKernelState>> open();

  KernelResult<ChangeOutcome> add_proxy_ndp(const ProxyNdpEntry& e) override;
  KernelResult<ChangeOutcome> remove_proxy_ndp(const ProxyNdpEntry& e) override;
  KernelResult<ChangeOutcome> add_host_route(const HostRoute& r) override;
  KernelResult<ChangeOutcome> remove_host_route(const HostRoute& r) override;
  KernelResult<ChangeOutcome> enable_proxy_ndp(std::string_view interface) override;
  KernelStatus remove_all_installed() override;
  std::string_view backend_name() const override { return "netlink"; }

  // All IPv6 proxy neighbour entries of this namespace.
  KernelResult<std::vector<ProxyNdpEntry>> dump_proxy_ndp();
  // IPv6 /128 unicast routes of the main table (first next hop).
  KernelResult<std::vector<HostRoute>> dump_host_routes();
  // Current value of net.ipv6.conf.<interface>.proxy_ndp.
  KernelResult<int> proxy_ndp_value(std::string_view interface) const;

  // What this object installed and has not removed yet.
  const std::set<ProxyNdpEntry>& installed_proxy_entries() const { return proxies_; }
  const std::set<HostRoute>& installed_routes() const { return routes_; }

 private:
  explicit NetlinkKernelState(NetlinkSocket s) : sock_(std::move(s)) {}
  KernelResult<ChangeOutcome> change_proxy(const ProxyNdpEntry& e, bool add);
  KernelResult<ChangeOutcome> change_route(const HostRoute& r, bool add);
  KernelStatus write_proxy_ndp(const std::string& interface, const std::string& value);
  // if_nametoindex() opens, asks and closes a socket: ~10 % of a takeover's
  // CPU when done per route (issue #6). Resolved once per name; forgotten
  // when the kernel answers ENODEV (the interface was re-created; the change
  // is then tried once more with the new index).
  KernelResult<int> ifindex_of(const std::string& interface);
  bool stale_ifindex(const std::string& interface, const KernelResult<ChangeOutcome>& r);

  NetlinkSocket sock_;
  std::set<ProxyNdpEntry> proxies_;
  std::set<HostRoute> routes_;
  std::map<std::string, std::string> sysctl_restore_;  // interface -> old value
  std::map<std::string, int, std::less<>> ifindex_;      // interface -> index
};

}  // namespace kernel
