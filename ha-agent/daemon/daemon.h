// Daemon: one ha-agent process. It owns the Boost.Asio io_context (one
// thread for all protocol state, DESIGN.md §1), the packet I/O backend, the
// user-space SAD/SPD, the RFC 6275 HomeAgent logic, the kernel-state backend
// and the admin socket, and turns HomeAgent actions into packets and kernel
// changes. It holds no protocol decisions of its own.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "conf/config.h"
#include "ha-agent/admin/admin_server.h"
#include "ha-agent/daemon/loop_watch.h"
#include "ha-agent/daemon/privileges.h"
#include "ha-agent/daemon/proxy_nd_targets.h"
#include "ha-agent/daemon/daemon_kernel_io.h"
#include "ha-agent/daemon/security_setup.h"
#include "ha-agent/daemon/service_notify.h"
#include "ha-agent/daemon/signalling_path.h"
#include "ha-agent/io/nft_guard.h"
#include "ha-agent/io/packet_io.h"
#include "ha-agent/io/tun_device.h"
#include "ha-agent/kernel/kernel_state.h"
#include "ha-agent/log/log.h"
#include "ha-agent/metrics/http_listener.h"
#include "ha-agent/metrics/registry.h"
#include "ha-agent/snapshot/restore_plan.h"
#include "ha-agent/snapshot/snapshot_writer.h"
#include "harp/harp_node.h"
#include "mip6/home_agent.h"
#include "mip6/icmpv6_nd.h"
#include "mip6/rate_limiter.h"
#include "mip6/result.h"

namespace ha_agent {

struct DaemonOptions {
  std::string config_path;
};

class Daemon {
 public:
  // Sets everything up (keys, sockets, kernel state, admin socket); every
  // error names what failed. Nothing is left installed on failure.
  static mip6::Result<std::unique_ptr<Daemon>, std::string> create(conf::Config config,
                                                                 DaemonOptions options);
  ~Daemon();

  // Runs until SIGTERM/SIGINT (or stop()); removes what it installed.
  void run();
  void stop();

