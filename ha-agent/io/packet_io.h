// PacketIo: how the daemon and mn-emu exchange whole IPv6 packets with the
// network (DESIGN.md §4). Implementations hand received packets (starting at
// the IPv6 header) to a handler on the io_context thread and send packets
// whose headers the caller built (IPv6, Type 2 routing header, Destination
// Options with the Home Address option, ESP).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <system_error>

namespace ha_agent::io {

struct PacketIoCounters {
  std::uint64_t received = 0;
  std::uint64_t received_truncated = 0;  // larger than the receive buffer: dropped
  std::uint64_t receive_errors = 0;
  std::uint64_t sent = 0;
  std::uint64_t send_errors = 0;
};

class PacketIo {
 public:
  // ipv6_packet starts at the IPv6 header; ifindex is the receiving interface.
  using Handler = std::function<void(std::span<const std::uint8_t> ipv6_packet, int ifindex)>;

  virtual ~PacketIo() = default;
  // Starts delivering packets to `handler` (on the owning io_context thread).
  virtual void start(Handler handler) = 0;
  virtual void stop() = 0;
  // Sends a complete IPv6 packet. ifindex is needed only for link-local or
  // multicast destinations (e.g. unsolicited Neighbor Advertisements).
  virtual std::error_code send(std::span<const std::uint8_t> ipv6_packet, int ifindex = 0) = 0;
  // Hands what is already queued to the handler now, without waiting for
  // the loop to get to it (bounded). The daemon calls it when its timer
  // fired late, before deciding that a peer whose Hello may be waiting in
  // the socket is dead. Backends that cannot do it do nothing.
  virtual void poll_now() {}
  virtual const PacketIoCounters& counters() const = 0;
  virtual std::string describe() const = 0;
};

}  // namespace ha_agent::io
