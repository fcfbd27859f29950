#include "ha-agent/kernel/netlink_kernel_state.h"

#include <fcntl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kernel {
namespace {

struct NeighDeleter {
  void operator()(rtnl_neigh* n) const { rtnl_neigh_put(n); }
};
struct RouteDeleter {
  void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct MsgDeleter {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using NeighPtr = std::unique_ptr<rtnl_neigh, NeighDeleter>;
using RoutePtr = std::unique_ptr<rtnl_route, RouteDeleter>;
using MsgPtr = std::unique_ptr<nl_msg, MsgDeleter>;

// Routes ha-agent adds are marked "static" (configured, not learned).
constexpr std::uint8_t kRouteProtocol = RTPROT_STATIC;

template <class T>
T* object_as(nl_object* o) {
  // libnl object model: every object type begins with the common header.
  return static_cast<T*>(static_cast<void*>(o));
}

KernelError no_memory(std::string_view what) {
  return KernelError{KernelErrc::kNetlink, ENOMEM, std::string(what) + ": out of memory"};
}

std::string sysctl_path(std::string_view interface) {
  return "/proc/sys/net/ipv6/conf/" + std::string(interface) + "/proxy_ndp";
}

KernelResult<std::string> read_sysctl(const std::string& path, std::string_view interface) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return kernel_fail(
        e == ENOENT ? KernelErrc::kNoSuchInterface : KernelErrc::kSysctl,
        "read " + path + " (interface '" + std::string(interface) + "'): " + errno_text(e), e);
  }
  char buf[32] = {};
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  int e = errno;
  ::close(fd);
  if (n < 0) return kernel_fail(KernelErrc::kSysctl, "read " + path + ": " + errno_text(e), e);
  std::string v(buf, static_cast<std::size_t>(n));
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return v;
}

}  // namespace

KernelResult<std::unique_ptr<NetlinkKernelState>> NetlinkKernelState::open() {
  auto s = NetlinkSocket::open(NETLINK_ROUTE);
  if (!s) return mip6::fail(s.error());
  return std::unique_ptr<NetlinkKernelState>(new NetlinkKernelState(std::move(*s)));
}

KernelResult<ChangeOutcome> NetlinkKernelState::change_proxy(const ProxyNdpEntry& e, bool add) {
  const std::string what = std::string(add ? "add" : "remove") + " proxy-ndp " + e.to_string();
  if (auto v = validate(e); !v) return kernel_fail(v.error().code, what + ": " + v.error().message);
  auto ifindex = ifindex_of(e.interface);
  if (!ifindex)
    return kernel_fail(ifindex.error().code, what + ": " + ifindex.error().message,
                       ifindex.error().sys_errno);
  NeighPtr n(rtnl_neigh_alloc());
  NlAddrPtr dst = make_nl_addr(e.address);
  if (!n || !dst) return mip6::fail(no_memory(what));
  rtnl_neigh_set_family(n.get(), AF_INET6);
  rtnl_neigh_set_ifindex(n.get(), *ifindex);
  rtnl_neigh_set_dst(n.get(), dst.get());
  rtnl_neigh_set_flags(n.get(), NTF_PROXY);  // RFC 6275 §10.4.1: defend the HoA
  rtnl_neigh_set_state(n.get(), NUD_PERMANENT);
  sock_.begin_request();
  int rc = add ? rtnl_neigh_add(sock_.get(), n.get(), NLM_F_CREATE | NLM_F_EXCL)
               : rtnl_neigh_delete(sock_.get(), n.get(), 0);
  auto st = sock_.check(rc, what);
  if (add) {
    // The kernel answers 0 for an existing proxy entry (pneigh_lookup()
    // with create); our own bookkeeping tells whether it was there.
    if (!st && st.error().sys_errno != EEXIST) return mip6::fail(st.error());
    bool fresh = st && proxies_.insert(e).second;
    return fresh ? ChangeOutcome::kApplied : ChangeOutcome::kAlreadyPresent;
  }
  if (!st && st.error().code != KernelErrc::kNotFound) return mip6::fail(st.error());
  proxies_.erase(e);
  return st ? ChangeOutcome::kApplied : ChangeOutcome::kWasAbsent;
}

KernelResult<int> NetlinkKernelState::ifindex_of(const std::string& interface) {
  if (auto it = ifindex_.find(interface); it != ifindex_.end()) return it->second;
  auto idx = interface_index(interface);
  if (idx) ifindex_.emplace(interface, *idx);
  return idx;
}

bool NetlinkKernelState::stale_ifindex(const std::string& interface,
                                       const KernelResult<ChangeOutcome>& r) {
  return !r && r.error().sys_errno == ENODEV && ifindex_.erase(interface) != 0;
}

