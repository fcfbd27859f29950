// Proxy Neighbor Discovery for the bound home addresses (RFC 6275 §10.4.1).
// kernel_state.proxy_nd "kernel": one kernel proxy NDP entry per address.
// The kernel then joins the solicited-node multicast group of every entry
// and keeps those groups in a list walked on every add, so registration
// slows as O(N) per binding (docs/PERFORMANCE.md, measured with perf).
// "user-space": no proxy entries; the packet socket also receives
// solicited-node multicast (the home interface is in all-multicast mode)
// and the daemon answers Neighbor Solicitations for the addresses it
// defends as a proxy would (RFC 4861 §7.2.4, §7.2.8).
#include "ha-agent/daemon/daemon.h"

namespace ha_agent {
namespace {

constexpr std::uint8_t kIpProtoIcmpv6 = 58;

}  // namespace

// proxy_nd "kernel" only; the user-space table is changed by
// queue_kernel_work() (daemon_kernel_work.cc) as soon as a binding changes.
void Daemon::add_kernel_proxy_nd(const mip6::Ipv6Address& target) {
  if (auto r = kernel_->add_proxy_ndp({target, home_interface_}); !r)
    HA_LOG(log_kernel_, kWarning) << "proxy NDP for " << target.to_string() << ": "
                           << r.error().to_string();
}

void Daemon::remove_kernel_proxy_nd(const mip6::Ipv6Address& target) {
  if (auto r = kernel_->remove_proxy_ndp({target, home_interface_}); !r)
    HA_LOG(log_kernel_, kWarning) << "removing proxy NDP for " << target.to_string() << ": "
                           << r.error().to_string();
}

bool Daemon::answer_neighbor_solicitation(std::span<const std::uint8_t> packet, int ifindex) {
  // ICMPv6 directly after the fixed header, type 135 (RFC 4861 §4.3).
  if (packet.size() < 48 || packet[6] != kIpProtoIcmpv6 ||
      packet[40] != mip6::kIcmpv6NeighborSolicitation)
    return false;
  auto count = [this](const char* result) {
    metrics_
        .counter("ha_agent_proxy_nd_solicitations_total", {{"result", result}},
                 "Neighbor Solicitations seen by the user-space proxy ND, by result")
        .inc();
  };
  auto parsed = mip6::parse_neighbor_discovery(packet);
  if (!parsed) {
    count("malformed");
    return true;
  }
  const auto* ns = std::get_if<mip6::NeighborSolicitation>(&*parsed);
  if (!ns) return false;
  // Others' targets arrive because of all-multicast; ours (the HA's own
  // addresses) the kernel answers itself.
  if (!user_space_proxy_.answers(ns->target)) {
    count("not_proxied");
    return true;
  }
  if (ifindex != home_ifindex_) {
    count("other_interface");
    return true;
  }
  if (!home_link_local_ || !home_mac_) {
    count("no_link_local");
    return true;
  }
  mip6::NeighborAdvertisement na;
  na.source = *home_link_local_;
  na.target = ns->target;
  na.target_link_layer_address = *home_mac_;
  // RFC 4861 §7.2.8: a proxy clears Override in solicited answers, so the
  // owner's own answer wins; RFC 4861 §7.2.4: a DAD probe (unspecified
  // source) is answered to all nodes with Solicited clear.
  na.override_flag = false;
  if (ns->source.is_unspecified()) {
    na.destination = mip6::kAllNodesMulticast;
    na.solicited = false;
  } else {
    na.destination = ns->source;
    na.solicited = true;
  }
  std::vector<std::uint8_t> pkt;
  if (auto st = mip6::build_neighbor_advertisement(na, pkt); !st) {
    count("build_failed");
    return true;
  }
  if (auto ec = packet_io_->send(pkt, home_ifindex_); ec) {
    count("send_failed");
    return true;
  }
  count("answered");
  return true;
}

}  // namespace ha_agent
