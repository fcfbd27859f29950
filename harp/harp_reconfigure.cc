// HarpNode::reconfigure() and the PeerTable changes it needs: the HARP part
// of the daemon's hitless reload (docs/operations.md "Reload", BIRD's
// reconfigure in place, STYLE.md). Kept peers are not touched: their
// liveness state, Hello sequence, replication and shadows go on as before,
// so a reload causes no peer down, no takeover and no HA Switch.
#include <algorithm>

#include "harp/harp_node.h"

namespace harp {

std::string_view to_string(ReconfigureError e) {
  switch (e) {
    case ReconfigureError::kInvalid:
      return "invalid group configuration";
    case ReconfigureError::kRestartRequired:
      return "group id, own address or HARP wire numbers changed: needs a restart";
  }
  return "unknown";
}

void PeerTable::add_peer(const PeerConfig& c) {
  if (find(c.address) != nullptr) return;
  Peer p;
  p.address = c.address;
  p.preference = c.preference;
  peers_.push_back(p);
}

bool PeerTable::remove_peer(const Ipv6Address& a) {
  return std::erase_if(peers_, [&](const Peer& p) { return p.address == a; }) != 0;
}

void PeerTable::set_configured_preference(const Ipv6Address& a, std::int16_t preference) {
  Peer* p = find(a);
  if (p != nullptr && p->hellos_accepted == 0) p->preference = preference;
}

mip6::Result<HarpActions, ReconfigureError> HarpNode::reconfigure(const GroupConfig& next,
                                                                  Clock::time_point now) {
  if (auto st = validate_group_config(next); !st.ok()) return mip6::fail(ReconfigureError::kInvalid);
  const auto& n = next.numbers;
  const auto& o = config_.numbers;
  if (next.group_id != config_.group_id || next.own_address != config_.own_address ||
      n.hello != o.hello || n.sync != o.sync || n.control != o.control ||
      n.bci_option != o.bci_option)
    return mip6::fail(ReconfigureError::kRestartRequired);

  HarpActions out;
  // Removed peers: forget everything kept for them. Their MNs are not taken
  // over (the peer may well be running; it only left our configuration),
  // and since their shadows are gone a BU from one of them is served here.
  std::vector<Ipv6Address> removed;
  for (const auto& p : config_.peers) {
    const bool kept = std::any_of(next.peers.begin(), next.peers.end(),
                                  [&](const PeerConfig& q) { return q.address == p.address; });
    if (!kept) removed.push_back(p.address);
  }
  for (const auto& peer : removed) {
    control_peer_failed(peer, now, out);  // ends a switchover towards it (result event)
    cancel_adoptions(peer, now, out);
    replicator_.forget_peer(peer);
    (void)shadows_.prune_owner(peer, {});
    table_.remove_peer(peer);
    forget_dumps(peer);
    digest_mismatches_.erase(peer);
    restore_wait_.erase(peer);
    takeovers_.erase(peer);
    std::erase_if(taken_from_, [&](const auto& kv) { return kv.second == peer; });
  }
  for (const auto& p : next.peers) {
    if (table_.find(p.address) == nullptr) table_.add_peer(p);
    else table_.set_configured_preference(p.address, p.preference);
  }

  // Everything the parts read through their reference to config_ takes
  // effect from here on. The first Hello sequence and the group's identity
  // stay as they are (a new sequence would look like a restart).
  const auto old_interval = config_.hello_interval;
  config_.peers = next.peers;
  config_.preference = next.preference;
  config_.hello_interval = next.hello_interval;
  config_.dead_multiplier = next.dead_multiplier;
  config_.rise = next.rise;
  config_.preempt = next.preempt;
  config_.takeover = next.takeover;
  config_.sync_delay = next.sync_delay;
  config_.retransmit_initial = next.retransmit_initial;
  config_.retransmit_max = next.retransmit_max;
  config_.max_sync_message = next.max_sync_message;
  config_.sync_max_retries = next.sync_max_retries;
  config_.switch_max_tries = next.switch_max_tries;
  config_.switch_rate_per_s = next.switch_rate_per_s;
  config_.switch_burst = next.switch_burst;
  config_.control_timeout = next.control_timeout;
  config_.control_retries = next.control_retries;
  config_.final_sync_timeout = next.final_sync_timeout;
  config_.accept_switchover = next.accept_switchover;
  config_.max_events = next.max_events;
  // A shorter interval starts at once; a longer one from the next Hello,
  // which already advertises it (peers time us out by what we advertise).
  if (next.hello_interval < old_interval) next_hello_ = std::min(next_hello_, now + next.hello_interval);
  while (events_.size() > config_.max_events) events_.pop_front();
  return out;
}

}  // namespace harp
