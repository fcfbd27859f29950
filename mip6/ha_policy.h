// HomeAgentPolicy: what one home agent is configured to do (RFC 6275 §10.1,
// §13): its own addresses, the home prefixes it serves, the home addresses it
// accepts registrations for, lifetime limits and optional behaviours. The
// daemon builds it from the configuration (conf/); validate_policy() names
// the first problem so a bad policy is refused before use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "mip6/address.h"
#include "mip6/address_set.h"
#include "mip6/result.h"

namespace mip6 {

// 0xFFFF x 4 s: the largest lifetime a BU/BA can carry (RFC 6275 §6.1.7).
inline constexpr std::uint32_t kMaxBindingLifetimeSeconds = 262140;

struct HomeAgentPolicy {
  std::vector<Ipv6Address> addresses;     // this HA's addresses (BU destinations)
  std::vector<Ipv6Prefix> home_prefixes;  // on-link prefixes of the home link(s) (§10.3.1)
  // Home addresses this HA serves; others get BA 133 (§10.3.1 "any other
  // reason", protocol-notes HA-02). serve_any_home_address accepts every HoA
  // inside a home prefix instead.
  AddressSet served_home_addresses;
  bool serve_any_home_address = false;
  // Granted lifetime = min(requested, this), in 4-s units (§10.3.1; it stands
  // in for the prefix lifetime: home prefixes are static configuration).
  std::uint32_t max_lifetime_s = 3600;
  // A Binding Refresh Request is sent this long before expiry, once per
  // lifetime (§10.3.1, §6.1.2); 0 = never.
  std::uint32_t brr_lead_time_s = 30;
  // Binding Refresh Advice option (§6.2.4) in accepting BAs, advising a
  // refresh brr_lead_time_s before expiry (half the lifetime when that does
  // not fit). Off by default: the MN already refreshes on its own (§11.7.1).
  bool send_refresh_advice = false;
  // K flag support (§10.3.1): only with IKE (RFC 4877). With manual keying
  // there is no key-management connection to move, so BAs carry K=0.
  bool key_management_mobility = false;
  // Largest number of bindings; a new registration beyond it gets BA 130
  // (insufficient resources, §10.3.1). 0 = no limit.
  std::size_t max_bindings = 0;
};

enum class PolicyError : std::uint8_t {
  kNoAddresses,
  kNoHomePrefixes,
  kBadHomePrefix,          // length > 128
  kMaxLifetimeOutOfRange,  // outside [4, 262140] s
  kBrrLeadOutOfRange,      // > 262140 s
};

std::string_view to_string(PolicyError e);

Status<PolicyError> validate_policy(const HomeAgentPolicy& policy);

}  // namespace mip6
