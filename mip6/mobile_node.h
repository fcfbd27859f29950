// MobileNode: the mobile-node side of Mobile IPv6 home registration (RFC 6275
// §11.7.1-§11.7.4, §11.8) and of the Home Agent Switch (RFC 5142 §6), as pure
// logic with a manual clock, for the mn-emu test tool (and for simulations).
// One object per emulated MN: it knows its home address, its care-of address
// and the home agents it holds an ESP SA pair with; it builds home
// registration Binding Updates (A and H set, K = 0), retransmits them with
// exponential backoff (InitialBindackTimeoutFirstReg 1.5 s for a first
// registration, INITIAL_BINDACK_TIMEOUT 1 s otherwise, doubling, capped at
// MAX_BINDACK_TIMEOUT 32 s), handles Binding Acknowledgements (status 135
// resynchronises the sequence number, §11.7.3), refreshes before the granted
// lifetime runs out, answers Binding Refresh Requests, deregisters on request
// and follows a Home Agent Switch only when it arrived under an SA with an
// acceptable HA and names an HA it holds an SA with. Received messages come
// in already opened (ESP) and decoded; the caller says which HA's SA opened
// them. What to send comes out as SendBindingUpdate actions; next_expiry()
// says when to call on_timer(). Every ignored input has a named reason.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "mip6/address.h"
#include "mip6/mobility_messages.h"
#include "mip6/sequence_number.h"

namespace mip6 {

using MnClock = std::chrono::steady_clock;
using MnTime = MnClock::time_point;
using MnDuration = MnClock::duration;
using MnId = std::uint32_t;

// Retransmission and refresh timing. Defaults are the RFC 6275 values.
struct MobileNodeTimers {
  MnDuration initial_bindack_timeout = std::chrono::seconds(1);  // INITIAL_BINDACK_TIMEOUT (§12)
  MnDuration initial_bindack_timeout_first_reg =
      std::chrono::milliseconds(1500);                         // InitialBindackTimeoutFirstReg (§13)
  MnDuration max_bindack_timeout = std::chrono::seconds(32);  // MAX_BINDACK_TIMEOUT (§12)
  // Refresh when this share (per mille) of the granted lifetime has passed
  // (§11.7.1 leaves the moment to the MN; a Binding Refresh Advice option in
  // the BA can only make it earlier, §11.7.3).
  std::uint32_t refresh_permille = 850;
  // Status 135 answers accepted in a row before the MN gives up (a broken HA
  // could otherwise keep it resynchronising forever).
  std::uint32_t max_sequence_resyncs = 4;
};

// A home agent the MN holds an ESP SA pair with (RFC 3776 §4.2, RFC 4877).
struct HomeAgentEntry {
  Ipv6Address address;
  std::uint32_t sa_handle = 0;  // opaque: which SA pair the caller uses with this HA
};

struct MobileNodeConfig {
  Ipv6Address home_address;
  Ipv6Address care_of_address;
  std::vector<HomeAgentEntry> home_agents;  // at least one
  std::size_t initial_home_agent = 0;       // index into home_agents
  std::uint32_t requested_lifetime_s = 3600;  // rounded up to 4 s units, capped at 262140 s
  // HARP (draft-ietf-mip6-hareliability): accept a Home Agent Switch under
  // the SA of any listed HA (a pre-authorised standby), not only the current.
  bool harp = false;
  // Carry the CoA in an Alternate Care-of Address option: ESP transport mode
  // does not protect the IPv6 source address (RFC 6275 §6.2.5, §11.7.1;
  // RFC 3776 §4.1).
  bool alternate_care_of_address = true;
  SequenceNumber initial_sequence;  // the first BU carries this value
  MobileNodeTimers timers;
};

enum class MnState : std::uint8_t {
  kIdle,           // nothing sent yet
  kRegistering,    // first registration with the current HA outstanding
  kRegistered,     // binding acknowledged; refresh timer armed
  kRefreshing,     // refresh BU (lifetime renewal, BRR answer) outstanding
  kDeregistering,  // BU with lifetime 0 outstanding
  kDeregistered,   // deregistration acknowledged
  kError,          // rejected by the HA (error() says why); no timers
};
inline constexpr std::size_t kMnStateCount = 7;
std::string_view to_string(MnState s);

// Why an input was ignored (counted per MN and per set).
enum class MnIgnoreReason : std::uint8_t {
  kUnprotected,                 // not under ESP (RFC 3776 §3, RFC 5142 §6.1)
  kUnknownHomeAgent,            // the opening SA's HA index is not in home_agents
  kFromOtherHomeAgent,          // SA of an HA that may not send this message now
  kNoPendingBindingUpdate,      // BA while no BU is outstanding
  kSequenceMismatch,            // BA whose sequence is not the outstanding BU's (§11.7.3)
  kNoBinding,                   // HAS/BRR while the MN has no binding
  kEmptyHomeAgentList,          // HAS with no address: DHAAD is not emulated (RFC 5142 §6.2)
  kNoUsableHomeAgent,           // HAS names no HA the MN holds an SA with (RFC 5142 §6.2)
  kAlreadyWithNamedHomeAgent,   // HAS naming the HA the MN registers/is registered with
  kRefreshInProgress,           // BRR while a refresh BU is already outstanding
};
inline constexpr std::size_t kMnIgnoreReasonCount = 10;
std::string_view to_string(MnIgnoreReason r);

// Why the MN stopped in kError.
enum class MnErrorKind : std::uint8_t {
  kNone,
  kRejected,            // BA status >= 128 (other than 135): error_status() holds it
  kZeroLifetime,        // registration accepted with lifetime 0
  kTooManyResyncs,      // status 135 more than max_sequence_resyncs times in a row
};
std::string_view to_string(MnErrorKind k);

// One Binding Update to send: IPv6(src=CoA, dst=HA) / DestOpt(HAO=HoA) /
// ESP(SA with that HA) / MH(BU), checksum over (HoA, HA) (RFC 6275 §6.1.1).
struct SendBindingUpdate {
  MnId mn = 0;
  std::size_t home_agent = 0;  // index into the MN's home_agents
  Ipv6Address ha_address;
  std::uint32_t sa_handle = 0;
  BindingUpdate bu;
  bool retransmission = false;
};
using MnActions = std::vector<SendBindingUpdate>;

// Timings and counters for reports.
struct MobileNodeStats {
  std::optional<MnTime> first_bu_sent;
  std::optional<MnTime> first_registered;
  std::optional<MnTime> last_registered;
  std::optional<MnTime> last_switch_received;
  std::optional<MnTime> reregistered_after_switch;  // BA from the new HA after the last switch
  std::optional<MnTime> deregistered;
  std::uint32_t bus_sent = 0;
  std::uint32_t retransmissions = 0;
  std::uint32_t refreshes = 0;
  std::uint32_t sequence_resyncs = 0;
  std::uint32_t switches_followed = 0;
  std::uint32_t refresh_requests_answered = 0;
  std::vector<std::pair<std::uint8_t, std::uint32_t>> bas_by_status;  // (status, count)
  std::array<std::uint32_t, kMnIgnoreReasonCount> ignored{};
};

class MobileNode {
 public:
  MobileNode(MnId id, MobileNodeConfig config);

