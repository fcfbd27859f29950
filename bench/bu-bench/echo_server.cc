// The raw-socket echo baseline (echo_server.h).
#include "bench/bu-bench/echo_server.h"

#include <algorithm>

#include "mip6/ipv6_packet.h"

namespace bubench {

void EchoServer::start() {
  io_.start([this](std::span<const std::uint8_t> p, int) { handle(p); });
}

void EchoServer::handle(std::span<const std::uint8_t> packet) {
  auto p = mip6::parse_ipv6_packet(packet);
  if (!p) {
    ++dropped_["ipv6: " + std::string(mip6::to_string(p.error().code))];
    return;
  }
  // RFC 3776 §3: BUs arrive as ESP; anything else is not ours to echo.
  if (p->upper_protocol != mip6::ipproto::kEsp || p->upper_layer.size() < 8) {
    ++dropped_["not esp"];
    return;
  }
  constexpr std::size_t kIpv6Header = 40;
  payload_.assign(std::max<std::size_t>(reply_bytes_, kIpv6Header + 8) - kIpv6Header, 0);
  std::copy_n(p->upper_layer.begin(), 8, payload_.begin());  // SPI + sequence number
  mip6::Ipv6PacketSpec spec;
  spec.source = p->destination;
  spec.destination = p->source;  // the CoA (the HAO is not honoured: no binding here)
  spec.upper_protocol = mip6::ipproto::kEsp;
  spec.payload = payload_;
  if (auto st = mip6::build_ipv6_packet(spec, packet_); !st) {
    ++dropped_["build: " + std::string(mip6::to_string(st.error().code))];
    return;
  }
  if (io_.send(packet_, 0)) {
    ++dropped_["send error"];
    return;
  }
  ++echoed_;
}

}  // namespace bubench