 private:
  Daemon(conf::Config config, DaemonOptions options);
  mip6::Status<std::string> setup();
  void on_packet(std::span<const std::uint8_t> packet, int ifindex);
  // packet_io backend "kernel" (daemon_kernel_io.cc): chooses it (or says
  // why not: the text for the log and `ha-agentctl status`), installs its
  // XFRM state; the raw MH socket's receive and send; removal at shutdown.
  mip6::Result<std::string, std::string> setup_kernel_io();
  void start_kernel_io();
  void on_kernel_mh(const io::MhDelivery& d);
  void send_kernel(const Outbound& out, const char* what);
  void shutdown_kernel_io();
  void on_inbound(const InboundMessage& m);
  // What a receive path (packet or kernel backend) returned: a message to
  // act on, or a drop to log and count (unknown MH type: Binding Error 2).
  void on_received(const mip6::Result<InboundMessage, Dropped>& r);
  // HARP (daemon_harp.cc).
  mip6::Status<std::string> setup_harp();
  void on_binding_update(const InboundMessage& m, const mip6::BindingUpdate& bu);
  void apply_harp(const harp::HarpActions& actions);
  void forget_peer_replay_state(const mip6::Ipv6Address& peer);
  void harp_binding_events(const mip6::Actions& actions);
  void apply(const mip6::Actions& actions);
  void apply_kernel_and_packets(const mip6::Actions& actions);
  void send(const Outbound& out, const char* what);
  // Counters of both send paths (packet and kernel backend). count_sent()
  // is per packet: it finds the labelled counter once per message name
  // instead of building its key each time (issue #4).
  void count_sent(std::string_view what);
  void count_tx_error(std::string_view reason, std::string_view what,
                      const mip6::Ipv6Address& to, std::string_view detail);
  void send_neighbor_advertisements(const mip6::Ipv6Address& target);
  // kernel_state.proxy_nd "user-space" (daemon_proxy_nd.cc): proxy ND for
  // bound home addresses without kernel proxy entries. True when `packet`
  // was a Neighbor Solicitation for one of them (answered or dropped).
  bool answer_neighbor_solicitation(std::span<const std::uint8_t> packet, int ifindex);
  // proxy_nd "kernel": one kernel proxy NDP entry per address.
  void add_kernel_proxy_nd(const mip6::Ipv6Address& target);
  void remove_kernel_proxy_nd(const mip6::Ipv6Address& target);
  // Per-binding kernel work in a FIFO, run in batches (daemon_kernel_work.cc).
  void queue_kernel_work(const mip6::Ipv6Address& home_address,
                         const std::optional<mip6::Ipv6Address>& link_local, bool install);
  void flush_kernel_work();
  void run_kernel_work(std::size_t max);
  void install_home_address(const mip6::Ipv6Address& home_address,
                            const std::optional<mip6::Ipv6Address>& link_local);
  void remove_home_address(const mip6::Ipv6Address& home_address,
                           const std::optional<mip6::Ipv6Address>& link_local);
  // RFC 6275 §10.4.2 bidirectional tunnel, in user space.
  void tunnel_to_mobile_node(std::span<const std::uint8_t> packet);
  void tunnel_from_mobile_node(std::span<const std::uint8_t> packet);
  void rearm_timer();
  void on_timer();
  void shutdown();
  admin::Response handle_admin(const admin::Request& req);
  void export_counters();
  // Operating the daemon (daemon_operations.cc, issue #7): metrics listener,
  // privilege drop, sd_notify, the metrics the other parts do not keep.
  mip6::Status<std::string> setup_operations();
  // Hitless reload (daemon_reload.cc, docs/operations.md "Reload"): SIGHUP
  // and `ha-agentctl reload [--check]` re-read config_path, validate it
  // completely, then apply the difference in place or change nothing.
  struct ReloadPlan;
  void setup_reload();
  void arm_reload_signal();
  admin::ReloadReply reload(bool check_only, std::string_view origin);
  bool prepare_reload(ReloadPlan& plan, admin::ReloadReply& reply);
  void apply_reload(ReloadPlan& plan, admin::ReloadReply& reply);
  void deregister_for_reload(const mip6::Ipv6Address& home_address, admin::ReloadReply& reply);
  // Restart without loss (daemon_snapshot.cc): restore at start (held for
  // the group's peers first), periodic and final snapshots.
  void setup_snapshot();
  void start_snapshots();
  void write_final_snapshot();
  void snapshot_tick();
  void snapshot_group_poll();
  void arm_snapshot_timer(std::chrono::steady_clock::duration after);
  void adopt_from_snapshot(const std::vector<mip6::BindingCacheEntry>& entries, const char* outcome);
  snapshot::Snapshot make_snapshot();
  std::vector<mip6::Ipv6Address> configured_home_addresses() const;
  void on_snapshot_written(const snapshot::WriteReport& r, bool final);
  std::string metrics_text();
  void export_harp_counters();
  void count_received(const InboundMessage& m);
  void count_dropped(const Dropped& d);
  void count_harp_event(const harp::HarpEvent& e);
  void notify_ready();
  void notify_stopping();
  // Rate limits (daemon_operations.cc, docs/operations.md "Rate limits"):
  // (re)applies config_.rate_limit and the HARP peer set to the limiter of
  // the receive path; call again after a reload changed either.
  void setup_rate_limit();
  void export_rate_limit_metrics();
  void log_drop(const Dropped& d);

  using Clock = std::chrono::steady_clock;

  conf::Config config_;
  DaemonOptions options_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer timer_;
  // A wait on timer_ is outstanding: rearm_timer() (after every packet
  // batch) leaves it alone unless something is due earlier (issue #4).
  bool timer_waiting_ = false;
  // One Boost.Log channel per module (docs/operations.md "Logs"): start-up
  // and signals; bindings (mip6); ESP SAs (crypto); the HARP group; packet I/O and drops;
  // routes and proxy ND; admin requests.
  log::Logger log_;
  log::Logger log_mip6_;
  log::Logger log_crypto_;
  log::Logger log_harp_;
  log::Logger log_io_;
  log::Logger log_kernel_;
  log::Logger log_admin_;
  metrics::Registry metrics_;
  LoopWatch loop_watch_{metrics_, log_};
  SecuritySetup security_;
  std::optional<mip6::HomeAgent> ha_;
  std::unique_ptr<harp::HarpNode> harp_;  // null without a `harp` section
  bool harp_serving_ = true;              // SetServing from the group (drain)
  std::unique_ptr<io::PacketIo> packet_io_;
  std::unique_ptr<KernelSignalling> kernel_io_;  // null unless packet_io is "kernel"
  std::optional<io::NftGuard> nft_guard_;
  kernel::KernelStatePtr kernel_;
  std::unique_ptr<admin::AdminServer> admin_;
  std::unique_ptr<io::TunDevice> tunnel_;  // null with kernel_state "none"
  std::string route_interface_;            // where home-address routes point
  std::unique_ptr<mip6::SourceRateLimiter> rate_limiter_;  // used by rx_: declared first
  std::unique_ptr<ReceivePath> rx_;
  std::unique_ptr<SendPath> tx_;
  std::vector<std::uint8_t> tx_buffer_;
  std::vector<std::uint8_t> tunnel_buffer_;
  log::RateLimiter drop_log_limit_{10, std::chrono::seconds(1)};
  log::RateLimiter harp_mn_log_limit_{20, std::chrono::seconds(1)};  // per-MN HARP events
  std::optional<boost::asio::signal_set> reload_signal_;  // SIGHUP (daemon_reload.cc)

