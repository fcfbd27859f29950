#include "ha-agent/daemon/daemon.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "ha-agent/daemon/config_mapping.h"
#include "ha-agent/io/af_packet_io.h"
#include "ha-agent/kernel/xfrm_backend.h"
#include "ha-agent/version.h"
#include "mip6/ha_counters.h"

namespace ha_agent {
namespace {

constexpr const char* kTunnelDevice = "ha-tun0";
constexpr std::uint8_t kIpProtoIpv6 = 41;

std::optional<mip6::MacAddress> read_mac(const std::string& ifname) {
  std::ifstream in("/sys/class/net/" + ifname + "/address");
  std::string text;
  if (!(in >> text) || text.size() != 17) return std::nullopt;
  mip6::MacAddress mac{};
  for (int i = 0; i < 6; ++i) mac[i] = static_cast<std::uint8_t>(std::stoul(text.substr(3 * i, 2), nullptr, 16));
  return mac;
}

std::optional<mip6::Ipv6Address> link_local_of_interface(const std::string& ifname) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return std::nullopt;
  std::optional<mip6::Ipv6Address> found;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET6 || ifname != a->ifa_name) continue;
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(a->ifa_addr);
    auto addr = mip6::Ipv6Address::from_bytes(sin6->sin6_addr.s6_addr);
    if (addr.is_link_local()) {
      found = addr;
      break;
    }
  }
  ::freeifaddrs(list);
  return found;
}

}  // namespace

