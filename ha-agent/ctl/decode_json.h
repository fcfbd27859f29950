// The library behind `ha-agentctl decode`: hex text to bytes, and a decoded
// Mobility Header rendered as one JSON object whose field names are the RFC
// field names in snake_case (mh_type, message, sequence, flags as letters,
// lifetime_s, status, home_address, addresses, options[...]). Options are
// listed in the codec's canonical order (padding omitted); unknown options
// carry their data in hex and the offset where they were found. With
// pseudo-header addresses the object also says whether the checksum is right.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mip6/address.h"
#include "mip6/harp_numbers.h"
#include "mip6/mh_codec.h"
#include "mip6/result.h"

namespace ha_agent::ctl {

struct HexError {
  std::string_view what;  // "bad-hex-digit", "odd-hex-length", "empty-input"
  std::size_t offset;     // character offset in the text
  std::string to_string() const;
};

// Hex digits; spaces, tabs, newlines, ':' and '-' between octets and a
// leading "0x" are ignored.
mip6::Result<std::vector<std::uint8_t>, HexError> parse_hex(std::string_view text);

std::string to_hex(std::span<const std::uint8_t> bytes);

// Flag letters for the flag words (e.g. BU 0xd000 -> "AHK").
std::string bu_flag_letters(std::uint16_t flags);
std::string ba_flag_letters(std::uint8_t flags);

struct PseudoHeader {
  mip6::Ipv6Address source;       // the HoA when the packet has a Home Address option
  mip6::Ipv6Address destination;  // the HoA when the packet has a Type 2 routing header
};

// One JSON object (no trailing newline). `wire` is the MH that was decoded,
// used for the checksum check when `pseudo` is given.
std::string decoded_to_json(const mip6::DecodedMobilityHeader& decoded,
                            std::span<const std::uint8_t> wire,
                            const std::optional<PseudoHeader>& pseudo,
                            const mip6::HarpNumbers& harp = {});

}  // namespace ha_agent::ctl
