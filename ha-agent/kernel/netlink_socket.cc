#include "ha-agent/kernel/netlink_socket.h"

#include <linux/netlink.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cstring>

namespace kernel {

struct NetlinkSocket::State {
  nl_sock* sock = nullptr;
  int last_errno = 0;
  std::string last_ext_msg;
  ~State() {
    if (sock != nullptr) nl_socket_free(sock);
  }
};

namespace {

// Reads the NLMSGERR_ATTR_MSG string that the kernel appends to an error
// when NETLINK_EXT_ACK is on (linux/netlink.h: TLVs follow the nlmsgerr,
// which is not followed by the request when NETLINK_CAP_ACK is set). The
// bytes are copied out with memcpy, never cast.
std::string extended_ack_message(const nlmsgerr* err) {
  const auto* payload = static_cast<const unsigned char*>(static_cast<const void*>(err));
  const unsigned char* msg = payload - NLMSG_HDRLEN;
  nlmsghdr hdr;
  std::memcpy(&hdr, msg, sizeof hdr);
  if ((hdr.nlmsg_flags & NLM_F_ACK_TLVS) == 0) return {};
  std::size_t offset = NLMSG_HDRLEN + sizeof(nlmsgerr);
  if ((hdr.nlmsg_flags & NLM_F_CAPPED) == 0) {
    // Uncapped: the request follows; err->msg is its header.
    if (err->msg.nlmsg_len < NLMSG_HDRLEN) return {};
    offset += err->msg.nlmsg_len - NLMSG_HDRLEN;
  }
  offset = NLMSG_ALIGN(offset);
  while (offset + sizeof(nlattr) <= hdr.nlmsg_len) {
    nlattr attr;
    std::memcpy(&attr, msg + offset, sizeof attr);
    if (attr.nla_len < sizeof(nlattr) || offset + attr.nla_len > hdr.nlmsg_len) break;
    if ((attr.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
      const char* text =
          static_cast<const char*>(static_cast<const void*>(msg + offset + NLA_HDRLEN));
      return std::string(text, strnlen(text, attr.nla_len - NLA_HDRLEN));
    }
    offset += NLA_ALIGN(attr.nla_len);
  }
  return {};
}

int record_error(sockaddr_nl* /*who*/, nlmsgerr* err, void* arg) {
  auto* state = static_cast<NetlinkSocket::State*>(arg);
  state->last_errno = -err->error;
  state->last_ext_msg = extended_ack_message(err);
  return NL_STOP;  // libnl then returns its usual -NLE_* code
}

}  // namespace

KernelResult<NetlinkSocket> NetlinkSocket::open(int protocol) {
  auto state = std::make_unique<State>();
  state->sock = nl_socket_alloc();
  if (state->sock == nullptr) return kernel_fail(KernelErrc::kSocket, "nl_socket_alloc failed");
  int rc = nl_connect(state->sock, protocol);
  if (rc < 0) {
    return kernel_fail(KernelErrc::kSocket, std::string("netlink connect (protocol ") +
                                                std::to_string(protocol) + "): " + nl_geterror(rc));
  }
  int one = 1;
  // Best effort: older kernels lack these options; errors then lose the
  // extended-ack text but still carry the errno.
  (void)setsockopt(nl_socket_get_fd(state->sock), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  (void)setsockopt(nl_socket_get_fd(state->sock), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  nl_socket_modify_err_cb(state->sock, NL_CB_CUSTOM, record_error, state.get());
  return NetlinkSocket(std::move(state));
}

NetlinkSocket::NetlinkSocket(std::unique_ptr<State> s) : state_(std::move(s)) {}
NetlinkSocket::NetlinkSocket(NetlinkSocket&&) noexcept = default;
NetlinkSocket& NetlinkSocket::operator=(NetlinkSocket&&) noexcept = default;
NetlinkSocket::~NetlinkSocket() = default;

nl_sock* NetlinkSocket::get() const {
  return state_->sock;
}

void NetlinkSocket::begin_request() {
  state_->last_errno = 0;
  state_->last_ext_msg.clear();
}

int NetlinkSocket::last_errno() const {
  return state_->last_errno;
}

std::string NetlinkSocket::describe_last_error() const {
  std::string msg = errno_text(state_->last_errno);
  if (!state_->last_ext_msg.empty()) msg += " (kernel: " + state_->last_ext_msg + ")";
  return msg;
}

KernelStatus NetlinkSocket::check(int rc, std::string_view what) const {
  if (rc >= 0) return mip6::Ok{};
  std::string msg(what);
  msg += ": ";
  int e = state_->last_errno;
  if (e != 0) {
    msg += describe_last_error();
    return kernel_fail(errc_from_errno(e), std::move(msg), e);
  }
  msg += nl_geterror(rc);
  return kernel_fail(KernelErrc::kNetlink, std::move(msg));
}

void NlAddrDeleter::operator()(nl_addr* a) const {
  nl_addr_put(a);
}
void NlCacheDeleter::operator()(nl_cache* c) const {
  nl_cache_free(c);
}

NlAddrPtr make_nl_addr(const mip6::Ipv6Address& a, unsigned prefix_len) {
  NlAddrPtr p(nl_addr_build(AF_INET6, a.data(), mip6::Ipv6Address::kSize));
  if (p) nl_addr_set_prefixlen(p.get(), static_cast<int>(prefix_len));
  return p;
}

mip6::Ipv6Address ipv6_of(nl_addr* a) {
  if (a == nullptr || nl_addr_get_family(a) != AF_INET6 ||
      nl_addr_get_len(a) != mip6::Ipv6Address::kSize) {
    return {};
  }
  return mip6::Ipv6Address::from_bytes(
      static_cast<const std::uint8_t*>(nl_addr_get_binary_addr(a)));
}

KernelStatus validate_interface_name(std::string_view name) {
  if (name.empty() || name.size() >= IFNAMSIZ || name == "." || name == ".." ||
      name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    return kernel_fail(KernelErrc::kInvalidArgument,
                       "bad interface name '" + std::string(name) + "'");
  }
  return mip6::Ok{};
}

KernelResult<int> interface_index(std::string_view name) {
  if (auto v = validate_interface_name(name); !v) return mip6::fail(v.error());
  std::string n(name);
  unsigned idx = if_nametoindex(n.c_str());
  if (idx == 0) {
    int e = errno;
    return kernel_fail(KernelErrc::kNoSuchInterface, "interface '" + n + "': " + errno_text(e), e);
  }
  return static_cast<int>(idx);
}

std::string interface_name(int ifindex) {
  char buf[IF_NAMESIZE] = {};
  if (ifindex > 0 && if_indextoname(static_cast<unsigned>(ifindex), buf) != nullptr) return buf;
  return "if" + std::to_string(ifindex);
}

}  // namespace kernel