Daemon::Daemon(conf::Config config, DaemonOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      signals_(io_, SIGTERM, SIGINT),
      timer_(io_),
      log_(log::channel("daemon")),
      log_mip6_(log::channel("mip6")),
      log_crypto_(log::channel("crypto")),
      log_harp_(log::channel("harp")),
      log_io_(log::channel("io")),
      log_kernel_(log::channel("kernel")),
      log_admin_(log::channel("admin")),
      started_(Clock::now()) {}

Daemon::~Daemon() { shutdown(); }

mip6::Result<std::unique_ptr<Daemon>, std::string> Daemon::create(conf::Config config,
                                                                  DaemonOptions options) {
  std::unique_ptr<Daemon> d(new Daemon(std::move(config), std::move(options)));
  if (auto st = d->setup(); !st) {
    d->shutdown();
    return mip6::fail(st.error());
  }
  return d;
}

mip6::Status<std::string> Daemon::setup() {
  // Logging first, so every later step can explain itself.
  log::Options lo;
  lo.sink = config_.logging.sink == conf::LogSink::kSyslog ? log::Sink::kSyslog : log::Sink::kStderr;
  lo.level = log_severity(config_.logging.level);
  for (const auto& m : config_.logging.modules) lo.channel_levels[m.module] = log_severity(m.level);
  log::init(lo);

  const auto now = Clock::now();
  if (config_.ha_addresses.empty()) return mip6::fail(std::string("no ha_address configured"));
  home_interface_ = !config_.packet_io.interface.empty() ? config_.packet_io.interface
                    : config_.home_interfaces.empty()    ? std::string()
                                                         : config_.home_interfaces.front();
  if (home_interface_.empty()) return mip6::fail(std::string("no home interface configured"));
  home_ifindex_ = static_cast<int>(if_nametoindex(home_interface_.c_str()));
  if (home_ifindex_ == 0)
    return mip6::fail("home interface " + home_interface_ + " does not exist");
  home_mac_ = read_mac(home_interface_);
  home_link_local_ = link_local_of_interface(home_interface_);

  // Keys and SAs.
  if (auto st = add_mobile_nodes(security_, config_, now); !st) return mip6::fail(st.error());
  HA_LOG(log_, kInfo) << "loaded " << config_.mobile_nodes.size() << " mobile nodes ("
                      << security_.sad.size() << " ESP SAs)";

  // RFC 6275 logic.
  auto ha = mip6::HomeAgent::create(home_agent_policy(config_));
  if (!ha) return mip6::fail("home agent policy: " + std::string(mip6::to_string(ha.error())));
  ha_.emplace(std::move(ha).value());

  // Packet I/O backend (DESIGN.md §4): signalling through the kernel
  // (raw MH socket, kernel ESP and Mobile IPv6) when configured or, with
  // "auto", when the kernel can; AF_PACKET for the data plane either way.
  auto kernel_choice = setup_kernel_io();  // daemon_kernel_io.cc
  if (!kernel_choice) return mip6::fail(kernel_choice.error());
  io::AfPacketOptions po;
  po.interfaces = {};  // every interface: MNs and peers may reach any of ours
  po.local_addresses = config_.ha_addresses;
  if (config_.proxy_nd_in_user_space) {
    po.solicited_node_multicast = true;
    po.all_multicast_ifindexes = {home_ifindex_};
  }
  // HARP peers' packets on sockets of their own, read first (af_packet_io.h).
  // The set is the one at start; a peer added by a reload is read with the
  // rest until the next restart.
  // More than 8 peers do not fit the kernel filter: then no priority.
  if (config_.harp && config_.harp->peers.size() <= io::kMaxPrioritySources)
    for (const auto& p : config_.harp->peers) po.priority_sources.push_back(p.address);
  else if (config_.harp)
    HA_LOG(log_, kWarning) << config_.harp->peers.size()
                           << " HARP peers: more than " << io::kMaxPrioritySources
                           << ", so their packets are not read before the others";
  auto pio = io::AfPacketIo::open(io_, po);
  if (!pio) return mip6::fail("packet backend: " + pio.error());
  packet_io_ = std::move(pio).value();
  packet_backend_text_ = kernel_io_ ? *kernel_choice + "; data plane: " + packet_io_->describe()
                                    : packet_io_->describe() + " (" + *kernel_choice + ")";
  HA_LOG(log_, kInfo) << packet_backend_text_;

  // Keep the kernel from answering our signalling with ICMPv6 errors. Not
  // with the kernel backend: there the kernel handles ESP and MH itself.
  if (!kernel_io_) {
    auto guard = io::NftGuard::install("ha_agent", config_.ha_addresses);
    if (!guard) return mip6::fail("nftables guard: " + guard.error());
    nft_guard_.emplace(std::move(guard).value());
  }

  // Kernel state (proxy NDP, routes).
  auto ks = kernel::make_kernel_state(config_.kernel_state == conf::KernelStateBackend::kNone
                                          ? kernel::KernelStateBackend::kNone
                                          : kernel::KernelStateBackend::kNetlink);
  if (!ks) return mip6::fail("kernel state: " + ks.error().to_string());
  kernel_ = std::move(ks).value();
  // With proxy ND in user space no proxy entries are installed, so the
  // proxy_ndp sysctl stays as it is.
  if (!config_.proxy_nd_in_user_space)
    if (auto r = kernel_->enable_proxy_ndp(home_interface_); !r)
      return mip6::fail("enable proxy_ndp on " + home_interface_ + ": " + r.error().to_string());
  // Data plane (RFC 6275 §10.4.2): home-address routes point into a TUN
  // device whose packets ha-agent tunnels to the care-of address. With the
  // "none" backend nothing is created: routes are only recorded.
  route_interface_ = kTunnelDevice;
  if (config_.kernel_state != conf::KernelStateBackend::kNone) {
    auto tun = io::TunDevice::open(io_, kTunnelDevice, 1460);
    if (!tun) return mip6::fail("tunnel device: " + tun.error());
    tunnel_ = std::move(tun).value();
    tunnel_->start([this](std::span<const std::uint8_t> p) { tunnel_to_mobile_node(p); });
    std::ifstream fwd("/proc/sys/net/ipv6/conf/all/forwarding");
    int on = 0;
    if (!(fwd >> on) || on != 1)
      HA_LOG(log_, kWarning) << "net.ipv6.conf.all.forwarding is off: packets the mobile nodes "
                                "reverse-tunnel to this HA will not be forwarded";
  }

  const mip6::HarpNumbers harp = config_.harp
                                     ? mip6::HarpNumbers{config_.harp->wire_types.mh_hello,
                                                         config_.harp->wire_types.mh_sync,
                                                         config_.harp->wire_types.mh_control,
                                                         config_.harp->wire_types.bci_option}
                                     : mip6::HarpNumbers{};
  rx_ = std::make_unique<ReceivePath>(security_.sad, harp, metrics_);
  setup_rate_limit();
  tx_ = std::make_unique<SendPath>(security_.sad, security_.spd, harp);

  if (auto st = setup_harp(); !st) return st;
  setup_snapshot();  // restores bindings (daemon_snapshot.cc)

  // Admin socket.
  admin::AdminSocketOptions ao{config_.admin.socket_path, config_.admin.mode, config_.admin.group};
  auto admin = admin::AdminServer::open(io_, ao,
                                        [this](const admin::Request& r) {
                                          LoopWatch::Scope held(loop_watch_, LoopWatch::Work::kAdmin);
                                          return handle_admin(r);
                                        });
  if (!admin) return mip6::fail(admin.error());
  admin_ = std::move(admin).value();
  // Metrics listener, then the privilege drop: the last privileged step.
  if (auto st = setup_operations(); !st) return st;
  setup_reload();  // SIGHUP (daemon_reload.cc)

  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    HA_LOG(log_, kNotice) << "signal " << sig << ": shutting down";
    stop();
  });
  packet_io_->start([this](std::span<const std::uint8_t> p, int ifindex) {
    LoopWatch::Scope held(loop_watch_, LoopWatch::Work::kPacket);
    on_packet(p, ifindex);
  });
  start_kernel_io();  // daemon_kernel_io.cc
  rearm_timer();
  start_snapshots();
  HA_LOG(log_, kNotice) << "ha-agent " << kVersion << " serving on "
                        << config_.ha_addresses.front().to_string() << " (home interface "
                        << home_interface_ << ", admin socket " << config_.admin.socket_path << ")";
  return mip6::Ok{};
}

