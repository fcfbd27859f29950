#include "ha-agent/io/af_packet_io.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ha_agent::io {
namespace {

constexpr std::uint16_t kLdAbsW = BPF_LD | BPF_W | BPF_ABS;
constexpr std::uint16_t kLdAbsB = BPF_LD | BPF_B | BPF_ABS;
constexpr std::uint16_t kAndK = BPF_ALU | BPF_AND | BPF_K;
constexpr std::uint16_t kJeqK = BPF_JMP | BPF_JEQ | BPF_K;
constexpr std::uint16_t kRetK = BPF_RET | BPF_K;
constexpr std::uint32_t kSnapLen = 0x40000;
constexpr std::size_t kMaxFilteredAddresses = 30;  // jump offsets are 8 bits
constexpr std::size_t kBatch = 32;
constexpr std::size_t kBufferSize = 9216;  // jumbo frames; larger ones are counted truncated

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

std::uint32_t be_word(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

}  // namespace

std::vector<BpfInstruction> build_destination_filter(const std::vector<mip6::Ipv6Address>& addrs,
                                                     bool solicited_node_multicast) {
  return build_packet_filter(addrs, solicited_node_multicast, {});
}

std::vector<BpfInstruction> build_packet_filter(const std::vector<mip6::Ipv6Address>& addrs,
                                                bool solicited_node_multicast,
                                                const SourceRule& sources) {
  // Built with absolute jump targets (kAccept / kReject patched at the end),
  // then made relative: classic BPF jumps forward only, 8-bit offsets.
  constexpr std::uint32_t kAccept = 0x10000, kReject = 0x10001;
  struct Ins {
    std::uint16_t code;
    std::uint32_t jt, jf;  // absolute targets (jumps only)
    std::uint32_t k;
  };
  std::vector<Ins> p;
  const bool by_source = sources.mode != SourceRule::Mode::kAny;
  const std::size_t m = by_source ? std::min(sources.addresses.size(), kMaxPrioritySources) : 0;
  // Every jump to the verdicts at the end must stay within 255 instructions:
  // the destination list shrinks by what the source list and the multicast
  // block take (30 addresses without a source list, as before).
  const std::size_t room = (255 - 8 * m - (solicited_node_multicast ? 9 : 0)) / 8;
  const std::size_t max_addrs = std::min(kMaxFilteredAddresses, room);
  const std::size_t n = addrs.size() > max_addrs ? 0 : addrs.size();
  // IPv6 version nibble (the socket is bound to ETH_P_IPV6; this guards odd frames).
  p.push_back({kLdAbsB, 0, 0, 0});
  p.push_back({kAndK, 0, 0, 0xf0});
  p.push_back({kJeqK, 3, kReject, 0x60});
  if (by_source) {
    // Source address (offset 8): kOnly keeps packets from the list, kExcept
    // drops them; a packet from elsewhere goes on to the destination test.
    const bool only = sources.mode == SourceRule::Mode::kOnly;
    const auto base = static_cast<std::uint32_t>(p.size());
    const auto after = static_cast<std::uint32_t>(base + 8 * m);
    for (std::size_t i = 0; i < m; ++i) {
      const auto next = static_cast<std::uint32_t>(base + 8 * (i + 1));
      for (std::size_t w = 0; w < 4; ++w) {
        const auto here = static_cast<std::uint32_t>(p.size() + 2);
        p.push_back({kLdAbsW, 0, 0, static_cast<std::uint32_t>(8 + 4 * w)});
        const std::uint32_t match = w < 3 ? here : (only ? after : kReject);
        const std::uint32_t miss = next < after ? next : (only ? kReject : after);
        p.push_back({kJeqK, match, miss, be_word(sources.addresses[i].data() + 4 * w)});
      }
    }
  }
  if (n == 0) {
    // No address list (or too long to encode): keep every IPv6 packet.
    p.push_back({kRetK, 0, 0, kSnapLen});  // accept
    p.push_back({kRetK, 0, 0, 0});         // reject
    p.push_back({kRetK, 0, 0, kSnapLen});  // accept
  } else {
    const auto base = static_cast<std::uint32_t>(p.size());
    const std::uint32_t after_list = static_cast<std::uint32_t>(base + 8 * n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto next = static_cast<std::uint32_t>(base + 8 * (i + 1));
      for (std::size_t w = 0; w < 4; ++w) {
        const auto here = static_cast<std::uint32_t>(p.size() + 2);
        p.push_back({kLdAbsW, 0, 0, static_cast<std::uint32_t>(24 + 4 * w)});
        p.push_back({kJeqK, w == 3 ? kAccept : here, next == after_list ? after_list : next,
                     be_word(addrs[i].data() + 4 * w)});
      }
    }
    if (solicited_node_multicast) {
      // ff02::1:ffXX:XXXX (RFC 4291 §2.7.1): where Neighbor Solicitations
      // for addresses we answer in user space are sent.
      const auto b = static_cast<std::uint32_t>(p.size());
      p.push_back({kLdAbsW, 0, 0, 24});
      p.push_back({kJeqK, b + 2, kReject, 0xff020000});
      p.push_back({kLdAbsW, 0, 0, 28});
      p.push_back({kJeqK, b + 4, kReject, 0});
      p.push_back({kLdAbsW, 0, 0, 32});
      p.push_back({kJeqK, b + 6, kReject, 1});
      p.push_back({kLdAbsW, 0, 0, 36});
      p.push_back({kAndK, 0, 0, 0xff000000});
      p.push_back({kJeqK, kAccept, kReject, 0xff000000});
    }
    p.push_back({kRetK, 0, 0, 0});          // reject
    p.push_back({kRetK, 0, 0, kSnapLen});   // accept
  }
  const std::uint32_t reject = static_cast<std::uint32_t>(p.size() - 2);
  const std::uint32_t accept = static_cast<std::uint32_t>(p.size() - 1);
  std::vector<BpfInstruction> out;
  for (std::size_t pc = 0; pc < p.size(); ++pc) {
    const Ins& i = p[pc];
    if (i.code != kJeqK) {
      out.push_back({i.code, 0, 0, i.k});
      continue;
    }
    auto rel = [&](std::uint32_t t) {
      if (t == kAccept) t = accept;
      if (t == kReject) t = reject;
      return static_cast<std::uint8_t>(t - (pc + 1));
    };
    out.push_back({i.code, rel(i.jt), rel(i.jf), i.k});
  }
  return out;
}

std::uint32_t run_destination_filter(const std::vector<BpfInstruction>& prog,
                                     std::span<const std::uint8_t> pkt) {
  std::uint32_t a = 0;
  for (std::size_t pc = 0; pc < prog.size(); ++pc) {
    const auto& ins = prog[pc];
    switch (ins.code) {
      case kLdAbsB:
        if (ins.k >= pkt.size()) return 0;  // the kernel also drops on out-of-bounds loads
        a = pkt[ins.k];
        break;
      case kLdAbsW:
        if (ins.k + 4 > pkt.size()) return 0;
        a = be_word(pkt.data() + ins.k);
        break;
      case kAndK:
        a &= ins.k;
        break;
      case kJeqK:
        pc += (a == ins.k) ? ins.jt : ins.jf;
        break;
      case kRetK:
        return ins.k;
      default:
        return 0;
    }
  }
  return 0;
}

mip6::Result<AfPacketIo::Receiver, std::string> AfPacketIo::open_receiver(
    boost::asio::io_context& io, const AfPacketOptions& options, const std::string& name,
    const std::vector<BpfInstruction>& prog, bool priority) {
  std::vector<sock_filter> filter;
  for (const auto& i : prog) filter.push_back({i.code, i.jt, i.jf, i.k});
  sock_fprog fprog{static_cast<unsigned short>(filter.size()), filter.data()};
  const std::string label = (name.empty() ? "all interfaces" : "interface " + name) +
                            (priority ? " (HARP peers)" : "");
  int fd = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IPV6));
  if (fd < 0) return mip6::fail(errno_text(("AF_PACKET socket for " + label).c_str()));
  Receiver r;
  r.socket = std::make_unique<boost::asio::posix::stream_descriptor>(io, fd);
  r.name = label;
  r.priority = priority;
  // Filter first, then bind, so no unfiltered packet is queued.
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) < 0)
    return mip6::fail(errno_text(("SO_ATTACH_FILTER on " + label).c_str()));
  int one = 1;
  // Our own sends come back on AF_PACKET sockets otherwise.
  ::setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  int buf = options.receive_buffer_bytes;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) < 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  if (!name.empty()) {
    r.ifindex = static_cast<int>(if_nametoindex(name.c_str()));
    if (r.ifindex == 0) return mip6::fail(errno_text(("unknown " + label).c_str()));
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_IPV6);
    sll.sll_ifindex = r.ifindex;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) < 0)
      return mip6::fail(errno_text(("bind AF_PACKET to " + label).c_str()));
  }
  // Multicast frames the interface would filter out (solicited-node
  // groups we answer without joining them); dropped with the socket.
  if (!priority)
    for (int ifindex : options.all_multicast_ifindexes) {
      packet_mreq mr{};
      mr.mr_ifindex = ifindex;
      mr.mr_type = PACKET_MR_ALLMULTI;
      if (::setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0)
        return mip6::fail(errno_text(("PACKET_MR_ALLMULTI on " + label).c_str()));
    }
  return r;
}

