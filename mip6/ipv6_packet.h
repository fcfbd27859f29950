// IPv6 framing for what a home agent sends and receives on kernels without
// Mobile IPv6 (DESIGN.md §4): packets with a Home Address option or a Type 2
// routing header never reach protocol sockets there, so the daemon receives
// them whole (AF_PACKET, bytes from the IPv6 header on) and sends them whole
// (IPPROTO_RAW). parse_ipv6_packet() checks the fixed header, walks the
// extension-header chain (Hop-by-Hop, Routing Type 2, Destination Options
// with the Home Address option) and stops at the upper layer (ESP, MH,
// ICMPv6, No Next Header, ...), giving its protocol number, offset and bytes
// untouched; build_ipv6_packet() produces `IPv6 / RH2 / DestOpt(HAO) / upper`
// (RFC 6275 §6.3, RFC 3776 layouts). No I/O; see docs/ipv6-framing.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mip6/address.h"
#include "mip6/result.h"

namespace mip6 {

// IP protocol numbers (IANA "Assigned Internet Protocol Numbers").
namespace ipproto {
inline constexpr std::uint8_t kHopByHop = 0;             // RFC 8200 §4.3
inline constexpr std::uint8_t kRouting = 43;             // RFC 8200 §4.4
inline constexpr std::uint8_t kFragment = 44;            // RFC 8200 §4.5
inline constexpr std::uint8_t kEsp = 50;                 // RFC 4303
inline constexpr std::uint8_t kAh = 51;                  // RFC 4302
inline constexpr std::uint8_t kIcmpv6 = 58;              // RFC 4443
inline constexpr std::uint8_t kNoNextHeader = 59;        // RFC 8200 §4.7
inline constexpr std::uint8_t kDestinationOptions = 60;  // RFC 8200 §4.6
inline constexpr std::uint8_t kMobility = 135;           // RFC 6275 §6.1
}  // namespace ipproto

inline constexpr std::size_t kIpv6HeaderSize = 40;           // RFC 8200 §3
inline constexpr std::uint8_t kHomeAddressOptionType = 201;  // RFC 6275 §6.3 (0xC9)
inline constexpr std::uint8_t kType2RoutingType = 2;         // RFC 6275 §6.4
inline constexpr std::size_t kMaxExtensionHeaders = 8;       // our cap on the chain

// Why a packet could not be parsed or built. Every value has a name
// (to_string) so that drops can be counted and logged per reason.
enum class Ipv6Errc : std::uint8_t {
  kTruncatedHeader,              // fewer than 40 octets
  kBadVersion,                   // version field is not 6
  kTruncatedPayload,             // Payload Length runs past the buffer
  kTruncatedExtensionHeader,     // an extension header runs past the payload
  kHopByHopNotFirst,             // RFC 8200 §4.1: only right after the IPv6 header
  kTooManyExtensionHeaders,      // more than kMaxExtensionHeaders
  kDuplicateExtensionHeader,     // a second routing header (we keep one RH2)
  kTruncatedOption,              // a TLV option runs past its header
  kUnrecognizedOption,           // "unrecognized option that must not be skipped" (RFC 8200 §4.2)
  kBadHomeAddressOptionLength,   // RFC 6275 §6.3: Option Length 16
  kMisalignedHomeAddressOption,  // RFC 6275 §6.3: alignment 8n+6
  kDuplicateHomeAddressOption,   // at most one HAO per packet
  kHomeAddressOptionBeforeRoutingHeader,  // RFC 6275 §6.3: HAO goes after any RH
  kHomeAddressNotUnicast,                 // RFC 6275 §6.3/§6.4: HoA is a unicast routable address
  kUnsupportedRoutingType,                // any routing type but 2: never accepted
  kBadType2RoutingLength,                 // RFC 6275 §6.4: Hdr Ext Len 2
  kBadType2SegmentsLeft,                  // RFC 6275 §6.4: Segments Left 1 (0 once processed)
  kFragmentUnsupported,                   // Fragment header (RFC 8200 §4.5): not reassembled here
  kUnsupportedExtensionHeader,            // AH and other extension headers we do not walk
  kPayloadTooLarge,                       // build: Payload Length would exceed 65535
  kBadFieldValue,                         // build: a field out of range (flow label > 20 bits)
};

std::string_view to_string(Ipv6Errc code);

struct Ipv6Error {
  Ipv6Errc code;
  std::size_t offset = 0;  // byte offset from the start of the IPv6 header
  bool operator==(const Ipv6Error&) const = default;
};

// "name at offset N", for logs and test failure messages.
std::string to_string(const Ipv6Error& e);

// A Type 2 routing header as found on the wire (RFC 6275 §6.4).
struct Type2Routing {
  Ipv6Address home_address;
  std::uint8_t segments_left = 1;
  std::size_t offset = 0;  // of the routing header
  bool operator==(const Type2Routing&) const = default;
};

// A received IPv6 packet: the fixed header, what the Mobile IPv6 extension
// headers carry, and where the upper layer starts. `upper_layer` is a view
// into the buffer given to parse_ipv6_packet(): it is valid only as long as
// that buffer is. Trailing bytes after Payload Length (Ethernet padding) are
// not part of the packet.
struct Ipv6Packet {
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;  // 20 bits
  std::uint16_t payload_length = 0;
  std::uint8_t hop_limit = 0;
  Ipv6Address source;       // as on the wire (the care-of address for a BU with HAO)
  Ipv6Address destination;  // as on the wire (the care-of address for a BA with RH2)

