#include "mip6/ha_policy.h"

namespace mip6 {

std::string_view to_string(PolicyError e) {
  switch (e) {
    case PolicyError::kNoAddresses:
      return "no_addresses";
    case PolicyError::kNoHomePrefixes:
      return "no_home_prefixes";
    case PolicyError::kBadHomePrefix:
      return "bad_home_prefix";
    case PolicyError::kMaxLifetimeOutOfRange:
      return "max_lifetime_out_of_range";
    case PolicyError::kBrrLeadOutOfRange:
      return "brr_lead_out_of_range";
  }
  return "unknown";
}

Status<PolicyError> validate_policy(const HomeAgentPolicy& policy) {
  if (policy.addresses.empty()) return fail(PolicyError::kNoAddresses);
  if (policy.home_prefixes.empty()) return fail(PolicyError::kNoHomePrefixes);
  for (const auto& p : policy.home_prefixes) {
    if (p.length > 128) return fail(PolicyError::kBadHomePrefix);
  }
  if (policy.max_lifetime_s < 4 || policy.max_lifetime_s > kMaxBindingLifetimeSeconds) {
    return fail(PolicyError::kMaxLifetimeOutOfRange);
  }
  if (policy.brr_lead_time_s > kMaxBindingLifetimeSeconds) {
    return fail(PolicyError::kBrrLeadOutOfRange);
  }
  return Ok{};
}

}  // namespace mip6