KernelResult<ChangeOutcome> NetlinkKernelState::add_proxy_ndp(const ProxyNdpEntry& e) {
  auto res = change_proxy(e, true);
  if (stale_ifindex(e.interface, res)) res = change_proxy(e, true);  // re-created: resolve again
  return res;
}
KernelResult<ChangeOutcome> NetlinkKernelState::remove_proxy_ndp(const ProxyNdpEntry& e) {
  auto res = change_proxy(e, false);
  if (stale_ifindex(e.interface, res)) res = change_proxy(e, false);  // re-created: resolve again
  return res;
}

KernelResult<ChangeOutcome> NetlinkKernelState::change_route(const HostRoute& r, bool add) {
  const std::string what = std::string(add ? "add" : "remove") + " route " + r.to_string();
  if (auto v = validate(r); !v) return kernel_fail(v.error().code, what + ": " + v.error().message);
  auto ifindex = ifindex_of(r.interface);
  if (!ifindex)
    return kernel_fail(ifindex.error().code, what + ": " + ifindex.error().message,
                       ifindex.error().sys_errno);
  RoutePtr route(rtnl_route_alloc());
  NlAddrPtr dst = make_nl_addr(r.destination, 128);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  if (!route || !dst || nh == nullptr) {
    if (nh != nullptr) rtnl_route_nh_free(nh);
    return mip6::fail(no_memory(what));
  }
  rtnl_route_set_family(route.get(), AF_INET6);
  rtnl_route_set_dst(route.get(), dst.get());
  rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
  rtnl_route_set_protocol(route.get(), kRouteProtocol);
  rtnl_route_set_type(route.get(), RTN_UNICAST);
  rtnl_route_set_priority(route.get(), r.metric);
  rtnl_route_nh_set_ifindex(nh, *ifindex);
  if (r.gateway) {
    NlAddrPtr gw = make_nl_addr(*r.gateway);
    if (!gw) {
      rtnl_route_nh_free(nh);
      return mip6::fail(no_memory(what));
    }
    rtnl_route_nh_set_gateway(nh, gw.get());
  }
  rtnl_route_add_nexthop(route.get(), nh);  // the route owns it now
  sock_.begin_request();
  int rc = add ? rtnl_route_add(sock_.get(), route.get(), NLM_F_EXCL)
               : rtnl_route_delete(sock_.get(), route.get(), 0);
  auto st = sock_.check(rc, what);
  if (!add) {
    // ip6_route_del() answers ESRCH when nothing matches.
    if (!st && st.error().code != KernelErrc::kNotFound) return mip6::fail(st.error());
    routes_.erase(r);
    return st ? ChangeOutcome::kApplied : ChangeOutcome::kWasAbsent;
  }
  if (st) {
    routes_.insert(r);
    return ChangeOutcome::kApplied;
  }
  if (st.error().sys_errno != EEXIST) return mip6::fail(st.error());
  // fib6_add_rt2node(): EEXIST for any route with this destination and
  // metric. Identical next hop: idempotent success; otherwise a conflict.
  auto routes = dump_host_routes();
  if (!routes) return mip6::fail(routes.error());
  for (const HostRoute& have : *routes) {
    if (have.destination != r.destination || have.metric != r.metric) continue;
    if (have == r) return ChangeOutcome::kAlreadyPresent;
    return kernel_fail(KernelErrc::kExists, what + ": conflicts with " + have.to_string(), EEXIST);
  }
  return mip6::fail(st.error());
}

KernelResult<ChangeOutcome> NetlinkKernelState::add_host_route(const HostRoute& r) {
  auto res = change_route(r, true);
  if (stale_ifindex(r.interface, res)) res = change_route(r, true);  // re-created: resolve again
  return res;
}
KernelResult<ChangeOutcome> NetlinkKernelState::remove_host_route(const HostRoute& r) {
  auto res = change_route(r, false);
  if (stale_ifindex(r.interface, res)) res = change_route(r, false);  // re-created: resolve again
  return res;
}

KernelResult<int> NetlinkKernelState::proxy_ndp_value(std::string_view interface) const {
  if (auto v = validate_interface_name(interface); !v) return mip6::fail(v.error());
  auto s = read_sysctl(sysctl_path(interface), interface);
  if (!s) return mip6::fail(s.error());
  return *s == "0" ? 0 : (*s == "1" ? 1 : -1);
}

KernelStatus NetlinkKernelState::write_proxy_ndp(const std::string& interface,
                                                 const std::string& value) {
  const std::string path = sysctl_path(interface);
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    return kernel_fail(e == ENOENT ? KernelErrc::kNoSuchInterface : KernelErrc::kSysctl,
                       "write " + path + ": " + errno_text(e), e);
  }
  ssize_t n = ::write(fd, value.data(), value.size());
  int e = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size())) {
    return kernel_fail(KernelErrc::kSysctl, "write " + path + ": " + errno_text(e), e);
  }
  return mip6::Ok{};
}

