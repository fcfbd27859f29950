// HarpNode: replication in both directions (protocol-notes §5.5) and the
// split-brain rule applied to each received record (DESIGN.md §2).
#include <algorithm>

#include "harp/harp_node.h"

namespace harp {

void HarpNode::put_own(const BindingRecord& r) {
  if (auto it = own_.find(r.home_address); it != own_.end()) {
    own_digest_.digest ^= record_hash(it->second);
    it->second = r;
  } else {
    own_.emplace(r.home_address, r);
    own_digest_.count += 1;
  }
  own_digest_.digest ^= record_hash(r);
}

void HarpNode::erase_own(const Ipv6Address& hoa) {
  auto it = own_.find(hoa);
  if (it == own_.end()) return;
  own_digest_.digest ^= record_hash(it->second);
  own_digest_.count -= 1;
  own_.erase(it);
}

std::vector<Ipv6Address> HarpNode::own_home_addresses() const {
  std::vector<Ipv6Address> out;
  out.reserve(own_.size());
  for (const auto& [hoa, r] : own_) out.push_back(hoa);
  return out;
}

std::uint64_t HarpNode::wall_ms(Clock::time_point t) const {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch() + wall_offset_);
  return ms.count() > 0 ? static_cast<std::uint64_t>(ms.count()) : 1;  // 0 means unknown
}

void HarpNode::replicate(const BindingRecord& r, bool deleted, Clock::time_point now) {
  for (const auto& p : table_.peers())
    if (p.state == PeerState::kUp) replicator_.enqueue(p.address, r, deleted, now);
}

std::int16_t HarpNode::preference_of(const Ipv6Address& a) const {
  if (a == config_.own_address) return config_.preference;
  const Peer* p = table_.find(a);
  return p != nullptr ? p->preference : 0;
}

void HarpNode::send_sync_request(const Ipv6Address& peer, HarpActions& out, bool restore) {
  mip6::StateSynchronization req;
  req.sync_type = mip6::SyncType::kRequest;
  req.group_id = config_.group_id;
  if (restore) wire::put_restore_marker(req.options);
  push_action(out,
              SendHarpMessage{peer, config_.own_address, mip6::MobilityMessage(std::move(req))});
  ++counters_.sync_sent;
}

HarpActions HarpNode::on_binding_event(const mip6::BindingEvent& ev, Clock::time_point now) {
  HarpActions out;
  const auto& hoa = ev.entry.home_address;
  using K = mip6::BindingEvent::Kind;
  if (ev.kind == K::kDeleted || ev.kind == K::kExpired) {
    // A binding we released after losing a split brain is not announced as
    // deleted: the winner owns it (docs/harp.md).
    restored_.erase(hoa);
    if (released_.erase(hoa) != 0) return out;
    auto it = own_.find(hoa);
    if (it == own_.end()) return out;
    BindingRecord r = it->second;
    erase_own(hoa);
    replicate(r, true, now);
    return out;
  }
  BindingRecord r = record_from_entry(ev.entry);
  released_.erase(hoa);
  // A binding given back by a peer after our restart (B1) keeps its epoch
  // and confirmation: it is the same registration, not a new claim.
  bool restored = false;
  // Registration time (B4): a BU the MN sent us is stamped now; an adopted
  // copy (takeover or restore: no BU yet) keeps the time of the registration
  // it copies.
  r.registered_ms = ev.entry.accept_any_sequence ? 0 : wall_ms(now);
  if (auto ad = adopting_.find(hoa); ad != adopting_.end()) {
    if ((ev.kind == K::kCreated || ev.kind == K::kUpdated) && ev.entry.accept_any_sequence) {
      restored = true;
      r.epoch = std::max(r.epoch, ad->second.epoch);
      r.confirmed = ad->second.confirmed;
      r.registered_ms = ad->second.registered_ms;
    }
    adopting_.erase(ad);
  }
  if (restored) {
    restored_.insert(hoa);
  } else {
    restored_.erase(hoa);
  }
  // The harp-level ownership epoch never goes back, and a registration that
  // replaces another HA's claim must beat it (epoch + 1).
  if (auto it = own_.find(hoa); it != own_.end()) {
    r.epoch = std::max(r.epoch, it->second.epoch);
    if (ev.entry.accept_any_sequence && !restored && r.registered_ms == 0)
      r.registered_ms = it->second.registered_ms;
  }
  if (const auto* s = shadows_.find(hoa)) {
    if (!restored) r.epoch = std::max(r.epoch, s->epoch + 1);
    if (ev.entry.accept_any_sequence && !restored && r.registered_ms == 0)
      r.registered_ms = s->registered_ms;
    shadows_.erase(hoa);
  }
  // Adopted from elsewhere (the daemon's snapshot): the entry's own
  // registration time, restored from the file.
  if (ev.entry.accept_any_sequence && !restored && r.registered_ms == 0 &&
      ev.entry.registered_at != Clock::time_point{})
    r.registered_ms = wall_ms(ev.entry.registered_at);
  put_own(r);
  switch_in_.erase(hoa);
  if (restored) {
    // Not to a peer whose restore we still wait for: it may hold a newer
    // copy to return (B5), and ours would overwrite it first. It gets the
    // record when its restore has arrived (on_restore_reply).
    for (const auto& p : table_.peers())
      if (p.state == PeerState::kUp && restore_wait_.count(p.address) == 0)
        replicator_.enqueue(p.address, r, false, now);
  } else {
    replicate(r, false, now);
  }
  return out;
}

