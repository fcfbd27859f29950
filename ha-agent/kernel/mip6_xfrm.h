// Mobile IPv6 in the kernel's XFRM framework, as the `kernel` packet I/O
// backend of a home agent uses it (DESIGN.md §4, interop.md §7, measured in
// Debian's stock kernel: tests/qemu/kernel_backend_test.sh). Value types for
// route-optimization states (`proto hao` / `proto route2`, mode ro) and the
// pure builders of what the backend installs:
//  - per HA address: ONE wildcard `hao` state (src ::, dst HA, coa ::, flag
//    wildrecv; the kernel's xfrm6_input_addr() falls back to (dst, any src)
//    for states with that flag) and one inbound policy "proto ESP, dst HA"
//    with an optional hao template (the kernel checks the policy of the ESP
//    packet itself before decrypting; without it every BU carrying a Home
//    Address option is dropped as XfrmInNoPols);
//  - per mobile node: an inbound policy "HoA -> HA, proto MH" requiring ESP
//    through exactly that MN's inbound SPI (plus the optional hao template),
//    and an outbound policy "HA -> HoA, proto MH" requiring ESP (RFC 3776 §5,
//    RFC 4877 §4).
// The BA's Type 2 routing header is not an XFRM state here: the daemon
// passes it per message as IPV6_RTHDR ancillary data (io/kernel_mh_io.h).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "ha-agent/kernel/xfrm_policy.h"
#include "mip6/address.h"

namespace kernel {

inline constexpr std::uint8_t kIpProtoEsp = 50;
inline constexpr std::uint8_t kIpProtoDestinationOptions = 60;  // XFRM "hao"
inline constexpr std::uint8_t kIpProtoRouting = 43;             // XFRM "route2"

// An XFRM route-optimization state (mode ro; RFC 6275 §6.3 and §6.4 headers
// processed by the kernel). Keyed by (protocol, source, destination).
struct XfrmRoState {
  std::uint8_t protocol = kIpProtoDestinationOptions;
  mip6::Ipv6Address source;           // unspecified: any (with wildcard_receive)
  mip6::Ipv6Address destination;
  mip6::Ipv6Address care_of_address;  // unspecified: any care-of address
  bool wildcard_receive = false;      // XFRM_STATE_WILDRECV

  auto operator<=>(const XfrmRoState&) const = default;
  std::string to_string() const;
};
KernelStatus validate(const XfrmRoState& s);

// What the kernel backend installs for one HA address, apart from SAs.
struct Mip6XfrmPlan {
  std::vector<XfrmRoState> ro_states;
  std::vector<XfrmPolicy> policies;
};

// The per-HA-address part (wildcard hao state, ESP-stage hao policy).
Mip6XfrmPlan home_agent_base_plan(const mip6::Ipv6Address& ha_address);

// The two policies of one mobile node: inbound MH from the HoA only through
// the inbound SA `spi_in` (Home Address option allowed), outbound MH to the
// HoA through ESP (the kernel picks the SA HA -> HoA).
std::vector<XfrmPolicy> mobile_node_policies(const mip6::Ipv6Address& ha_address,
                                             const mip6::Ipv6Address& home_address,
                                             std::uint32_t spi_in);

}  // namespace kernel
