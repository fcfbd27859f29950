// HarpNode: recovery of an HA that (re)started with no state (docs/harp.md,
// B1). A HarpNode always starts empty (the daemon keeps nothing on disk), so
// at first contact with each peer it sends an SS-REQ carrying the restore
// marker: "send your bindings (full dump) and give back the shadows you hold
// with me as owner". The peer answers with SS-REP parts carrying the marker
// (L on the last); we adopt those bindings again as their owner, keeping
// their epoch and confirmation, so our MNs keep being served by us without a
// Home Agent Switch. Until a peer's restore has arrived our own full dump to
// it is held back: our (possibly empty) dump must never make it prune the
// shadows it is about to return. The peer, for its part, merges instead of
// pruning while its restore to us is unacknowledged. Requests are repeated
// with backoff (1 s doubling to 32 s) while the peer is up.
#include <algorithm>

#include "harp/harp_node.h"
#include "harp/ownership.h"

namespace harp {

void HarpNode::request_restore(const Ipv6Address& peer, Clock::time_point now, HarpActions& out) {
  replicator_.hold_full_dump(peer, true, now);
  auto& w = restore_wait_[peer];
  w.backoff = config_.retransmit_initial;
  w.next_request = now + w.backoff;
  send_sync_request(peer, out, /*restore=*/true);
  ++counters_.restore_requests;
}

void HarpNode::restore_timer(Clock::time_point now, HarpActions& out) {
  for (auto& [peer, w] : restore_wait_) {
    if (w.next_request > now) continue;
    w.backoff = std::min(w.backoff * 2, config_.retransmit_max);
    w.next_request = now + w.backoff;
    // Only a peer we hear can answer; a returning peer gets a request at
    // once when it is up again (on_hello).
    if (!table_.is_up(peer)) continue;
    send_sync_request(peer, out, /*restore=*/true);
    ++counters_.restore_requests;
  }
}

void HarpNode::serve_restore(const Ipv6Address& peer, Clock::time_point now) {
  // The peer lost its state: accept its new Hello sequence, forget its old
  // digest and any half-received dump, and return its bindings (B1).
  table_.peer_restarted(peer);
  forget_dumps(peer);
  digest_mismatches_.erase(peer);
  std::vector<BindingRecord> rs;
  for (auto& r : shadows_.of_owner(peer))
    if (r.expires_at > now) rs.push_back(std::move(r));
  replicator_.send_restore(peer, rs, now);
  ++counters_.restores_served;
}

bool HarpNode::restore_record(const BindingRecord& r, Clock::time_point now, HarpActions& out) {
  const auto& hoa = r.home_address;
  if (r.expires_at <= now || !serving_) return false;
  if (adopting_.count(hoa) != 0) return false;
  if (const auto it = own_.find(hoa); it != own_.end()) {
    // Registered again since the restart: ours is newer. But a copy restored
    // from an earlier peer may be older than this one (that peer missed the
    // MN's last refresh): the newer copy replaces it until the MN's next BU
    // (B5, docs/harp.md).
    if (restored_.count(hoa) == 0 || !r.sequence.newer_than(it->second.sequence)) return false;
  } else if (const auto owner = shadows_.owner_of(hoa)) {
    // Another HA claims the MN now (e.g. it took it over while we were
    // down): the split-brain order decides (ownership.h).
    const BindingRecord* s = shadows_.find(hoa);
    const Claim mine{r.epoch,     r.sequence,  config_.preference, config_.own_address,
                     r.confirmed, r.registered_ms};
    const Claim held{s->epoch,     s->sequence,  preference_of(*owner), *owner,
                     s->confirmed, s->registered_ms};
    if (!claim_wins(mine, held)) return false;
    shadows_.erase(hoa);
  }
  // Ours from now on: own it at once so that a full dump built before the
  // daemon has applied the AdoptBinding (in this very call) already lists it.
  put_own(r);
  adopting_[hoa] = r;
  push_action(out, AdoptBinding{entry_from_record(r, config_.own_address, now)});
  ++counters_.bindings_restored;
  return true;
}

void HarpNode::on_restore_reply(const mip6::StateSynchronization& s, const Ipv6Address& from,
                                Clock::time_point now, HarpActions& out) {
  // Only while we wait for it: a late duplicate must not bring back a
  // binding that has changed hands since.
  auto w = restore_wait_.find(from);
  const bool waiting = w != restore_wait_.end();
  for (const auto& bci : s.options.binding_cache_information) {
    auto r = record_from_bci(bci, now);
    if (!r) {
      ++counters_.sync_bad_record;
      continue;
    }
    if (!waiting || bci.lifetime == 0) continue;
    if (restore_record(*r, now, out)) ++w->second.restored;
  }
  if (waiting && (s.flags & mip6::StateSynchronization::kLast) != 0) {
    const std::uint32_t n = w->second.restored;
    restore_wait_.erase(w);
    replicator_.hold_full_dump(from, false, now);
    // The bindings restored from others meanwhile were not sent to it.
    if (table_.is_up(from))
      for (const auto& hoa : restored_)
        if (const auto it = own_.find(hoa); it != own_.end())
          replicator_.enqueue(from, it->second, false, now);
    emit(out, now, EventKind::kFullResync, from, {}, n, 0, "restored");
  }
}

}  // namespace harp