  // --- commands ---
  // Starts a home registration with the current HA (from kIdle,
  // kDeregistered or kError; otherwise a no-op).
  void start_registration(MnTime now, MnActions& out);
  // Makes on_timer() call start_registration() at `at` (pacing).
  void schedule_registration(MnTime at) { start_at_ = at; }
  // Sends a BU with lifetime 0 to the current HA (RFC 6275 §11.7.1) unless
  // the MN is idle, deregistered or in error.
  void deregister(MnTime now, MnActions& out);
  void schedule_deregistration(MnTime at) { deregister_at_ = at; }

  // --- inputs; `via` is the index of the HA whose SA opened the message
  // (nullopt: it was not ESP-protected). nullopt result = processed. ---
  std::optional<MnIgnoreReason> on_binding_ack(const BindingAcknowledgement& ba,
                                               std::optional<std::size_t> via, MnTime now,
                                               MnActions& out);
  std::optional<MnIgnoreReason> on_home_agent_switch(const HomeAgentSwitch& has,
                                                     std::optional<std::size_t> via, MnTime now,
                                                     MnActions& out);
  std::optional<MnIgnoreReason> on_binding_refresh_request(std::optional<std::size_t> via,
                                                           MnTime now, MnActions& out);

  // --- time ---
  void on_timer(MnTime now, MnActions& out);
  std::optional<MnTime> next_expiry() const;

  // --- state ---
  MnId id() const { return id_; }
  const MobileNodeConfig& config() const { return config_; }
  MnState state() const { return state_; }
  std::size_t current_home_agent() const { return current_; }
  const HomeAgentEntry& current_home_agent_entry() const { return config_.home_agents[current_]; }
  bool has_binding() const { return bound_; }
  MnErrorKind error() const { return error_; }
  std::uint8_t error_status() const { return error_status_; }  // BA status for kRejected
  std::uint32_t granted_lifetime_s() const { return granted_lifetime_s_; }
  std::optional<MnTime> binding_expires() const { return binding_expires_; }
  SequenceNumber next_sequence() const { return next_sequence_; }
  std::optional<SequenceNumber> outstanding_sequence() const { return outstanding_; }
  MnDuration current_backoff() const { return backoff_; }
  const MobileNodeStats& stats() const { return stats_; }

 private:
  enum class Exchange : std::uint8_t { kFirstRegistration, kRefresh, kDeregistration };
  void begin_exchange(Exchange e, MnTime now, MnActions& out);
  void send_bu(MnTime now, MnActions& out, bool retransmission);
  void accept_registration(const BindingAcknowledgement& ba, MnTime now);
  std::optional<MnIgnoreReason> ignore(MnIgnoreReason r);
  void count_status(std::uint8_t status);

  MnId id_;
  MobileNodeConfig config_;
  MnState state_ = MnState::kIdle;
  std::size_t current_ = 0;
  bool bound_ = false;          // the MN holds a binding (registered at least once, not deregistered)
  bool switch_pending_ = false;  // re-registering after a Home Agent Switch
  Exchange exchange_ = Exchange::kFirstRegistration;
  SequenceNumber next_sequence_;
  std::optional<SequenceNumber> outstanding_;
  std::uint32_t resyncs_in_a_row_ = 0;
  MnDuration backoff_{};
  std::optional<MnTime> timer_;  // retransmission or refresh
  std::optional<MnTime> start_at_;
  std::optional<MnTime> deregister_at_;
  std::uint32_t granted_lifetime_s_ = 0;
  std::optional<MnTime> binding_expires_;
  MnErrorKind error_ = MnErrorKind::kNone;
  std::uint8_t error_status_ = 0;
  MobileNodeStats stats_;
};

}  // namespace mip6