mip6::Result<std::unique_ptr<AfPacketIo>, std::string> AfPacketIo::open(
    boost::asio::io_context& io, const AfPacketOptions& options) {
  std::unique_ptr<AfPacketIo> self(new AfPacketIo());
  if (options.priority_sources.size() > kMaxPrioritySources)
    return mip6::fail("packet backend: at most " + std::to_string(kMaxPrioritySources) +
                      " priority sources (HARP peers), got " +
                      std::to_string(options.priority_sources.size()));
  const bool two_queues = !options.priority_sources.empty();
  const SourceRule except{options.priority_sources, SourceRule::Mode::kExcept};
  const SourceRule only{options.priority_sources, SourceRule::Mode::kOnly};
  std::vector<std::string> names = options.interfaces;
  if (names.empty()) names.push_back("");  // one socket for all interfaces
  for (const auto& name : names) {
    for (const bool priority : {false, true}) {
      if (priority && !two_queues) continue;
      const auto prog = priority ? build_packet_filter(options.local_addresses, false, only)
                                 : build_packet_filter(options.local_addresses,
                                                       options.solicited_node_multicast,
                                                       two_queues ? except : SourceRule{});
      auto r = open_receiver(io, options, name, prog, priority);
      if (!r) return mip6::fail(r.error());
      self->receivers_.push_back(std::move(*r));
    }
  }
  self->raw_send_fd_ = ::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (self->raw_send_fd_ < 0) return mip6::fail(errno_text("IPPROTO_RAW send socket"));
  int sndbuf = options.receive_buffer_bytes;
  if (::setsockopt(self->raw_send_fd_, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) < 0)
    ::setsockopt(self->raw_send_fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  self->buffers_.assign(kBatch, std::vector<std::uint8_t>(kBufferSize));
  return self;
}

AfPacketIo::~AfPacketIo() {
  stop();
  if (raw_send_fd_ >= 0) ::close(raw_send_fd_);
}

void AfPacketIo::start(Handler handler) {
  handler_ = std::move(handler);
  running_ = true;
  for (auto& r : receivers_) arm(r);
}

void AfPacketIo::stop() {
  running_ = false;
  for (auto& r : receivers_) {
    boost::system::error_code ec;
    r.socket->cancel(ec);
  }
}

void AfPacketIo::poll_now() {
  if (!running_) return;
  drain_priority();
  for (auto& r : receivers_)
    if (!r.priority) drain(r);
}

void AfPacketIo::drain_priority() {
  for (auto& r : receivers_)
    if (r.priority && running_) drain(r);
}

void AfPacketIo::arm(Receiver& r) {
  r.socket->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                       [this, &r](const boost::system::error_code& ec) {
                         if (ec || !running_) return;
                         drain(r);
                         if (running_) arm(r);
                       });
}

