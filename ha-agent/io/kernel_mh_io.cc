#include "ha-agent/io/kernel_mh_io.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ha_agent::io {
namespace {

constexpr int kIpProtoMh = 135;
constexpr std::uint8_t kOptPad1 = 0;
constexpr std::uint8_t kOptHomeAddress = 201;  // RFC 6275 §6.3
constexpr std::size_t kBufferSize = 65536;

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

std::string_view to_string(DstOptsErrc e) {
  switch (e) {
    case DstOptsErrc::kTruncated: return "truncated";
    case DstOptsErrc::kOptionOverrun: return "option_overrun";
    case DstOptsErrc::kBadHaoLength: return "bad_hao_length";
    case DstOptsErrc::kDuplicateHao: return "duplicate_hao";
  }
  return "?";
}

mip6::Result<std::optional<mip6::Ipv6Address>, DstOptsErrc> home_address_option_of(
    std::span<const std::uint8_t> h) {
  // RFC 8200 §4.6: next header, length in 8-octet units not counting the first 8.
  if (h.size() < 2) return mip6::fail(DstOptsErrc::kTruncated);
  const std::size_t len = (std::size_t{h[1]} + 1) * 8;
  if (h.size() < len) return mip6::fail(DstOptsErrc::kTruncated);
  std::optional<mip6::Ipv6Address> hao;
  for (std::size_t i = 2; i < len;) {
    if (h[i] == kOptPad1) {
      ++i;
      continue;
    }
    if (i + 2 > len || i + 2 + h[i + 1] > len) return mip6::fail(DstOptsErrc::kOptionOverrun);
    const std::size_t olen = h[i + 1];
    if (h[i] == kOptHomeAddress) {
      if (olen != 16) return mip6::fail(DstOptsErrc::kBadHaoLength);
      if (hao) return mip6::fail(DstOptsErrc::kDuplicateHao);
      hao = mip6::Ipv6Address::from_bytes(h.data() + i + 2);
    }
    i += 2 + olen;
  }
  return hao;
}

std::array<std::uint8_t, 24> type2_routing_header_data(const mip6::Ipv6Address& first_hop) {
  // RFC 6275 §6.4: Next Header (filled by the kernel), Hdr Ext Len 2,
  // Routing Type 2, Segments Left 1, 4 reserved octets, one address.
  std::array<std::uint8_t, 24> r{};
  r[1] = 2;
  r[2] = 2;
  r[3] = 1;
  std::memcpy(r.data() + 8, first_hop.data(), 16);
  return r;
}

KernelMhSocket::KernelMhSocket(boost::asio::io_context& io, int fd)
    : socket_(io, fd), buffer_(kBufferSize) {}

mip6::Result<std::unique_ptr<KernelMhSocket>, std::string> KernelMhSocket::open(
    boost::asio::io_context& io) {
  int fd = ::socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, kIpProtoMh);
  if (fd < 0) return mip6::fail(errno_text("raw Mobility Header socket (IPPROTO_MH)"));
  std::unique_ptr<KernelMhSocket> self(new KernelMhSocket(io, fd));
  int one = 1;
  if (::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) < 0)
    return mip6::fail(errno_text("IPV6_RECVPKTINFO on the MH socket"));
  if (::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVDSTOPTS, &one, sizeof one) < 0)
    return mip6::fail(errno_text("IPV6_RECVDSTOPTS on the MH socket"));
  int buf = 8 << 20;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) < 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  return self;
}

KernelMhSocket::~KernelMhSocket() { stop(); }

void KernelMhSocket::start(Handler handler) {
  handler_ = std::move(handler);
  running_ = true;
  arm();
}

void KernelMhSocket::stop() {
  running_ = false;
  boost::system::error_code ec;
  socket_.cancel(ec);
}

void KernelMhSocket::arm() {
  socket_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [this](const boost::system::error_code& ec) {
                       if (ec || !running_) return;
                       drain();
                       if (running_) arm();
                     });
}

void KernelMhSocket::drain() {
  const int fd = socket_.native_handle();
  // Bounded per wake-up, so timers and admin requests are not starved.
  for (int round = 0; round < 64 && running_; ++round) {
    sockaddr_in6 from{};
    alignas(cmsghdr) std::uint8_t control[512];
    iovec iov{buffer_.data(), buffer_.size()};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++counters_.receive_errors;
      return;
    }
    ++counters_.received;
    if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
      ++counters_.truncated;
      continue;
    }
    MhDelivery d;
    d.source = mip6::Ipv6Address::from_bytes(from.sin6_addr.s6_addr);
    d.mh = std::span<const std::uint8_t>(buffer_.data(), static_cast<std::size_t>(n));
    bool have_pktinfo = false, bad = false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != IPPROTO_IPV6) continue;
      const std::size_t data_len = c->cmsg_len - CMSG_LEN(0);
      if (c->cmsg_type == IPV6_PKTINFO && data_len >= sizeof(in6_pktinfo)) {
        in6_pktinfo pi;
        std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
        d.destination = mip6::Ipv6Address::from_bytes(pi.ipi6_addr.s6_addr);
        d.ifindex = static_cast<int>(pi.ipi6_ifindex);
        have_pktinfo = true;
      } else if (c->cmsg_type == IPV6_DSTOPTS) {
        auto hao = home_address_option_of(std::span<const std::uint8_t>(CMSG_DATA(c), data_len));
        if (!hao) bad = true;
        else if (*hao) d.care_of_address = **hao;
      }
    }
    if (!have_pktinfo || bad) {
      ++counters_.bad_ancillary;
      continue;
    }
    if (handler_) handler_(d);
  }
}

std::error_code KernelMhSocket::send(std::span<const std::uint8_t> mh, const mip6::Ipv6Address& source,
                                     const mip6::Ipv6Address& destination,
                                     const std::optional<mip6::Ipv6Address>& care_of_address) {
  sockaddr_in6 dst{};
  dst.sin6_family = AF_INET6;
  std::memcpy(&dst.sin6_addr, destination.data(), 16);
  iovec iov{const_cast<std::uint8_t*>(mh.data()), mh.size()};
  alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(24)] = {};
  msghdr msg{};
  msg.msg_name = &dst;
  msg.msg_namelen = sizeof dst;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo)) +
                       (care_of_address && *care_of_address != destination ? CMSG_SPACE(24) : 0);
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_PKTINFO;  // our address as the source (the SA's and the BA's)
  c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
  in6_pktinfo pi{};
  std::memcpy(&pi.ipi6_addr, source.data(), 16);
  std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
  if (care_of_address && *care_of_address != destination) {
    c = CMSG_NXTHDR(&msg, c);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_RTHDR;
    c->cmsg_len = CMSG_LEN(24);
    const auto rh = type2_routing_header_data(*care_of_address);
    std::memcpy(CMSG_DATA(c), rh.data(), rh.size());
  }
  if (::sendmsg(socket_.native_handle(), &msg, 0) < 0) {
    ++counters_.send_errors;
    return {errno, std::generic_category()};
  }
  ++counters_.sent;
  return {};
}

}  // namespace ha_agent::io
