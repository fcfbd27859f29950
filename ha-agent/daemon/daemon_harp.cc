// The daemon's side of the HARP redundancy group (DESIGN.md §2): it feeds the
// harp::HarpNode with HARP messages, binding events and accepted BUs, and
// turns its actions into ESP-protected packets (Hellos, State
// Synchronization, HA Control to peers; RFC 5142 Home Agent Switch to MNs),
// adopted or released bindings, and the serving role.
#include <openssl/rand.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "ha-agent/daemon/daemon.h"
#include "ha-agent/daemon/harp_setup.h"

namespace ha_agent {

mip6::Status<std::string> Daemon::setup_harp() {
  if (!config_.harp) return mip6::Ok{};
  if (auto st = add_peers(security_, config_, Clock::now()); !st) return mip6::fail(st.error());
  std::uint16_t seq = 0;
  // A restarted HA must not look like a replay of its own old Hellos.
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&seq), sizeof seq) != 1) seq = 1;
  unsigned mtu = 1500;
  if (std::ifstream f("/sys/class/net/" + home_interface_ + "/mtu"); !(f >> mtu)) mtu = 1280;
  auto node = harp::HarpNode::create(group_config_from(config_, seq, mtu), Clock::now());
  if (!node) return mip6::fail("harp group: " + std::string(harp::to_string(node.error())));
  harp_ = std::move(node).value();
  loop_watch_.set_threshold(config_.harp->hello_interval / 2);
  if (const auto prio = config_.harp->realtime_priority; prio != 0) {
    // Like keepalived's vrrp_rt_priority: on a loaded host a normal-priority
    // daemon can wait tens of ms for a CPU, longer than a short dead
    // interval. Before the privilege drop (needs CAP_SYS_NICE).
    sched_param sp{};
    sp.sched_priority = static_cast<int>(prio);
    if (::sched_setscheduler(0, SCHED_RR, &sp) != 0)
      return mip6::fail("harp.realtime_priority " + std::to_string(prio) +
                        ": sched_setscheduler(SCHED_RR) failed: " + std::strerror(errno) +
                        " (needs CAP_SYS_NICE; set 0 for normal scheduling)");
    HA_LOG(log_harp_, kInfo) << "real-time scheduling: SCHED_RR priority " << prio;
  }
  // Registration times in replicated bindings are wall-clock (split brain
  // rule 2, docs/harp.md B4); harp/ reads no clock, so it gets the offset.
  harp_->set_wall_clock_offset(std::chrono::duration_cast<Clock::duration>(
      std::chrono::system_clock::now().time_since_epoch() - Clock::now().time_since_epoch()));
  HA_LOG(log_harp_, kInfo) << "HARP group " << int(config_.harp->group_id) << ": "
                      << config_.harp->peers.size() << " peer(s), hello "
                      << config_.harp->hello_interval.count() << " ms, takeover "
                      << conf::to_string(config_.harp->takeover);
  return mip6::Ok{};
}

void Daemon::on_binding_update(const InboundMessage& m, const mip6::BindingUpdate& bu) {
  const auto now = Clock::now();
  const auto hoa = m.effective_source();
  mip6::BindingUpdateContext ctx;
  ctx.source = m.source;
  ctx.destination = m.destination;
  ctx.home_address = m.home_address;
  ctx.spi = m.spi;
  ctx.sa_home_address = m.sa_home_address.value_or(mip6::Ipv6Address{});
  // An MN owned by a live peer gets BA 133 here (protocol-notes G13), except
  // from the HA it was just switched to: the group decides, mip6 answers.
  const bool serve = harp_serving_ && !(harp_ && harp_->should_refuse(hoa));
  ha_->set_serving(serve);
  auto actions = ha_->on_binding_update(bu, ctx, now);
  ha_->set_serving(harp_serving_);
  bool accepted = false;
  for (const auto& a : actions)
    if (const auto* ba = std::get_if<mip6::SendBindingAck>(&a); ba && ba->ba.status < 128)
      accepted = true;
  apply(actions);
  if (harp_ && accepted) apply_harp(harp_->on_bu_accepted(hoa, now));
}

void Daemon::harp_binding_events(const mip6::Actions& actions) {
  if (!harp_) return;
  for (const auto& a : actions)
    if (const auto* e = std::get_if<mip6::BindingEvent>(&a))
      apply_harp(harp_->on_binding_event(*e, Clock::now()));
}

