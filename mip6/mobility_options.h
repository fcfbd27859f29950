// Mobility options (RFC 6275 §6.2 and extensions) as value types, and the
// MobilityOptions set that every Mobility Header message carries. The set is
// a value, not a byte layout: Pad1/PadN are consumed by the decoder and
// re-created by the encoder at the RFC alignments (option_codec.h), options
// that may appear once are std::optional (a repeat is kDuplicateOption),
// repeatable ones are vectors, and options this codec does not know are kept
// in `unknown` (type, data, and where they were found) so they can be
// reported and re-sent. HARP's Binding Cache Information option
// (protocol-notes §5.3.3, type number from HarpNumbers) nests a second set of
// sub-options.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "mip6/address.h"
#include "mip6/sequence_number.h"

namespace mip6 {

// IANA mobility option types (protocol-notes §1.2).
namespace opt {
inline constexpr std::uint8_t kPad1 = 0;                      // RFC 6275 §6.2.2
inline constexpr std::uint8_t kPadN = 1;                      // RFC 6275 §6.2.3
inline constexpr std::uint8_t kBindingRefreshAdvice = 2;      // RFC 6275 §6.2.4
inline constexpr std::uint8_t kAlternateCareOfAddress = 3;    // RFC 6275 §6.2.5
inline constexpr std::uint8_t kNonceIndices = 4;              // RFC 6275 §6.2.6
inline constexpr std::uint8_t kBindingAuthorizationData = 5;  // RFC 6275 §6.2.7
inline constexpr std::uint8_t kMobileNetworkPrefix = 6;       // RFC 3963 §4.3
inline constexpr std::uint8_t kMobileNodeIdentifier = 8;      // RFC 4283 §3
inline constexpr std::uint8_t kVendorSpecific = 19;           // RFC 5094 §3
inline constexpr std::uint8_t kRestartCounter = 28;           // RFC 5847 §5.2
inline constexpr std::uint8_t kIpv4HomeAddress = 29;          // RFC 5555 §3.1.1
inline constexpr std::uint8_t kIpv4CareOfAddress = 32;        // RFC 5555 §3.1.3
inline constexpr std::uint8_t kMhIpv6AddressPrefix = 34;      // RFC 5568 §6.4.1
}  // namespace opt

// RFC 6275 §6.2.6.
struct NonceIndices {
  std::uint16_t home_nonce_index = 0;
  std::uint16_t care_of_nonce_index = 0;
  bool operator==(const NonceIndices&) const = default;
};

// RFC 3963 §4.3: Reserved(8) Prefix Length(8) Mobile Network Prefix(128).
struct MobileNetworkPrefix {
  std::uint8_t prefix_length = 0;
  Ipv6Address prefix;
  bool operator==(const MobileNetworkPrefix&) const = default;
};

// RFC 4283 §3: Subtype(8) Identifier(var). Subtype 1 = NAI (RFC 4282).
struct MobileNodeIdentifier {
  static constexpr std::uint8_t kNai = 1;
  std::uint8_t subtype = kNai;
  std::vector<std::uint8_t> identifier;
  bool operator==(const MobileNodeIdentifier&) const = default;
};

// RFC 5094 §3: Vendor ID(32, IANA SMI enterprise number) Sub-Type(8) Data(var).
struct VendorSpecific {
  std::uint32_t vendor_id = 0;
  std::uint8_t sub_type = 0;
  std::vector<std::uint8_t> data;
  bool operator==(const VendorSpecific&) const = default;
};

// RFC 5555 §3.1.1: Prefix-len(6) P(1) Reserved(9) IPv4 home address(32).
struct Ipv4HomeAddress {
  std::uint8_t prefix_length = 0;  // 0..32 (6 bits)
  bool p = false;                  // request a mobile IPv4 prefix
  std::array<std::uint8_t, 4> address{};
  bool operator==(const Ipv4HomeAddress&) const = default;
};

// RFC 5555 §3.1.3: Reserved(16) IPv4 care-of address(32).
struct Ipv4CareOfAddress {
  std::array<std::uint8_t, 4> address{};
  bool operator==(const Ipv4CareOfAddress&) const = default;
};

// RFC 5568 §6.4.1: Option-Code(8) Prefix Length(8) IPv6 address/prefix(128).
// HARP reuses it to list served prefixes (Hello) and HoAs (SS-REQ), §5.3.
struct MhIpv6AddressPrefix {
  std::uint8_t option_code = 0;
  std::uint8_t prefix_length = 128;
  Ipv6Address address;
  bool operator==(const MhIpv6AddressPrefix&) const = default;
};

// An option this codec does not parse. `offset` is where its Type octet was
// found (from the MH start) and is informational: it is not part of the
// value, so it is ignored by operator==.
struct UnknownOption {
  std::uint8_t type = 0;
  std::vector<std::uint8_t> data;
  std::size_t offset = 0;
  bool operator==(const UnknownOption& o) const { return type == o.type && data == o.data; }
};

struct BindingCacheInformation;

// The options of one message (or of one BCI). Encoded in this member order,
// Binding Authorization Data always last (RFC 6275 §6.2.7).
struct MobilityOptions {
  std::optional<std::uint16_t> binding_refresh_advice;  // refresh interval, 4 s units
  std::optional<Ipv6Address> alternate_care_of_address;
  std::optional<NonceIndices> nonce_indices;
  std::vector<MobileNetworkPrefix> mobile_network_prefixes;
  std::optional<MobileNodeIdentifier> mobile_node_identifier;
  std::optional<Ipv4HomeAddress> ipv4_home_address;
  std::optional<Ipv4CareOfAddress> ipv4_care_of_address;
  std::vector<VendorSpecific> vendor_specific;
  std::optional<std::uint32_t> restart_counter;
  std::vector<MhIpv6AddressPrefix> ipv6_address_prefixes;
  std::vector<BindingCacheInformation> binding_cache_information;  // HARP only
  std::vector<UnknownOption> unknown;
  std::optional<std::vector<std::uint8_t>> binding_authorization_data;  // authenticator

  bool empty() const;
  bool operator==(const MobilityOptions&) const;
};

// HARP Binding Cache Information option (protocol-notes §5.3.3) [D]:
// Flags(16, the BU flag word) Sequence #(16) Lifetime(16, remaining, 4 s
// units; 0 = deleted) Home Address(128) Care-of Address(128) Sub-options.
struct BindingCacheInformation {
  std::uint16_t flags = 0;
  SequenceNumber sequence;
  std::uint16_t lifetime = 0;
  Ipv6Address home_address;
  Ipv6Address care_of_address;
  MobilityOptions sub_options;  // MNP, MN-ID, IPv4 HoA/CoA...; no nested BCI
  bool operator==(const BindingCacheInformation&) const = default;
};

inline bool MobilityOptions::operator==(const MobilityOptions& o) const {
  return binding_refresh_advice == o.binding_refresh_advice &&
         alternate_care_of_address == o.alternate_care_of_address &&
         nonce_indices == o.nonce_indices && mobile_network_prefixes == o.mobile_network_prefixes &&
         mobile_node_identifier == o.mobile_node_identifier &&
         ipv4_home_address == o.ipv4_home_address &&
         ipv4_care_of_address == o.ipv4_care_of_address && vendor_specific == o.vendor_specific &&
         restart_counter == o.restart_counter && ipv6_address_prefixes == o.ipv6_address_prefixes &&
         binding_cache_information == o.binding_cache_information && unknown == o.unknown &&
         binding_authorization_data == o.binding_authorization_data;
}

inline bool MobilityOptions::empty() const {
  return *this == MobilityOptions{};
}

}  // namespace mip6