HarpActions HarpNode::on_bu_accepted(const Ipv6Address& hoa, Clock::time_point now) {
  HarpActions out;
  if (auto f = switches_.on_bu_accepted(hoa)) switch_finished(*f, now, out);
  return out;
}

HarpActions HarpNode::on_binding_error(const Ipv6Address& hoa, std::uint8_t status,
                                       Clock::time_point now) {
  HarpActions out;
  if (auto f = switches_.on_binding_error(hoa, status)) switch_finished(*f, now, out);
  return out;
}

void HarpNode::apply_record(const Ipv6Address& from, const BindingRecord& r, bool deleted,
                            Clock::time_point now, HarpActions& out) {
  const auto& hoa = r.home_address;
  auto pref = [this](const Ipv6Address& a) { return preference_of(a); };
  if (auto it = own_.find(hoa); it != own_.end()) {
    if (deleted) return;  // their delete of a binding we own changes nothing here
    // Split brain: two HAs serve this MN (DESIGN.md §2, docs/harp.md [D]).
    const Claim mine{it->second.epoch,     it->second.sequence,  config_.preference,
                     config_.own_address,  it->second.confirmed, it->second.registered_ms};
    const Claim theirs{r.epoch, r.sequence, pref(from), from, r.confirmed, r.registered_ms};
    if (claim_wins(theirs, mine)) {
      ++counters_.split_brain_lost;
      erase_own(hoa);
      released_.insert(hoa);
      push_action(out, ReleaseBinding{hoa});
      (void)shadows_.apply(from, r, false, pref);
      if (auto f = switches_.on_bu_accepted(hoa)) switch_finished(*f, now, out);
      emit(out, now, EventKind::kSplitBrainResolved, from, hoa, 0, 0, "lost");
    } else {
      ++counters_.split_brain_won;
      replicate(it->second, false, now);  // the winner re-announces
      emit(out, now, EventKind::kSplitBrainResolved, from, hoa, 0, 0, "won");
    }
    return;
  }
  const auto res = shadows_.apply(from, r, deleted, pref);
  if (res.applied == ShadowCache::Applied::kStored && switches_.has_job(hoa) &&
      shadows_.owner_of(hoa) == from) {
    // Someone else now serves the MN we were telling to come here / go away.
    if (auto f = switches_.on_bu_accepted(hoa)) switch_finished(*f, now, out);
  }
  if (res.applied == ShadowCache::Applied::kDeleted) switch_in_.erase(hoa);
}

