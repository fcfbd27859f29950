// HarpNode: one HA's membership in a HARP redundancy group, without I/O (the
// ngtcp2 shape of STYLE.md). Inputs are received HARP messages with their
// source address, mip6::BindingEvents of the local HomeAgent (the strongSwan
// bus: mip6 never names harp), "BU accepted"/"Binding Error" notes from the
// daemon, operator commands, and the current time; outputs are HarpActions
// (messages to peers, HA Switch messages to MNs, bindings to adopt/release,
// role changes, events). next_expiry() says when to call on_timer(). It glues
// PeerTable (liveness), Replicator + ShadowCache (hot standby), ownership
// rules (takeover, split brain), SwitchScheduler (RFC 5142 pacing) and the
// switchover/drain/switch-back controller (harp_control.cc). Not movable:
// its parts keep a reference to its GroupConfig, so create() returns a
// unique_ptr. docs/harp.md lists every rule, timer, counter and event.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "harp/binding_record.h"
#include "harp/group_config.h"
#include "harp/harp_actions.h"
#include "harp/peer_table.h"
#include "harp/replicator.h"
#include "harp/shadow_cache.h"
#include "harp/switch_scheduler.h"
#include "mip6/ha_actions.h"

namespace harp {

// Row of `ha-agentctl peers`.
struct PeerStatus {
  Ipv6Address address;
  std::int16_t preference = 0;
  PeerState state = PeerState::kInit;
  std::optional<Clock::time_point> last_heard;
  bool i_hear = false;    // rising or up here
  bool hears_me = false;  // its last Hello listed us
  std::optional<Clock::duration> round_trip;
  std::size_t bindings_owned = 0;  // shadows held for it
  ReplicationView replication;
};

struct HarpCounters {
  std::uint64_t hellos_sent = 0;
  std::uint64_t hellos_accepted = 0;
  std::uint64_t hello_replies = 0;  // answers to R=1
  std::uint64_t sync_sent = 0;
  std::uint64_t sync_received = 0;
  std::uint64_t sync_drop_unknown_peer = 0;
  std::uint64_t sync_drop_wrong_group = 0;
  std::uint64_t sync_bad_record = 0;   // malformed epoch sub-option
  std::uint64_t sync_ack_unknown = 0;  // SS-ACK for nothing outstanding
  std::uint64_t control_drop = 0;      // HA Control from a non-peer / unexpected
  std::uint64_t anti_entropy_requests = 0;
  std::uint64_t split_brain_won = 0;
  std::uint64_t split_brain_lost = 0;
  std::uint64_t takeovers = 0;
  std::uint64_t bindings_adopted = 0;
  std::uint64_t switch_sent = 0;
  std::uint64_t shadows_expired = 0;
  std::uint64_t restore_requests = 0;       // we (re)started: asked a peer for our bindings
  std::uint64_t restores_served = 0;        // a restarted peer got its bindings back from us
  std::uint64_t bindings_restored = 0;      // own bindings adopted back from peers' shadows
  std::uint64_t sync_duplicate_dump_parts = 0;  // parts of a dump already pruned (B7)
  std::uint64_t restore_prune_skipped = 0;  // dump of a peer still restoring: merged, not pruned
};

// Why HarpNode::reconfigure() refused a new configuration (nothing changed).
enum class ReconfigureError : std::uint8_t {
  kInvalid,          // validate_group_config() refuses it
  kRestartRequired,  // group id, own address or wire numbers differ
};
std::string_view to_string(ReconfigureError e);

// Operator-visible state of `switchover`, `drain` and switch-back.
enum class ControlPhase : std::uint8_t { kIdle, kFinalSync, kRequesting, kMoving };

class HarpNode {
 public:
  static mip6::Result<std::unique_ptr<HarpNode>, ConfigError> create(GroupConfig config,
                                                                     Clock::time_point now);
  HarpNode(const HarpNode&) = delete;
  HarpNode& operator=(const HarpNode&) = delete;

  // A decoded HARP message (Hello, State Synchronization, HA Control) that
  // passed the daemon's ESP check, from the peer address `from`.
  HarpActions on_message(const mip6::MobilityMessage& message, const Ipv6Address& from,
                         Clock::time_point now);
  // Every BindingEvent of the local HomeAgent (replication, DESIGN.md §2).
  HarpActions on_binding_event(const mip6::BindingEvent& event, Clock::time_point now);
  // The daemon accepted a home registration BU for `home_address`.
  HarpActions on_bu_accepted(const Ipv6Address& home_address, Clock::time_point now);
  // A Binding Error arrived from an MN (RFC 5142 §5.3: status 2 stops HAS).
  HarpActions on_binding_error(const Ipv6Address& home_address, std::uint8_t status,
                               Clock::time_point now);
  HarpActions on_timer(Clock::time_point now);
  std::optional<Clock::time_point> next_expiry() const;