void Daemon::run() {
  notify_ready();
  io_.run();
  shutdown();
}

void Daemon::stop() {
  if (stopping_) return;
  stopping_ = true;
  notify_stopping();
  shutdown();
  io_.stop();
}

void Daemon::shutdown() {
  metrics_http_.reset();
  if (harp_ && packet_io_ && !left_group_) {
    left_group_ = true;
    apply_harp(harp_->leave(Clock::now()));  // Hello with HA Lifetime 0 (§5.4)
  }
  if (packet_io_) packet_io_->stop();
  boost::system::error_code ec;
  timer_.cancel(ec);
  timer_waiting_ = false;
  signals_.cancel(ec);
  if (reload_signal_) reload_signal_->cancel(ec);
  write_final_snapshot();  // before the bindings' kernel state goes
  if (ha_ && kernel_) {
    apply(ha_->remove_all(Clock::now()));
  }
  // What is still queued: installs are moot, removals are done by
  // remove_all_installed() below in one pass.
  kernel_work_.clear();
  if (kernel_) {
    if (auto st = kernel_->remove_all_installed(); !st)
      HA_LOG(log_kernel_, kWarning) << "removing kernel state: " << st.error().to_string();
    kernel_.reset();
  }
  shutdown_kernel_io();  // its SAs, policies and hao state (daemon_kernel_io.cc)
  nft_guard_.reset();
  admin_.reset();
  tunnel_.reset();
}

void Daemon::log_drop(const Dropped& d) {
  std::uint64_t suppressed = 0;
  if (!drop_log_limit_.allow(Clock::now(), suppressed)) return;
  if (d.reason == RxDrop::kRateLimited) {  // a flood: worth a warning, naming who
    HA_LOG(log_io_, kWarning) << "rate limit (" << d.detail << "): dropping signalling from "
                              << d.source.to_string()
                              << (suppressed ? " [" + std::to_string(suppressed) + " drop logs suppressed]"
                                             : "");
    return;
  }
  HA_LOG(log_io_, kDebug) << "dropped packet: " << to_string(d.reason)
                       << (d.detail.empty() ? "" : " (" + d.detail + ")")
                       << (suppressed ? " [" + std::to_string(suppressed) + " drop logs suppressed]"
                                      : "");
}

