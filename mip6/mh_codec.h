// The Mobility Header codec (RFC 6275 §6.1, RFC 5142, RFC 5847, HARP [D]):
// decode_mobility_header() turns the bytes of one MH (from its Payload Proto
// octet to its end, exactly (Header Len + 1) * 8 octets) into a
// MobilityMessage or a named MhError with the byte offset; it never reads out
// of bounds. encode_mobility_header() appends the wire form of a message to a
// caller-owned buffer (reuse it to avoid allocations): Payload Proto 59,
// Reserved 0, options at their alignments, tail padded to 8 octets, Header Len
// set, at most 2048 octets (MH-01, MH-08, MH-09). The checksum is written
// only by the overload that takes the pseudo-header addresses (mh_checksum.h
// says which addresses those are). HARP type numbers come from HarpNumbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "mip6/address.h"
#include "mip6/harp_numbers.h"
#include "mip6/mh_error.h"
#include "mip6/mobility_messages.h"
#include "mip6/result.h"

namespace mip6 {

// The RFC 6275 §6.1.1 header fields as received.
struct MhHeader {
  std::uint8_t payload_proto = mh::kPayloadProtoNone;
  std::uint8_t header_len = 0;  // in 8-octet units, first 8 octets not counted
  std::uint8_t mh_type = 0;
  std::uint16_t checksum = 0;
  std::size_t length() const { return (std::size_t{header_len} + 1) * 8; }
  bool operator==(const MhHeader&) const = default;
};

struct DecodedMobilityHeader {
  MhHeader header;
  MobilityMessage message;
};

// Decodes one whole MH. Checks, in order (RFC 6275 §6.1.1, §9.2): >= 8
// octets, a multiple of 8, <= 2048, Payload Proto 59, Header Len matching the
// data, a known MH type, the type's minimum length, type-specific counts,
// then the options (option_codec.h). The checksum is not checked here (it
// needs the pseudo-header addresses): use verify_mh_checksum().
Result<DecodedMobilityHeader, MhError> decode_mobility_header(std::span<const std::uint8_t> mh,
                                                              const HarpNumbers& harp = {});

// Appends the MH for `message` to `out` with a zero Checksum. On error `out`
// is left as it was.
Status<MhError> encode_mobility_header(const MobilityMessage& message,
                                       std::vector<std::uint8_t>& out,
                                       const HarpNumbers& harp = {});

// Same, then writes the checksum for the pseudo-header (src, dst).
Status<MhError> encode_mobility_header(const MobilityMessage& message, const Ipv6Address& src,
                                       const Ipv6Address& dst, std::vector<std::uint8_t>& out,
                                       const HarpNumbers& harp = {});

// The MH Type number a message is sent with.
std::uint8_t mh_type_of(const MobilityMessage& message, const HarpNumbers& harp = {});

// Human-readable message name, e.g. "Binding Update", "HARP HA-Hello".
std::string_view message_name(const MobilityMessage& message);

}  // namespace mip6
