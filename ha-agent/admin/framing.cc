#include "ha-agent/admin/framing.h"

namespace ha_agent::admin {

const char* to_string(FrameError e) {
  switch (e) {
    case FrameError::kTooLarge: return "frame too large";
    case FrameError::kTruncated: return "frame truncated";
    case FrameError::kUnparsable: return "frame is not a valid message";
    case FrameError::kEmptyCommand: return "request names no command";
  }
  return "?";
}

std::vector<std::uint8_t> encode_frame(const google::protobuf::MessageLite& m) {
  const std::size_t n = m.ByteSizeLong();
  std::vector<std::uint8_t> out(4 + n);
  out[0] = static_cast<std::uint8_t>(n >> 24);
  out[1] = static_cast<std::uint8_t>(n >> 16);
  out[2] = static_cast<std::uint8_t>(n >> 8);
  out[3] = static_cast<std::uint8_t>(n);
  m.SerializeWithCachedSizesToArray(out.data() + 4);
  return out;
}

mip6::Result<std::uint32_t, FrameError> frame_length(std::span<const std::uint8_t, 4> h) {
  const std::uint32_t n = (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) |
                          (std::uint32_t{h[2]} << 8) | h[3];
  if (n > kMaxFrame) return mip6::fail(FrameError::kTooLarge);
  return n;
}

mip6::Result<Request, FrameError> decode_request(std::span<const std::uint8_t> body) {
  if (body.size() > kMaxFrame) return mip6::fail(FrameError::kTooLarge);
  Request r;
  if (!r.ParseFromArray(body.data(), static_cast<int>(body.size())))
    return mip6::fail(FrameError::kUnparsable);
  if (r.command_case() == Request::COMMAND_NOT_SET) return mip6::fail(FrameError::kEmptyCommand);
  return r;
}

mip6::Result<Response, FrameError> decode_response(std::span<const std::uint8_t> body) {
  if (body.size() > kMaxFrame) return mip6::fail(FrameError::kTooLarge);
  Response r;
  if (!r.ParseFromArray(body.data(), static_cast<int>(body.size())))
    return mip6::fail(FrameError::kUnparsable);
  return r;
}

}  // namespace ha_agent::admin
