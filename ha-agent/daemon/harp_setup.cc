#include "ha-agent/daemon/harp_setup.h"

namespace ha_agent {

harp::GroupConfig group_config_from(const conf::Config& config, std::uint16_t initial_hello_sequence,
                                    unsigned link_mtu) {
  const conf::HarpConfig& h = *config.harp;
  harp::GroupConfig g;
  g.group_id = h.group_id;
  g.own_address = config.ha_addresses.front();
  g.preference = h.preference;
  for (const auto& p : h.peers) g.peers.push_back({p.address, p.preference});
  g.hello_interval = h.hello_interval;
  g.dead_multiplier = h.dead_multiplier;
  g.rise = h.rise;
  g.preempt = h.preempt;
  g.takeover = h.takeover == conf::TakeoverPolicy::kSpread ? harp::TakeoverPolicy::kSpread
                                                           : harp::TakeoverPolicy::kPreference;
  g.initial_hello_sequence = initial_hello_sequence;
  g.switch_rate_per_s = static_cast<double>(h.switch_rate_per_s);
  g.numbers = {h.wire_types.mh_hello, h.wire_types.mh_sync, h.wire_types.mh_control,
               h.wire_types.bci_option};
  // IPv6 header (40) + ESP worst case (SPI, sequence, 16-octet CBC IV, up to
  // 17 octets of padding and trailer, 16-octet ICV: 65), kept to 8-octet units.
  const std::size_t room = link_mtu > 105 + 256 ? ((link_mtu - 105) / 8) * 8 : 256;
  g.max_sync_message = std::min<std::size_t>(room, mip6::mh::kMaxLength);
  return g;
}

mip6::Status<std::string> add_peers(SecuritySetup& s, const conf::Config& config,
                                    crypto::SaTime now) {
  for (const auto& p : config.harp->peers) {
    SaPairSpec spec{config.ha_addresses.front(), p.address, std::nullopt, &p.sa, SaRole::kHomeAgent};
    if (auto st = add_sa_pair(s, spec, now); !st)
      return mip6::fail("HARP peer " + p.address.to_string() + ": " + st.error());
  }
  return mip6::Ok{};
}

}  // namespace ha_agent
