// What a HarpNode (harp_node.h) asks the daemon to do, as value types (the
// ngtcp2 model of STYLE.md): HARP messages to send to a peer (ESP-protected
// by the shell, §5.8), RFC 5142 Home Agent Switch messages to send to an MN
// (protected with that MN's SA), bindings to adopt into or release from the
// local mip6::HomeAgent, and HarpEvent records for `ha-agentctl events`.
// Nothing here performs I/O; the shell maps each action to syscalls.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "mip6/address.h"
#include "mip6/binding_cache.h"
#include "mip6/clock.h"
#include "mip6/mobility_messages.h"

namespace harp {

// Send a HARP message (Hello, State Synchronization, HA Control) from our own
// unicast address to a peer's (gap G4), ESP transport between HAs.
struct SendHarpMessage {
  mip6::Ipv6Address destination;
  mip6::Ipv6Address source;
  mip6::MobilityMessage message;
};

// Send an RFC 5142 Home Agent Switch (N=1, naming `has.addresses[0]`) to the
// MN at home_address through the tunnel to care_of_address (gap G8),
// protected by the SA the MN holds with our_address (§5.6.1 step 2b).
struct SendHomeAgentSwitch {
  mip6::Ipv6Address home_address;
  mip6::Ipv6Address care_of_address;
  mip6::Ipv6Address our_address;
  mip6::HomeAgentSwitch has;
  unsigned attempt = 1;  // 1 = first transmission
};

// Takeover (§5.6.1 step 2a): call HomeAgent::adopt_binding(entry, now); the
// entry carries the bumped ownership epoch and accept_any_sequence.
struct AdoptBinding {
  mip6::BindingCacheEntry entry;
};

// Split brain loser (docs/harp.md): call HomeAgent::release_binding(hoa),
// which removes the binding and its forwarding state quietly (no BA, no
// BindingEvent). Should a delete/expiry event still arrive for a released
// HoA, HarpNode does not replicate it.
struct ReleaseBinding {
  mip6::Ipv6Address home_address;
};

// Role change for the local HomeAgent (HomeAgent::set_serving): false while
// drained or after handing every MN to a peer.
struct SetServing {
  bool serving = true;
};

enum class EventKind : std::uint8_t {
  kPeerUp,
  kPeerDown,  // detail: "dead_interval", "lifetime", "graceful_leave"
  kPeerRising,
  kTakeoverStarted,     // peer = failed HA, count = MNs this node takes
  kTakeoverFinished,    // count = moved, count2 = not moved (expired/no answer/refused)
  kMobileNodeMoved,     // home_address re-registered with us after a switch
  kSplitBrainResolved,  // home_address, peer = other claimant, detail "won"/"lost"
  kFullResync,          // peer, detail: why
  kSwitchoverResult,    // peer = target, count = MNs told, detail = outcome
  kSwitchoverAccepted,  // peer = requester (we are the target)
  kSwitchbackRequested,
};

std::string_view to_string(EventKind k);

struct HarpEvent {
  std::uint64_t serial = 0;  // 1, 2, ... in emission order
  mip6::Clock::time_point at{};
  EventKind kind = EventKind::kPeerUp;
  mip6::Ipv6Address peer;
  mip6::Ipv6Address home_address;
  std::uint32_t count = 0;
  std::uint32_t count2 = 0;
  std::string detail;
};

using HarpAction = std::variant<SendHarpMessage, SendHomeAgentSwitch, AdoptBinding, ReleaseBinding,
                                SetServing, HarpEvent>;
using HarpActions = std::vector<HarpAction>;

// Appends an action constructed in place (also avoids a g++ 12
// -Wmaybe-uninitialized false positive on variant temporaries).
template <class T>
void push_action(HarpActions& out, T&& action) {
  out.emplace_back(std::in_place_type<std::decay_t<T>>, std::forward<T>(action));
}

}  // namespace harp
