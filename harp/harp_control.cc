// HarpNode: administrative switchover and drain (protocol-notes §5.7, SW-05,
// SW-06, SW-08) and switch-back with preemption (SW-07), over HA Control
// messages (§5.3.4). Outcomes are kSwitchoverResult events.
#include "harp/harp_node.h"
#include "harp/ownership.h"

namespace harp {
namespace status {
// HA Control status values (protocol-notes §5.3.4) [D].
inline constexpr std::uint8_t kAccepted = 0;
inline constexpr std::uint8_t kProhibited = 129;
inline constexpr std::uint8_t kNotMember = 130;
inline constexpr std::uint8_t kWrongRole = 131;
inline constexpr std::uint8_t kSyncIncomplete = 132;
inline constexpr std::uint8_t kInProgress = 133;
}  // namespace status

void HarpNode::send_control(const Ipv6Address& to, mip6::ControlType type, std::uint8_t st,
                            std::uint16_t id, mip6::MobilityOptions options, HarpActions& out) {
  mip6::HaControl c;
  c.control_type = type;
  c.status = st;
  c.identifier = id;
  c.group_id = config_.group_id;
  c.options = std::move(options);
  push_action(out, SendHarpMessage{to, config_.own_address, mip6::MobilityMessage(std::move(c))});
}

HarpActions HarpNode::switchover(const Ipv6Address& target, Clock::time_point now) {
  HarpActions out;
  if (control_.phase != ControlPhase::kIdle) {
    emit(out, now, EventKind::kSwitchoverResult, target, {}, 0, 0, "in_progress");
    return out;
  }
  if (!table_.is_up(target)) {
    emit(out, now, EventKind::kSwitchoverResult, target, {}, 0, 0, "target_not_up");
    return out;
  }
  control_.phase = ControlPhase::kFinalSync;
  control_.drain = false;
  control_.switch_back = false;
  control_.phase_deadline = now + config_.final_sync_timeout;
  control_.targets.clear();
  auto& t = control_.targets[target];
  for (const auto& [hoa, r] : own_) t.hoas.push_back(hoa);
  // §5.7 step 2: a final full SS-REP (A=1), acknowledged before SWO-REQ.
  replicator_.request_full_dump(target, now);
  auto more = on_timer(now);
  for (auto& a : more) out.push_back(std::move(a));
  return out;
}

HarpActions HarpNode::drain(Clock::time_point now) {
  HarpActions out;
  if (control_.phase != ControlPhase::kIdle) {
    emit(out, now, EventKind::kSwitchoverResult, {}, {}, 0, 0, "in_progress");
    return out;
  }
  // Drained or switched-over peers (no A flag) take nothing.
  auto survivors = table_.takeover_candidates(false);
  std::erase_if(survivors, [&](const PeerConfig& m) { return m.address == config_.own_address; });
  if (survivors.empty()) {
    emit(out, now, EventKind::kSwitchoverResult, {}, {}, 0, 0, "no_live_peer");
    return out;
  }
  control_.phase = ControlPhase::kFinalSync;
  control_.drain = true;
  control_.switch_back = false;
  control_.phase_deadline = now + config_.final_sync_timeout;
  control_.targets.clear();
  // Same assignment rule as a failure, so the load lands where a crash
  // would have put it.
  for (const auto& [hoa, r] : own_)
    control_.targets[assign_taker(config_.takeover, hoa, survivors)].hoas.push_back(hoa);
  if (control_.targets.empty()) {
    control_.phase = ControlPhase::kIdle;
    serving_ = false;
    push_action(out, SetServing{false});
    emit(out, now, EventKind::kSwitchoverResult, {}, {}, 0, 0, "drained");
    return out;
  }
  for (const auto& [t, ct] : control_.targets) replicator_.request_full_dump(t, now);
  auto more = on_timer(now);
  for (auto& a : more) out.push_back(std::move(a));
  return out;
}

void HarpNode::start_moves(const Ipv6Address& target, const std::vector<Ipv6Address>& hoas,
                           Clock::time_point now, HarpActions& out) {
  std::uint32_t n = 0;
  for (const auto& hoa : hoas) {
    auto it = own_.find(hoa);
    if (it == own_.end()) continue;
    // §5.7 step 4, hard mode: the old HA itself sends RFC 5142 naming S.
    switches_.add(hoa, it->second.care_of_address, target, it->second.expires_at, target, now);
    ++n;
  }
  if (serving_ && !control_.switch_back) {
    serving_ = false;  // §5.7 step 4: stop accepting new registrations (BA 133)
    push_action(out, SetServing{false});
  }
  emit(out, now, EventKind::kSwitchoverResult, target, {}, n, 0, "accepted");
}

std::uint8_t HarpNode::check_switchover_request(const mip6::HaControl& c,
                                                const Ipv6Address& from) const {
  if (c.group_id != config_.group_id) return status::kNotMember;
  if (!config_.accept_switchover) return status::kProhibited;
  if (!table_.is_up(from) || !serving_ || left_) return status::kWrongRole;
  if (auto it = control_.accepted_from.find(from);
      it != control_.accepted_from.end() && it->second == c.identifier)
    return status::kAccepted;  // a retransmitted request
  if (control_.phase != ControlPhase::kIdle) return status::kInProgress;
  const auto theirs = wire::get_digest(c.options);
  if (!theirs || *theirs != shadows_.digest(from)) return status::kSyncIncomplete;
  return status::kAccepted;
}

void HarpNode::on_control(const mip6::HaControl& c, const Ipv6Address& from, Clock::time_point now,
                          HarpActions& out) {
  if (table_.find(from) == nullptr) {
    ++counters_.control_drop;
    return;
  }
  using T = mip6::ControlType;
  switch (c.control_type) {
    case T::kSwitchOverRequest: {
      const auto st = check_switchover_request(c, from);
      if (st == status::kAccepted && control_.accepted_from[from] != c.identifier) {
        control_.accepted_from[from] = c.identifier;
        // Switchover: all the requester's MNs come here. Drain: only those
        // the takeover rule assigns to us among the other live members.
        const bool drain = wire::has_drain_marker(c.options);
        auto others = table_.takeover_candidates(serving_);
        std::erase_if(others, [&](const PeerConfig& m) { return m.address == from; });
        std::uint32_t n = 0;
        for (const auto& r : shadows_.of_owner(from)) {
          if (drain &&
              assign_taker(config_.takeover, r.home_address, others) != config_.own_address)
            continue;
          switch_in_.insert(r.home_address);
          ++n;
        }
        emit(out, now, EventKind::kSwitchoverAccepted, from, {}, n, 0,
             drain ? "drain" : "switchover");
      }
      send_control(from, T::kSwitchOverReply, st, c.identifier, {}, out);
      return;
    }
    case T::kSwitchOverReply: {
      if (control_.phase != ControlPhase::kRequesting || control_.switch_back) break;
      auto it = control_.targets.find(from);
      if (it == control_.targets.end() || it->second.answered || it->second.id != c.identifier)
        break;
      it->second.answered = true;
      it->second.accepted = c.status == status::kAccepted;
      if (it->second.accepted) {
        start_moves(from, it->second.hoas, now, out);
      } else {
        emit(out, now, EventKind::kSwitchoverResult, from, {}, 0, c.status, "refused");
      }
      return;
    }
    case T::kSwitchBackRequest: {
      // We hold MNs taken over from `from`, which recovered (§5.7 switch-back).
      if (control_.phase != ControlPhase::kIdle) {
        if (control_.switch_back && control_.targets.count(from) != 0) return;  // answer pending
        send_control(from, T::kSwitchBackReply, status::kInProgress, c.identifier, {}, out);
        return;
      }
      std::uint8_t st = status::kAccepted;
      std::vector<Ipv6Address> hoas;
      for (const auto& [hoa, orig] : taken_from_)
        if (orig == from && own_.count(hoa) != 0) hoas.push_back(hoa);
      if (c.group_id != config_.group_id)
        st = status::kNotMember;
      else if (!config_.preempt)
        st = status::kProhibited;
      else if (!table_.is_up(from) || hoas.empty())
        st = status::kWrongRole;
      if (st != status::kAccepted) {
        send_control(from, T::kSwitchBackReply, st, c.identifier, {}, out);
        return;
      }
      control_.phase = ControlPhase::kFinalSync;
      control_.switch_back = true;
      control_.drain = false;
      control_.phase_deadline = now + config_.final_sync_timeout;
      control_.targets.clear();
      auto& t = control_.targets[from];
      t.hoas = hoas;
      t.id = c.identifier;
      replicator_.request_full_dump(from, now);
      return;
    }
    case T::kSwitchBackReply: {
      auto it = control_.swb_pending.find(from);
      if (it == control_.swb_pending.end() || it->second.first != c.identifier) break;
      control_.swb_pending.erase(it);
      control_.swb_next.erase(from);
      control_.swb_done.insert(from);
      std::uint32_t n = 0;
      if (c.status == status::kAccepted)
        for (const auto& h : wire::get_wanted_hoas(c.options)) {
          switch_in_.insert(h);
          ++n;
        }
      emit(out, now, EventKind::kSwitchoverResult, from, {}, n, c.status,
           c.status == status::kAccepted ? "switchback_accepted" : "switchback_refused");
      return;
    }
  }
  ++counters_.control_drop;
}

void HarpNode::control_peer_failed(const Ipv6Address& peer, Clock::time_point now,
                                   HarpActions& out) {
  control_.swb_pending.erase(peer);
  control_.swb_next.erase(peer);
  control_.swb_done.erase(peer);
  control_.accepted_from.erase(peer);
  if (control_.phase == ControlPhase::kIdle) return;
  auto it = control_.targets.find(peer);
  if (it == control_.targets.end()) return;
  // The target died: stop naming it in HA Switch messages. MNs that already
  // moved there are handled by the takeover of `peer`; the others stay here.
  (void)switches_.cancel_tag(peer);
  emit(out, now, EventKind::kSwitchoverResult, peer, {}, it->second.moved, it->second.not_moved,
       "target_failed");
  control_.targets.erase(it);
  if (!control_.targets.empty()) return;
  control_.phase = ControlPhase::kIdle;
  if (!control_.drain && !control_.switch_back && !serving_ && !left_) {
    serving_ = true;  // a failed switchover leaves roles as they were (SW-08)
    push_action(out, SetServing{true});
  }
  control_.switch_back = false;
}

void HarpNode::maybe_switch_back(const Ipv6Address& peer, Clock::time_point now, HarpActions& out) {
  // SW-07: only with preemption, only towards a lower-preference peer, once
  // per time it is up, and after its dump has arrived (our shadows of it
  // match its digest).
  if (!config_.preempt || !serving_ || control_.swb_done.count(peer) != 0 ||
      control_.swb_pending.count(peer) != 0)
    return;
  const Peer* p = table_.find(peer);
  if (p == nullptr || p->preference >= config_.preference || !p->digest ||
      *p->digest != shadows_.digest(peer) || p->digest->count == 0)
    return;
  const std::uint16_t id = control_.next_id++;
  control_.swb_pending[peer] = {id, 1};
  control_.swb_next[peer] = now + config_.control_timeout;
  emit(out, now, EventKind::kSwitchbackRequested, peer);
  send_control(peer, mip6::ControlType::kSwitchBackRequest, 0, id, {}, out);
}

void HarpNode::control_timer(Clock::time_point now, HarpActions& out) {
  // Switch-back requests we sent (HARP_CONTROL_TIMEOUT / RETRIES, SW-08).
  for (auto it = control_.swb_next.begin(); it != control_.swb_next.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    auto& [id, tries] = control_.swb_pending[it->first];
    if (tries >= config_.control_retries) {
      emit(out, now, EventKind::kSwitchoverResult, it->first, {}, 0, 0, "switchback_no_reply");
      control_.swb_done.insert(it->first);
      control_.swb_pending.erase(it->first);
      it = control_.swb_next.erase(it);
      continue;
    }
    ++tries;
    it->second = now + config_.control_timeout;
    send_control(it->first, mip6::ControlType::kSwitchBackRequest, 0, id, {}, out);
    ++it;
  }

  switch (control_.phase) {
    case ControlPhase::kIdle:
      return;
    case ControlPhase::kFinalSync: {
      bool synced = true;
      for (const auto& [t, ct] : control_.targets) synced = synced && replicator_.idle(t);
      if (!synced) {
        if (now >= control_.phase_deadline) {
          emit(out, now, EventKind::kSwitchoverResult, {}, {}, 0, 0, "final_sync_timeout");
          control_.phase = ControlPhase::kIdle;
        }
        return;
      }
      if (control_.switch_back) {
        // Agree only now that the recovered HA has our final state.
        auto& [t, ct] = *control_.targets.begin();
        mip6::MobilityOptions o;
        wire::put_wanted_hoas(o, ct.hoas);
        send_control(t, mip6::ControlType::kSwitchBackReply, status::kAccepted, ct.id, o, out);
        ct.answered = ct.accepted = true;
        control_.phase = ControlPhase::kMoving;
        start_moves(t, ct.hoas, now, out);
        return;
      }
      control_.phase = ControlPhase::kRequesting;
      for (auto& [t, ct] : control_.targets) {
        ct.id = control_.next_id++;
        ct.tries = 0;
        ct.next_at = now;
      }
      [[fallthrough]];
    }
    case ControlPhase::kRequesting: {
      bool all = true;
      for (auto& [t, ct] : control_.targets) {
        if (ct.answered) continue;
        if (ct.next_at > now) {
          all = false;
          continue;
        }
        if (ct.tries >= config_.control_retries) {
          // SW-08: no reply -> roles unchanged, operator told.
          ct.answered = true;
          emit(out, now, EventKind::kSwitchoverResult, t, {}, 0, 0, "no_reply");
          continue;
        }
        ++ct.tries;
        ct.next_at = now + config_.control_timeout;
        mip6::MobilityOptions o;
        wire::put_digest(o, own_digest_);  // lets the target check its sync (status 132)
        if (control_.drain) wire::put_drain_marker(o);
        send_control(t, mip6::ControlType::kSwitchOverRequest, 0, ct.id, o, out);
        all = false;
      }
      if (!all) return;
      bool any = false;
      for (const auto& [t, ct] : control_.targets) any = any || ct.accepted;
      control_.phase = any ? ControlPhase::kMoving : ControlPhase::kIdle;
      return;
    }
    case ControlPhase::kMoving: {
      for (const auto& [t, ct] : control_.targets)
        if (ct.accepted && switches_.active_for(t) != 0) return;
      for (const auto& [t, ct] : control_.targets)
        if (ct.accepted)
          emit(out, now, EventKind::kSwitchoverResult, t, {}, ct.moved, ct.not_moved,
               control_.switch_back ? "switchback_completed" : "completed");
      control_.phase = ControlPhase::kIdle;
      control_.switch_back = false;
      return;
    }
  }
}

}  // namespace harp