KernelResult<ChangeOutcome> NetlinkKernelState::enable_proxy_ndp(std::string_view interface) {
  if (auto v = validate_interface_name(interface); !v) return mip6::fail(v.error());
  const std::string name(interface);
  auto old = read_sysctl(sysctl_path(name), name);
  if (!old) return mip6::fail(old.error());
  if (*old == "1") return ChangeOutcome::kAlreadyPresent;
  if (auto w = write_proxy_ndp(name, "1"); !w) return mip6::fail(w.error());
  sysctl_restore_.emplace(name, *old);  // keeps the first value seen
  return ChangeOutcome::kApplied;
}

KernelResult<std::vector<ProxyNdpEntry>> NetlinkKernelState::dump_proxy_ndp() {
  // libnl's neighbour cache refill sends a bare rtgenmsg, and the kernel
  // lists proxy entries only when the dump request's ndmsg has exactly
  // ndm_flags == NTF_PROXY (neigh_dump_info()). Send that request and let
  // the route/neigh cache parse the answer.
  nl_cache* raw = nullptr;
  if (nl_cache_alloc_name("route/neigh", &raw) < 0 || raw == nullptr) {
    return mip6::fail(no_memory("dump proxy-ndp"));
  }
  NlCachePtr cache(raw);
  ndmsg req;
  std::memset(&req, 0, sizeof req);
  req.ndm_family = AF_INET6;
  req.ndm_flags = NTF_PROXY;
  MsgPtr msg(nlmsg_alloc_simple(RTM_GETNEIGH, NLM_F_DUMP));
  if (!msg || nlmsg_append(msg.get(), &req, sizeof req, NLMSG_ALIGNTO) < 0) {
    return mip6::fail(no_memory("dump proxy-ndp"));
  }
  sock_.begin_request();
  int rc = nl_send_auto(sock_.get(), msg.get());
  if (rc >= 0) rc = nl_cache_pickup(sock_.get(), cache.get());
  if (auto st = sock_.check(rc, "dump proxy-ndp"); !st) return mip6::fail(st.error());
  std::vector<ProxyNdpEntry> out;
  for (nl_object* o = nl_cache_get_first(cache.get()); o != nullptr; o = nl_cache_get_next(o)) {
    auto* n = object_as<rtnl_neigh>(o);
    if (rtnl_neigh_get_family(n) != AF_INET6 || (rtnl_neigh_get_flags(n) & NTF_PROXY) == 0)
      continue;
    out.push_back({ipv6_of(rtnl_neigh_get_dst(n)), interface_name(rtnl_neigh_get_ifindex(n))});
  }
  return out;
}

KernelResult<std::vector<HostRoute>> NetlinkKernelState::dump_host_routes() {
  nl_cache* raw = nullptr;
  sock_.begin_request();
  if (auto st = sock_.check(rtnl_route_alloc_cache(sock_.get(), AF_INET6, 0, &raw), "dump routes");
      !st) {
    return mip6::fail(st.error());
  }
  NlCachePtr cache(raw);
  std::vector<HostRoute> out;
  for (nl_object* o = nl_cache_get_first(cache.get()); o != nullptr; o = nl_cache_get_next(o)) {
    auto* r = object_as<rtnl_route>(o);
    nl_addr* dst = rtnl_route_get_dst(r);
    if (rtnl_route_get_family(r) != AF_INET6 || rtnl_route_get_table(r) != RT_TABLE_MAIN ||
        rtnl_route_get_type(r) != RTN_UNICAST || dst == nullptr ||
        nl_addr_get_prefixlen(dst) != 128 || rtnl_route_get_nnexthops(r) < 1) {
      continue;
    }
    rtnl_nexthop* nh = rtnl_route_nexthop_n(r, 0);
    HostRoute h;
    h.destination = ipv6_of(dst);
    h.interface = interface_name(rtnl_route_nh_get_ifindex(nh));
    if (nl_addr* gw = rtnl_route_nh_get_gateway(nh); gw != nullptr) h.gateway = ipv6_of(gw);
    h.metric = rtnl_route_get_priority(r);
    out.push_back(std::move(h));
  }
  return out;
}

KernelStatus NetlinkKernelState::remove_all_installed() {
  std::optional<KernelError> first;
  const auto routes = routes_;
  for (const auto& r : routes) {
    if (auto x = remove_host_route(r); !x && !first) first = x.error();
  }
  const auto proxies = proxies_;
  for (const auto& p : proxies) {
    if (auto x = remove_proxy_ndp(p); !x && !first) first = x.error();
  }
  for (auto it = sysctl_restore_.begin(); it != sysctl_restore_.end();) {
    auto w = write_proxy_ndp(it->first, it->second);
    // An interface that disappeared took its sysctl with it.
    if (w || w.error().code == KernelErrc::kNoSuchInterface) {
      it = sysctl_restore_.erase(it);
    } else {
      if (!first) first = w.error();
      ++it;
    }
  }
  if (first) return mip6::fail(*first);
  return mip6::Ok{};
}

}  // namespace kernel
