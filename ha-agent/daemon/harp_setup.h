// Turns the `harp { ... }` section of the configuration into the HARP
// library's GroupConfig and the ESP SA pairs between this HA and each peer
// (protocol-notes §5.8: every HARP message is ESP-protected between HAs).
#pragma once

#include <string>

#include "conf/config.h"
#include "crypto/sa_lifetime.h"
#include "ha-agent/daemon/security_setup.h"
#include "harp/group_config.h"
#include "mip6/result.h"

namespace ha_agent {

// `initial_hello_sequence` comes from the caller (the library has no RNG).
// `link_mtu` bounds State Synchronization messages: the packet backend sends
// whole packets and does not fragment.
harp::GroupConfig group_config_from(const conf::Config& config, std::uint16_t initial_hello_sequence,
                                    unsigned link_mtu);

// One SA pair per peer: selectors name our address and the peer's.
mip6::Status<std::string> add_peers(SecuritySetup& s, const conf::Config& config, crypto::SaTime now);

}  // namespace ha_agent