void Daemon::on_packet(std::span<const std::uint8_t> packet, int ifindex) {
  // The reverse tunnel carries plain IPv6-in-IPv6 (no extension headers).
  if (packet.size() >= 40 && packet[6] == kIpProtoIpv6) return tunnel_from_mobile_node(packet);
  // Neighbor Solicitations reach us only with proxy ND in user space.
  if (config_.proxy_nd_in_user_space && answer_neighbor_solicitation(packet, ifindex)) return;
  // Kernel backend: signalling arrives on the raw MH socket, already
  // through kernel ESP; AF_PACKET's copy of it is not processed again.
  if (kernel_io_) return;
  on_received(rx_->process(packet, ifindex, Clock::now()));
}

void Daemon::on_received(const mip6::Result<InboundMessage, Dropped>& r) {
  if (!r) {
    const Dropped& d = r.error();
    log_drop(d);
    count_dropped(d);
    if (d.reason == RxDrop::kUnknownMhType)
      apply(ha_->on_unknown_mh_type(d.source, d.destination, d.home_address));
    return;
  }
  on_inbound(*r);
}

void Daemon::tunnel_to_mobile_node(std::span<const std::uint8_t> inner) {
  auto drop = [this](const char* reason) {
    metrics_.counter("ha_agent_tunnel_dropped_total", {{"reason", reason}},
                     "Data packets the user-space tunnel could not carry, by reason")
        .inc();
  };
  if (inner.size() < 40 || (inner[0] >> 4) != 6) return drop("malformed");
  const auto dst = mip6::Ipv6Address::from_bytes(inner.data() + 24);
  const auto* e = ha_->bindings().find(dst);
  if (!e) return drop("no_binding");
  if (inner.size() + 40 > 65535) return drop("too_large");
  // RFC 6275 §10.4.2, RFC 2473: outer header from the HA to the care-of address.
  tunnel_buffer_.resize(40 + inner.size());
  std::uint8_t* h = tunnel_buffer_.data();
  const std::size_t len = inner.size();
  h[0] = 0x60, h[1] = h[2] = h[3] = 0;
  h[4] = static_cast<std::uint8_t>(len >> 8), h[5] = static_cast<std::uint8_t>(len);
  h[6] = kIpProtoIpv6, h[7] = 64;
  std::memcpy(h + 8, e->our_address.data(), 16);
  std::memcpy(h + 24, e->care_of_address.data(), 16);
  std::memcpy(h + 40, inner.data(), len);
  if (packet_io_->send(tunnel_buffer_)) return drop("send_failed");
  metrics_.counter("ha_agent_tunnel_packets_total", {{"direction", "to_mobile_node"}},
                   "Data packets carried by the user-space tunnel")
      .inc();
}

void Daemon::tunnel_from_mobile_node(std::span<const std::uint8_t> outer) {
  auto drop = [this](const char* reason) {
    metrics_.counter("ha_agent_tunnel_dropped_total", {{"reason", reason}},
                     "Data packets the user-space tunnel could not carry, by reason")
        .inc();
  };
  if (!tunnel_) return drop("no_tunnel");
  if (outer.size() < 80 || (outer[40] >> 4) != 6) return drop("malformed");
  const auto outer_src = mip6::Ipv6Address::from_bytes(outer.data() + 8);
  const auto inner_src = mip6::Ipv6Address::from_bytes(outer.data() + 48);
  // Only from the registered care-of address of that home address (RFC 6275 §10.4.5).
  const auto* e = ha_->bindings().find(inner_src);
  if (!e || e->care_of_address != outer_src) return drop("not_from_care_of_address");
  if (tunnel_->write(outer.subspan(40))) return drop("write_failed");
  metrics_.counter("ha_agent_tunnel_packets_total", {{"direction", "from_mobile_node"}},
                   "Data packets carried by the user-space tunnel")
      .inc();
}

void Daemon::on_inbound(const InboundMessage& m) {
  count_received(m);
  loop_watch_.note(mip6::message_name(m.mh.message));
  if (const auto* bu = std::get_if<mip6::BindingUpdate>(&m.mh.message)) {
    on_binding_update(m, *bu);
    rearm_timer();
    return;
  }
  if (harp_ && (std::holds_alternative<mip6::HaHello>(m.mh.message) ||
                std::holds_alternative<mip6::StateSynchronization>(m.mh.message) ||
                std::holds_alternative<mip6::HaControl>(m.mh.message))) {
    apply_harp(harp_->on_message(m.mh.message, m.source, Clock::now()));
    rearm_timer();
    return;
  }
  if (const auto* be = std::get_if<mip6::BindingError>(&m.mh.message); be && harp_) {
    // RFC 5142 §5.3: status 2 from an MN means it does not implement the switch.
    apply_harp(harp_->on_binding_error(m.effective_source(), be->status, Clock::now()));
    rearm_timer();
    return;
  }
  metrics_
      .counter("ha_agent_rx_unexpected_total",
               {{"message", std::string(mip6::message_name(m.mh.message))}},
               "Authenticated messages this HA does not act on, by message")
      .inc();
}

