// GroupConfig: the configuration of one HA's membership in a HARP redundancy
// group (protocol-notes §5.1, §5.9): group id, own address and preference,
// the configured peers, Hello timers (interval, dead multiplier, rise
// hysteresis), the takeover policy, replication batching and retransmission,
// Home Agent Switch pacing and HA Control timers. validate_group_config()
// names the first problem so a bad group is refused before use. All numbers
// are daemon defaults [D] (protocol-notes §5.9, gap G3).
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>
#include <vector>

#include "mip6/address.h"
#include "mip6/clock.h"
#include "mip6/harp_numbers.h"
#include "mip6/mobility_messages.h"
#include "mip6/result.h"

namespace harp {

using mip6::Clock;
using mip6::Ipv6Address;
using namespace std::chrono_literals;

struct PeerConfig {
  Ipv6Address address;
  std::int16_t preference = 0;  // RFC 6275 HA preference semantics: higher wins
};

// Who takes the MNs of a failed HA (protocol-notes §5.6.1 step 1, DESIGN.md §2).
enum class TakeoverPolicy : std::uint8_t {
  kPreference,  // the best live survivor takes all; ties -> highest address
  kSpread,      // rendezvous hashing (HRW) of each HoA over the live survivors
};

struct GroupConfig {
  std::uint8_t group_id = 1;  // 1..255 (0 reserved, §5.3.1)
  Ipv6Address own_address;
  std::int16_t preference = 0;
  std::vector<PeerConfig> peers;

  Clock::duration hello_interval = 1000ms;  // HARP_HELLO_INTERVAL, 10 ms .. 65 s
  unsigned dead_multiplier = 3;             // HARP_DEAD_MULTIPLIER
  unsigned rise = 3;                        // hellos before a returned peer counts again
  bool preempt = false;                     // HARP_PREEMPT (G18)
  TakeoverPolicy takeover = TakeoverPolicy::kPreference;
  // First Hello sequence number: the daemon passes a random value so that a
  // restarted HA is not mistaken for a replay (the library has no RNG).
  std::uint16_t initial_hello_sequence = 0;

  Clock::duration sync_delay = 50ms;        // HARP_SYNC_DELAY batching window (0..100 ms)
  Clock::duration retransmit_initial = 1s;  // HARP_SYNC_RETRANS / HARP_SWITCH_RETRANS
  Clock::duration retransmit_max = 32s;
  // Largest SS-REP Mobility Header (<= 2048, G5). The daemon lowers it to
  // fit the link MTU once IPv6 and ESP are added (it does not fragment).
  std::size_t max_sync_message = mip6::mh::kMaxLength;
  unsigned sync_max_retries = 5;            // HARP_SYNC_MAX_RETRIES, then full resync
  unsigned switch_max_tries = 5;            // HARP_SWITCH_MAX_RETRIES (G14)
  double switch_rate_per_s = 200.0;         // HA Switch pacing (token bucket rate)
  unsigned switch_burst = 20;               // token bucket depth
  Clock::duration control_timeout = 1s;     // HARP_CONTROL_TIMEOUT
  unsigned control_retries = 3;             // HARP_CONTROL_RETRIES
  Clock::duration final_sync_timeout = 5s;  // switchover: wait this long for the dump's acks
  bool accept_switchover = true;            // answer SWO-REQ 129 when false
  std::size_t max_events = 1024;            // event ring size for `ha-agentctl events`

  mip6::HarpNumbers numbers;
};

enum class ConfigError : std::uint8_t {
  kBadGroupId,          // 0
  kUnspecifiedAddress,  // own or a peer address is ::
  kPeerIsSelf,          // a peer has our own address
  kDuplicatePeer,
  kHelloIntervalOutOfRange,  // outside 10 ms .. 65 535 ms
  kBadMultiplier,            // 0 or > 255
  kBadRise,                  // 0 or > 255
  kBadSyncDelay,             // negative or > 1 s
  kBadRetransmit,            // initial <= 0 or max < initial
  kBadRetries,               // sync/switch/control retries 0
  kBadSwitchRate,            // rate <= 0 or burst 0
  kBadHarpNumbers,
  kBadMaxSyncMessage,  // below 256 or above 2048 octets
};

std::string_view to_string(ConfigError e);
mip6::Status<ConfigError> validate_group_config(const GroupConfig& config);

// HA Lifetime advertised in Hellos: ceil(3 x interval) seconds, min 1
// (protocol-notes §5.9).
std::uint16_t hello_lifetime_s(Clock::duration interval);

}  // namespace harp
