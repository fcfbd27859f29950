// XFRM security policies as value types: the selector (RFC 4301 §4.4.1),
// direction and action of one kernel SPD entry, built from crypto::SpdSelector
// the way RFC 3776 §5 / RFC 4877 §7 shape Mobile IPv6 signalling policy
// (selectors name the home address, protocol 135, optionally one MH type).
// Pure values and validation; XfrmBackend turns them into netlink requests.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>

#include "crypto/sa.h"
#include "ha-agent/kernel/kernel_error.h"
#include "mip6/address.h"

namespace kernel {

inline constexpr std::uint8_t kIpProtoMobilityHeader = 135;  // RFC 6275 §6.1

enum class PolicyDirection : std::uint8_t { kIn, kOut };
std::string_view to_string(PolicyDirection d);

enum class PolicyAction : std::uint8_t {
  kAllow,       // pass in clear (XFRM_POLICY_ALLOW, no template)
  kBlock,       // drop (XFRM_POLICY_BLOCK)
  kRequireEsp,  // allow only through an ESP transport-mode SA (RFC 3776 §5)
};
std::string_view to_string(PolicyAction a);

// Kernel traffic selector. For protocol 135 the kernel matches the MH type
// in the source-port field (xfrm_flowi_sport(): fl6_mh_type), as
// `ip xfrm policy ... proto mobility-header type N` does.
struct XfrmSelector {
  mip6::Ipv6Prefix source;
  mip6::Ipv6Prefix destination;
  std::uint8_t protocol = kIpProtoMobilityHeader;  // 0: any
  std::optional<std::uint8_t> mh_type;             // only with protocol 135

  auto operator<=>(const XfrmSelector&) const = default;
  std::string to_string() const;
};

struct XfrmPolicy {
  XfrmSelector selector;
  PolicyDirection direction = PolicyDirection::kOut;
  PolicyAction action = PolicyAction::kAllow;
  std::uint32_t priority = 0;  // lower value wins (kernel xfrm_policy priority)
  // kRequireEsp only: endpoints of the transport template. Unset means "the
  // packet's own addresses", which is what transport mode needs.
  std::optional<mip6::Ipv6Address> template_source;
  std::optional<mip6::Ipv6Address> template_destination;
  std::uint32_t reqid = 0;  // binds the template to SAs with this reqid; 0: any
  // kRequireEsp only: the one inbound SA (by SPI) that may carry this
  // traffic; 0: any ESP SA. With it, an MN's SA cannot carry another HoA's
  // signalling (RFC 4877 §4, the check the user-space SPD makes).
  std::uint32_t template_spi = 0;
  // Inbound only: also accept a Home Address option processed by an XFRM
  // `hao` state (an optional route-optimization template, `proto hao mode
  // ro level use`), after the ESP template when there is one. Without it the
  // kernel rejects every packet whose sec_path holds an hao state (XFRM
  // policy check; interop.md §7, tests/qemu/kernel_backend_test.sh).
  bool accept_home_address_option = false;

  // The SPD entry for one direction of an RFC 3776 §5 selector: outbound
  // is local -> remote, inbound is remote -> local.
  static XfrmPolicy from_spd(const crypto::SpdSelector& s, PolicyDirection dir,
                             PolicyAction action);
  std::string to_string() const;
};

// A policy as dumped from the kernel.
struct InstalledPolicy {
  XfrmSelector selector;
  PolicyDirection direction = PolicyDirection::kOut;
  PolicyAction action = PolicyAction::kAllow;
  std::uint32_t priority = 0;
  std::uint32_t index = 0;  // kernel policy index
  int templates = 0;        // number of templates (ESP transforms required)
};

// Checks prefix lengths and the MH-type/protocol combination.
KernelStatus validate(const XfrmSelector& s);
KernelStatus validate(const XfrmPolicy& p);

}  // namespace kernel
