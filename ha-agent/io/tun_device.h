// TunDevice: a TUN interface (IFF_TUN, no packet information header) that
// carries the data plane of the bidirectional tunnel between the home agent
// and each mobile node's care-of address (RFC 6275 §10.4.2), done in user
// space because these kernels have no ip6ip6 tunnels (interop.md §4). The
// daemon routes every registered home address into this device; what the
// kernel writes to it (packets for a HoA) comes out of read handler, and what
// the daemon writes to it (decapsulated packets from the MN) enters the
// kernel's forwarding path.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mip6/result.h"

namespace ha_agent::io {

class TunDevice {
 public:
  using Handler = std::function<void(std::span<const std::uint8_t> ipv6_packet)>;

  // Creates (or attaches to) TUN device `name`, sets its MTU and brings it up.
  static mip6::Result<std::unique_ptr<TunDevice>, std::string> open(boost::asio::io_context& io,
                                                                    const std::string& name,
                                                                    int mtu);
  ~TunDevice();
  void start(Handler handler);
  void stop();
  // Hands a packet to the kernel as if it arrived on the device.
  std::error_code write(std::span<const std::uint8_t> ipv6_packet);
  const std::string& name() const { return name_; }
  int ifindex() const { return ifindex_; }

 private:
  TunDevice(boost::asio::io_context& io, int fd, std::string name, int ifindex);
  void arm();
  boost::asio::posix::stream_descriptor fd_;
  std::string name_;
  int ifindex_;
  Handler handler_;
  std::vector<std::uint8_t> buf_;
  bool running_ = false;
};

}  // namespace ha_agent::io