void Daemon::send(const Outbound& out, const char* what) {
  if (kernel_io_) return send_kernel(out, what);  // daemon_kernel_io.cc
  auto st = tx_->build(out, tx_buffer_, Clock::now());
  if (!st) {
    count_tx_error(to_string(st.error().error), what, out.final_destination, st.error().detail);
    return;
  }
  if (auto ec = packet_io_->send(tx_buffer_); ec) {
    HA_LOG(log_io_, kWarning) << "sending " << what << " to "
                           << (out.care_of_address ? *out.care_of_address : out.final_destination)
                                  .to_string()
                           << ": " << ec.message();
    return;
  }
  count_sent(what);
}

void Daemon::count_sent(std::string_view what) {
  for (auto& [name, metric] : tx_messages_)
    if (name == what) return metric->inc();
  metrics::Metric& m = metrics_.counter("ha_agent_tx_messages_total", {{"message", std::string(what)}},
                                        "Signalling messages sent");
  tx_messages_.emplace_back(std::string(what), &m);
  m.inc();
}

void Daemon::count_tx_error(std::string_view reason, std::string_view what,
                            const mip6::Ipv6Address& to, std::string_view detail) {
  metrics_
      .counter("ha_agent_tx_errors_total", {{"reason", std::string(reason)}},
               "Messages that could not be built or protected, by reason")
      .inc();
  HA_LOG(log_io_, kWarning) << "cannot send " << what << " to " << to.to_string() << ": " << detail;
}

void Daemon::send_neighbor_advertisements(const mip6::Ipv6Address& target) {
  if (!home_link_local_ || !home_mac_) return;  // no link-local yet: the proxy entry still answers NS
  mip6::NeighborAdvertisement na;
  na.source = *home_link_local_;
  na.target = target;
  na.target_link_layer_address = *home_mac_;
  std::vector<std::uint8_t> pkt;
  if (auto st = mip6::build_neighbor_advertisement(na, pkt); !st) {
    HA_LOG(log_io_, kWarning) << "cannot build NA for " << target.to_string() << ": "
                           << mip6::to_string(st.error());
    return;
  }
  if (auto ec = packet_io_->send(pkt, home_ifindex_); ec) {
    HA_LOG(log_io_, kDebug) << "NA for " << target.to_string() << ": " << ec.message();
    return;
  }
  count_sent("Neighbor Advertisement");
}

void Daemon::apply(const mip6::Actions& actions) {
  apply_kernel_and_packets(actions);
  harp_binding_events(actions);
}

