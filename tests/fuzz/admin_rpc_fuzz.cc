// libFuzzer target: the admin socket's frame decoder and Request parser.
// Arbitrary bytes are split as the server does (4-octet length, then body);
// a decoded Request is re-encoded and must decode to the same message.
#include <cstdint>
#include <span>

#include "ha-agent/admin/framing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  auto n = ha_agent::admin::frame_length(std::span<const std::uint8_t, 4>(data, 4));
  if (!n) return 0;
  const std::size_t body = std::min<std::size_t>(*n, size - 4);
  auto req = ha_agent::admin::decode_request(std::span(data + 4, body));
  if (!req) return 0;
  auto again = ha_agent::admin::encode_frame(*req);
  auto back = ha_agent::admin::decode_request(std::span(again).subspan(4));
  if (!back || back->SerializeAsString() != req->SerializeAsString()) __builtin_trap();
  return 0;
}
