// Framing of admin RPC messages on the UNIX socket: a 4-octet big-endian
// length, then that many octets of a serialized protobuf message. Decoding
// refuses oversized or unparsable frames with a named error (the admin
// socket is a trust boundary too: a local user with access may send junk).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ha-agent/admin/admin.pb.h"
#include "mip6/result.h"

namespace ha_agent::admin {

constexpr std::size_t kMaxFrame = 4 << 20;  // 4 MiB: a million bindings do not fit; paged later

enum class FrameError { kTooLarge, kTruncated, kUnparsable, kEmptyCommand };
const char* to_string(FrameError e);

// Serializes a message with its length prefix.
std::vector<std::uint8_t> encode_frame(const google::protobuf::MessageLite& m);
// Reads the length prefix: returns the body length or kTooLarge.
mip6::Result<std::uint32_t, FrameError> frame_length(std::span<const std::uint8_t, 4> header);
// Parses a whole frame body into a Request (refusing an empty oneof).
mip6::Result<Request, FrameError> decode_request(std::span<const std::uint8_t> body);
mip6::Result<Response, FrameError> decode_response(std::span<const std::uint8_t> body);

}  // namespace ha_agent::admin
