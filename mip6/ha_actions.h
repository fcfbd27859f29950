// What HomeAgent (home_agent.h) asks its caller to do, as value types: the
// protocol core decides, the shell (ha-agent/) turns each action into packets
// and kernel changes (STYLE.md, ngtcp2 model). BindingEvent is the bus on
// which every Binding Cache change is announced; replication listens to it
// later without mip6/ ever naming harp/ (STYLE.md, strongSwan model).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "mip6/address.h"
#include "mip6/binding_cache.h"
#include "mip6/mobility_messages.h"

namespace mip6 {

// Send `ba` from our_address to care_of_address, ESP-protected with the MN's
// SA, with a Type 2 routing header holding home_address when the two differ
// (RFC 6275 §6.1.8, §9.5.4; HA-06).
struct SendBindingAck {
  Ipv6Address home_address;
  Ipv6Address care_of_address;
  Ipv6Address our_address;
  BindingAcknowledgement ba;
  bool operator==(const SendBindingAck&) const = default;
};

// Send `be` from `source` to `destination` (RFC 6275 §9.2, §9.3.1).
struct SendBindingError {
  Ipv6Address destination;
  Ipv6Address source;
  BindingError be;
  bool operator==(const SendBindingError&) const = default;
};

// Send a Binding Refresh Request to home_address through the binding (RFC
// 6275 §6.1.2, §10.3.1 "MAY send a BRR"): the shell tunnels it to the CoA.
struct SendBindingRefreshRequest {
  Ipv6Address home_address;
  Ipv6Address care_of_address;
  Ipv6Address our_address;
  bool operator==(const SendBindingRefreshRequest&) const = default;
};

// Start serving a new binding: proxy ND for home_address (and link_local when
// L=1), send unsolicited NAs with Override (RFC 6275 §10.4.1, HA-04), route
// the HoA into the tunnel our_address <-> care_of_address (§10.4.2).
struct InstallHomeAddress {
  Ipv6Address home_address;
  Ipv6Address care_of_address;
  Ipv6Address our_address;
  std::optional<Ipv6Address> link_local;
  bool operator==(const InstallHomeAddress&) const = default;
};

// Re-point the tunnel of an existing binding to a new care-of address.
struct UpdateCareOf {
  Ipv6Address home_address;
  Ipv6Address old_care_of_address;
  Ipv6Address new_care_of_address;
  Ipv6Address our_address;
  bool operator==(const UpdateCareOf&) const = default;
};

// Stop serving: remove proxy ND (and link_local's), route and tunnel
// (RFC 6275 §10.3.2, HA-05, HA-07).
struct RemoveHomeAddress {
  Ipv6Address home_address;
  Ipv6Address care_of_address;
  std::optional<Ipv6Address> link_local;
  bool operator==(const RemoveHomeAddress&) const = default;
};

// A change of the Binding Cache. `entry` is the entry after the change
// (for deleted/expired: as it was when removed).
struct BindingEvent {
  enum class Kind : std::uint8_t {
    kCreated,    // new home registration (or a binding adopted at takeover)
    kUpdated,    // care-of address or flags changed
    kRefreshed,  // same care-of address and flags, new lifetime
    kDeleted,    // deregistration (lifetime 0 or CoA == HoA)
    kExpired,    // lifetime ran out (HA-07)
  };
  Kind kind = Kind::kCreated;
  BindingCacheEntry entry;
  bool operator==(const BindingEvent&) const = default;
};

std::string_view to_string(BindingEvent::Kind kind);

using HaAction = std::variant<SendBindingAck, SendBindingError, SendBindingRefreshRequest,
                              InstallHomeAddress, UpdateCareOf, RemoveHomeAddress, BindingEvent>;
using Actions = std::vector<HaAction>;

}  // namespace mip6