  // Home link: where proxy ND entries, routes and NAs go.
  std::string home_interface_;
  int home_ifindex_ = 0;
  std::optional<mip6::MacAddress> home_mac_;
  std::optional<mip6::Ipv6Address> home_link_local_;
  // Unsolicited NAs still to repeat (RFC 6275 §10.4.1: up to 3, RFC 4861).
  struct NaRepeat {
    Clock::time_point at;
    mip6::Ipv6Address target;        // HoA or its link-local address
    mip6::Ipv6Address home_address;  // the binding it belongs to
    int left;
  };
  std::deque<NaRepeat> na_repeats_;
  // User-space proxy ND: one entry per binding, its HoA and L flag; NS for
  // the HoA and, with L, its link-local are answered (proxy_nd_targets.h).
  ProxyNdTargets user_space_proxy_;
  // Routes, kernel proxy entries and NAs still to do, in order.
  struct KernelWork {
    mip6::Ipv6Address home_address;
    std::optional<mip6::Ipv6Address> link_local;
    bool install = true;
  };
  std::deque<KernelWork> kernel_work_;
  bool kernel_work_posted_ = false;
  // > 0 while apply_harp() runs: kernel work is flushed at its end, and
  // per-binding logs of a takeover go to debug (one summary line instead).
  int harp_batch_depth_ = 0;
  std::array<std::uint64_t, 8> harp_batch_binding_events_{};  // by BindingEvent::Kind
  metrics::Metric* kernel_work_queued_ = &metrics_.gauge(
      "ha_agent_kernel_work_queued", {}, "Home-address routes, proxy entries and NAs waiting to be done");
  metrics::Metric* kernel_work_done_ = &metrics_.counter(
      "ha_agent_kernel_work_total", {{"result", "done"}},
      "Queued home-address installs and removals (route, proxy NDP, NAs), by result");
  metrics::Metric* kernel_work_skipped_ = &metrics_.counter(
      "ha_agent_kernel_work_total", {{"result", "skipped_binding_gone"}},
      "Queued home-address installs and removals (route, proxy NDP, NAs), by result");

  Clock::time_point started_;
  std::string packet_backend_text_;
  bool stopping_ = false;
  bool left_group_ = false;

  // Snapshots (daemon_snapshot.cc).
  std::unique_ptr<snapshot::SnapshotWriter> snapshot_writer_;  // null without snapshot_path
  std::optional<boost::asio::steady_timer> snapshot_timer_;
  std::vector<mip6::BindingCacheEntry> snapshot_held_;  // waiting for the group's restore
  snapshot::GroupRestoreDeadlines snapshot_hold_deadlines_;
  bool snapshot_holding_ = false;
  bool snapshot_active_ = false;  // set-up finished: shutdown writes a snapshot
  bool snapshot_final_done_ = false;

  // Operations (daemon_operations.cc). Declared last: the listener is
  // destroyed first and its render callback never outlives the daemon.
  metrics::PerReason<std::uint8_t> rx_messages_{metrics_, "ha_agent_rx_messages_total", "message",
                                                "Authenticated signalling messages received, by message"};
  std::vector<std::pair<std::string, metrics::Metric*>> tx_messages_;  // count_sent()
  std::optional<RunAs> run_as_;
  std::unique_ptr<ServiceNotifier> notifier_;
  std::unique_ptr<metrics::HttpListener> metrics_http_;
};

}  // namespace ha_agent