  // Graceful leave: Hello with HA Lifetime 0 to every peer (§5.4), then silence.
  HarpActions leave(Clock::time_point now);

  // Operator commands (§5.7). Results arrive as kSwitchoverResult events.
  HarpActions switchover(const Ipv6Address& target, Clock::time_point now);
  HarpActions drain(Clock::time_point now);
  ControlPhase control_phase() const { return control_.phase; }

  // Reload (harp_reconfigure.cc, docs/operations.md "Reload"): applies
  // `next` in place. Peers not in it are forgotten (replication state,
  // shadows, restore and control state; no takeover, no event: they left
  // the configuration, not the group); new peers start in init and get a
  // Hello with R=1 at the next interval; kept peers keep their state and
  // take a new configured preference. Own preference, hello interval
  // (the next Hello comes no later than one new interval), dead multiplier,
  // rise, preempt, takeover policy, switch pacing and the replication
  // timers take effect at once. Group id, own address and wire numbers
  // cannot change here. The actions are those of a control operation that
  // named a removed peer (its result event).
  mip6::Result<HarpActions, ReconfigureError> reconfigure(const GroupConfig& next,
                                                          Clock::time_point now);

  // Per-MN role (§5.6.1, G13): who owns the MN, and whether a home
  // registration from it must get BA 133 here (owned by a live peer, unless
  // it is being switched to us).
  std::optional<Ipv6Address> owner_of(const Ipv6Address& home_address) const;
  bool should_refuse(const Ipv6Address& home_address) const;

  std::vector<PeerStatus> peers(Clock::time_point now) const;
  const PeerTable& peer_table() const { return table_; }
  const ShadowCache& shadows() const { return shadows_; }
  const HarpCounters& counters() const { return counters_; }
  const std::deque<HarpEvent>& events() const { return events_; }
  const GroupConfig& config() const { return config_; }
  std::size_t own_bindings() const { return own_.size(); }
  const BindingRecord* own_binding(const Ipv6Address& hoa) const;
  wire::OwnerDigest own_digest() const { return own_digest_; }
  // True while we wait for `peer` to return our bindings after a start.
  bool restoring_from(const Ipv6Address& peer) const { return restore_wait_.count(peer) != 0; }
  bool serving() const { return serving_; }

  // Wall clock = `now` + offset: the daemon passes system_clock minus
  // steady_clock at start (harp/ reads no clock). Stamps the registration
  // time of own bindings (BindingRecord::registered_ms, B4). Default 0 (the
  // simulation's manual clock is the group's common clock).
  void set_wall_clock_offset(Clock::duration offset) { wall_offset_ = offset; }
  std::uint64_t wall_ms(Clock::time_point t) const;

 private:
  HarpNode(GroupConfig config, Clock::time_point now);

  // Hellos and liveness (harp_node.cc).
  void send_hellos(Clock::time_point now, HarpActions& out);
  mip6::HaHello make_hello(const Ipv6Address& to, bool reply);
  void on_hello(const mip6::HaHello& h, const Ipv6Address& from, Clock::time_point now,
                HarpActions& out);
  void peer_failed(const Ipv6Address& peer, std::string_view reason, Clock::time_point now,
                   HarpActions& out);
  void anti_entropy(const Ipv6Address& peer, Clock::time_point now, HarpActions& out);

  // Replication and split brain (harp_sync.cc).
  void on_sync(const mip6::StateSynchronization& s, const Ipv6Address& from, Clock::time_point now,
               HarpActions& out);
  void apply_sync_records(const mip6::StateSynchronization& s, const Ipv6Address& from,
                          Clock::time_point now, HarpActions& out);
  void apply_record(const Ipv6Address& from, const BindingRecord& r, bool deleted,
                    Clock::time_point now, HarpActions& out);
  void replicate(const BindingRecord& r, bool deleted, Clock::time_point now);
  void put_own(const BindingRecord& r);
  void erase_own(const Ipv6Address& hoa);
  std::vector<Ipv6Address> own_home_addresses() const;  // a full dump's start
  void send_sync_request(const Ipv6Address& peer, HarpActions& out, bool restore = false);
  std::int16_t preference_of(const Ipv6Address& a) const;

  // Restart recovery, B1 (harp_restore.cc).
  void request_restore(const Ipv6Address& peer, Clock::time_point now, HarpActions& out);
  void restore_timer(Clock::time_point now, HarpActions& out);
  void serve_restore(const Ipv6Address& peer, Clock::time_point now);
  void on_restore_reply(const mip6::StateSynchronization& s, const Ipv6Address& from,
                        Clock::time_point now, HarpActions& out);
  bool restore_record(const BindingRecord& r, Clock::time_point now, HarpActions& out);

