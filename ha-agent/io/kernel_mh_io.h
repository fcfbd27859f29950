// KernelMhSocket: the signalling half of the `kernel` packet I/O backend
// (DESIGN.md §4) for kernels with Mobile IPv6 and IPv6 ESP. One raw
// socket(AF_INET6, SOCK_RAW, IPPROTO_MH): the kernel has already removed
// ESP (XFRM policy requires the MN's SA), processed the Home Address option
// through an XFRM `hao` state and verified the MH checksum over the HoA
// pseudo-header (RFC 6275 §6.1.1; raw MH sockets always checksum at offset
// 4). On receive the source is the HoA (the kernel swaps it with the
// option), the IPV6_DSTOPTS ancillary data carries the Home Address option
// now holding the care-of address, IPV6_PKTINFO the destination and the
// interface. On send the kernel computes the checksum and applies ESP by
// policy; a BA to an MN away from home gets its Type 2 routing header (RFC
// 6275 §6.4) from IPV6_RTHDR ancillary data naming the care-of address.
// The parsers of that ancillary data are pure and exposed for tests.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "mip6/address.h"
#include "mip6/result.h"

namespace ha_agent::io {

// Why a Destination Options header from IPV6_DSTOPTS could not be read.
enum class DstOptsErrc : std::uint8_t {
  kTruncated,      // shorter than its own length field says (RFC 8200 §4.6)
  kOptionOverrun,  // an option runs past the end of the header
  kBadHaoLength,   // Home Address option with length other than 16 (RFC 6275 §6.3)
  kDuplicateHao,   // more than one Home Address option (RFC 6275 §6.3: at most one)
};
std::string_view to_string(DstOptsErrc e);

// The address in the Home Address option (type 201, RFC 6275 §6.3) of a
// Destination Options header given whole (next header, length, options),
// or nullopt when there is none.
mip6::Result<std::optional<mip6::Ipv6Address>, DstOptsErrc> home_address_option_of(
    std::span<const std::uint8_t> destination_options);

// IPV6_RTHDR data for a Type 2 routing header (RFC 6275 §6.4: length 2,
// segments left 1, one address). The kernel sends to that address and puts
// the socket's destination (the HoA) into the header (ipv6_push_rthdr), so
// `first_hop` is the care-of address.
std::array<std::uint8_t, 24> type2_routing_header_data(const mip6::Ipv6Address& first_hop);

// One Mobility Header as the kernel delivered it.
struct MhDelivery {
  mip6::Ipv6Address source;       // the HoA when a Home Address option was present
  mip6::Ipv6Address destination;  // ours (IPV6_PKTINFO)
  std::optional<mip6::Ipv6Address> care_of_address;  // from the (swapped) Home Address option
  int ifindex = 0;
  std::span<const std::uint8_t> mh;
};

// Why a delivery was not handed on (a counter each).
struct KernelMhCounters {
  std::uint64_t received = 0;
  std::uint64_t receive_errors = 0;
  std::uint64_t truncated = 0;          // larger than the buffer, or control data cut
  std::uint64_t bad_ancillary = 0;      // no PKTINFO, or unreadable DSTOPTS
  std::uint64_t sent = 0;
  std::uint64_t send_errors = 0;
};

class KernelMhSocket {
 public:
  using Handler = std::function<void(const MhDelivery&)>;

  // Opens the raw MH socket; errors name the failing call.
  static mip6::Result<std::unique_ptr<KernelMhSocket>, std::string> open(boost::asio::io_context& io);
  ~KernelMhSocket();
  KernelMhSocket(const KernelMhSocket&) = delete;
  KernelMhSocket& operator=(const KernelMhSocket&) = delete;

  void start(Handler handler);
  void stop();
  // Sends one Mobility Header from `source` to `destination` (the final
  // one); with `care_of_address` through a Type 2 routing header.
  std::error_code send(std::span<const std::uint8_t> mh, const mip6::Ipv6Address& source,
                       const mip6::Ipv6Address& destination,
                       const std::optional<mip6::Ipv6Address>& care_of_address);
  const KernelMhCounters& counters() const { return counters_; }

 private:
  explicit KernelMhSocket(boost::asio::io_context& io, int fd);
  void arm();
  void drain();

  boost::asio::posix::stream_descriptor socket_;
  Handler handler_;
  KernelMhCounters counters_;
  std::vector<std::uint8_t> buffer_;
  bool running_ = false;
};

}  // namespace ha_agent::io
