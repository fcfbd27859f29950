#include "ha-agent/daemon/config_mapping.h"

namespace ha_agent {

mip6::HomeAgentPolicy home_agent_policy(const conf::Config& c) {
  mip6::HomeAgentPolicy p;
  p.addresses = c.ha_addresses;
  p.home_prefixes = c.home_prefixes;
  p.served_home_addresses.reserve(c.mobile_nodes.size());
  for (const auto& mn : c.mobile_nodes)
    if (conf::serves(c, mn.home_address)) p.served_home_addresses.insert(mn.home_address);
  p.max_lifetime_s = static_cast<std::uint32_t>(c.lifetime.max_binding_lifetime.count());
  p.brr_lead_time_s = static_cast<std::uint32_t>(c.lifetime.brr_lead_time.count());
  return p;
}

log::Severity log_severity(conf::LogLevel l) {
  switch (l) {
    case conf::LogLevel::kTrace:
    case conf::LogLevel::kDebug: return log::Severity::kDebug;
    case conf::LogLevel::kInfo: return log::Severity::kInfo;
    case conf::LogLevel::kWarning: return log::Severity::kWarning;
    case conf::LogLevel::kError:
    case conf::LogLevel::kFatal: return log::Severity::kError;
  }
  return log::Severity::kInfo;
}

}  // namespace ha_agent
