// PeerTable: liveness of the configured peers of one redundancy group
// (protocol-notes §5.4, §9, §12). It validates each received HA-Hello (a
// straight line of checks, each failure a named HelloDrop with a counter),
// tracks per peer state init/rising/up/down with `rise` hysteresis for a
// returning peer, and declares a peer failed after
// DeadMultiplier x its advertised interval + Skew, where
// Skew = ((256 - rank) x interval) / 256 and rank 255 is the best live
// survivor (VRRPv3 Skew_Time, RFC 5798 §6.1), or when its advertised HA
// Lifetime runs out, or at once on HA Lifetime 0 (graceful leave). It also
// records which peers each peer says it hears (one-way partitions).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "harp/group_config.h"
#include "harp/wire_extensions.h"
#include "mip6/mobility_messages.h"

namespace harp {

enum class PeerState : std::uint8_t { kInit, kRising, kUp, kDown };
std::string_view to_string(PeerState s);

enum class HelloDrop : std::uint8_t {
  kFromSelf,       // our own address as source (looped back)
  kUnknownPeer,    // not a configured peer (§5.4, §5.8)
  kWrongGroup,     // Group ID differs (§5.4)
  kStaleSequence,  // sequence not newer than the last accepted (§2.8 arithmetic)
  kBadInterval,    // Hello Interval 0
  kCount_,
};
std::string_view to_string(HelloDrop d);

struct Peer {
  Ipv6Address address;
  std::int16_t preference = 0;  // configured, then as advertised
  PeerState state = PeerState::kInit;
  bool sequence_valid = false;  // false until a Hello was accepted (reset when down)
  mip6::SequenceNumber last_sequence;
  Clock::time_point last_heard{};
  Clock::time_point down_since{};
  Clock::duration advertised_interval{};
  std::uint16_t lifetime_s = 0;
  bool active_flag = false;
  unsigned rise_count = 0;                  // consecutive hellos while rising
  bool hears_me = false;                    // our address is in its last heard-peer list
  std::vector<Ipv6Address> hears;           // its last heard-peer list
  std::optional<wire::OwnerDigest> digest;  // its own bindings, as it last advertised
  std::uint64_t hellos_accepted = 0;
};

// What one Hello did.
struct HelloOutcome {
  std::optional<HelloDrop> drop;
  bool became_up = false;        // init/rising -> up
  bool became_rising = false;    // down -> rising
  bool failed = false;           // up -> down by graceful leave (lifetime 0)
  bool reply_requested = false;  // R flag (§5.4: answer at once)
};

struct PeerFailure {
  Ipv6Address peer;
  bool was_up = false;      // false: a rising peer fell back to down (no takeover)
  std::string_view reason;  // "dead_interval" or "lifetime"
};

class PeerTable {
 public:
  explicit PeerTable(const GroupConfig& config);

  HelloOutcome on_hello(const mip6::HaHello& hello, const Ipv6Address& from, Clock::time_point now);
  // The peer told us it restarted with no state (restore request, B1): its
  // next Hello is accepted whatever its sequence (it drew a new random one),
  // and its last digest no longer describes it.
  void peer_restarted(const Ipv6Address& peer);
  // Peers whose deadline passed at `now`.
  std::vector<PeerFailure> on_timer(Clock::time_point now);
  std::optional<Clock::time_point> next_expiry() const;

  // When `peer` will be declared failed if nothing more is heard (up/rising only).
  std::optional<Clock::time_point> deadline(const Peer& peer) const;
  // Our VRRP-style rank (255 best .. 1) among the live members that would
  // survive the failure of `watched`.
  unsigned rank_against(const Ipv6Address& watched) const;

  const Peer* find(const Ipv6Address& a) const;
  Peer* find(const Ipv6Address& a);
  const std::vector<Peer>& peers() const { return peers_; }
  bool is_up(const Ipv6Address& a) const;
  // Peers we currently hear (rising or up): listed in our Hellos.
  std::vector<Ipv6Address> heard_peers() const;
  // Up peers and ourselves: the members that count for takeover/election.
  std::vector<PeerConfig> live_members() const;
  // The live members that may take MNs over (§5.6.1, §5.7): up peers whose
  // last Hello carried the A flag, and ourselves if `self_active`. A drained
  // or switched-over HA clears A and takes nothing. [D] If no member is
  // active, every live member counts: a drained HA serving MNs beats losing them.
  std::vector<PeerConfig> takeover_candidates(bool self_active) const;

  std::uint64_t drops(HelloDrop d) const { return drops_[static_cast<std::size_t>(d)]; }

  // Reload (harp_reconfigure.cc). add_peer: a new peer in state init (no-op
  // when present). remove_peer: false when unknown. set_configured_preference:
  // the preference of a peer not heard yet (once heard, its Hellos say).
  void add_peer(const PeerConfig& p);
  bool remove_peer(const Ipv6Address& a);
  void set_configured_preference(const Ipv6Address& a, std::int16_t preference);

 private:
  const GroupConfig& config_;
  std::vector<Peer> peers_;
  std::array<std::uint64_t, static_cast<std::size_t>(HelloDrop::kCount_)> drops_{};
};

}  // namespace harp