  std::optional<Ipv6Address> home_address;     // from the Home Address option
  std::size_t home_address_option_offset = 0;  // of the option's type octet, if present
  std::optional<Type2Routing> type2_routing;
  std::size_t extension_header_count = 0;

  std::uint8_t upper_protocol = ipproto::kNoNextHeader;
  std::size_t upper_offset = 0;               // from the start of the IPv6 header
  std::span<const std::uint8_t> upper_layer;  // the upper layer's bytes, untouched

  // Pseudo-header addresses for upper-layer checksums such as the MH's
  // (RFC 6275 §6.1.1, §6.3, §11.3.1; RFC 8200 §8.1), i.e. the addresses
  // as the end hosts see them:
  // - source: the HoA carried in the Home Address option if present (the
  //   receiver swaps it with the CoA in the source field, §9.3.1), else
  //   the source field;
  // - destination: the address in a Type 2 routing header whose Segments
  //   Left is 1 (not yet processed: it is the final destination, the HoA);
  //   with Segments Left 0 the header has already been processed and the
  //   destination field already holds the final address (RFC 8200 §4.4),
  //   so the destination field is used, as it is without any RH2.
  Ipv6Address effective_source() const { return home_address ? *home_address : source; }
  Ipv6Address effective_destination() const {
    return (type2_routing && type2_routing->segments_left == 1) ? type2_routing->home_address
                                                                : destination;
  }
};

// Parses bytes starting at the IPv6 header. Never reads outside `bytes`;
// every malformed case gives a named Ipv6Error with the offending offset.
// Stops at the first header that is not Hop-by-Hop, Routing or Destination
// Options and reports it as the upper layer: ESP (50), MH (135), ICMPv6 (58),
// No Next Header (59) or any other transport protocol; AH and the other
// IANA extension headers are refused (kUnsupportedExtensionHeader).
Result<Ipv6Packet, Ipv6Error> parse_ipv6_packet(std::span<const std::uint8_t> bytes);

// What to send. The upper-layer payload is copied verbatim: its checksum (MH,
// ICMPv6) must already be computed over effective_source() and
// effective_destination(), and ESP must already be applied.
struct Ipv6PacketSpec {
  Ipv6Address source;
  Ipv6Address destination;
  std::uint8_t hop_limit = 64;
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;                           // 20 bits
  std::optional<Ipv6Address> home_address;                // -> Destination Options {HAO}
  std::optional<Ipv6Address> type2_routing_home_address;  // -> RH2, Segments Left 1
  std::uint8_t upper_protocol = ipproto::kNoNextHeader;
  std::span<const std::uint8_t> payload;

  Ipv6Address effective_source() const { return home_address ? *home_address : source; }
  Ipv6Address effective_destination() const {
    return type2_routing_home_address ? *type2_routing_home_address : destination;
  }
};

// Writes `IPv6 / [RH2] / [DestOpt(PadN, HAO)] / payload` into `out`, which is
// resized to exactly the packet (its capacity is reused between calls).
// Errors: kPayloadTooLarge when Payload Length would exceed 65535,
// kBadFieldValue when the flow label does not fit in 20 bits,
// kHomeAddressNotUnicast for a multicast/unspecified/loopback/link-local HoA.
Status<Ipv6Error> build_ipv6_packet(const Ipv6PacketSpec& spec, std::vector<std::uint8_t>& out);

// Size build_ipv6_packet() would produce (without the 65535 check).
std::size_t ipv6_packet_size(const Ipv6PacketSpec& spec);

// Internet checksum of an upper-layer message with the IPv6 pseudo-header
// (RFC 8200 §8.1; ICMPv6 RFC 4443 §2.3). `upper` is summed as given: zero
// its checksum field to compute the value to store; a message whose stored
// checksum is right sums to 0.
std::uint16_t upper_layer_checksum(const Ipv6Address& source, const Ipv6Address& destination,
                                   std::uint8_t next_header, std::span<const std::uint8_t> upper);

}  // namespace mip6