void HarpNode::on_sync(const mip6::StateSynchronization& s, const Ipv6Address& from,
                       Clock::time_point now, HarpActions& out) {
  if (table_.find(from) == nullptr) {
    ++counters_.sync_drop_unknown_peer;
    return;
  }
  if (s.group_id != config_.group_id) {
    ++counters_.sync_drop_wrong_group;
    return;
  }
  ++counters_.sync_received;
  switch (s.sync_type) {
    case mip6::SyncType::kRequest: {
      // A peer that (re)started empty also wants its own bindings back (B1).
      if (wire::has_restore_marker(s.options)) serve_restore(from, now);
      // SY-03: no options = everything; otherwise the named HoAs only.
      const auto wanted = wire::get_wanted_hoas(s.options);
      if (wanted.empty()) {
        replicator_.request_full_dump(from, now);
      } else {
        std::vector<BindingRecord> rs;
        for (const auto& h : wanted)
          if (auto it = own_.find(h); it != own_.end()) rs.push_back(it->second);
        replicator_.request_partial(from, rs, now);
      }
      return;
    }
    case mip6::SyncType::kAck:
      if (!replicator_.on_ack(from, s.identifier, now)) ++counters_.sync_ack_unknown;
      return;
    case mip6::SyncType::kReply:
      break;
  }
  if (wire::has_restore_marker(s.options)) {
    // Our own bindings, returned from the sender's shadows (B1).
    on_restore_reply(s, from, now, out);
  } else {
    apply_sync_records(s, from, now, out);
  }
  if ((s.flags & mip6::StateSynchronization::kAckRequested) != 0) {
    mip6::StateSynchronization ack;
    ack.sync_type = mip6::SyncType::kAck;
    ack.identifier = s.identifier;
    ack.group_id = config_.group_id;
    push_action(out,
                SendHarpMessage{from, config_.own_address, mip6::MobilityMessage(std::move(ack))});
    ++counters_.sync_sent;
  }
}

void HarpNode::apply_sync_records(const mip6::StateSynchronization& s, const Ipv6Address& from,
                                  Clock::time_point now, HarpActions& out) {
  const bool full = (s.flags & mip6::StateSynchronization::kFullDump) != 0;
  const bool last = (s.flags & mip6::StateSynchronization::kLast) != 0;
  const std::uint32_t dump_id = full ? wire::get_dump_id(s.options) : 0;
  if (dump_id != 0) {
    // B7: dump numbers grow (32-bit serial arithmetic). A part of a dump
    // already pruned, or of one older than the dump being received (a
    // retransmission whose ack was lost, a part overtaken by the next dump),
    // must not prune with only its own records as the kept set, nor bring
    // back what the owner changed since: acknowledged, not applied.
    auto older = [](std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; };
    const auto p = dump_pruned_.find(from);
    const auto r = dump_receiving_.find(from);
    if ((p != dump_pruned_.end() && !older(p->second, dump_id)) ||
        (r != dump_receiving_.end() && older(dump_id, r->second))) {
      ++counters_.sync_duplicate_dump_parts;
      return;
    }
    // A newer dump replaces one still being received (the sender dropped
    // its parts): the owner's state is what the new dump says.
    if (r == dump_receiving_.end() || r->second != dump_id) {
      dump_receiving_[from] = dump_id;
      dump_keep_[from].clear();
    }
  }
  for (const auto& bci : s.options.binding_cache_information) {
    auto r = record_from_bci(bci, now);
    if (!r) {
      ++counters_.sync_bad_record;
      continue;
    }
    // G6 re-basing: expire 4 s after the synced lifetime (its 4-s rounding),
    // so the owner's own delete normally arrives first (docs/harp.md).
    if (bci.lifetime != 0) r->expires_at += std::chrono::seconds(4);
    // Kept at the prune: every record of the dump, and every record the
    // owner sent while its dump was under way (its L part waits for all dump
    // parts to be acknowledged, so newer incremental messages may come first).
    if (full || (bci.lifetime != 0 && dump_keep_.count(from) != 0))
      dump_keep_[from].insert(r->home_address);
    apply_record(from, *r, bci.lifetime == 0, now, out);
  }
  if (full && last) {
    if (dump_id != 0) dump_pruned_[from] = dump_id;
    dump_receiving_.erase(from);
    // F: the receiver replaces, it does not merge (§5.3.2) -- except while
    // the sender may not have its bindings back from us yet (it restarted
    // and our restore is unacknowledged): then its dump may lack them only
    // because it lost them, and we merge (B1, docs/harp.md).
    if (replicator_.restoring(from)) {
      ++counters_.restore_prune_skipped;
    } else {
      shadows_.prune_owner(from, dump_keep_[from]);
    }
    dump_keep_.erase(from);
  }
}

}  // namespace harp
