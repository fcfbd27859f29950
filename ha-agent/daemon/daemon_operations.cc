// The daemon's operational side (issue #7): the Prometheus HTTP listener,
// the switch to an unprivileged user once everything privileged is open,
// systemd notifications, and the metrics that the other parts do not keep
// themselves (messages received by type, ESP failures by reason, the HARP
// group: peers, takeovers, switchovers, replication lag). docs/operations.md
// lists every metric.
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "ha-agent/daemon/daemon.h"

namespace ha_agent {
namespace {

// "too old (left of replay window)" -> "too_old"; "ICV mismatch" ->
// "icv_mismatch": Prometheus label values in one style.
std::string label_value(std::string_view text) {
  text = text.substr(0, text.find('('));
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "unknown" : out;
}

}  // namespace

mip6::Status<std::string> Daemon::setup_operations() {
  notifier_ = std::make_unique<ServiceNotifier>(io_);
  if (config_.metrics) {
    metrics::HttpListenerOptions o;
    o.address = config_.metrics->address;
    o.port = config_.metrics->port;
    auto l = metrics::HttpListener::open(io_, o, metrics_, [this] { return metrics_text(); });
    if (!l) return mip6::fail(l.error());
    metrics_http_ = std::move(l).value();
    HA_LOG(log_, kInfo) << "metrics: http://" << config_.metrics->to_string() << "/metrics";
  }
  // Last step of set-up: everything that needs more than CAP_NET_ADMIN and
  // CAP_NET_RAW is open now (sockets, netlink, nft table, TUN, admin socket,
  // metrics listener, key files read).
  if (config_.privileges) {
    auto who = resolve_run_as(*config_.privileges);
    if (!who) return mip6::fail(who.error());
    if (auto st = drop_privileges(*who); !st)
      return mip6::fail("privileges: switching to user '" + who->user + "': " + st.error());
    run_as_ = *who;
    HA_LOG(log_, kNotice) << "switched to user " << who->user << " group " << who->group << ": "
                          << credentials_text();
    // Removing the admin socket at exit needs write access to its directory.
    // Under systemd, RuntimeDirectory= removes the whole directory at stop.
    const auto dir = std::filesystem::path(config_.admin.socket_path).parent_path();
    const char* runtime = std::getenv("RUNTIME_DIRECTORY");
    const bool systemd_removes = runtime && std::filesystem::path(runtime) == dir;
    if (!systemd_removes && ::access(dir.c_str(), W_OK | X_OK) != 0)
      HA_LOG(log_, kWarning) << "user " << who->user << " cannot write " << dir.string()
                             << ": the admin socket file will stay behind at exit (the next start "
                                "replaces it); give the user that directory (e.g. systemd "
                                "RuntimeDirectory=, see docs/operations.md)";
  }
  return mip6::Ok{};
}

std::string Daemon::metrics_text() {
  export_counters();
  return metrics_.prometheus_text();
}

void Daemon::notify_ready() {
  if (!notifier_) return;
  notifier_->ready("serving " + std::to_string(config_.mobile_nodes.size()) + " mobile nodes on " +
                   config_.ha_addresses.front().to_string() +
                   (run_as_ ? " as user " + run_as_->user : std::string()));
}

void Daemon::notify_stopping() {
  if (notifier_) notifier_->stopping("removing kernel state and leaving the group");
}

void Daemon::count_received(const InboundMessage& m) {
  rx_messages_.inc(m.mh.header.mh_type,
                   [&](std::uint8_t) { return mip6::message_name(m.mh.message); });
}

void Daemon::count_dropped(const Dropped& d) {
  // Inbound ESP failures by reason (RFC 4303 §3.4); outbound ones are
  // ha_agent_tx_errors_total{reason="esp"}.
  if (d.reason != RxDrop::kEsp) return;
  metrics_
      .counter("ha_agent_esp_failures_total", {{"reason", label_value(d.detail)}},
               "Inbound ESP packets refused (SAD lookup, replay window, ICV, padding), by reason")
      .inc();
}

void Daemon::setup_rate_limit() {
  const auto& r = config_.rate_limit;
  mip6::SourceRateLimiterOptions o;
  o.per_source = {r.per_source_pps, r.per_source_burst};
  o.per_peer = {r.per_peer_pps, r.per_peer_burst};
  o.max_sources = r.max_sources;
  std::vector<mip6::Ipv6Address> peers;
  if (config_.harp)
    for (const auto& p : config_.harp->peers) peers.push_back(p.address);
  if (!rate_limiter_) {
    // A secret hash seed: nobody can precompute addresses that collide.
    std::random_device rd;
    o.hash_seed = (std::uint64_t{rd()} << 32) ^ rd();
    rate_limiter_ = std::make_unique<mip6::SourceRateLimiter>(o);
  } else {
    rate_limiter_->reconfigure(o);
  }
  rate_limiter_->set_peers(peers);
  const bool limited = !o.per_source.unlimited() || (!o.per_peer.unlimited() && !peers.empty());
  if (rx_) rx_->set_rate_limiter(limited ? rate_limiter_.get() : nullptr);
  auto text = [](const mip6::TokenBucketLimit& l) {
    return l.unlimited() ? std::string("unlimited")
                         : std::to_string(l.rate_per_s) + "/s burst " + std::to_string(l.burst);
  };
  HA_LOG(log_, kInfo) << "rate limits: per source " << text(o.per_source) << " (" << o.max_sources
                      << " sources tracked), per peer " << text(o.per_peer) << " ("
                      << peers.size() << " peers)";
}

void Daemon::export_rate_limit_metrics() {
  if (!rate_limiter_) return;
  const auto& l = *rate_limiter_;
  metrics_
      .gauge("ha_agent_rate_limited_sources", {},
             "Source addresses (peers included; untracked sources count as one) with signalling "
             "dropped by the rate limits within the last second")
      .set(l.limited_sources(Clock::now(), std::chrono::seconds(1)));
  metrics_
      .gauge("ha_agent_rate_limit_tracked_sources", {},
             "Source addresses with a rate-limit bucket of their own (at most rate_limit.max_sources)")
      .set(l.tracked_sources());
  metrics_
      .counter("ha_agent_rate_limit_evictions_total", {},
               "Idle sources forgotten to make room for new ones in the rate-limit table")
      .set(l.counters().evictions);
  metrics_
      .counter("ha_agent_rate_limit_table_full_total", {},
               "Packets of new sources admitted by the shared bucket that found the rate-limit "
               "table full of active sources")
      .set(l.counters().table_full);
}

void Daemon::count_harp_event(const harp::HarpEvent& e) {
  metrics_
      .counter("ha_agent_harp_events_total", {{"kind", std::string(harp::to_string(e.kind))}},
               "HARP group events (peer up/down, takeovers, switchovers, split brain), by kind")
      .inc();
}

void Daemon::export_harp_counters() {
  if (!harp_) return;
  const auto now = Clock::now();
  const auto& c = harp_->counters();
  auto counter = [this](const char* name, metrics::Labels labels, const char* help,
                        std::uint64_t v) {
    metrics_.counter(name, std::move(labels), help).set(v);
  };
  counter("ha_agent_harp_hellos_sent_total", {}, "HA-Hellos sent", c.hellos_sent);
  counter("ha_agent_harp_hellos_accepted_total", {}, "HA-Hellos accepted from peers",
          c.hellos_accepted);
  counter("ha_agent_harp_sync_sent_total", {}, "State Synchronization messages sent", c.sync_sent);
  counter("ha_agent_harp_sync_received_total", {}, "State Synchronization messages received",
          c.sync_received);
  const char* sync_drop_help = "State Synchronization messages or records dropped, by reason";
  counter("ha_agent_harp_sync_dropped_total", {{"reason", "unknown_peer"}}, sync_drop_help,
          c.sync_drop_unknown_peer);
  counter("ha_agent_harp_sync_dropped_total", {{"reason", "wrong_group"}}, sync_drop_help,
          c.sync_drop_wrong_group);
  counter("ha_agent_harp_sync_dropped_total", {{"reason", "bad_record"}}, sync_drop_help,
          c.sync_bad_record);
  counter("ha_agent_harp_sync_dropped_total", {{"reason", "ack_unknown"}}, sync_drop_help,
          c.sync_ack_unknown);
  counter("ha_agent_harp_sync_dropped_total", {{"reason", "duplicate_dump_part"}}, sync_drop_help,
          c.sync_duplicate_dump_parts);
  counter("ha_agent_harp_control_dropped_total", {},
          "HA Control messages dropped (not from a peer, unexpected)", c.control_drop);
  counter("ha_agent_harp_anti_entropy_requests_total", {}, "Anti-entropy full resyncs requested",
          c.anti_entropy_requests);
  const char* split_help = "Split-brain conflicts resolved, by outcome for this HA";
  counter("ha_agent_harp_split_brain_total", {{"outcome", "won"}}, split_help, c.split_brain_won);
  counter("ha_agent_harp_split_brain_total", {{"outcome", "lost"}}, split_help, c.split_brain_lost);
  counter("ha_agent_harp_takeovers_total", {}, "Takeovers of a failed peer's mobile nodes",
          c.takeovers);
  counter("ha_agent_harp_bindings_adopted_total", {}, "Shadow bindings adopted at takeover",
          c.bindings_adopted);
  counter("ha_agent_harp_ha_switch_sent_total", {}, "RFC 5142 Home Agent Switch messages sent",
          c.switch_sent);
  counter("ha_agent_harp_shadows_expired_total", {}, "Shadow bindings removed at expiry",
          c.shadows_expired);
  for (std::size_t d = 0; d < static_cast<std::size_t>(harp::HelloDrop::kCount_); ++d) {
    const auto drop = static_cast<harp::HelloDrop>(d);
    counter("ha_agent_harp_hellos_dropped_total", {{"reason", std::string(harp::to_string(drop))}},
            "HA-Hellos dropped, by reason", harp_->peer_table().drops(drop));
  }

  const auto peers = harp_->peers(now);
  std::uint64_t up = 0;
  for (const auto& p : peers) {
    const metrics::Labels who{{"peer", p.address.to_string()}};
    const bool is_up = p.state == harp::PeerState::kUp;
    up += is_up;
    // State as a 0/1 value, never as a label (issue #7).
    metrics_
        .gauge("ha_agent_peer_up", who, "1 when the peer is up (heard for `rise` Hellos), else 0")
        .set(is_up);
    metrics_.gauge("ha_agent_peer_shadow_bindings", who, "Shadow bindings held for the peer")
        .set(p.bindings_owned);
    metrics_
        .gauge("ha_agent_peer_replication_unacked_records", who,
               "Replication lag: binding records sent to the peer and not yet acknowledged")
        .set(p.replication.unacked_records);
    metrics_
        .gauge("ha_agent_peer_replication_pending_records", who,
               "Replication lag: binding records waiting to be sent to the peer")
        .set(p.replication.pending_records);
    metrics_
        .counter("ha_agent_peer_replication_retransmissions_total", who,
                 "State Synchronization retransmissions to the peer")
        .set(p.replication.retransmissions);
    metrics_.counter("ha_agent_peer_full_dumps_total", who, "Full binding dumps sent to the peer")
        .set(p.replication.full_dumps);
  }
  metrics_.gauge("ha_agent_peers", {}, "HARP peers configured").set(peers.size());
  metrics_.gauge("ha_agent_peers_up", {}, "HARP peers up").set(up);
  metrics_.gauge("ha_agent_serving", {}, "1 when this HA serves mobile nodes (not drained), else 0")
      .set(harp_serving_ ? 1 : 0);
  metrics_.gauge("ha_agent_shadow_bindings", {}, "Shadow bindings held for peers")
      .set(harp_->shadows().size());
}

}  // namespace ha_agent
