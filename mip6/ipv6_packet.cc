// IPv6 header and extension-header chain: parse and build (see ipv6_packet.h).
//
// IPv6 header (RFC 8200 §3):
//   0                   1                   2                   3
//   |Version| Traffic Class |           Flow Label                  |
//   |         Payload Length        |  Next Header  |   Hop Limit   |
//   |                 Source Address (16)                           |
//   |               Destination Address (16)                        |
//
// Options header, Hop-by-Hop or Destination Options (RFC 8200 §4.3, §4.6):
//   | Next Header | Hdr Ext Len | Options (TLV) ...                 |
//   total length = (Hdr Ext Len + 1) * 8
//
// Home Address option (RFC 6275 §6.3), alignment 8n+6:
//   | Option Type 201 | Opt Data Len 16 | Home Address (16)           |
//
// Type 2 Routing header (RFC 6275 §6.4):
//   | Next Header | Hdr Ext Len=2 | Routing Type=2 | Segments Left=1 |
//   |                         Reserved (4)                            |
//   |                        Home Address (16)                        |
#include "mip6/ipv6_packet.h"

#include <algorithm>
#include <cstring>

namespace mip6 {

std::string_view to_string(Ipv6Errc code) {
  switch (code) {
    case Ipv6Errc::kTruncatedHeader:
      return "truncated IPv6 header";
    case Ipv6Errc::kBadVersion:
      return "IP version is not 6";
    case Ipv6Errc::kTruncatedPayload:
      return "payload length exceeds the packet";
    case Ipv6Errc::kTruncatedExtensionHeader:
      return "truncated extension header";
    case Ipv6Errc::kHopByHopNotFirst:
      return "hop-by-hop options header not first";
    case Ipv6Errc::kTooManyExtensionHeaders:
      return "too many extension headers";
    case Ipv6Errc::kDuplicateExtensionHeader:
      return "duplicate extension header";
    case Ipv6Errc::kTruncatedOption:
      return "truncated option";
    case Ipv6Errc::kUnrecognizedOption:
      return "unrecognized option that must not be skipped";
    case Ipv6Errc::kBadHomeAddressOptionLength:
      return "bad home address option length";
    case Ipv6Errc::kMisalignedHomeAddressOption:
      return "misaligned home address option";
    case Ipv6Errc::kDuplicateHomeAddressOption:
      return "duplicate home address option";
    case Ipv6Errc::kHomeAddressOptionBeforeRoutingHeader:
      return "home address option before routing header";
    case Ipv6Errc::kHomeAddressNotUnicast:
      return "home address is not a routable unicast address";
    case Ipv6Errc::kUnsupportedRoutingType:
      return "unsupported routing header type";
    case Ipv6Errc::kBadType2RoutingLength:
      return "bad type 2 routing header length";
    case Ipv6Errc::kBadType2SegmentsLeft:
      return "bad type 2 routing header segments left";
    case Ipv6Errc::kFragmentUnsupported:
      return "fragment header unsupported";
    case Ipv6Errc::kUnsupportedExtensionHeader:
      return "unsupported extension header";
    case Ipv6Errc::kPayloadTooLarge:
      return "payload too large";
    case Ipv6Errc::kBadFieldValue:
      return "field value out of range";
  }
  return "unknown IPv6 error";
}

std::string to_string(const Ipv6Error& e) {
  std::string s(to_string(e.code));
  s += " at offset ";
  s += std::to_string(e.offset);
  return s;
}

namespace {

constexpr std::size_t kType2RoutingSize = 24;  // (2 + 1) * 8, RFC 6275 §6.4
constexpr std::size_t kHaoDestOptsSize = 24;   // PadN(4) + HAO(18) after 2 octets
constexpr std::uint8_t kPad1 = 0;              // RFC 8200 §4.2
constexpr std::uint8_t kPadN = 1;
constexpr std::size_t kHaoDataLength = 16;

Unexpected<Ipv6Error> error(Ipv6Errc code, std::size_t offset) {
  return fail(Ipv6Error{code, offset});
}

// RFC 6275 §6.3 / §6.4: the HoA "MUST be a unicast routable address".
bool is_routable_unicast(const Ipv6Address& a) {
  static constexpr Ipv6Address::Bytes kLoopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return !a.is_unspecified() && !a.is_multicast() && !a.is_link_local() && a.bytes() != kLoopback;
}

// Extension headers of the IANA "IPv6 Extension Header Types" registry that
// we neither walk nor treat as an upper layer (RFC 7045 §2).
bool is_unsupported_extension_header(std::uint8_t nh) {
  return nh == ipproto::kAh || nh == 139 /* HIP */ || nh == 140 /* Shim6 */ || nh == 253 ||
         nh == 254 /* RFC 3692 experiments */;
}

// State of the chain walk that outlives one header.
struct Walk {
  std::span<const std::uint8_t> b;  // exactly the packet: 40 + Payload Length
  Ipv6Packet& pkt;
};

// Walks the TLV options of a Hop-by-Hop or Destination Options header that
// occupies [start, end) (RFC 8200 §4.2).
Status<Ipv6Error> parse_options(Walk& w, std::size_t start, std::size_t end,
                                bool destination_options) {
  std::size_t p = start + 2;
  while (p < end) {
    const std::uint8_t type = w.b[p];
    if (type == kPad1) {
      ++p;
      continue;
    }
    if (end - p < 2) return error(Ipv6Errc::kTruncatedOption, p);
    const std::size_t len = w.b[p + 1];
    if (end - p - 2 < len) return error(Ipv6Errc::kTruncatedOption, p + 1);
    if (type == kPadN) {
      // Contents ignored on receipt (RFC 8200 §4.2).
    } else if (type == kHomeAddressOptionType && destination_options) {
      // RFC 6275 §6.3: Option Length 16, alignment 8n+6, at most one.
      if (len != kHaoDataLength) return error(Ipv6Errc::kBadHomeAddressOptionLength, p + 1);
      if ((p - start) % 8 != 6) return error(Ipv6Errc::kMisalignedHomeAddressOption, p);
      if (w.pkt.home_address) return error(Ipv6Errc::kDuplicateHomeAddressOption, p);
      const auto hoa = Ipv6Address::from_bytes(w.b.data() + p + 2);
      if (!is_routable_unicast(hoa)) return error(Ipv6Errc::kHomeAddressNotUnicast, p + 2);
      w.pkt.home_address = hoa;
      w.pkt.home_address_option_offset = p;
    } else if ((type >> 6) != 0) {
      // RFC 8200 §4.2: the two high-order bits 01, 10, 11 all mean discard.
      // (10/11 also ask for an ICMPv6 Parameter Problem: the caller's call.)
      return error(Ipv6Errc::kUnrecognizedOption, p);
    }
    p += 2 + len;
  }
  return Ok{};
}

// Type 2 routing header at [start, start + (Hdr Ext Len + 1) * 8).
Status<Ipv6Error> parse_routing(Walk& w, std::size_t start) {
  if (w.pkt.type2_routing) return error(Ipv6Errc::kDuplicateExtensionHeader, start);
  // RFC 6275 §6.3: the HAO is placed after the routing header.
  if (w.pkt.home_address) return error(Ipv6Errc::kHomeAddressOptionBeforeRoutingHeader, start);
  const std::uint8_t type = w.b[start + 2];
  const std::uint8_t segments_left = w.b[start + 3];
  // Only Type 2 is ever accepted, whatever Segments Left says (RH0 is
  // deprecated by RFC 5095; an HA has no use for any other type).
  if (type != kType2RoutingType) return error(Ipv6Errc::kUnsupportedRoutingType, start + 2);
  if (w.b[start + 1] != 2) return error(Ipv6Errc::kBadType2RoutingLength, start + 1);
  // RFC 6275 §6.4: sent with Segments Left 1; 0 means already processed.
  if (segments_left > 1) return error(Ipv6Errc::kBadType2SegmentsLeft, start + 3);
  const auto hoa = Ipv6Address::from_bytes(w.b.data() + start + 8);
  if (!is_routable_unicast(hoa)) return error(Ipv6Errc::kHomeAddressNotUnicast, start + 8);
  w.pkt.type2_routing = Type2Routing{hoa, segments_left, start};
  return Ok{};
}

// One's complement sum (RFC 1071) kept in 64 bits: no overflow for any
// span length; folded by the caller.
std::uint64_t sum16(std::uint64_t acc, std::span<const std::uint8_t> data) {
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) acc += (std::uint64_t{data[i]} << 8) | data[i + 1];
  if (i < data.size()) acc += std::uint64_t{data[i]} << 8;  // odd octet padded with zero
  return acc;
}

void put_address(std::uint8_t* p, const Ipv6Address& a) {
  std::memcpy(p, a.data(), Ipv6Address::kSize);
}

}  // namespace

