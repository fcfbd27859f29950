// Mobility Header messages as value types: the RFC 6275 messages an HA sends
// or receives (BRR 0, BU 5, BA 6, BE 7), RFC 5142 Home Agent Switch (12),
// RFC 5847 Heartbeat (13), and the daemon's HARP messages HA-Hello, State
// Synchronization and HA Control (protocol-notes §5.3, [D] layouts; their MH
// type numbers come from HarpNumbers). Each struct holds the fixed fields in
// the RFC's words and the message's MobilityOptions; MobilityMessage is the
// variant the codec (mh_codec.h) decodes into and encodes from. Lifetimes are
// kept in their wire units (4 s for BU/BA/BRA/BCI) with helpers for seconds.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "mip6/address.h"
#include "mip6/mobility_options.h"
#include "mip6/sequence_number.h"

namespace mip6 {

// IANA Mobility Header types (protocol-notes §1.1).
namespace mh {
inline constexpr std::uint8_t kPayloadProtoNone = 59;  // RFC 6275 §6.1.1: send 59
inline constexpr std::uint8_t kIpProtoMh = 135;        // IPv6 Next Header value
inline constexpr std::size_t kMaxLength = 2048;        // (255 + 1) * 8 octets
inline constexpr std::uint8_t kBindingRefreshRequest = 0;
inline constexpr std::uint8_t kBindingUpdate = 5;
inline constexpr std::uint8_t kBindingAcknowledgement = 6;
inline constexpr std::uint8_t kBindingError = 7;
inline constexpr std::uint8_t kHomeAgentSwitch = 12;
inline constexpr std::uint8_t kHeartbeat = 13;
}  // namespace mh

// RFC 6275 §6.1.2. Fixed part: Reserved(16).
struct BindingRefreshRequest {
  MobilityOptions options;
  bool operator==(const BindingRefreshRequest&) const = default;
};

// RFC 6275 §6.1.7: Sequence #(16) Flags(16 incl. reserved) Lifetime(16, 4 s).
struct BindingUpdate {
  // Flag word masks (protocol-notes §2.4; MH-10).
  static constexpr std::uint16_t kAck = 0x8000;               // A
  static constexpr std::uint16_t kHomeRegistration = 0x4000;  // H
  static constexpr std::uint16_t kLinkLocal = 0x2000;         // L
  static constexpr std::uint16_t kKeyManagement = 0x1000;     // K
  static constexpr std::uint16_t kMapRegistration = 0x0800;   // M (RFC 5380)
  static constexpr std::uint16_t kMobileRouter = 0x0400;      // R (RFC 3963)
  static constexpr std::uint16_t kProxy = 0x0200;             // P (RFC 5213)
  static constexpr std::uint16_t kForcedUdp = 0x0100;         // F (RFC 5555)
  static constexpr std::uint16_t kTlvFormat = 0x0080;         // T (RFC 5845)
  static constexpr std::uint16_t kBulk = 0x0040;              // B (RFC 6602)

  SequenceNumber sequence;
  std::uint16_t flags = 0;     // the whole 16-bit word; reserved bits kept as received
  std::uint16_t lifetime = 0;  // 4-second units; 0 = deregistration
  MobilityOptions options;

  std::uint32_t lifetime_seconds() const { return std::uint32_t{lifetime} * 4; }
  bool operator==(const BindingUpdate&) const = default;
};

// RFC 6275 §6.1.8: Status(8) Flags(8) Sequence #(16) Lifetime(16, 4 s).
struct BindingAcknowledgement {
  static constexpr std::uint8_t kKeyManagement = 0x80;  // K
  static constexpr std::uint8_t kMobileRouter = 0x40;   // R (RFC 3963)
  static constexpr std::uint8_t kProxy = 0x20;          // P (RFC 5213)
  static constexpr std::uint8_t kTlvFormat = 0x10;      // T (RFC 5845)
  static constexpr std::uint8_t kBulk = 0x08;           // B (RFC 6602)

  std::uint8_t status = 0;  // < 128 accepted (protocol-notes §2.5 codes)
  std::uint8_t flags = 0;
  SequenceNumber sequence;
  std::uint16_t lifetime = 0;  // granted, 4-second units
  MobilityOptions options;