  // Takeover and HA Switch (harp_takeover.cc).
  void take_over(const Ipv6Address& failed, Clock::time_point now, HarpActions& out);
  void adopt_step(Clock::time_point now, HarpActions& out);
  void cancel_adoptions(const Ipv6Address& failed, Clock::time_point now, HarpActions& out);
  void count_takeover(const Ipv6Address& failed, bool moved, Clock::time_point now,
                      HarpActions& out);
  void switch_finished(const SwitchFinished& f, Clock::time_point now, HarpActions& out);

  // Switchover, drain, switch-back (harp_control.cc).
  void on_control(const mip6::HaControl& c, const Ipv6Address& from, Clock::time_point now,
                  HarpActions& out);
  void control_timer(Clock::time_point now, HarpActions& out);
  void start_moves(const Ipv6Address& target, const std::vector<Ipv6Address>& hoas,
                   Clock::time_point now, HarpActions& out);
  void send_control(const Ipv6Address& to, mip6::ControlType type, std::uint8_t status,
                    std::uint16_t id, mip6::MobilityOptions options, HarpActions& out);
  std::uint8_t check_switchover_request(const mip6::HaControl& c, const Ipv6Address& from) const;
  void control_peer_failed(const Ipv6Address& peer, Clock::time_point now, HarpActions& out);
  void maybe_switch_back(const Ipv6Address& peer, Clock::time_point now, HarpActions& out);

  void emit(HarpActions& out, Clock::time_point now, EventKind kind, const Ipv6Address& peer,
            const Ipv6Address& hoa = {}, std::uint32_t count = 0, std::uint32_t count2 = 0,
            std::string detail = {});

  GroupConfig config_;
  PeerTable table_;
  Replicator replicator_;
  ShadowCache shadows_;
  SwitchScheduler switches_;
  HarpCounters counters_;

  mip6::SequenceNumber hello_sequence_;
  Clock::time_point next_hello_{};
  bool left_ = false;
  bool serving_ = true;
  Clock::duration wall_offset_{};

  std::unordered_map<Ipv6Address, BindingRecord> own_;
  wire::OwnerDigest own_digest_;
  std::set<Ipv6Address> released_;                 // quietly dropped: ignore their delete event
  std::set<Ipv6Address> switch_in_;                // MNs being switched to us: accept their BU
  std::map<Ipv6Address, Ipv6Address> taken_from_;  // HoA -> HA we took it over from
  std::map<Ipv6Address, std::set<Ipv6Address>> dump_keep_;  // F parts seen per owner
  // Per owner: the dump number being received, and the last one pruned (B7).
  std::map<Ipv6Address, std::uint32_t> dump_receiving_;
  std::map<Ipv6Address, std::uint32_t> dump_pruned_;
  void forget_dumps(const Ipv6Address& peer) {
    dump_keep_.erase(peer);
    dump_receiving_.erase(peer);
    dump_pruned_.erase(peer);
  }
  std::map<Ipv6Address, unsigned> digest_mismatches_;
  // Peers we still wait for to return our own bindings (we started empty).
  struct RestoreWait {
    Clock::time_point next_request{};
    Clock::duration backoff{};
    std::uint32_t restored = 0;  // bindings adopted back so far
  };
  std::map<Ipv6Address, RestoreWait> restore_wait_;
  std::map<Ipv6Address, BindingRecord> adopting_;  // restored records being adopted
  std::set<Ipv6Address> restored_;                 // restored, not refreshed by the MN since (B5)
  struct Tally {
    std::uint32_t total = 0, moved = 0, not_moved = 0;
  };
  std::map<Ipv6Address, Tally> takeovers_;  // by failed peer
  // Taken over but not adopted yet, in order (harp_takeover.cc).
  struct PendingAdopt {
    Ipv6Address home_address;
    Ipv6Address failed;
  };
  std::deque<PendingAdopt> pending_adopt_;
  Clock::time_point adopt_due_{};

  struct ControlTarget {
    std::vector<Ipv6Address> hoas;  // MNs to move there
    std::uint16_t id = 0;
    unsigned tries = 0;
    Clock::time_point next_at{};
    bool answered = false;
    bool accepted = false;
    std::uint32_t moved = 0, not_moved = 0;
  };
  struct Control {
    ControlPhase phase = ControlPhase::kIdle;
    bool drain = false;
    bool switch_back = false;  // we are giving MNs back to a recovered HA
    Clock::time_point phase_deadline{};
    std::map<Ipv6Address, ControlTarget> targets;
    std::uint16_t next_id = 1;
    // As target: requester -> identifier we accepted (idempotent retries).
    std::map<Ipv6Address, std::uint16_t> accepted_from;
    // Switch-back requests we sent (we are the recovered HA).
    std::map<Ipv6Address, std::pair<std::uint16_t, unsigned>> swb_pending;
    std::map<Ipv6Address, Clock::time_point> swb_next;
    std::set<Ipv6Address> swb_done;
  } control_;

  std::deque<HarpEvent> events_;
  std::uint64_t event_serial_ = 0;
};

}  // namespace harp