Result<Ipv6Packet, Ipv6Error> parse_ipv6_packet(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kIpv6HeaderSize) return error(Ipv6Errc::kTruncatedHeader, bytes.size());
  if ((bytes[0] >> 4) != 6) return error(Ipv6Errc::kBadVersion, 0);

  Ipv6Packet pkt;
  pkt.traffic_class = static_cast<std::uint8_t>(((bytes[0] & 0x0f) << 4) | (bytes[1] >> 4));
  pkt.flow_label =
      (std::uint32_t{bytes[1] & 0x0fu} << 16) | (std::uint32_t{bytes[2]} << 8) | bytes[3];
  pkt.payload_length = static_cast<std::uint16_t>((bytes[4] << 8) | bytes[5]);
  pkt.hop_limit = bytes[7];
  pkt.source = Ipv6Address::from_bytes(bytes.data() + 8);
  pkt.destination = Ipv6Address::from_bytes(bytes.data() + 24);
  // A longer buffer is fine (Ethernet padding): the packet ends where
  // Payload Length says. A shorter one is truncated.
  const std::size_t end = kIpv6HeaderSize + pkt.payload_length;
  if (end > bytes.size()) return error(Ipv6Errc::kTruncatedPayload, 4);

  Walk w{bytes.first(end), pkt};
  std::uint8_t nh = bytes[6];
  std::size_t off = kIpv6HeaderSize;
  for (;;) {
    const bool known =
        nh == ipproto::kHopByHop || nh == ipproto::kRouting || nh == ipproto::kDestinationOptions;
    if (nh == ipproto::kFragment) return error(Ipv6Errc::kFragmentUnsupported, off);
    if (is_unsupported_extension_header(nh))
      return error(Ipv6Errc::kUnsupportedExtensionHeader, off);
    if (!known) break;  // the upper layer (ESP, MH, ICMPv6, No Next Header, ...)

    // RFC 8200 §4.1: Hop-by-Hop only immediately after the IPv6 header.
    if (nh == ipproto::kHopByHop && off != kIpv6HeaderSize)
      return error(Ipv6Errc::kHopByHopNotFirst, off);
    if (pkt.extension_header_count == kMaxExtensionHeaders)
      return error(Ipv6Errc::kTooManyExtensionHeaders, off);
    if (end - off < 2) return error(Ipv6Errc::kTruncatedExtensionHeader, off);
    const std::size_t len = (std::size_t{bytes[off + 1]} + 1) * 8;
    if (end - off < len) return error(Ipv6Errc::kTruncatedExtensionHeader, off + 1);
    ++pkt.extension_header_count;

    if (nh == ipproto::kRouting) {
      if (auto s = parse_routing(w, off); !s) return fail(s.error());
    } else {
      // Destination Options may repeat (RFC 8200 §4.1: receivers accept any
      // order and count); the chain cap above bounds the work.
      const bool dest = nh == ipproto::kDestinationOptions;
      if (auto s = parse_options(w, off, off + len, dest); !s) return fail(s.error());
    }
    nh = bytes[off];
    off += len;
  }
  pkt.upper_protocol = nh;
  pkt.upper_offset = off;
  pkt.upper_layer = bytes.subspan(off, end - off);
  return pkt;
}

