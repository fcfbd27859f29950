// AfPacketIo: the `packet` I/O backend (DESIGN.md §4) for kernels without
// Mobile IPv6 and IPv6 ESP. Receives with an AF_PACKET (SOCK_DGRAM, ETH_P_IPV6)
// socket per interface, filtered in the kernel by a classic BPF program that
// keeps only IPv6 packets addressed to one of our addresses (forward jumps
// only: the kernel refuses `ip6 protochain` filters, interop.md §3.4); the
// extension-header chain is walked in user space. Sends through an
// IPPROTO_RAW socket so the kernel routes and resolves neighbours while
// ha-agent builds every header itself.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <memory>
#include <string>
#include <vector>

#include "ha-agent/io/packet_io.h"
#include "mip6/address.h"
#include "mip6/result.h"

namespace ha_agent::io {

inline constexpr std::size_t kMaxPrioritySources = 8;

struct AfPacketOptions {
  std::vector<std::string> interfaces;           // empty: all interfaces
  std::vector<mip6::Ipv6Address> local_addresses;  // kernel filter keeps packets to these
  int receive_buffer_bytes = 8 << 20;
  // Also keep packets to solicited-node multicast groups (ff02::1:ff00:0/104):
  // the daemon answers Neighbor Solicitations for home addresses itself.
  bool solicited_node_multicast = false;
  // Interfaces put in all-multicast mode (PACKET_MR_ALLMULTI) for as long
  // as the sockets are open, so such groups arrive without being joined.
  std::vector<int> all_multicast_ifindexes;
  // Packets from these sources (the HARP peers, at most 8) get a socket of
  // their own per interface, read before every batch of the others, so a
  // peer's Hello is not stuck behind thousands of queued BUs (issue #6).
  std::vector<mip6::Ipv6Address> priority_sources;
};

// Builds the classic BPF program described above (exposed for tests).
struct BpfInstruction {
  std::uint16_t code;
  std::uint8_t jt, jf;
  std::uint32_t k;
};
std::vector<BpfInstruction> build_destination_filter(const std::vector<mip6::Ipv6Address>& addrs,
                                                     bool solicited_node_multicast = false);
// The same with a test of the source address first: kOnly keeps only packets
// from `addresses`, kExcept drops them (at most 8 addresses; the destination
// list then holds fewer than 30 before it falls back to "every IPv6 packet").
struct SourceRule {
  enum class Mode : std::uint8_t { kAny, kOnly, kExcept };
  std::vector<mip6::Ipv6Address> addresses;
  Mode mode = Mode::kAny;
};
std::vector<BpfInstruction> build_packet_filter(const std::vector<mip6::Ipv6Address>& addrs,
                                                bool solicited_node_multicast,
                                                const SourceRule& sources);
// Runs a program built by build_destination_filter over a packet (tests).
std::uint32_t run_destination_filter(const std::vector<BpfInstruction>& prog,
                                     std::span<const std::uint8_t> packet);

class AfPacketIo final : public PacketIo {
 public:
  // Opens the sockets; errors name the interface and the failing call.
  static mip6::Result<std::unique_ptr<AfPacketIo>, std::string> open(
      boost::asio::io_context& io, const AfPacketOptions& options);
  ~AfPacketIo() override;

  void start(Handler handler) override;
  void stop() override;
  void poll_now() override;
  std::error_code send(std::span<const std::uint8_t> ipv6_packet, int ifindex) override;
  const PacketIoCounters& counters() const override { return counters_; }
  std::string describe() const override;

 private:
  struct Receiver {
    std::unique_ptr<boost::asio::posix::stream_descriptor> socket;
    int ifindex = 0;  // 0: all interfaces
    std::string name;
    bool priority = false;  // HARP peers' packets (AfPacketOptions::priority_sources)
  };
  AfPacketIo() = default;
  static mip6::Result<Receiver, std::string> open_receiver(
      boost::asio::io_context& io, const AfPacketOptions& options, const std::string& name,
      const std::vector<BpfInstruction>& prog, bool priority);
  void arm(Receiver& r);
  void drain(Receiver& r);
  void drain_priority();

  std::vector<Receiver> receivers_;
  int raw_send_fd_ = -1;
  Handler handler_;
  PacketIoCounters counters_;
  std::vector<std::vector<std::uint8_t>> buffers_;
  bool running_ = false;
};

}  // namespace ha_agent::io