void AfPacketIo::drain(Receiver& r) {
  const int fd = r.socket->native_handle();
  mmsghdr msgs[kBatch];
  iovec iov[kBatch];
  sockaddr_ll from[kBatch];
  // Bounded: at most a few batches per wake-up so timers and admin requests
  // on the same loop are not starved under a flood.
  for (int round = 0; round < 8; ++round) {
    // HARP peers' packets first, between every batch of the others: a
    // takeover queues thousands of BUs, and a Hello behind them would come
    // too late (issue #6).
    if (!r.priority) drain_priority();
    if (!running_) return;
    for (std::size_t i = 0; i < kBatch; ++i) {
      iov[i] = {buffers_[i].data(), buffers_[i].size()};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    int n = ::recvmmsg(fd, msgs, kBatch, MSG_DONTWAIT | MSG_TRUNC, nullptr);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++counters_.receive_errors;
      return;
    }
    for (int i = 0; i < n; ++i) {
      if (msgs[i].msg_len > kBufferSize) {
        ++counters_.received_truncated;
        continue;
      }
      ++counters_.received;
      if (handler_)
        handler_(std::span<const std::uint8_t>(buffers_[i].data(), msgs[i].msg_len),
                 from[i].sll_ifindex);
      if (!running_) return;
    }
    if (static_cast<std::size_t>(n) < kBatch) return;
  }
}

std::error_code AfPacketIo::send(std::span<const std::uint8_t> pkt, int ifindex) {
  if (pkt.size() < 40) {
    ++counters_.send_errors;
    return std::make_error_code(std::errc::invalid_argument);
  }
  sockaddr_in6 dst{};
  dst.sin6_family = AF_INET6;
  std::memcpy(&dst.sin6_addr, pkt.data() + 24, 16);
  dst.sin6_scope_id = static_cast<std::uint32_t>(ifindex);
  ssize_t n = ::sendto(raw_send_fd_, pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr*>(&dst),
                       sizeof dst);
  if (n < 0) {
    ++counters_.send_errors;
    return {errno, std::generic_category()};
  }
  ++counters_.sent;
  return {};
}

std::string AfPacketIo::describe() const {
  std::string s = "packet backend: AF_PACKET receive on ";
  for (std::size_t i = 0; i < receivers_.size(); ++i) s += (i ? ", " : "") + receivers_[i].name;
  return s + "; IPPROTO_RAW send; ESP in user space";
}

}  // namespace ha_agent::io