void Daemon::apply_kernel_and_packets(const mip6::Actions& actions) {
  for (const auto& a : actions) {
    std::visit(
        [this](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, mip6::SendBindingAck>) {
            mip6::MobilityMessage msg = x.ba;
            send({&msg, x.our_address, x.home_address, x.care_of_address},
                 "Binding Acknowledgement");
          } else if constexpr (std::is_same_v<T, mip6::SendBindingError>) {
            mip6::MobilityMessage msg = x.be;
            send({&msg, x.source, x.destination, std::nullopt}, "Binding Error");
          } else if constexpr (std::is_same_v<T, mip6::SendBindingRefreshRequest>) {
            mip6::MobilityMessage msg = mip6::BindingRefreshRequest{};
            send({&msg, x.our_address, x.home_address, x.care_of_address},
                 "Binding Refresh Request");
          } else if constexpr (std::is_same_v<T, mip6::InstallHomeAddress>) {
            queue_kernel_work(x.home_address, x.link_local, true);  // daemon_kernel_work.cc
          } else if constexpr (std::is_same_v<T, mip6::RemoveHomeAddress>) {
            queue_kernel_work(x.home_address, x.link_local, false);
          } else if constexpr (std::is_same_v<T, mip6::UpdateCareOf>) {
            HA_LOG(log_mip6_, kInfo) << "binding " << x.home_address.to_string() << " moved "
                                << x.old_care_of_address.to_string() << " -> "
                                << x.new_care_of_address.to_string();
          } else if constexpr (std::is_same_v<T, mip6::BindingEvent>) {
            if (x.kind == mip6::BindingEvent::Kind::kRefreshed) {
              HA_LOG(log_mip6_, kDebug) << "binding refreshed: " << x.entry.home_address.to_string();
            } else if (harp_batch_depth_ > 0) {  // a takeover: one summary line
              if (const auto k = static_cast<std::size_t>(x.kind); k < harp_batch_binding_events_.size())
                ++harp_batch_binding_events_[k];
              HA_LOG(log_mip6_, kDebug) << "binding " << mip6::to_string(x.kind) << ": "
                                        << x.entry.home_address.to_string() << " via "
                                        << x.entry.care_of_address.to_string();
            } else {
              HA_LOG(log_mip6_, kInfo) << "binding " << mip6::to_string(x.kind) << ": "
                                  << x.entry.home_address.to_string() << " via "
                                  << x.entry.care_of_address.to_string() << " lifetime "
                                  << x.entry.granted_lifetime_s << " s";
            }
          }
        },
        a);
  }
  flush_kernel_work();
}

void Daemon::rearm_timer() {
  if (stopping_) return;
  std::optional<Clock::time_point> next = ha_ ? ha_->next_expiry() : std::nullopt;
  if (!na_repeats_.empty() && (!next || na_repeats_.front().at < *next)) next = na_repeats_.front().at;
  // O(1): the SAD keeps SA lifetime deadlines in an ordered index.
  if (auto l = security_.sad.next_lifetime_deadline(); l && (!next || *l < *next)) next = *l;
  if (harp_)
    if (auto h = harp_->next_expiry(); h && (!next || *h < *next)) next = *h;
  // A wait outstanding for no later than `next` is kept: waking up early
  // costs one on_timer() with nothing due (which re-arms), while re-arming
  // costs a timerfd_settime, and in steady refresh traffic the earliest
  // binding deadline moves on with almost every accepted BU (issue #4).
  if (timer_waiting_ && (!next || timer_.expiry() <= *next)) return;
  // Wake up at least once a minute even with nothing scheduled.
  const auto at = next.value_or(Clock::now() + std::chrono::minutes(1));
  timer_.expires_at(at);
  timer_waiting_ = true;
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled by a newer expires_at(), whose wait is outstanding
    timer_waiting_ = false;
    const auto fired = Clock::now();
    const auto late = fired - timer_.expiry();
    loop_watch_.record(LoopWatch::Work::kTimerLateness, late, fired);
    LoopWatch::Scope held(loop_watch_, LoopWatch::Work::kTimer);
    // Late (the loop or the process was busy): a peer's Hello may be
    // waiting in the socket, so read what is queued before the HARP timers
    // decide that the peer is dead.
    if (harp_ && late > loop_watch_.threshold()) packet_io_->poll_now();
    on_timer();
  });
}

void Daemon::on_timer() {
  const auto now = Clock::now();
  apply(ha_->on_timer(now));
  if (harp_) apply_harp(harp_->on_timer(now));
  while (!na_repeats_.empty() && na_repeats_.front().at <= now) {
    auto r = na_repeats_.front();
    na_repeats_.pop_front();
    // Only for addresses still served.
    if (!ha_->bindings().find(r.home_address)) continue;  // deregistered meanwhile
    send_neighbor_advertisements(r.target);
    if (--r.left > 0) na_repeats_.push_back({now + std::chrono::seconds(1), r.target, r.home_address, r.left});
  }
  std::vector<crypto::SadLifetimeEvent> events;
  security_.sad.poll_lifetimes(now, events);
  for (const auto& e : events)
    HA_LOG(log_crypto_, kWarning) << "ESP SA spi " << e.spi << " lifetime event (soft="
                           << e.events.soft_expired << " hard=" << e.events.hard_expired << ")";
  rearm_timer();
}

}  // namespace ha_agent
