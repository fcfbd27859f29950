#include "ha-agent/kernel/mip6_xfrm.h"

#include <linux/xfrm.h>
#include <netinet/in.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "ha-agent/kernel/xfrm_backend.h"

namespace kernel {
namespace {

struct MsgDeleter {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using MsgPtr = std::unique_ptr<nl_msg, MsgDeleter>;

void put_address(xfrm_address_t& to, const mip6::Ipv6Address& a) {
  std::memcpy(&to.a6, a.data(), 16);
}

std::string protocol_name(std::uint8_t p) {
  return p == kIpProtoDestinationOptions ? "hao" : p == kIpProtoRouting ? "route2" : std::to_string(p);
}

// RFC 6666 discard-only prefix, as the ESP probe uses (xfrm_probe.cc).
constexpr mip6::Ipv6Address::Bytes kProbeHome = {0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11};
constexpr mip6::Ipv6Address::Bytes kProbeHa = {0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12};
constexpr mip6::Ipv6Address::Bytes kProbeCoa = {0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x13};

}  // namespace

std::string XfrmRoState::to_string() const {
  std::string s = "src " + (source.is_unspecified() ? std::string("any") : source.to_string()) +
                  " dst " + destination.to_string() + " proto " + protocol_name(protocol) + " coa " +
                  (care_of_address.is_unspecified() ? std::string("any") : care_of_address.to_string()) +
                  " mode ro";
  return wildcard_receive ? s + " flag wildrecv" : s;
}

KernelStatus validate(const XfrmRoState& s) {
  if (s.protocol != kIpProtoDestinationOptions && s.protocol != kIpProtoRouting)
    return kernel_fail(KernelErrc::kInvalidArgument,
                       "route-optimization state needs proto hao (60) or route2 (43): " + s.to_string());
  if (s.destination.is_unspecified() && !s.wildcard_receive)
    return kernel_fail(KernelErrc::kInvalidArgument,
                       "route-optimization state without destination: " + s.to_string());
  if (s.source.is_unspecified() && !s.wildcard_receive)
    // xfrm6_input_addr() uses a state found with a wildcard source only
    // when it carries XFRM_STATE_WILDRECV.
    return kernel_fail(KernelErrc::kInvalidArgument,
                       "route-optimization state with any source needs wildcard_receive: " + s.to_string());
  return mip6::Ok{};
}

Mip6XfrmPlan home_agent_base_plan(const mip6::Ipv6Address& ha) {
  Mip6XfrmPlan plan;
  // RFC 6275 §9.3.1: the HA processes the Home Address option of a BU.
  XfrmRoState hao;
  hao.protocol = kIpProtoDestinationOptions;
  hao.destination = ha;
  hao.wildcard_receive = true;
  plan.ro_states.push_back(hao);
  // The ESP packet of a BU already carries the hao state in its sec_path
  // when the kernel checks inbound policy for protocol 50.
  XfrmPolicy esp_in;
  esp_in.selector.source = mip6::Ipv6Prefix{mip6::Ipv6Address{}, 0};
  esp_in.selector.destination = mip6::Ipv6Prefix{ha, 128};
  esp_in.selector.protocol = kIpProtoEsp;
  esp_in.direction = PolicyDirection::kIn;
  esp_in.action = PolicyAction::kAllow;
  esp_in.accept_home_address_option = true;
  plan.policies.push_back(esp_in);
  return plan;
}

std::vector<XfrmPolicy> mobile_node_policies(const mip6::Ipv6Address& ha,
                                             const mip6::Ipv6Address& hoa, std::uint32_t spi_in) {
  crypto::SpdSelector sel;
  sel.local = ha;
  sel.remote = mip6::Ipv6Prefix{hoa, 128};
  sel.upper_layer_protocol = kIpProtoMobilityHeader;
  // RFC 3776 §5 / RFC 4877 §4: every MH between HA and HoA through ESP.
  XfrmPolicy in = XfrmPolicy::from_spd(sel, PolicyDirection::kIn, PolicyAction::kRequireEsp);
  in.template_spi = spi_in;
  in.accept_home_address_option = true;  // the BU from a care-of address (RFC 6275 §11.7.1)
  XfrmPolicy out = XfrmPolicy::from_spd(sel, PolicyDirection::kOut, PolicyAction::kRequireEsp);
  return {in, out};
}

// ---- XfrmBackend: route-optimization states (raw netlink: libnl 3.7 has
// no way to send XFRMA_SRCADDR on delete, which the kernel needs for
// states without an SPI) --------------------------------------------------

KernelStatus XfrmBackend::install_ro_state(const XfrmRoState& s) {
  const std::string what = "install state " + s.to_string();
  if (auto v = validate(s); !v) return kernel_fail(v.error().code, what + ": " + v.error().message);
  xfrm_usersa_info info;
  std::memset(&info, 0, sizeof info);
  put_address(info.id.daddr, s.destination);
  info.id.proto = s.protocol;
  info.id.spi = 0;
  put_address(info.saddr, s.source);
  info.family = AF_INET6;
  info.sel.family = AF_INET6;
  info.mode = XFRM_MODE_ROUTEOPTIMIZATION;
  info.flags = s.wildcard_receive ? XFRM_STATE_WILDRECV : 0;
  info.lft.soft_byte_limit = info.lft.hard_byte_limit = XFRM_INF;
  info.lft.soft_packet_limit = info.lft.hard_packet_limit = XFRM_INF;
  xfrm_address_t coa;
  std::memset(&coa, 0, sizeof coa);
  put_address(coa, s.care_of_address);
  MsgPtr msg(nlmsg_alloc_simple(XFRM_MSG_NEWSA, NLM_F_CREATE | NLM_F_EXCL));
  if (!msg || nlmsg_append(msg.get(), &info, sizeof info, NLMSG_ALIGNTO) < 0 ||
      nla_put(msg.get(), XFRMA_COADDR, sizeof coa, &coa) < 0)
    return kernel_fail(KernelErrc::kNetlink, what + ": out of memory");
  sock_.begin_request();
  int rc = nl_send_auto_complete(sock_.get(), msg.get());
  if (rc >= 0) rc = nl_wait_for_ack(sock_.get());
  auto st = sock_.check(rc, what);
  if (st) ro_states_.insert(s);
  return st;
}

KernelResult<ChangeOutcome> XfrmBackend::remove_ro_state(const XfrmRoState& s) {
  const std::string what = "remove state " + s.to_string();
  xfrm_usersa_id id;
  std::memset(&id, 0, sizeof id);
  put_address(id.daddr, s.destination);
  id.family = AF_INET6;
  id.proto = s.protocol;
  xfrm_address_t src;
  std::memset(&src, 0, sizeof src);
  put_address(src, s.source);
  MsgPtr msg(nlmsg_alloc_simple(XFRM_MSG_DELSA, 0));
  if (!msg || nlmsg_append(msg.get(), &id, sizeof id, NLMSG_ALIGNTO) < 0 ||
      nla_put(msg.get(), XFRMA_SRCADDR, sizeof src, &src) < 0)
    return kernel_fail(KernelErrc::kNetlink, what + ": out of memory");
  sock_.begin_request();
  int rc = nl_send_auto_complete(sock_.get(), msg.get());
  if (rc >= 0) rc = nl_wait_for_ack(sock_.get());
  auto st = sock_.check(rc, what);
  if (!st && st.error().code != KernelErrc::kNotFound) return mip6::fail(st.error());
  ro_states_.erase(s);
  return st ? ChangeOutcome::kApplied : ChangeOutcome::kWasAbsent;
}

KernelStatus XfrmBackend::probe_mip6() {
  XfrmRoState s;
  s.protocol = kIpProtoDestinationOptions;
  s.source = mip6::Ipv6Address(kProbeHome);
  s.destination = mip6::Ipv6Address(kProbeHa);
  s.care_of_address = mip6::Ipv6Address(kProbeCoa);
  auto st = install_ro_state(s);
  if (!st) {
    if (st.error().sys_errno == EEXIST) return mip6::Ok{};  // built, so the type exists
    return st;
  }
  if (auto r = remove_ro_state(s); !r) return mip6::fail(r.error());
  return mip6::Ok{};
}

}  // namespace kernel
