// ICMPv6 Neighbor Discovery messages the home agent needs on the home link:
// it builds the unsolicited Neighbor Advertisement (Override set, to all
// nodes) that RFC 6275 §10.4.1 requires when it starts to defend a newly
// registered home address by proxy ND, as a whole IPv6 packet with its
// ICMPv6 checksum (RFC 4861 §4.4, RFC 4443 §2.3); and it parses received
// Neighbor Solicitations and Advertisements with the validity checks of
// RFC 4861 §7.1.1 / §7.1.2. Ethernet link-layer addresses only (RFC 2464).
// No I/O; the framing comes from mip6/ipv6_packet.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mip6/address.h"
#include "mip6/ipv6_packet.h"
#include "mip6/result.h"

namespace mip6 {

using MacAddress = std::array<std::uint8_t, 6>;

inline constexpr std::uint8_t kIcmpv6NeighborSolicitation = 135;   // RFC 4861 §4.3
inline constexpr std::uint8_t kIcmpv6NeighborAdvertisement = 136;  // RFC 4861 §4.4
inline constexpr std::uint8_t kNdOptSourceLinkLayerAddress = 1;    // RFC 4861 §4.6.1
inline constexpr std::uint8_t kNdOptTargetLinkLayerAddress = 2;
inline constexpr std::uint8_t kNdHopLimit = 255;  // RFC 4861 §7.1

// ff02::1, the all-nodes multicast address (RFC 4291 §2.7.1).
inline constexpr Ipv6Address kAllNodesMulticast{
    Ipv6Address::Bytes{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};

enum class NdErrc : std::uint8_t {
  kFraming,                    // the IPv6 packet itself is malformed: see NdError::framing
  kNotIcmpv6,                  // upper layer is not ICMPv6
  kTruncated,                  // ICMPv6 message shorter than 24 octets
  kBadChecksum,                // RFC 4443 §2.3
  kBadHopLimit,                // RFC 4861 §7.1.1/§7.1.2: must be 255
  kBadCode,                    // ICMP Code must be 0
  kNotNeighborDiscovery,       // another ICMPv6 type
  kMulticastTarget,            // Target Address must not be multicast
  kZeroLengthOption,           // RFC 4861 §4.6: Length 0 is invalid
  kOptionOverrun,              // an option runs past the message
  kBadLinkLayerAddressOption,  // not Length 1 (6-octet Ethernet address, RFC 2464 §8)
  kDuplicateOption,            // a link-layer address option twice
  kSolicitedToMulticast,       // RFC 4861 §4.4/§7.1.2: S must be 0 towards multicast
  kUnspecifiedSourceWithLinkLayerOption,  // RFC 4861 §7.1.1 (DAD solicitation)
  kUnspecifiedSourceNotToSolicitedNode,   // RFC 4861 §7.1.1 (DAD solicitation)
  kBadSource,                             // build: source must be a unicast address of ours
};

std::string_view to_string(NdErrc code);

struct NdError {
  NdErrc code;
  std::size_t offset = 0;            // from the start of the IPv6 header
  std::optional<Ipv6Error> framing;  // set with kFraming
  bool operator==(const NdError&) const = default;
};

std::string to_string(const NdError& e);

// Neighbor Solicitation (RFC 4861 §4.3), as received.
struct NeighborSolicitation {
  Ipv6Address source;
  Ipv6Address destination;
  Ipv6Address target;
  std::optional<MacAddress> source_link_layer_address;
  bool operator==(const NeighborSolicitation&) const = default;
};

// Neighbor Advertisement (RFC 4861 §4.4): what to build, or what was
// received. The defaults are the RFC 6275 §10.4.1 unsolicited NA: to all
// nodes, Override set, Solicited clear.
struct NeighborAdvertisement {
  Ipv6Address source;  // the HA's link-local or global address on the home link
  Ipv6Address destination = kAllNodesMulticast;
  bool router = false;
  bool solicited = false;
  bool override_flag = true;
  Ipv6Address target;                                   // the home address being defended
  std::optional<MacAddress> target_link_layer_address;  // the HA's MAC
  bool operator==(const NeighborAdvertisement&) const = default;
};

using NeighborDiscoveryMessage = std::variant<NeighborSolicitation, NeighborAdvertisement>;

// Writes the whole IPv6 packet (hop limit 255, ICMPv6 checksum filled) into
// `out` (resized; capacity reused). Errors: kBadSource (multicast or
// unspecified source), kMulticastTarget, kSolicitedToMulticast.
Status<NdError> build_neighbor_advertisement(const NeighborAdvertisement& na,
                                             std::vector<std::uint8_t>& out);

// Parses an IPv6 packet carrying an NS or NA and applies the receive checks
// of RFC 4861 §7.1.1 / §7.1.2 (hop limit 255, checksum, code 0, length,
// target not multicast, option lengths, S flag, DAD rules). The checksum
// uses the packet's effective addresses (ipv6_packet.h). Options other than
// the link-layer address options are skipped (RFC 4861 §4.6).
Result<NeighborDiscoveryMessage, NdError> parse_neighbor_discovery(
    std::span<const std::uint8_t> packet);

}  // namespace mip6
