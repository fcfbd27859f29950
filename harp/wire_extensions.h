// The daemon's own [D] additions to the HARP wire format (protocol-notes
// §5.3), all carried in standard option containers so that generic decoders
// (mh_codec, Wireshark) still parse the messages:
//  - Hello "heard peers": MH IPv6 Address/Prefix options (type 34) with
//    Option-Code kHeardPeerCode (200), prefix length 128, one per peer the
//    sender currently hears (one-way partition visibility).
//  - SS-REQ "wanted HoA": MH IPv6 Address/Prefix with Option-Code 1 (§5.3.2).
//  - Ownership epoch of a binding: a Vendor Specific sub-option (type 19,
//    RFC 5094) inside the BCI, Vendor ID 32473 (the IANA documentation
//    enterprise number, RFC 5612), Sub-Type 1, Data = epoch, 32-bit big endian.
//  - Owner digest for anti-entropy: a Vendor Specific option in the Hello,
//    Vendor ID 32473, Sub-Type 2, Data = binding count (32 bit) then digest
//    (64 bit), both big endian. See docs/harp.md for the digest function.
//  - Drain marker in SWO-REQ: Vendor Specific, Vendor ID 32473, Sub-Type 3,
//    no data: the receiver takes only the requester's MNs that the takeover
//    rule assigns to it (without it: all of them, a plain switchover).
//  - Unconfirmed takeover claim: a BCI sub-option, Vendor Specific Sub-Type
//    4, no data: the owner adopted this binding in a takeover and the MN has
//    not registered with it yet (split-brain order, docs/harp.md B3).
//  - Restore marker: Vendor Specific Sub-Type 5, no data. In an SS-REQ: "I
//    (re)started with no state: send back the shadows you hold with me as
//    owner". In an SS-REP: "these records are yours, returned from my
//    shadows" (the L flag marks the last part). docs/harp.md B1.
//  - Registration time of a binding: a BCI sub-option, Vendor Specific
//    Sub-Type 6, Data = the owner's wall-clock time of the MN's last accepted
//    Binding Update, milliseconds since 1970-01-01 UTC, 64-bit big endian.
//    Orders two confirmed claims after a partition (docs/harp.md B4).
//  - Dump number: Vendor Specific Sub-Type 7 on every part of a full dump,
//    Data = 32-bit big endian, the same on all parts of one dump, different
//    for the next. The receiver prunes once per dump and ignores a
//    retransmitted part of a dump it has already pruned (docs/harp.md B7).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "mip6/address.h"
#include "mip6/mobility_options.h"

namespace harp::wire {

inline constexpr std::uint8_t kWantedHoaCode = 1;    // SS-REQ (§5.3.2)
inline constexpr std::uint8_t kHeardPeerCode = 200;  // Hello [D]
inline constexpr std::uint32_t kVendorId = 32473;    // RFC 5612 documentation PEN
inline constexpr std::uint8_t kSubTypeEpoch = 1;
inline constexpr std::uint8_t kSubTypeDigest = 2;
inline constexpr std::uint8_t kSubTypeDrain = 3;
inline constexpr std::uint8_t kSubTypeUnconfirmed = 4;
inline constexpr std::uint8_t kSubTypeRestore = 5;
inline constexpr std::uint8_t kSubTypeRegistered = 6;
inline constexpr std::uint8_t kSubTypeDumpId = 7;

struct OwnerDigest {
  std::uint32_t count = 0;
  std::uint64_t digest = 0;
  bool operator==(const OwnerDigest&) const = default;
};

void put_epoch(mip6::MobilityOptions& sub_options, std::uint32_t epoch);
// Epoch of a BCI; 0 when absent (a peer that does not send one). A malformed
// epoch sub-option (data not 4 octets) also reads as nullopt.
std::optional<std::uint32_t> get_epoch(const mip6::MobilityOptions& sub_options);

// Registration time of a BCI (wall-clock ms); 0 when absent (unknown). A
// malformed sub-option (data not 8 octets) reads as nullopt.
void put_registered_ms(mip6::MobilityOptions& sub_options, std::uint64_t ms);
std::optional<std::uint64_t> get_registered_ms(const mip6::MobilityOptions& sub_options);
// Dump number of a full dump part; 0 when absent or malformed.
void put_dump_id(mip6::MobilityOptions& options, std::uint32_t id);
std::uint32_t get_dump_id(const mip6::MobilityOptions& options);
void put_digest(mip6::MobilityOptions& options, const OwnerDigest& d);
std::optional<OwnerDigest> get_digest(const mip6::MobilityOptions& options);

void put_drain_marker(mip6::MobilityOptions& options);
bool has_drain_marker(const mip6::MobilityOptions& options);

// Unconfirmed-takeover marker inside a BCI's sub-options.
void put_unconfirmed_marker(mip6::MobilityOptions& sub_options);
bool has_unconfirmed_marker(const mip6::MobilityOptions& sub_options);

// Restore marker of an SS-REQ / SS-REP.
void put_restore_marker(mip6::MobilityOptions& options);
bool has_restore_marker(const mip6::MobilityOptions& options);

void put_heard_peers(mip6::MobilityOptions& options, const std::vector<mip6::Ipv6Address>& peers);
std::vector<mip6::Ipv6Address> get_heard_peers(const mip6::MobilityOptions& options);

void put_wanted_hoas(mip6::MobilityOptions& options, const std::vector<mip6::Ipv6Address>& hoas);
std::vector<mip6::Ipv6Address> get_wanted_hoas(const mip6::MobilityOptions& options);

}  // namespace harp::wire
