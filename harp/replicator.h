// Replicator: the sending side of HARP state synchronisation (protocol-notes
// §5.5, SY-01..SY-04). For each peer it folds binding changes (one pending
// record per HoA) for HARP_SYNC_DELAY, then packs them as Binding Cache
// Information options into SS-REP messages of at most 2048 octets with the A
// flag, tracks each by its Identifier until the SS-ACK echoes it, and
// retransmits with backoff (1 s doubling to 32 s). After HARP_SYNC_MAX_RETRIES
// the peer gets a full dump instead (F on every part, L on the last). A
// newer record for a HoA removes the older one from unacknowledged messages,
// so a retransmission never moves a peer back in time. It also measures the
// round trip from first-transmission acks (Karn's rule, RFC 6298 smoothing).
// Restart recovery (docs/harp.md B1): it returns a restarted peer's own
// bindings from our shadows (SS-REP with the restore marker, L on the last
// part, acknowledged like any SS-REP), and it can hold our full dump to a
// peer until that peer has returned our bindings to us.
// Flow control [D]: at most kSyncWindow messages per peer are unacknowledged;
// the rest wait in a FIFO and go out as acks arrive, so a full dump of N
// bindings (N/32 messages) is clocked by the peer's acks instead of being
// one burst. A full dump is lazy (issue #6): its start takes only the list
// of our HoAs, and each part is packed when the window has room (at most
// kDumpPartsPerPoll per poll()), from the HoAs' records at that moment, so
// a poll() or ack costs O(parts x records per message), not O(N) records
// (docs/harp.md, Replication, "Full dumps are lazy").
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "harp/binding_record.h"
#include "harp/group_config.h"
#include "harp/harp_actions.h"

namespace harp {

// Packs BCIs into SS-REP messages of <= max_size octets each (at most 2048,
// the MH ceiling, G5; the daemon passes less when the path MTU is smaller,
// since the packet backend does not fragment). `flags` go on
// every message; with kFullDump the last one also gets kLast, and an empty
// list still yields one (empty) message so the receiver can prune.
// `options` go on every message (e.g. the restore marker); with `last` the
// final message gets kLast even without kFullDump.
std::vector<mip6::StateSynchronization> pack_sync_replies(
    std::vector<mip6::BindingCacheInformation> records, std::uint8_t flags, std::uint8_t group_id,
    const mip6::HarpNumbers& numbers, std::size_t max_size = mip6::mh::kMaxLength,
    const mip6::MobilityOptions& options = {}, bool last = false);

// Unacknowledged State Synchronization messages per peer (flow control).
inline constexpr std::size_t kSyncWindow = 64;

struct ReplicationView {
  std::size_t unacked_messages = 0;
  std::size_t unacked_records = 0;
  std::size_t pending_records = 0;
  std::size_t queued_messages = 0;  // packed, waiting for the window
  std::size_t dump_unpacked = 0;    // HoAs of the full dump under way not packed yet
  std::optional<Clock::duration> oldest_unacked_age;
  std::optional<Clock::duration> smoothed_rtt;
  std::uint64_t retransmissions = 0;
  std::uint64_t full_dumps = 0;
};

// Our own bindings as a full dump reads them (HarpNode passes its own
// records): `home_addresses` once when a dump starts, `find` for each HoA
// when its part is packed (nullptr: the binding is gone since, and its
// delete goes out as an incremental record).
struct OwnRecords {
  std::function<std::vector<Ipv6Address>()> home_addresses;
  std::function<const BindingRecord*(const Ipv6Address&)> find;
};

// Full dump parts packed per peer in one poll() at most: a dump start
// opening an empty window of kSyncWindow messages is spread over several
// event-loop turns (next_expiry() says "now" while more may go out).
inline constexpr std::size_t kDumpPartsPerPoll = 8;

class Replicator {
 public:
  explicit Replicator(const GroupConfig& config);

  void enqueue(const Ipv6Address& peer, const BindingRecord& r, bool deleted,
               Clock::time_point now);
  // Schedules a full dump of our own bindings (join, restart, SS-REQ, lag).
  void request_full_dump(const Ipv6Address& peer, Clock::time_point now);
  // Sends only the named HoAs (SS-REQ with IP Address options, SY-03).
  void request_partial(const Ipv6Address& peer, const std::vector<BindingRecord>& records,
                       Clock::time_point now);
  // Returns a restarted peer's own bindings (our shadows of it), restore
  // marker on every part, L on the last; an empty list is one empty message.
  void send_restore(const Ipv6Address& peer, const std::vector<BindingRecord>& records,
                    Clock::time_point now);
  // True from send_restore until every restore part was acknowledged (a
  // part given up after the retry limit keeps it true until forget_peer or
  // a later complete restore): the peer may not have its bindings back yet.
  bool restoring(const Ipv6Address& peer) const;
  // While held, a full dump to `peer` stays pending (not sent): we wait for
  // it to return our own bindings first, so our (possibly empty) dump cannot
  // make it prune them.
  void hold_full_dump(const Ipv6Address& peer, bool hold, Clock::time_point now);
  bool full_dump_held(const Ipv6Address& peer) const;
  // Peer failed or left: nothing more is sent to it until it is up again.
  void forget_peer(const Ipv6Address& peer);
  // SS-ACK received; false when the Identifier was not outstanding.
  bool on_ack(const Ipv6Address& peer, std::uint16_t identifier, Clock::time_point now);