  std::uint32_t lifetime_seconds() const { return std::uint32_t{lifetime} * 4; }
  bool operator==(const BindingAcknowledgement&) const = default;
};

// RFC 6275 §6.1.9: Status(8) Reserved(8) Home Address(128).
struct BindingError {
  static constexpr std::uint8_t kUnknownBindingForHao = 1;
  static constexpr std::uint8_t kUnrecognizedMhType = 2;
  std::uint8_t status = 0;
  Ipv6Address home_address;
  MobilityOptions options;
  bool operator==(const BindingError&) const = default;
};

// RFC 5142 §4: # of Addresses(8) Reserved(8) Home Agent Addresses(N x 128).
struct HomeAgentSwitch {
  std::vector<Ipv6Address> addresses;  // most preferred first; empty = run DHAAD
  MobilityOptions options;
  bool operator==(const HomeAgentSwitch&) const = default;
};

// RFC 5847 §5.1: Reserved(8) Reserved(6) U(1) R(1) Sequence Number(32).
// The 32-bit sequence is not a SequenceNumber: it only needs echoing.
struct Heartbeat {
  static constexpr std::uint8_t kUnsolicited = 0x02;  // U
  static constexpr std::uint8_t kResponse = 0x01;     // R
  std::uint8_t flags = 0;  // the whole octet 7; reserved bits kept as received
  std::uint32_t sequence = 0;
  MobilityOptions options;  // Restart Counter (RFC 5847 §5.2)
  bool operator==(const Heartbeat&) const = default;
};

// HARP HA-Hello (protocol-notes §5.3.1) [D]: Sequence #(16) HA Preference(16,
// signed) HA Lifetime(16, s) Hello Interval(16, ms) Group ID(8) Flags(8).
struct HaHello {
  static constexpr std::uint8_t kActive = 0x80;          // A
  static constexpr std::uint8_t kReplyRequested = 0x40;  // R
  static constexpr std::uint8_t kVirtualMode = 0x20;     // M
  SequenceNumber sequence;
  std::int16_t preference = 0;
  std::uint16_t lifetime_s = 0;  // 0 = the sender is leaving the group
  std::uint16_t hello_interval_ms = 0;
  std::uint8_t group_id = 0;
  std::uint8_t flags = 0;
  MobilityOptions options;  // MH IPv6 Address/Prefix options: served prefixes
  bool operator==(const HaHello&) const = default;
};

// HARP State Synchronization (protocol-notes §5.3.2) [D]: Sync Type(8)
// Flags(8) Identifier(16) Group ID(8) Reserved(8).
enum class SyncType : std::uint8_t { kRequest = 0, kReply = 1, kAck = 2 };
struct StateSynchronization {
  static constexpr std::uint8_t kAckRequested = 0x80;  // A
  static constexpr std::uint8_t kFullDump = 0x40;      // F
  static constexpr std::uint8_t kLast = 0x20;          // L
  SyncType sync_type = SyncType::kRequest;
  std::uint8_t flags = 0;
  std::uint16_t identifier = 0;
  std::uint8_t group_id = 0;
  MobilityOptions options;  // BCI per binding (SS-REP), addresses (SS-REQ)
  bool operator==(const StateSynchronization&) const = default;
};

// HARP Home Agent Control (protocol-notes §5.3.4) [D]: Control Type(8)
// Status(8) Identifier(16) Group ID(8) Reserved(8).
enum class ControlType : std::uint8_t {
  kSwitchOverRequest = 1,
  kSwitchOverReply = 2,
  kSwitchBackRequest = 3,
  kSwitchBackReply = 4,
};
struct HaControl {
  ControlType control_type = ControlType::kSwitchOverRequest;
  std::uint8_t status = 0;  // replies only (table in protocol-notes §5.3.4)
  std::uint16_t identifier = 0;
  std::uint8_t group_id = 0;
  MobilityOptions options;
  bool operator==(const HaControl&) const = default;
};

using MobilityMessage =
    std::variant<BindingRefreshRequest, BindingUpdate, BindingAcknowledgement, BindingError,
                 HomeAgentSwitch, Heartbeat, HaHello, StateSynchronization, HaControl>;

}  // namespace mip6
