// Neighbor Solicitation / Advertisement codec (see icmpv6_nd.h).
//
// Neighbor Advertisement (RFC 4861 §4.4):
//   | Type 136 | Code 0 |          Checksum          |
//   |R|S|O|                 Reserved                 |
//   |               Target Address (16)              |
//   | Options ...
// Neighbor Solicitation (RFC 4861 §4.3): Type 135, Reserved (32), Target,
// options. Link-layer address option (RFC 4861 §4.6.1, RFC 2464 §8):
//   | Type 1 or 2 | Length 1 | Ethernet address (6) |
#include "mip6/icmpv6_nd.h"

#include <cstring>

namespace mip6 {

std::string_view to_string(NdErrc code) {
  switch (code) {
    case NdErrc::kFraming:
      return "malformed IPv6 framing";
    case NdErrc::kNotIcmpv6:
      return "not ICMPv6";
    case NdErrc::kTruncated:
      return "truncated neighbor discovery message";
    case NdErrc::kBadChecksum:
      return "bad ICMPv6 checksum";
    case NdErrc::kBadHopLimit:
      return "hop limit is not 255";
    case NdErrc::kBadCode:
      return "ICMPv6 code is not 0";
    case NdErrc::kNotNeighborDiscovery:
      return "not a neighbor solicitation or advertisement";
    case NdErrc::kMulticastTarget:
      return "multicast target address";
    case NdErrc::kZeroLengthOption:
      return "option with length 0";
    case NdErrc::kOptionOverrun:
      return "option runs past the message";
    case NdErrc::kBadLinkLayerAddressOption:
      return "bad link-layer address option length";
    case NdErrc::kDuplicateOption:
      return "duplicate link-layer address option";
    case NdErrc::kSolicitedToMulticast:
      return "solicited flag set towards multicast";
    case NdErrc::kUnspecifiedSourceWithLinkLayerOption:
      return "unspecified source with source link-layer address option";
    case NdErrc::kUnspecifiedSourceNotToSolicitedNode:
      return "unspecified source not sent to a solicited-node address";
    case NdErrc::kBadSource:
      return "source is not a unicast address";
  }
  return "unknown neighbor discovery error";
}

std::string to_string(const NdError& e) {
  std::string s(to_string(e.code));
  if (e.framing) {
    s += ": ";
    s += to_string(*e.framing);
  } else {
    s += " at offset ";
    s += std::to_string(e.offset);
  }
  return s;
}

namespace {

constexpr std::size_t kNdFixedSize = 24;  // type, code, checksum, 4, target
constexpr std::size_t kLinkLayerOptionSize = 8;
constexpr std::uint8_t kFlagRouter = 0x80;
constexpr std::uint8_t kFlagSolicited = 0x40;
constexpr std::uint8_t kFlagOverride = 0x20;

Unexpected<NdError> nd_error(NdErrc code, std::size_t offset) {
  return fail(NdError{code, offset, std::nullopt});
}

// ff02::1:ff00:0/104 (RFC 4291 §2.7.1).
bool is_solicited_node_multicast(const Ipv6Address& a) {
  static constexpr Ipv6Address kPrefix{
      Ipv6Address::Bytes{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0}};
  return a.in_prefix(kPrefix, 104);
}

}  // namespace

Status<NdError> build_neighbor_advertisement(const NeighborAdvertisement& na,
                                             std::vector<std::uint8_t>& out) {
  // RFC 4861 §4.4: the source is an address assigned to the interface.
  if (na.source.is_unspecified() || na.source.is_multicast())
    return nd_error(NdErrc::kBadSource, 8);
  // RFC 4861 §4.4: Target Address MUST NOT be multicast.
  if (na.target.is_multicast()) return nd_error(NdErrc::kMulticastTarget, kIpv6HeaderSize + 8);
  // RFC 4861 §4.4: S MUST be 0 when the destination is multicast.
  if (na.solicited && na.destination.is_multicast())
    return nd_error(NdErrc::kSolicitedToMulticast, kIpv6HeaderSize + 4);

  std::array<std::uint8_t, kNdFixedSize + kLinkLayerOptionSize> icmp{};
  const std::size_t icmp_size =
      kNdFixedSize + (na.target_link_layer_address ? kLinkLayerOptionSize : 0);
  icmp[0] = kIcmpv6NeighborAdvertisement;
  icmp[1] = 0;  // code; checksum (2, 3) filled below
  icmp[4] = static_cast<std::uint8_t>((na.router ? kFlagRouter : 0) |
                                      (na.solicited ? kFlagSolicited : 0) |
                                      (na.override_flag ? kFlagOverride : 0));
  std::memcpy(icmp.data() + 8, na.target.data(), Ipv6Address::kSize);
  if (na.target_link_layer_address) {
    icmp[24] = kNdOptTargetLinkLayerAddress;
    icmp[25] = 1;  // in units of 8 octets
    std::memcpy(icmp.data() + 26, na.target_link_layer_address->data(), 6);
  }
  const std::span<const std::uint8_t> body(icmp.data(), icmp_size);
  const std::uint16_t sum = upper_layer_checksum(na.source, na.destination, ipproto::kIcmpv6, body);
  icmp[2] = static_cast<std::uint8_t>(sum >> 8);
  icmp[3] = static_cast<std::uint8_t>(sum);

  Ipv6PacketSpec spec;
  spec.source = na.source;
  spec.destination = na.destination;
  spec.hop_limit = kNdHopLimit;
  spec.upper_protocol = ipproto::kIcmpv6;
  spec.payload = body;
  if (auto s = build_ipv6_packet(spec, out); !s)  // cannot fail for these sizes
    return fail(NdError{NdErrc::kFraming, s.error().offset, s.error()});
  return Ok{};
}

Result<NeighborDiscoveryMessage, NdError> parse_neighbor_discovery(
    std::span<const std::uint8_t> packet) {
  auto parsed = parse_ipv6_packet(packet);
  if (!parsed) return fail(NdError{NdErrc::kFraming, parsed.error().offset, parsed.error()});
  const Ipv6Packet& ip = *parsed;
  const std::size_t base = ip.upper_offset;
  const auto m = ip.upper_layer;
  if (ip.upper_protocol != ipproto::kIcmpv6) return nd_error(NdErrc::kNotIcmpv6, 6);
  if (m.size() < 4) return nd_error(NdErrc::kTruncated, base);
  const std::uint8_t type = m[0];
  if (type != kIcmpv6NeighborSolicitation && type != kIcmpv6NeighborAdvertisement)
    return nd_error(NdErrc::kNotNeighborDiscovery, base);
  // RFC 4861 §7.1.1 / §7.1.2, in the order listed there.
  if (ip.hop_limit != kNdHopLimit) return nd_error(NdErrc::kBadHopLimit, 7);
  if (upper_layer_checksum(ip.effective_source(), ip.effective_destination(), ipproto::kIcmpv6,
                           m) != 0)
    return nd_error(NdErrc::kBadChecksum, base + 2);
  if (m[1] != 0) return nd_error(NdErrc::kBadCode, base + 1);
  if (m.size() < kNdFixedSize) return nd_error(NdErrc::kTruncated, base);
  const auto target = Ipv6Address::from_bytes(m.data() + 8);
  if (target.is_multicast()) return nd_error(NdErrc::kMulticastTarget, base + 8);

  // Options: every Length > 0 (RFC 4861 §4.6); unknown ones skipped.
  const std::uint8_t wanted = type == kIcmpv6NeighborSolicitation ? kNdOptSourceLinkLayerAddress
                                                                  : kNdOptTargetLinkLayerAddress;
  std::optional<MacAddress> lla;
  for (std::size_t p = kNdFixedSize; p < m.size();) {
    if (m.size() - p < 2) return nd_error(NdErrc::kOptionOverrun, base + p);
    const std::size_t len = std::size_t{m[p + 1]} * 8;
    if (len == 0) return nd_error(NdErrc::kZeroLengthOption, base + p + 1);
    if (m.size() - p < len) return nd_error(NdErrc::kOptionOverrun, base + p + 1);
    if (m[p] == wanted) {
      if (len != kLinkLayerOptionSize)
        return nd_error(NdErrc::kBadLinkLayerAddressOption, base + p + 1);
      if (lla) return nd_error(NdErrc::kDuplicateOption, base + p);
      MacAddress mac;
      std::memcpy(mac.data(), m.data() + p + 2, mac.size());
      lla = mac;
    }
    p += len;
  }

  if (type == kIcmpv6NeighborSolicitation) {
    // RFC 4861 §7.1.1: a DAD probe (unspecified source) goes to a
    // solicited-node address and carries no source link-layer address.
    if (ip.source.is_unspecified()) {
      if (!is_solicited_node_multicast(ip.destination))
        return nd_error(NdErrc::kUnspecifiedSourceNotToSolicitedNode, 24);
      if (lla) return nd_error(NdErrc::kUnspecifiedSourceWithLinkLayerOption, base + kNdFixedSize);
    }
    return NeighborDiscoveryMessage{NeighborSolicitation{ip.source, ip.destination, target, lla}};
  }
  NeighborAdvertisement na;
  na.source = ip.source;
  na.destination = ip.destination;
  na.router = (m[4] & kFlagRouter) != 0;
  na.solicited = (m[4] & kFlagSolicited) != 0;
  na.override_flag = (m[4] & kFlagOverride) != 0;
  na.target = target;
  na.target_link_layer_address = lla;
  // RFC 4861 §7.1.2: S is 0 when the destination is multicast.
  if (na.solicited && ip.destination.is_multicast())
    return nd_error(NdErrc::kSolicitedToMulticast, base + 4);
  return NeighborDiscoveryMessage{na};
}

}  // namespace mip6