  // Flushes due batches, full dumps and retransmissions; `own` is read
  // lazily (the HoA list at a dump's start, one find() per record packed).
  // Peers that needed a full resync after too many retries are appended to
  // `resynced`.
  std::vector<SendHarpMessage> poll(Clock::time_point now, const OwnRecords& own,
                                    std::vector<Ipv6Address>* resynced = nullptr);
  std::optional<Clock::time_point> next_expiry() const;

  // True when nothing is pending or unacknowledged towards `peer` (the
  // anti-entropy digest is only meaningful then).
  bool idle(const Ipv6Address& peer) const;
  ReplicationView view(const Ipv6Address& peer, Clock::time_point now) const;

 private:
  struct Pending {
    BindingRecord record;
    bool deleted = false;
  };
  struct InFlight {
    std::map<Ipv6Address, mip6::BindingCacheInformation> records;  // by HoA
    std::uint8_t flags = 0;
    bool restore = false;       // carries the restore marker
    std::uint32_t dump_id = 0;  // full dump part: its dump number
    Clock::time_point first_sent{};
    Clock::time_point next_retransmit{};
    unsigned tries = 1;
  };
  // A full dump under way (issue #6): the HoAs to send, taken when it
  // started; parts are packed from `next` on as the window opens.
  struct Dump {
    std::vector<Ipv6Address> home_addresses;
    std::size_t next = 0;
    std::uint32_t dump_id = 0;
  };
  struct PeerState {
    std::map<Ipv6Address, Pending> pending;
    std::optional<Clock::time_point> batch_due;
    bool full_dump = false;    // requested, not started yet
    std::optional<Dump> dump;  // started, parts left to pack
    bool hold_dump = false;
    std::optional<Clock::time_point> dump_due;
    std::optional<std::vector<BindingRecord>> restore;  // queued restore
    std::optional<Clock::time_point> restore_due;
    bool restore_unfinished = false;  // a restore part was given up
    // The part with L of a full dump [kDump] and of a restore [kRestore],
    // held until every other part of it was acknowledged: L makes the
    // receiver prune (dump) or end its wait (restore), so a part that is lost
    // or overtaken must not arrive after it (B6, docs/harp.md).
    std::optional<InFlight> held_last[2];
    std::optional<Clock::time_point> held_last_due;
    std::map<std::uint16_t, InFlight> in_flight;  // at most kSyncWindow
    std::deque<InFlight> queued;                  // packed, not sent yet (FIFO)
    std::optional<Clock::time_point> window_due;  // an ack opened the window
    std::uint16_t next_id = 1;
    std::uint32_t last_dump_id = 0;  // wire::put_dump_id of the latest full dump
    std::optional<Clock::duration> srtt;
    std::uint64_t retransmissions = 0;
    std::uint64_t full_dumps = 0;
  };

  void send(const Ipv6Address& peer, PeerState& ps, std::vector<mip6::BindingCacheInformation> bcis,
            std::uint8_t flags, Clock::time_point now, std::vector<SendHarpMessage>& out,
            bool restore = false);
  SendHarpMessage to_message(const Ipv6Address& peer, std::uint16_t id, const InFlight& f) const;
  void launch(const Ipv6Address& peer, PeerState& ps, InFlight f, Clock::time_point now,
              std::vector<SendHarpMessage>& out);
  // Sends queued messages while the window has room, then packs and sends
  // parts of the full dump under way (at most kDumpPartsPerPoll).
  void fill_window(const Ipv6Address& peer, PeerState& ps, const OwnRecords* own,
                   Clock::time_point now, std::vector<SendHarpMessage>& out);
  // Next dump number of `ps` (B7).
  std::uint32_t next_dump_id(PeerState& ps) const;
  // Packs the next part of ps.dump from the current records; the part that
  // ends it gets kLast and ends ps.dump.
  InFlight pack_dump_part(PeerState& ps, const OwnRecords& own, Clock::time_point now) const;
  // Drops the queued and unacknowledged messages that a full dump replaces
  // (everything but restore parts).
  static void drop_superseded_by_dump(PeerState& ps);
  enum Series : int { kDump = 0, kRestore = 1 };
  static Series series_of(const InFlight& f) { return f.restore ? kRestore : kDump; }
  static bool is_part_of(const InFlight& f, Series s);
  // Parts of series `s` queued or unacknowledged.
  static bool parts_outstanding(const PeerState& ps, Series s);
  // Sends a held L part whose other parts were all acknowledged.
  void release_held(PeerState& ps);
  Clock::duration backoff(unsigned tries) const;
  void supersede(PeerState& ps, const Ipv6Address& home_address);

  const GroupConfig& config_;
  std::map<Ipv6Address, PeerState> peers_;
};

}  // namespace harp
