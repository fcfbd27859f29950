// MhError: the named errors of the Mobility Header codec. Every failure of
// decode_mobility_header() and encode_mobility_header() is one MhErrc code plus
// the byte offset (from the Payload Proto octet) where the problem was found,
// so a caller can count drops per reason, log the offset, and produce the RFC
// 6275 §9.2 reactions (ICMPv6 Parameter Problem for kBadPayloadProto /
// kHeaderLenTooSmall, Binding Error status 2 for kUnknownMhType).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mip6 {

enum class MhErrc : std::uint8_t {
  // --- framing (RFC 6275 §6.1.1, §9.2) ---
  kTruncated,                // fewer than 8 octets: no complete MH header
  kLengthNotMultipleOf8,     // data length is not a multiple of 8 octets
  kTooLong,                  // more than 2048 octets (Header Len is 8 bits)
  kBadPayloadProto,          // Payload Proto != 59 (§9.2: Parameter Problem, pointer 0)
  kHeaderLenBeyondData,      // (Header Len + 1) * 8 exceeds the data given
  kDataBeyondHeaderLen,      // data continues after (Header Len + 1) * 8 octets
  kUnknownMhType,            // MH Type not known (§9.2: Binding Error status 2)
  kHeaderLenTooSmall,        // shorter than the fixed part of this MH type (§9.2)
  kHasAddressCountMismatch,  // RFC 5142 §4: 8 + 16 N exceeds the MH length
  kBadSyncType,              // HARP State Synchronization: Sync Type not 0..2
  kBadControlType,           // HARP HA Control: Control Type not 1..4
  // --- mobility options (RFC 6275 §6.2) ---
  kOptionTruncated,  // option Type octet with no Length octet after it
  kOptionOverrun,    // option Length runs past the end of the MH / BCI
  kBadOptionLength,  // Length wrong for a fixed-size option / below minimum
  kDuplicateOption,  // an option that may appear once appears again
  kAuthDataNotLast,  // Binding Authorization Data followed by an option (§6.2.7)
  // --- encoder only ---
  kOptionTooLong,           // option data would not fit the 8-bit Length field
  kNestedBindingCacheInfo,  // a BCI given as sub-option of a BCI
  kTooManyAddresses,        // HA Switch with more than 255 addresses
};

std::string_view to_string(MhErrc code);

struct MhError {
  MhErrc code;
  std::size_t offset = 0;  // from the Payload Proto octet

  // "kind at offset N", e.g. "option-overrun at offset 14".
  std::string to_string() const;
  bool operator==(const MhError&) const = default;
};

}  // namespace mip6
