// HarpNode: construction, Hellos and liveness, timers, queries, events.
#include "harp/harp_node.h"

#include <algorithm>

namespace harp {

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::kPeerUp:
      return "peer_up";
    case EventKind::kPeerDown:
      return "peer_down";
    case EventKind::kPeerRising:
      return "peer_rising";
    case EventKind::kTakeoverStarted:
      return "takeover_started";
    case EventKind::kTakeoverFinished:
      return "takeover_finished";
    case EventKind::kMobileNodeMoved:
      return "mn_moved";
    case EventKind::kSplitBrainResolved:
      return "split_brain_resolved";
    case EventKind::kFullResync:
      return "full_resync";
    case EventKind::kSwitchoverResult:
      return "switchover_result";
    case EventKind::kSwitchoverAccepted:
      return "switchover_accepted";
    case EventKind::kSwitchbackRequested:
      return "switchback_requested";
  }
  return "unknown";
}

mip6::Result<std::unique_ptr<HarpNode>, ConfigError> HarpNode::create(GroupConfig config,
                                                                      Clock::time_point now) {
  if (auto st = validate_group_config(config); !st.ok()) return mip6::fail(st.error());
  return std::unique_ptr<HarpNode>(new HarpNode(std::move(config), now));
}

HarpNode::HarpNode(GroupConfig config, Clock::time_point now)
    : config_(std::move(config)),
      table_(config_),
      replicator_(config_),
      switches_(config_),
      hello_sequence_(config_.initial_hello_sequence),
      next_hello_(now) {}

void HarpNode::emit(HarpActions& out, Clock::time_point now, EventKind kind,
                    const Ipv6Address& peer, const Ipv6Address& hoa, std::uint32_t count,
                    std::uint32_t count2, std::string detail) {
  HarpEvent e{++event_serial_, now, kind, peer, hoa, count, count2, std::move(detail)};
  events_.push_back(e);
  while (events_.size() > config_.max_events) events_.pop_front();
  push_action(out, std::move(e));
}

mip6::HaHello HarpNode::make_hello(const Ipv6Address& to, bool reply) {
  mip6::HaHello h;
  hello_sequence_ = hello_sequence_.next();
  h.sequence = hello_sequence_;
  h.preference = config_.preference;
  h.lifetime_s = left_ ? 0 : hello_lifetime_s(config_.hello_interval);
  h.hello_interval_ms = static_cast<std::uint16_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.hello_interval).count());
  h.group_id = config_.group_id;
  if (serving_) h.flags |= mip6::HaHello::kActive;
  const Peer* p = table_.find(to);
  // Ask a peer we never heard for an immediate answer (§5.4, HP-02) so that
  // start-up is fast; never in a reply (no ping-pong) and not to a returning
  // peer (its rise hysteresis counts its own periodic Hellos).
  if (!reply && p != nullptr && p->state == PeerState::kInit)
    h.flags |= mip6::HaHello::kReplyRequested;
  wire::put_heard_peers(h.options, table_.heard_peers());
  // Anti-entropy digest of our own bindings, only when everything we sent
  // this peer is acknowledged: then its shadows must match exactly.
  if (!left_ && p != nullptr && p->state == PeerState::kUp && replicator_.idle(to))
    wire::put_digest(h.options, own_digest_);
  return h;
}

void HarpNode::send_hellos(Clock::time_point now, HarpActions& out) {
  for (const auto& p : config_.peers) {
    push_action(out, SendHarpMessage{p.address, config_.own_address,
                                     mip6::MobilityMessage(make_hello(p.address, false))});
    ++counters_.hellos_sent;
  }
  next_hello_ = now + config_.hello_interval;
}

HarpActions HarpNode::leave(Clock::time_point now) {
  HarpActions out;
  left_ = true;
  send_hellos(now, out);
  if (serving_) {
    serving_ = false;
    push_action(out, SetServing{false});
  }
  return out;
}

void HarpNode::on_hello(const mip6::HaHello& h, const Ipv6Address& from, Clock::time_point now,
                        HarpActions& out) {
  const auto r = table_.on_hello(h, from, now);
  if (r.drop) return;
  ++counters_.hellos_accepted;
  const Peer* p = table_.find(from);
  if (r.failed) {
    peer_failed(from, "graceful_leave", now, out);
    return;
  }
  if (r.became_rising) emit(out, now, EventKind::kPeerRising, from);
  if (r.became_up) {
    const bool first_contact = p->hellos_accepted == 1;
    emit(out, now, EventKind::kPeerUp, from);
    // Back before we adopted all its MNs: it keeps the rest (harp_takeover.cc).
    cancel_adoptions(from, now, out);
    // A joining or returning peer gets our full dump (§5.5); if we are the
    // new one (first contact), we also ask for its bindings (SS-REQ).
    replicator_.request_full_dump(from, now);
    // We start with no state: at first contact ask for its bindings and for
    // ours back (restore, B1); a peer that still owes us the restore is
    // asked again when it returns.
    if (first_contact || restore_wait_.count(from) != 0) request_restore(from, now, out);
    digest_mismatches_.erase(from);
  }
  if (r.reply_requested && !left_) {
    push_action(out, SendHarpMessage{from, config_.own_address,
                                     mip6::MobilityMessage(make_hello(from, true))});
    ++counters_.hellos_sent;
    ++counters_.hello_replies;
  }
  if (p->state == PeerState::kUp) {
    anti_entropy(from, now, out);
    maybe_switch_back(from, now, out);
  }
}

