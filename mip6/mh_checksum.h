// Mobility Header checksum (RFC 6275 §6.1.1): the 16-bit one's complement of
// the one's complement sum over the RFC 2460 §8.1 pseudo-header (source,
// destination, 32-bit upper-layer length = MH length, 3 zero octets, Next
// Header 135) followed by the whole MH with its Checksum field taken as zero.
//
// Which addresses: the ones the end hosts see (RFC 6275 §6.3, §11.3.1; MH-04).
// When the packet carries a Home Address destination option the SOURCE is the
// home address from that option, not the care-of address in the IPv6 header;
// when it carries a Type 2 routing header the DESTINATION is the final one
// (the home address in the routing header), not the IPv6 destination. The
// caller (IPv6 framing, ipv6_packet.h) resolves this and passes the pair.
#pragma once

#include <cstdint>
#include <span>

#include "mip6/address.h"

namespace mip6 {

// The checksum the MH should carry; the Checksum field (octets 4-5) of `mh`
// is ignored. `mh` must be the whole MH (from Payload Proto) and >= 6 octets.
std::uint16_t mh_checksum(std::span<const std::uint8_t> mh, const Ipv6Address& src,
                          const Ipv6Address& dst);

// Computes and stores the checksum in octets 4-5. No-op if mh.size() < 6.
void write_mh_checksum(std::span<std::uint8_t> mh, const Ipv6Address& src, const Ipv6Address& dst);

// True when the sum over pseudo-header and MH (Checksum field included) is
// 0xffff, i.e. the carried checksum is right (RFC 1071 verification; accepts
// both one's complement zeros). False for an MH shorter than 6 octets.
bool verify_mh_checksum(std::span<const std::uint8_t> mh, const Ipv6Address& src,
                        const Ipv6Address& dst);

}  // namespace mip6
