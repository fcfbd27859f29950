// HarpNode: hard switch after a peer failure (protocol-notes §5.6.1) and the
// bookkeeping of Home Agent Switch outcomes.
//
// A takeover adopts in steps (issue #6): the failed peer's MNs this HA must
// take are decided at once (every survivor computes the same assignment),
// then adopted kAdoptStep at a time, one step per on_timer() call (on_message()
// ends with one too; next_expiry() says "now" while some are left). Adopting 10,000 in one call held the
// daemon's one event loop for 100-120 ms (binding cache, replication queue,
// kernel work queue per binding), so with hello 20 ms no Hello went out and
// the other survivor declared the taker dead. Each step re-checks what it
// adopts: an MN that registered here by itself meanwhile counts as moved; a
// shadow gone, expired or now claimed by another owner counts as not moved;
// a failed peer that comes back before its MNs were adopted keeps them.
#include "harp/harp_node.h"
#include "harp/ownership.h"

namespace harp {
namespace {

// ~2.5 ms of daemon work per step at ~10 µs per adopted binding, measured
// (docs/PERFORMANCE.md "Failover"): well inside hello / 2 for hello 20 ms.
constexpr std::size_t kAdoptStep = 256;

}  // namespace

void HarpNode::take_over(const Ipv6Address& failed, Clock::time_point now, HarpActions& out) {
  // Every survivor computes the same assignment from the same live set and
  // the same shadows: no extra messages (§5.6.1 step 1, DESIGN.md §2).
  // Only active members take (a drained HA's Hellos carry no A flag).
  const auto survivors = table_.takeover_candidates(serving_);
  std::uint32_t mine = 0;
  for (const auto& r : shadows_.of_owner(failed)) {
    if (r.expires_at <= now) continue;
    if (assign_taker(config_.takeover, r.home_address, survivors) != config_.own_address) continue;
    pending_adopt_.push_back({r.home_address, failed});
    ++mine;
  }
  ++counters_.takeovers;
  emit(out, now, EventKind::kTakeoverStarted, failed, {}, mine);
  if (mine == 0) {
    emit(out, now, EventKind::kTakeoverFinished, failed, {}, 0, 0);
    return;
  }
  takeovers_[failed] = Tally{mine, 0, 0};
  adopt_due_ = now;  // the first step runs in this on_timer() call
}

void HarpNode::adopt_step(Clock::time_point now, HarpActions& out) {
  for (std::size_t n = 0; n < kAdoptStep && !pending_adopt_.empty(); ++n) {
    const auto [hoa, failed] = pending_adopt_.front();
    pending_adopt_.pop_front();
    if (own_.count(hoa) != 0) {  // its BU reached us first
      count_takeover(failed, true, now, out);
      continue;
    }
    const BindingRecord* r = shadows_.find(hoa);
    if (r == nullptr || r->expires_at <= now || shadows_.owner_of(hoa) != failed) {
      count_takeover(failed, false, now, out);
      continue;
    }
    BindingRecord adopted = *r;
    adopted.epoch = r->epoch + 1;  // a takeover bumps the ownership epoch
    push_action(out, AdoptBinding{entry_from_record(adopted, config_.own_address, now)});
    ++counters_.bindings_adopted;
    taken_from_[hoa] = failed;
    switch_in_.insert(hoa);
    // §5.6.1 step 2b-c: tell the MN to re-register here, paced.
    switches_.add(hoa, adopted.care_of_address, config_.own_address, adopted.expires_at, failed,
                  now);
  }
  adopt_due_ = now;
}

void HarpNode::cancel_adoptions(const Ipv6Address& failed, Clock::time_point now,
                                HarpActions& out) {
  std::size_t gone = 0;
  std::erase_if(pending_adopt_, [&](const PendingAdopt& p) {
    if (p.failed != failed) return false;
    ++gone;
    return true;
  });
  for (std::size_t i = 0; i < gone; ++i) count_takeover(failed, false, now, out);
}

void HarpNode::count_takeover(const Ipv6Address& failed, bool moved, Clock::time_point now,
                              HarpActions& out) {
  auto it = takeovers_.find(failed);
  if (it == takeovers_.end()) return;
  auto& t = it->second;
  (moved ? t.moved : t.not_moved) += 1;
  if (t.moved + t.not_moved >= t.total) {
    emit(out, now, EventKind::kTakeoverFinished, failed, {}, t.moved, t.not_moved);
    takeovers_.erase(it);
  }
}

void HarpNode::switch_finished(const SwitchFinished& f, Clock::time_point now, HarpActions& out) {
  const bool moved = f.outcome == SwitchOutcome::kMoved;
  if (moved && f.tag != config_.own_address)
    emit(out, now, EventKind::kMobileNodeMoved, f.tag, f.home_address, f.tries, 0,
         std::string(to_string(f.outcome)));
  // Takeover tallies.
  if (takeovers_.count(f.tag) != 0) {
    count_takeover(f.tag, moved, now, out);
    return;
  }
  // Switchover tallies (harp_control.cc).
  if (auto it = control_.targets.find(f.tag); it != control_.targets.end()) {
    (moved ? it->second.moved : it->second.not_moved) += 1;
  }
}

}  // namespace harp
