#include "harp/peer_table.h"

#include <algorithm>

namespace harp {

std::string_view to_string(PeerState s) {
  switch (s) {
    case PeerState::kInit:
      return "init";
    case PeerState::kRising:
      return "rising";
    case PeerState::kUp:
      return "up";
    case PeerState::kDown:
      return "down";
  }
  return "unknown";
}

std::string_view to_string(HelloDrop d) {
  switch (d) {
    case HelloDrop::kFromSelf:
      return "from_self";
    case HelloDrop::kUnknownPeer:
      return "unknown_peer";
    case HelloDrop::kWrongGroup:
      return "wrong_group";
    case HelloDrop::kStaleSequence:
      return "stale_sequence";
    case HelloDrop::kBadInterval:
      return "bad_interval";
    case HelloDrop::kCount_:
      break;
  }
  return "unknown";
}

PeerTable::PeerTable(const GroupConfig& config) : config_(config) {
  for (const auto& p : config.peers) {
    Peer peer;
    peer.address = p.address;
    peer.preference = p.preference;
    peers_.push_back(peer);
  }
}

const Peer* PeerTable::find(const Ipv6Address& a) const {
  for (const auto& p : peers_)
    if (p.address == a) return &p;
  return nullptr;
}
Peer* PeerTable::find(const Ipv6Address& a) {
  for (auto& p : peers_)
    if (p.address == a) return &p;
  return nullptr;
}

bool PeerTable::is_up(const Ipv6Address& a) const {
  const Peer* p = find(a);
  return p != nullptr && p->state == PeerState::kUp;
}

HelloOutcome PeerTable::on_hello(const mip6::HaHello& h, const Ipv6Address& from,
                                 Clock::time_point now) {
  HelloOutcome out;
  auto drop = [&](HelloDrop d) {
    ++drops_[static_cast<std::size_t>(d)];
    out.drop = d;
    return out;
  };
  // BIRD-style straight line of checks (STYLE.md); §5.4, §5.8.
  if (from == config_.own_address) return drop(HelloDrop::kFromSelf);
  Peer* p = find(from);
  if (p == nullptr) return drop(HelloDrop::kUnknownPeer);
  if (h.group_id != config_.group_id) return drop(HelloDrop::kWrongGroup);
  // RFC 6275 §9.5.1 arithmetic (§2.8): a Hello not newer than the last one is
  // stale. After a peer went down any sequence is accepted (it may restart).
  if (p->sequence_valid && !h.sequence.newer_than(p->last_sequence))
    return drop(HelloDrop::kStaleSequence);
  if (h.hello_interval_ms == 0) return drop(HelloDrop::kBadInterval);

  p->sequence_valid = true;
  p->last_sequence = h.sequence;
  p->last_heard = now;
  p->preference = h.preference;
  p->advertised_interval = std::chrono::milliseconds(h.hello_interval_ms);
  p->lifetime_s = h.lifetime_s;
  p->active_flag = (h.flags & mip6::HaHello::kActive) != 0;
  p->hears = wire::get_heard_peers(h.options);
  p->hears_me = std::find(p->hears.begin(), p->hears.end(), config_.own_address) != p->hears.end();
  p->digest = wire::get_digest(h.options);  // absent = not comparable now
  ++p->hellos_accepted;
  out.reply_requested = (h.flags & mip6::HaHello::kReplyRequested) != 0;

  if (h.lifetime_s == 0) {
    // Graceful leave: failed at once, like VRRP priority 0 (§5.4, §9).
    out.failed = p->state == PeerState::kUp;
    p->state = PeerState::kDown;
    p->down_since = now;
    p->sequence_valid = false;
    p->rise_count = 0;
    p->digest.reset();
    return out;
  }
  switch (p->state) {
    case PeerState::kInit:
      // First contact since we started: no hysteresis (nothing to flap yet).
      p->state = PeerState::kUp;
      out.became_up = true;
      break;
    case PeerState::kDown:
      p->rise_count = 1;
      if (p->rise_count >= config_.rise) {
        p->state = PeerState::kUp;
        out.became_up = true;
      } else {
        p->state = PeerState::kRising;
        out.became_rising = true;
      }
      break;
    case PeerState::kRising:
      if (++p->rise_count >= config_.rise) {
        p->state = PeerState::kUp;
        out.became_up = true;
      }
      break;
    case PeerState::kUp:
      break;
  }
  return out;
}

void PeerTable::peer_restarted(const Ipv6Address& peer) {
  Peer* p = find(peer);
  if (p == nullptr) return;
  p->sequence_valid = false;
  p->digest.reset();
}

std::vector<PeerConfig> PeerTable::live_members() const {
  std::vector<PeerConfig> out;
  out.push_back({config_.own_address, config_.preference});
  for (const auto& p : peers_)
    if (p.state == PeerState::kUp) out.push_back({p.address, p.preference});
  return out;
}

std::vector<PeerConfig> PeerTable::takeover_candidates(bool self_active) const {
  std::vector<PeerConfig> out;
  if (self_active) out.push_back({config_.own_address, config_.preference});
  for (const auto& p : peers_)
    if (p.state == PeerState::kUp && p.active_flag) out.push_back({p.address, p.preference});
  return out.empty() ? live_members() : out;
}

unsigned PeerTable::rank_against(const Ipv6Address& watched) const {
  auto members = live_members();
  std::erase_if(members, [&](const PeerConfig& m) { return m.address == watched; });
  // Best first: preference, then highest address (gap G12).
  std::sort(members.begin(), members.end(), [](const PeerConfig& a, const PeerConfig& b) {
    if (a.preference != b.preference) return a.preference > b.preference;
    return a.address > b.address;
  });
  for (std::size_t i = 0; i < members.size(); ++i)
    if (members[i].address == config_.own_address)
      return static_cast<unsigned>(std::max<long>(1, 255 - static_cast<long>(i)));
  return 1;
}

std::optional<Clock::time_point> PeerTable::deadline(const Peer& p) const {
  if (p.state != PeerState::kUp && p.state != PeerState::kRising) return std::nullopt;
  const auto interval = p.advertised_interval;
  const unsigned rank = rank_against(p.address);
  // §5.4: DeadInterval = multiplier x advertised interval + Skew (VRRPv3
  // Master_Down_Interval, RFC 5798 §6.1).
  const auto skew = (interval * (256 - rank)) / 256;
  const auto dead = p.last_heard + interval * config_.dead_multiplier + skew;
  // HA Lifetime bounds it too (§5.4); the same skew keeps the order.
  const auto life = p.last_heard + std::chrono::seconds(p.lifetime_s) + skew;
  return std::min(dead, life);
}

std::optional<Clock::time_point> PeerTable::next_expiry() const {
  std::optional<Clock::time_point> best;
  for (const auto& p : peers_)
    if (auto d = deadline(p); d && (!best || *d < *best)) best = d;
  return best;
}

std::vector<PeerFailure> PeerTable::on_timer(Clock::time_point now) {
  // Deadlines depend on the live set (rank), so evaluate all first, then apply.
  std::vector<PeerFailure> out;
  std::vector<std::pair<Peer*, std::string_view>> due;
  for (auto& p : peers_) {
    auto d = deadline(p);
    if (!d || *d > now) continue;
    const auto dead = p.last_heard + p.advertised_interval * config_.dead_multiplier;
    due.emplace_back(
        &p, dead <= now ? std::string_view("dead_interval") : std::string_view("lifetime"));
  }
  for (auto& [p, reason] : due) {
    out.push_back({p->address, p->state == PeerState::kUp, reason});
    p->state = PeerState::kDown;
    p->down_since = now;
    p->sequence_valid = false;
    p->rise_count = 0;
    p->hears_me = false;
    p->digest.reset();
  }
  return out;
}

std::vector<Ipv6Address> PeerTable::heard_peers() const {
  std::vector<Ipv6Address> out;
  for (const auto& p : peers_)
    if (p.state == PeerState::kUp || p.state == PeerState::kRising) out.push_back(p.address);
  return out;
}

}  // namespace harp
