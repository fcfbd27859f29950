#include "harp/replicator.h"

#include <algorithm>

#include "mip6/mh_codec.h"

namespace harp {
namespace {

std::size_t encoded_size(const mip6::StateSynchronization& m, const mip6::HarpNumbers& n) {
  std::vector<std::uint8_t> buf;
  if (!encode_mobility_header(mip6::MobilityMessage(m), buf, n).ok())
    return mip6::mh::kMaxLength + 1;
  return buf.size();
}

// Octets one BCI adds to `base` (whose encoding is `empty` octets): its
// encoding alone, plus up to 7 octets of alignment.
std::size_t bci_cost(const mip6::StateSynchronization& base, std::size_t empty,
                     const mip6::BindingCacheInformation& bci, const mip6::HarpNumbers& n) {
  mip6::StateSynchronization one = base;
  one.options.binding_cache_information.push_back(bci);
  return encoded_size(one, n) - empty + 7;
}

}  // namespace

std::vector<mip6::StateSynchronization> pack_sync_replies(
    std::vector<mip6::BindingCacheInformation> records, std::uint8_t flags, std::uint8_t group_id,
    const mip6::HarpNumbers& numbers, std::size_t max_size, const mip6::MobilityOptions& options,
    bool last) {
  max_size = std::min(max_size, mip6::mh::kMaxLength);
  mip6::StateSynchronization base;
  base.sync_type = mip6::SyncType::kReply;
  base.flags = flags & static_cast<std::uint8_t>(~mip6::StateSynchronization::kLast);
  base.group_id = group_id;
  base.options = options;
  const std::size_t empty = encoded_size(base, numbers);
  std::vector<mip6::StateSynchronization> out;
  mip6::StateSynchronization cur = base;
  std::size_t estimate = empty;
  for (auto& r : records) {
    const std::size_t cost = bci_cost(base, empty, r, numbers);
    if (!cur.options.binding_cache_information.empty() && estimate + cost > max_size) {
      out.push_back(std::move(cur));
      cur = base;
      estimate = empty;
    }
    cur.options.binding_cache_information.push_back(std::move(r));
    estimate += cost;
  }
  out.push_back(std::move(cur));
  // The estimate is conservative; check the real encodings anyway (G5).
  for (std::size_t i = 0; i < out.size(); ++i) {
    while (out[i].options.binding_cache_information.size() > 1 &&
           encoded_size(out[i], numbers) > max_size) {
      if (i + 1 == out.size()) out.push_back(base);
      auto& v = out[i].options.binding_cache_information;
      auto& next = out[i + 1].options.binding_cache_information;
      next.insert(next.begin(), std::move(v.back()));
      v.pop_back();
    }
  }
  if (last || (flags & mip6::StateSynchronization::kFullDump) != 0)
    out.back().flags |= mip6::StateSynchronization::kLast;
  return out;
}

Replicator::Replicator(const GroupConfig& config) : config_(config) {}

Clock::duration Replicator::backoff(unsigned tries) const {
  // 1 s doubling to 32 s (§5.5, §5.9 HARP_SYNC_RETRANS).
  auto d = config_.retransmit_initial;
  for (unsigned i = 1; i < tries && d < config_.retransmit_max; ++i) d *= 2;
  return std::min(d, config_.retransmit_max);
}

void Replicator::supersede(PeerState& ps, const Ipv6Address& hoa) {
  for (auto it = ps.in_flight.begin(); it != ps.in_flight.end();) {
    it->second.records.erase(hoa);
    // An incremental message with nothing left needs no ack any more. Dump
    // and restore parts stay: their F/L flags still drive the receiver. (A
    // restore record for a HoA we now own ourselves is dropped too: we
    // claim it, the restarted peer must not.)
    if (it->second.records.empty() && !it->second.restore &&
        (it->second.flags & mip6::StateSynchronization::kFullDump) == 0)
      it = ps.in_flight.erase(it);
    else
      ++it;
  }
  // A held L part was packed earlier too: it must not carry the older copy
  // either when it finally goes out (its flags still end the series).
  for (auto& held : ps.held_last)
    if (held) held->records.erase(hoa);
}

void Replicator::enqueue(const Ipv6Address& peer, const BindingRecord& r, bool deleted,
                         Clock::time_point now) {
  auto& ps = peers_[peer];
  supersede(ps, r.home_address);
  ps.pending[r.home_address] = Pending{r, deleted};
  if (!ps.batch_due) ps.batch_due = now + config_.sync_delay;
}

void Replicator::request_full_dump(const Ipv6Address& peer, Clock::time_point now) {
  auto& ps = peers_[peer];
  ps.full_dump = true;
  if (!ps.dump_due) ps.dump_due = now;
}

void Replicator::request_partial(const Ipv6Address& peer, const std::vector<BindingRecord>& records,
                                 Clock::time_point now) {
  for (const auto& r : records) enqueue(peer, r, false, now);
}

void Replicator::send_restore(const Ipv6Address& peer, const std::vector<BindingRecord>& records,
                              Clock::time_point now) {
  auto& ps = peers_[peer];
  ps.restore = records;
  ps.restore_due = now;
  ps.restore_unfinished = false;
}

bool Replicator::restoring(const Ipv6Address& peer) const {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return false;
  const auto& ps = it->second;
  if (ps.restore || ps.restore_unfinished || ps.held_last[kRestore]) return true;
  for (const auto& [id, f] : ps.in_flight)
    if (f.restore) return true;
  return false;
}

void Replicator::hold_full_dump(const Ipv6Address& peer, bool hold, Clock::time_point now) {
  auto& ps = peers_[peer];
  ps.hold_dump = hold;
  if (!hold && ps.full_dump && !ps.dump_due) ps.dump_due = now;
}

bool Replicator::full_dump_held(const Ipv6Address& peer) const {
  auto it = peers_.find(peer);
  return it != peers_.end() && it->second.hold_dump;
}

void Replicator::forget_peer(const Ipv6Address& peer) {
  peers_.erase(peer);
}

bool Replicator::on_ack(const Ipv6Address& peer, std::uint16_t id, Clock::time_point now) {
  auto pit = peers_.find(peer);
  if (pit == peers_.end()) return false;
  auto& ps = pit->second;
  auto it = ps.in_flight.find(id);
  if (it == ps.in_flight.end()) return false;
  if (it->second.tries == 1) {
    // Karn: only unambiguous samples; RFC 6298 §2 smoothing with alpha 1/8.
    const auto sample = now - it->second.first_sent;
    ps.srtt = ps.srtt ? (*ps.srtt * 7 + sample) / 8 : sample;
  }
  ps.in_flight.erase(it);
  for (const auto s : {kDump, kRestore})
    if (ps.held_last[s] && !parts_outstanding(ps, s)) ps.held_last_due = now;  // poll() sends it
  // poll() fills the window: with queued messages or the next dump parts.
  if (!ps.queued.empty() || ps.dump) ps.window_due = now;
  return true;
}

SendHarpMessage Replicator::to_message(const Ipv6Address& peer, std::uint16_t id,
                                       const InFlight& f) const {
  mip6::StateSynchronization m;
  m.sync_type = mip6::SyncType::kReply;
  m.flags = f.flags;
  m.identifier = id;
  m.group_id = config_.group_id;
  if (f.restore) wire::put_restore_marker(m.options);
  if (f.dump_id != 0) wire::put_dump_id(m.options, f.dump_id);
  for (const auto& [hoa, bci] : f.records) m.options.binding_cache_information.push_back(bci);
  return SendHarpMessage{peer, config_.own_address, mip6::MobilityMessage(std::move(m))};
}

void Replicator::send(const Ipv6Address& peer, PeerState& ps,
                      std::vector<mip6::BindingCacheInformation> bcis, std::uint8_t flags,
                      Clock::time_point now, std::vector<SendHarpMessage>& out, bool restore) {
  // Incremental and restore messages only: full dumps are packed part by
  // part (pack_dump_part).
  mip6::MobilityOptions options;
  if (restore) wire::put_restore_marker(options);
  for (auto& msg : pack_sync_replies(
           std::move(bcis), flags | mip6::StateSynchronization::kAckRequested, config_.group_id,
           config_.numbers, config_.max_sync_message, options, restore)) {
    InFlight f;
    f.flags = msg.flags;
    f.restore = restore;
    for (auto& b : msg.options.binding_cache_information) f.records.emplace(b.home_address, b);
    const Series series = series_of(f);
    if ((f.flags & mip6::StateSynchronization::kLast) != 0 && is_part_of(f, series) &&
        parts_outstanding(ps, series)) {
      ps.held_last[series] = std::move(f);  // goes out once the other parts are acknowledged
      continue;
    }
    ps.queued.push_back(std::move(f));
  }
  fill_window(peer, ps, nullptr, now, out);
}

std::uint32_t Replicator::next_dump_id(PeerState& ps) const {
  // Never 0; starts from the random Hello sequence so that a restarted
  // sender does not reuse the numbers of its previous life (B7).
  if (ps.last_dump_id == 0) ps.last_dump_id = std::uint32_t{config_.initial_hello_sequence} << 16;
  if (++ps.last_dump_id == 0) ps.last_dump_id = 1;
  return ps.last_dump_id;
}

Replicator::InFlight Replicator::pack_dump_part(PeerState& ps, const OwnRecords& own,
                                                Clock::time_point now) const {
  auto& d = *ps.dump;
  // The same split as pack_sync_replies (G5: <= 2048 octets, or less when
  // the path MTU is smaller), one part at a time.
  const std::size_t max_size = std::min(config_.max_sync_message, mip6::mh::kMaxLength);
  mip6::StateSynchronization msg;
  msg.sync_type = mip6::SyncType::kReply;
  msg.flags = mip6::StateSynchronization::kFullDump | mip6::StateSynchronization::kAckRequested;
  msg.group_id = config_.group_id;
  wire::put_dump_id(msg.options, d.dump_id);
  const mip6::StateSynchronization base = msg;
  const std::size_t empty = encoded_size(base, config_.numbers);
  std::size_t estimate = empty;
  auto& bcis = msg.options.binding_cache_information;
  std::vector<std::size_t> taken;  // index in d.home_addresses of each BCI
  // The record of the next HoA as it is now, not as it was when the dump
  // began. A binding deleted since is not sent: its delete goes out
  // incrementally, and the receiver prunes what the dump lacks.
  auto next_record = [&]() -> const BindingRecord* {
    for (; d.next < d.home_addresses.size(); ++d.next)
      if (const BindingRecord* r = own.find(d.home_addresses[d.next])) return r;
    return nullptr;
  };
  for (const BindingRecord* r = next_record(); r != nullptr; r = next_record()) {
    auto bci = to_bci(*r, now);
    const std::size_t cost = bci_cost(base, empty, bci, config_.numbers);
    if (!bcis.empty() && estimate + cost > max_size) break;
    bcis.push_back(std::move(bci));
    estimate += cost;
    taken.push_back(d.next++);
  }
  // The estimate is conservative; check the real encoding anyway (G5).
  while (bcis.size() > 1 && encoded_size(msg, config_.numbers) > max_size) {
    bcis.pop_back();
    d.next = taken.back();
    taken.pop_back();
  }
  (void)next_record();  // only deleted HoAs left: this part is the last
  InFlight f;
  f.flags = msg.flags;
  f.dump_id = d.dump_id;
  for (auto& b : bcis) f.records.emplace(b.home_address, std::move(b));
  if (d.next == d.home_addresses.size()) {
    // The last part (an empty dump is this one empty part): L prunes.
    f.flags |= mip6::StateSynchronization::kLast;
    ps.dump.reset();
  }
  return f;
}

void Replicator::fill_window(const Ipv6Address& peer, PeerState& ps, const OwnRecords* own,
                             Clock::time_point now, std::vector<SendHarpMessage>& out) {
  ps.window_due.reset();
  std::size_t packed = 0;
  while (ps.in_flight.size() < kSyncWindow) {
    if (!ps.queued.empty()) {
      InFlight f = std::move(ps.queued.front());
      ps.queued.pop_front();
      launch(peer, ps, std::move(f), now, out);
      continue;
    }
    // Dump parts only once nothing else waits: a part packed now carries
    // records at least as new as any message queued before it.
    if (!ps.dump || own == nullptr) break;
    if (packed == kDumpPartsPerPoll) {
      ps.window_due = now;  // the rest in the next event-loop turn
      break;
    }
    ++packed;
    InFlight f = pack_dump_part(ps, *own, now);
    if ((f.flags & mip6::StateSynchronization::kLast) != 0 && parts_outstanding(ps, kDump)) {
      ps.held_last[kDump] = std::move(f);  // goes out once the other parts are acknowledged
      break;
    }
    launch(peer, ps, std::move(f), now, out);
  }
}

void Replicator::launch(const Ipv6Address& peer, PeerState& ps, InFlight f, Clock::time_point now,
                        std::vector<SendHarpMessage>& out) {
  // An older copy of these records still unacknowledged must not be
  // retransmitted after this one: it would move the peer back in time.
  for (const auto& [hoa, bci] : f.records) supersede(ps, hoa);
  f.first_sent = now;
  f.next_retransmit = now + backoff(1);
  f.tries = 1;
  std::uint16_t id = ps.next_id++;
  if (ps.next_id == 0) ps.next_id = 1;
  out.push_back(to_message(peer, id, f));
  ps.in_flight[id] = std::move(f);
}

bool Replicator::is_part_of(const InFlight& f, Series s) {
  return s == kRestore ? f.restore
                       : !f.restore && (f.flags & mip6::StateSynchronization::kFullDump) != 0;
}

bool Replicator::parts_outstanding(const PeerState& ps, Series s) {
  for (const auto& [id, f] : ps.in_flight)
    if (is_part_of(f, s)) return true;
  for (const auto& f : ps.queued)
    if (is_part_of(f, s)) return true;
  return s == kDump && ps.dump.has_value();  // parts not packed yet
}

void Replicator::release_held(PeerState& ps) {
  ps.held_last_due.reset();
  for (const auto s : {kDump, kRestore}) {
    if (!ps.held_last[s] || parts_outstanding(ps, s)) continue;
    ps.queued.push_back(std::move(*ps.held_last[s]));
    ps.held_last[s].reset();
  }
}

void Replicator::drop_superseded_by_dump(PeerState& ps) {
  std::erase_if(ps.in_flight, [](const auto& kv) { return !kv.second.restore; });
  std::erase_if(ps.queued, [](const InFlight& f) { return !f.restore; });
  ps.held_last[kDump].reset();
  ps.dump.reset();  // a new dump replaces one under way
}

std::vector<SendHarpMessage> Replicator::poll(Clock::time_point now, const OwnRecords& own,
                                              std::vector<Ipv6Address>* resynced) {
  std::vector<SendHarpMessage> out;
  for (auto& [peer, ps] : peers_) {
    // Retransmissions first; give up after the retry limit (§5.5).
    bool give_up = false;
    for (auto it = ps.in_flight.begin(); it != ps.in_flight.end();) {
      auto& f = it->second;
      if (f.next_retransmit > now || !f.restore || f.tries <= config_.sync_max_retries) {
        ++it;
        continue;
      }
      // A restore part that is never acknowledged: stop sending it, and the
      // held L part too; the restarted peer asks again (restoring() stays
      // true meanwhile).
      ps.restore_unfinished = true;
      ps.held_last[kRestore].reset();
      it = ps.in_flight.erase(it);
    }
    for (auto& [id, f] : ps.in_flight) {
      if (f.next_retransmit > now) continue;
      if (f.tries > config_.sync_max_retries) {
        give_up = true;
        break;
      }
      ++f.tries;
      ++ps.retransmissions;
      f.next_retransmit = now + backoff(f.tries);
      out.push_back(to_message(peer, id, f));
    }
    if (give_up) {
      drop_superseded_by_dump(ps);
      ps.pending.clear();
      ps.batch_due.reset();
      ps.full_dump = true;
      ps.dump_due = now;
      if (resynced != nullptr) resynced->push_back(peer);
    }
    if (ps.restore) {
      std::vector<mip6::BindingCacheInformation> bcis;
      for (const auto& r : *ps.restore)
        if (r.expires_at > now) bcis.push_back(to_bci(r, now));
      ps.restore.reset();
      ps.restore_due.reset();
      send(peer, ps, std::move(bcis), 0, now, out, /*restore=*/true);
    }
    release_held(ps);
    if (ps.full_dump && !ps.hold_dump && ps.dump_due && *ps.dump_due <= now) {
      // The dump supersedes everything queued or unacknowledged (F: replace),
      // but not a restore in progress (those are not our records).
      ps.full_dump = false;
      ps.dump_due.reset();
      ps.pending.clear();
      ps.batch_due.reset();
      drop_superseded_by_dump(ps);
      ++ps.full_dumps;
      // Lazy (issue #6): only the HoAs now; their parts are packed as the
      // window opens, from the records as they are then.
      ps.dump = Dump{own.home_addresses(), 0, next_dump_id(ps)};
      // The first part joins the FIFO at once, so that an incremental
      // message of a later change reaches the peer after the dump began
      // (the receiver then keeps its record at the prune).
      ps.queued.push_back(pack_dump_part(ps, own, now));
    }
    if (ps.batch_due && *ps.batch_due <= now) {
      std::vector<mip6::BindingCacheInformation> bcis;
      bcis.reserve(ps.pending.size());
      for (const auto& [hoa, p] : ps.pending) bcis.push_back(to_bci(p.record, now, p.deleted));
      ps.pending.clear();
      ps.batch_due.reset();
      if (!bcis.empty()) send(peer, ps, std::move(bcis), 0, now, out);
    }
    fill_window(peer, ps, &own, now, out);
  }
  return out;
}

std::optional<Clock::time_point> Replicator::next_expiry() const {
  std::optional<Clock::time_point> best;
  auto take = [&](std::optional<Clock::time_point> t) {
    if (t && (!best || *t < *best)) best = t;
  };
  for (const auto& [peer, ps] : peers_) {
    take(ps.batch_due);
    if (!ps.hold_dump) take(ps.dump_due);
    take(ps.restore_due);
    take(ps.held_last_due);
    take(ps.window_due);
    for (const auto& [id, f] : ps.in_flight) take(f.next_retransmit);
  }
  return best;
}

bool Replicator::idle(const Ipv6Address& peer) const {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return true;
  const auto& ps = it->second;
  return ps.pending.empty() && ps.in_flight.empty() && ps.queued.empty() && !ps.full_dump &&
         !ps.dump && !ps.held_last[kDump] && !ps.held_last[kRestore];
}

ReplicationView Replicator::view(const Ipv6Address& peer, Clock::time_point now) const {
  ReplicationView v;
  auto it = peers_.find(peer);
  if (it == peers_.end()) return v;
  const auto& ps = it->second;
  v.unacked_messages = ps.in_flight.size();
  v.pending_records = ps.pending.size();
  v.queued_messages = ps.queued.size();
  if (ps.dump) v.dump_unpacked = ps.dump->home_addresses.size() - ps.dump->next;
  for (const auto& [id, f] : ps.in_flight) {
    v.unacked_records += f.records.size();
    const auto age = now - f.first_sent;
    if (!v.oldest_unacked_age || age > *v.oldest_unacked_age) v.oldest_unacked_age = age;
  }
  v.smoothed_rtt = ps.srtt;
  v.retransmissions = ps.retransmissions;
  v.full_dumps = ps.full_dumps;
  return v;
}

}  // namespace harp