// The SAs between HAs are keyed manually and the sender's ESP sequence
// counter is not kept across a restart: a restarted peer numbers its packets
// from 1 again, and our inbound SA would drop them as replays (or "too old")
// until its counter passes the one of its previous life -- seconds to
// minutes in which the peer cannot rejoin the group. RFC 4303 §3.3.3: with
// manual keys anti-replay only works if the sender's counter survives
// reboots. So once the group declares the peer down (dead interval, or a
// graceful leave), its next packets may come from a new life: the inbound
// window starts afresh. While the peer is up, the window protects as usual.
// HARP itself accepts any Hello sequence after a peer was down (harp.md).
void Daemon::forget_peer_replay_state(const mip6::Ipv6Address& peer) {
  for (const auto& p : config_.harp->peers) {
    if (p.address != peer) continue;
    if (auto* sa = security_.sad.find(crypto::SaDirection::kInbound, p.sa.spi_in)) {
      (void)sa->restore_replay_window(0);  // nothing received yet
      HA_LOG(log_harp_, kInfo) << "harp: peer " << peer.to_string()
                          << " down: its inbound ESP replay window starts afresh";
    }
  }
}

void Daemon::apply_harp(const harp::HarpActions& actions) {
  // A takeover adopts many bindings at once: their kernel work is flushed
  // once, at the end, in batches (daemon_kernel_work.cc).
  ++harp_batch_depth_;
  for (const auto& a : actions) {
    std::visit(
        [this](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, harp::SendHarpMessage>) {
            send({&x.message, x.source, x.destination, std::nullopt},
                 std::string(mip6::message_name(x.message)).c_str());
          } else if constexpr (std::is_same_v<T, harp::SendHomeAgentSwitch>) {
            mip6::MobilityMessage msg = x.has;
            Outbound out{&msg, x.our_address, x.home_address, x.care_of_address};
            out.tunnel = true;  // protocol-notes G8
            send(out, "Home Agent Switch");
          } else if constexpr (std::is_same_v<T, harp::AdoptBinding>) {
            apply(ha_->adopt_binding(x.entry, Clock::now()));
          } else if constexpr (std::is_same_v<T, harp::ReleaseBinding>) {
            apply_kernel_and_packets(ha_->release_binding(x.home_address));
          } else if constexpr (std::is_same_v<T, harp::SetServing>) {
            harp_serving_ = x.serving;
            ha_->set_serving(x.serving);
            HA_LOG(log_harp_, kNotice) << (x.serving ? "serving mobile nodes" : "not serving (standby)");
          } else if constexpr (std::is_same_v<T, harp::HarpEvent>) {
            if (x.kind == harp::EventKind::kPeerDown) forget_peer_replay_state(x.peer);
            count_harp_event(x);
            // Per-MN events (mn_moved, split_brain_resolved, ...) come by the
            // thousand in a takeover: counted always, logged rate-limited.
            std::uint64_t suppressed = 0;
            if (!x.home_address.is_unspecified() &&
                !harp_mn_log_limit_.allow(Clock::now(), suppressed))
              return;
            HA_LOG(log_harp_, kNotice) << "harp: " << harp::to_string(x.kind)
                                  << (x.peer.is_unspecified() ? "" : " peer " + x.peer.to_string())
                                  << (x.home_address.is_unspecified()
                                          ? ""
                                          : " mn " + x.home_address.to_string())
                                  << (x.count ? " count " + std::to_string(x.count) : "")
                                  << (x.count2 ? "/" + std::to_string(x.count2) : "")
                                  << (x.detail.empty() ? "" : " (" + x.detail + ")")
                                  << (suppressed ? " [" + std::to_string(suppressed) +
                                                       " per-MN event logs suppressed]"
                                                 : "");
          }
        },
        a);
  }
  if (--harp_batch_depth_ == 0) {
    for (std::size_t k = 0; k < harp_batch_binding_events_.size(); ++k) {
      if (harp_batch_binding_events_[k] == 0) continue;
      HA_LOG(log_mip6_, kInfo) << harp_batch_binding_events_[k] << " binding(s) "
                               << mip6::to_string(static_cast<mip6::BindingEvent::Kind>(k))
                               << " by the HARP group (takeover, release or restore; each at debug)";
      harp_batch_binding_events_[k] = 0;
    }
  }
  flush_kernel_work();
}

}  // namespace ha_agent
