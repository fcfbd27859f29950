// The baseline of bu-bench (issue #4): a raw-socket echo that receives the
// packets ha-agent would receive, the same way (AfPacketIo: AF_PACKET with
// the BPF destination filter on the HA address, extension headers walked in
// user space by mip6::parse_ipv6_packet) and answers each ESP packet with one
// packet of the BA's size sent through IPPROTO_RAW: `IPv6(HA -> source) /
// ESP-shaped payload` whose first 8 octets are the request's SPI and ESP
// sequence number (RFC 4303 §2) so the client can match it. No crypto, no
// Mobility Header: the cost of the I/O path alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "ha-agent/io/packet_io.h"

namespace bubench {

class EchoServer {
 public:
  // reply_bytes: IPv6 size of every reply (at least 48: header + SPI + sequence).
  EchoServer(ha_agent::io::PacketIo& io, std::size_t reply_bytes) : io_(io), reply_bytes_(reply_bytes) {}
  void start();
  void handle(std::span<const std::uint8_t> packet);
  std::uint64_t echoed() const { return echoed_; }
  const std::map<std::string, std::uint64_t>& dropped() const { return dropped_; }

 private:
  ha_agent::io::PacketIo& io_;
  std::size_t reply_bytes_;
  std::vector<std::uint8_t> payload_, packet_;
  std::uint64_t echoed_ = 0;
  std::map<std::string, std::uint64_t> dropped_;
};

}  // namespace bubench
