#include "harp/group_config.h"

#include <set>

namespace harp {

std::string_view to_string(ConfigError e) {
  switch (e) {
    case ConfigError::kBadGroupId:
      return "bad_group_id";
    case ConfigError::kUnspecifiedAddress:
      return "unspecified_address";
    case ConfigError::kPeerIsSelf:
      return "peer_is_self";
    case ConfigError::kDuplicatePeer:
      return "duplicate_peer";
    case ConfigError::kHelloIntervalOutOfRange:
      return "hello_interval_out_of_range";
    case ConfigError::kBadMultiplier:
      return "bad_dead_multiplier";
    case ConfigError::kBadRise:
      return "bad_rise";
    case ConfigError::kBadSyncDelay:
      return "bad_sync_delay";
    case ConfigError::kBadRetransmit:
      return "bad_retransmit";
    case ConfigError::kBadRetries:
      return "bad_retries";
    case ConfigError::kBadSwitchRate:
      return "bad_switch_rate";
    case ConfigError::kBadHarpNumbers:
      return "bad_harp_numbers";
    case ConfigError::kBadMaxSyncMessage:
      return "bad_max_sync_message";
  }
  return "unknown";
}

mip6::Status<ConfigError> validate_group_config(const GroupConfig& c) {
  using mip6::fail;
  if (c.group_id == 0) return fail(ConfigError::kBadGroupId);
  if (c.own_address.is_unspecified()) return fail(ConfigError::kUnspecifiedAddress);
  std::set<Ipv6Address> seen;
  for (const auto& p : c.peers) {
    if (p.address.is_unspecified()) return fail(ConfigError::kUnspecifiedAddress);
    if (p.address == c.own_address) return fail(ConfigError::kPeerIsSelf);
    if (!seen.insert(p.address).second) return fail(ConfigError::kDuplicatePeer);
  }
  // The Hello Interval field is 16 bits of milliseconds (§5.3.1).
  if (c.hello_interval < 10ms || c.hello_interval > 65535ms)
    return fail(ConfigError::kHelloIntervalOutOfRange);
  if (c.dead_multiplier == 0 || c.dead_multiplier > 255) return fail(ConfigError::kBadMultiplier);
  if (c.rise == 0 || c.rise > 255) return fail(ConfigError::kBadRise);
  if (c.sync_delay < Clock::duration::zero() || c.sync_delay > 1s)
    return fail(ConfigError::kBadSyncDelay);
  if (c.retransmit_initial <= Clock::duration::zero() || c.retransmit_max < c.retransmit_initial)
    return fail(ConfigError::kBadRetransmit);
  if (c.sync_max_retries == 0 || c.switch_max_tries == 0 || c.control_retries == 0)
    return fail(ConfigError::kBadRetries);
  if (!(c.switch_rate_per_s > 0.0) || c.switch_burst == 0) return fail(ConfigError::kBadSwitchRate);
  if (!c.numbers.valid()) return fail(ConfigError::kBadHarpNumbers);
  if (c.max_sync_message < 256 || c.max_sync_message > mip6::mh::kMaxLength)
    return fail(ConfigError::kBadMaxSyncMessage);
  return mip6::Ok{};
}

std::uint16_t hello_lifetime_s(Clock::duration interval) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(interval).count();
  const long long s = (3 * ms + 999) / 1000;
  if (s < 1) return 1;
  if (s > 65535) return 65535;
  return static_cast<std::uint16_t>(s);
}

}  // namespace harp