void HarpNode::anti_entropy(const Ipv6Address& peer, Clock::time_point /*now*/, HarpActions& out) {
  const Peer* p = table_.find(peer);
  if (p == nullptr || !p->digest) return;
  const auto theirs = *p->digest;
  const auto mine = shadows_.digest(peer);
  if (theirs == mine) {
    digest_mismatches_.erase(peer);
    return;
  }
  // Two consecutive mismatching digests (the sender only sends one when all
  // it sent us is acknowledged) -> ask for a full dump (docs/harp.md).
  if (++digest_mismatches_[peer] >= 2) {
    digest_mismatches_.erase(peer);
    ++counters_.anti_entropy_requests;
    send_sync_request(peer, out);
  }
}

void HarpNode::peer_failed(const Ipv6Address& peer, std::string_view reason, Clock::time_point now,
                           HarpActions& out) {
  replicator_.forget_peer(peer);
  forget_dumps(peer);
  digest_mismatches_.erase(peer);
  emit(out, now, EventKind::kPeerDown, peer, {}, 0, 0, std::string(reason));
  control_peer_failed(peer, now, out);  // first: it may make us serve again
  take_over(peer, now, out);
}

HarpActions HarpNode::on_message(const mip6::MobilityMessage& m, const Ipv6Address& from,
                                 Clock::time_point now) {
  HarpActions out;
  if (left_) return out;
  if (const auto* h = std::get_if<mip6::HaHello>(&m)) {
    on_hello(*h, from, now, out);
  } else if (const auto* s = std::get_if<mip6::StateSynchronization>(&m)) {
    on_sync(*s, from, now, out);
  } else if (const auto* c = std::get_if<mip6::HaControl>(&m)) {
    on_control(*c, from, now, out);
  }
  // Anything else is not HARP: the daemon routes it to mip6.
  auto more = on_timer(now);
  for (auto& a : more) out.push_back(std::move(a));
  return out;
}

HarpActions HarpNode::on_timer(Clock::time_point now) {
  HarpActions out;
  if (left_) return out;
  for (const auto& f : table_.on_timer(now)) {
    if (f.was_up) {
      peer_failed(f.peer, f.reason, now, out);
    } else {
      emit(out, now, EventKind::kPeerDown, f.peer, {}, 0, 0, "rise_interrupted");
    }
  }
  if (now >= next_hello_) send_hellos(now, out);
  if (!pending_adopt_.empty()) adopt_step(now, out);  // harp_takeover.cc
  for (const auto& hoa : shadows_.expire(now)) {
    ++counters_.shadows_expired;
    switch_in_.erase(hoa);
  }
  std::vector<Ipv6Address> resynced;
  // A full dump reads our own records lazily, part by part (issue #6).
  const OwnRecords own{[this] { return own_home_addresses(); },
                       [this](const Ipv6Address& hoa) { return own_binding(hoa); }};
  for (auto& m : replicator_.poll(now, own, &resynced)) {
    ++counters_.sync_sent;
    push_action(out, std::move(m));
  }
  for (const auto& p : resynced) emit(out, now, EventKind::kFullResync, p, {}, 0, 0, "max_retries");
  std::vector<SwitchFinished> finished;
  for (auto& s : switches_.poll(now, finished)) {
    ++counters_.switch_sent;
    push_action(out, std::move(s));
  }
  for (const auto& f : finished) switch_finished(f, now, out);
  control_timer(now, out);
  restore_timer(now, out);
  return out;
}

std::optional<Clock::time_point> HarpNode::next_expiry() const {
  if (left_) return std::nullopt;
  std::optional<Clock::time_point> best = next_hello_;
  auto take = [&](std::optional<Clock::time_point> t) {
    if (t && (!best || *t < *best)) best = t;
  };
  take(table_.next_expiry());
  take(shadows_.next_expiry());
  take(replicator_.next_expiry());
  take(switches_.next_expiry());
  if (!pending_adopt_.empty()) take(adopt_due_);  // due now: the next step
  if (control_.phase != ControlPhase::kIdle) {
    if (control_.phase == ControlPhase::kFinalSync) take(control_.phase_deadline);
    if (control_.phase == ControlPhase::kRequesting)
      for (const auto& [t, ct] : control_.targets)
        if (!ct.answered) take(ct.next_at);
  }
  for (const auto& [p, at] : control_.swb_next) take(at);
  for (const auto& [p, w] : restore_wait_) take(w.next_request);
  return best;
}

std::optional<Ipv6Address> HarpNode::owner_of(const Ipv6Address& hoa) const {
  if (own_.count(hoa) != 0) return config_.own_address;
  return shadows_.owner_of(hoa);
}

bool HarpNode::should_refuse(const Ipv6Address& hoa) const {
  if (own_.count(hoa) != 0 || switch_in_.count(hoa) != 0) return false;
  if (!serving_) return true;
  const auto owner = shadows_.owner_of(hoa);
  // G13 / §5.6.1: a MN owned by a live peer registers there, not here.
  return owner && table_.is_up(*owner);
}

const BindingRecord* HarpNode::own_binding(const Ipv6Address& hoa) const {
  auto it = own_.find(hoa);
  return it == own_.end() ? nullptr : &it->second;
}

std::vector<PeerStatus> HarpNode::peers(Clock::time_point now) const {
  std::vector<PeerStatus> out;
  for (const auto& p : table_.peers()) {
    PeerStatus s;
    s.address = p.address;
    s.preference = p.preference;
    s.state = p.state;
    if (p.hellos_accepted > 0) s.last_heard = p.last_heard;
    s.i_hear = p.state == PeerState::kUp || p.state == PeerState::kRising;
    s.hears_me = s.i_hear && p.hears_me;
    s.replication = replicator_.view(p.address, now);
    s.round_trip = s.replication.smoothed_rtt;
    s.bindings_owned = shadows_.count(p.address);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace harp
