#include "ha-agent/kernel/xfrm_policy.h"

namespace kernel {

std::string_view to_string(PolicyDirection d) {
  return d == PolicyDirection::kIn ? "in" : "out";
}

std::string_view to_string(PolicyAction a) {
  switch (a) {
    case PolicyAction::kAllow:
      return "allow";
    case PolicyAction::kBlock:
      return "block";
    case PolicyAction::kRequireEsp:
      return "require-esp";
  }
  return "unknown";
}

std::string XfrmSelector::to_string() const {
  std::string s = "src " + source.to_string() + " dst " + destination.to_string() + " proto " +
                  std::to_string(protocol);
  if (mh_type) s += " type " + std::to_string(*mh_type);
  return s;
}

std::string XfrmPolicy::to_string() const {
  std::string s = selector.to_string() + " dir " + std::string(kernel::to_string(direction)) + " " +
                  std::string(kernel::to_string(action));
  if (template_spi != 0) s += " spi " + std::to_string(template_spi);
  if (accept_home_address_option) s += " +hao";
  return s + " priority " + std::to_string(priority);
}

XfrmPolicy XfrmPolicy::from_spd(const crypto::SpdSelector& s, PolicyDirection dir,
                                PolicyAction action) {
  XfrmPolicy p;
  const mip6::Ipv6Prefix local{s.local, 128};
  // RFC 3776 §5: SPD-OUT src=HA dst=HoA, SPD-IN src=HoA dst=HA.
  p.selector.source = dir == PolicyDirection::kOut ? local : s.remote;
  p.selector.destination = dir == PolicyDirection::kOut ? s.remote : local;
  p.selector.protocol = s.upper_layer_protocol;
  p.selector.mh_type = s.mh_type;
  p.direction = dir;
  p.action = action;
  return p;
}

KernelStatus validate(const XfrmSelector& s) {
  if (s.source.length > 128 || s.destination.length > 128) {
    return kernel_fail(KernelErrc::kInvalidArgument,
                       "selector prefix length > 128: " + s.to_string());
  }
  if (s.mh_type && s.protocol != kIpProtoMobilityHeader) {
    return kernel_fail(KernelErrc::kInvalidArgument,
                       "MH type selector needs protocol 135, got " + std::to_string(s.protocol));
  }
  return mip6::Ok{};
}

KernelStatus validate(const XfrmPolicy& p) {
  if (auto v = validate(p.selector); !v) return v;
  if (p.accept_home_address_option && p.direction != PolicyDirection::kIn) {
    return kernel_fail(KernelErrc::kInvalidArgument,
                       "a Home Address option template is for inbound policies: " + p.to_string());
  }
  if (p.accept_home_address_option && p.action == PolicyAction::kBlock) {
    return kernel_fail(KernelErrc::kInvalidArgument,
                       "a Home Address option template on a blocking policy: " + p.to_string());
  }
  if (p.action != PolicyAction::kRequireEsp &&
      (p.template_source || p.template_destination || p.reqid != 0 || p.template_spi != 0)) {
    return kernel_fail(
        KernelErrc::kInvalidArgument,
        "template fields set on a policy that does not require ESP: " + p.to_string());
  }
  return mip6::Ok{};
}

}  // namespace kernel