std::size_t ipv6_packet_size(const Ipv6PacketSpec& spec) {
  return kIpv6HeaderSize + (spec.type2_routing_home_address ? kType2RoutingSize : 0) +
         (spec.home_address ? kHaoDestOptsSize : 0) + spec.payload.size();
}

Status<Ipv6Error> build_ipv6_packet(const Ipv6PacketSpec& spec, std::vector<std::uint8_t>& out) {
  const std::size_t size = ipv6_packet_size(spec);
  if (size - kIpv6HeaderSize > 0xffff) return error(Ipv6Errc::kPayloadTooLarge, 4);
  if (spec.flow_label > 0xfffff) return error(Ipv6Errc::kBadFieldValue, 1);
  if (spec.type2_routing_home_address && !is_routable_unicast(*spec.type2_routing_home_address))
    return error(Ipv6Errc::kHomeAddressNotUnicast, kIpv6HeaderSize + 8);
  if (spec.home_address && !is_routable_unicast(*spec.home_address))
    return error(Ipv6Errc::kHomeAddressNotUnicast, size - spec.payload.size() - 16);

  out.resize(size);
  std::uint8_t* p = out.data();
  const std::size_t payload_length = size - kIpv6HeaderSize;
  // RFC 6275 §6.3 order: IPv6 / RH2 / DestOpt(HAO) / upper layer.
  const std::uint8_t after_rh =
      spec.home_address ? ipproto::kDestinationOptions : spec.upper_protocol;
  const std::uint8_t first = spec.type2_routing_home_address ? ipproto::kRouting : after_rh;

  p[0] = static_cast<std::uint8_t>(0x60 | (spec.traffic_class >> 4));
  p[1] = static_cast<std::uint8_t>(((spec.traffic_class & 0x0f) << 4) | (spec.flow_label >> 16));
  p[2] = static_cast<std::uint8_t>(spec.flow_label >> 8);
  p[3] = static_cast<std::uint8_t>(spec.flow_label);
  p[4] = static_cast<std::uint8_t>(payload_length >> 8);
  p[5] = static_cast<std::uint8_t>(payload_length);
  p[6] = first;
  p[7] = spec.hop_limit;
  put_address(p + 8, spec.source);
  put_address(p + 24, spec.destination);
  p += kIpv6HeaderSize;

  if (spec.type2_routing_home_address) {
    // RFC 6275 §6.4: Hdr Ext Len 2, Routing Type 2, Segments Left 1,
    // Reserved 0, the HoA.
    p[0] = after_rh;
    p[1] = 2;
    p[2] = kType2RoutingType;
    p[3] = 1;
    std::memset(p + 4, 0, 4);
    put_address(p + 8, *spec.type2_routing_home_address);
    p += kType2RoutingSize;
  }
  if (spec.home_address) {
    // PadN of 4 octets (2 data octets, zero) puts the HAO type at offset 6:
    // the 8n+6 alignment of RFC 6275 §6.3. Same layout as Linux and scapy.
    p[0] = spec.upper_protocol;
    p[1] = 2;
    p[2] = kPadN;
    p[3] = 2;
    p[4] = 0;
    p[5] = 0;
    p[6] = kHomeAddressOptionType;
    p[7] = kHaoDataLength;
    put_address(p + 8, *spec.home_address);
    p += kHaoDestOptsSize;
  }
  if (!spec.payload.empty()) std::memcpy(p, spec.payload.data(), spec.payload.size());
  return Ok{};
}

std::uint16_t upper_layer_checksum(const Ipv6Address& source, const Ipv6Address& destination,
                                   std::uint8_t next_header, std::span<const std::uint8_t> upper) {
  // RFC 8200 §8.1 pseudo-header: source, destination, 32-bit upper-layer
  // length, 24 zero bits, next header.
  const std::uint64_t length = upper.size();
  std::uint64_t acc = sum16(0, source.bytes());
  acc = sum16(acc, destination.bytes());
  acc += ((length >> 16) & 0xffff) + (length & 0xffff) + next_header;
  acc = sum16(acc, upper);
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint16_t>(~acc & 0xffff);
}

}  // namespace mip6
