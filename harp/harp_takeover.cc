// HarpNode: hard switch after a peer failure (protocol-notes §5.6.1) and the
// bookkeeping of Home Agent Switch outcomes.
#include "harp/harp_node.h"
#include "harp/ownership.h"

namespace harp {

void HarpNode::take_over(const Ipv6Address& failed, Clock::time_point now, HarpActions& out) {
  // Every survivor computes the same assignment from the same live set and
  // the same shadows: no extra messages (§5.6.1 step 1, DESIGN.md §2).
  // Only active members take (a drained HA's Hellos carry no A flag).
  const auto survivors = table_.takeover_candidates(serving_);
  std::uint32_t mine = 0;
  for (const auto& r : shadows_.of_owner(failed)) {
    if (r.expires_at <= now) continue;
    if (assign_taker(config_.takeover, r.home_address, survivors) != config_.own_address) continue;
    BindingRecord adopted = r;
    adopted.epoch = r.epoch + 1;  // a takeover bumps the ownership epoch
    push_action(out, AdoptBinding{entry_from_record(adopted, config_.own_address, now)});
    ++counters_.bindings_adopted;
    taken_from_[r.home_address] = failed;
    switch_in_.insert(r.home_address);
    // §5.6.1 step 2b-c: tell the MN to re-register here, paced.
    switches_.add(r.home_address, r.care_of_address, config_.own_address, r.expires_at, failed,
                  now);
    ++mine;
  }
  ++counters_.takeovers;
  emit(out, now, EventKind::kTakeoverStarted, failed, {}, mine);
  if (mine == 0) {
    emit(out, now, EventKind::kTakeoverFinished, failed, {}, 0, 0);
  } else {
    takeovers_[failed] = Tally{mine, 0, 0};
  }
}

void HarpNode::switch_finished(const SwitchFinished& f, Clock::time_point now, HarpActions& out) {
  const bool moved = f.outcome == SwitchOutcome::kMoved;
  if (moved && f.tag != config_.own_address)
    emit(out, now, EventKind::kMobileNodeMoved, f.tag, f.home_address, f.tries, 0,
         std::string(to_string(f.outcome)));
  // Takeover tallies.
  if (auto it = takeovers_.find(f.tag); it != takeovers_.end()) {
    auto& t = it->second;
    (moved ? t.moved : t.not_moved) += 1;
    if (t.moved + t.not_moved >= t.total) {
      emit(out, now, EventKind::kTakeoverFinished, f.tag, {}, t.moved, t.not_moved);
      takeovers_.erase(it);
    }
    return;
  }
  // Switchover tallies (harp_control.cc).
  if (auto it = control_.targets.find(f.tag); it != control_.targets.end()) {
    (moved ? it->second.moved : it->second.not_moved) += 1;
  }
}

}  // namespace harp
