// Encoding and decoding of binding-cache snapshots (docs/operations.md,
// "Restart without loss"), without I/O. The file is a small container around
// the Protobuf payload of snapshot.proto, so that a damaged, truncated or
// foreign file is *detected* instead of being parsed as valid garbage
// (Protobuf alone accepts many random byte strings):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  0x89  'H'  'A'  'S'  |  'N'  'A'  'P'  0x0a  (magic, 8)      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |              payload length, 64-bit big-endian                |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |              SHA-256 of the payload (32 octets)               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |              payload: haagent.snapshot.Snapshot ...           |
//
// The first octet is not ASCII (a text-mode copy or a config file given by
// mistake fails the magic), the length catches truncation and appended
// bytes, the digest (OpenSSL SHA-256) catches everything else. After the
// checksum every field is checked; each failure is a named error with the
// field and binding index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ha-agent/snapshot/snapshot_format.h"
#include "mip6/result.h"

namespace ha_agent::snapshot {

inline constexpr std::uint8_t kMagic[8] = {0x89, 'H', 'A', 'S', 'N', 'A', 'P', 0x0a};
inline constexpr std::size_t kContainerHeaderSize = 8 + 8 + 32;
// 1,000,000 bindings take about 100 MB; anything above this is not ours.
inline constexpr std::uint64_t kMaxPayloadSize = 512ull << 20;

struct SnapshotError {
  enum class Code : std::uint8_t {
    kBadMagic,            // not a snapshot file
    kTruncated,           // shorter than the container header or the declared length
    kTrailingData,        // longer than the declared length
    kTooLarge,            // declared length above kMaxPayloadSize
    kChecksumMismatch,    // payload does not match its SHA-256
    kUnparsable,          // checksum fine but not a Snapshot message
    kUnsupportedVersion,  // header.format_version != kFormatVersion
    kBadHeaderField,      // missing or malformed header field (`field`)
    kBadBindingField,     // missing or malformed field `field` of binding[index]
    kDuplicateBinding,    // binding[index] repeats an earlier home address
    kEncodeFailed,        // encode(): the message could not be serialized
  };
  Code code = Code::kBadMagic;
  std::string field;             // e.g. "care_of_address"
  int binding_index = -1;        // for binding errors
  std::uint64_t value = 0;       // version / length found, where useful
  std::string detail;            // what is wrong with the field
};

std::string_view to_string(SnapshotError::Code c);
// e.g. "bad binding field: binding[12].care_of_address: must be 16 octets".
std::string to_string(const SnapshotError& e);

// The whole file: container + payload.
mip6::Result<std::vector<std::uint8_t>, SnapshotError> encode(const Snapshot& s);
mip6::Result<Snapshot, SnapshotError> decode(std::span<const std::uint8_t> file);

// The payload alone (no container): for tests and the fuzzer, which cannot
// forge a SHA-256 to reach the field checks through decode().
mip6::Result<Snapshot, SnapshotError> decode_payload(std::span<const std::uint8_t> payload);

}  // namespace ha_agent::snapshot
