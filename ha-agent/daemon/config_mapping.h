// What the daemon derives from its configuration in more than one place (at
// start and at reload, docs/operations.md "Reload"): the RFC 6275 policy of
// the HomeAgent and the log severity of a configured level.
#pragma once

#include "conf/config.h"
#include "ha-agent/log/log.h"
#include "mip6/home_agent.h"

namespace ha_agent {

// This HA's addresses, home prefixes, served home addresses and lifetime
// policy (RFC 6275 §10.3.1).
mip6::HomeAgentPolicy home_agent_policy(const conf::Config& c);

// conf levels to Boost.Log severities (trace -> debug, fatal -> error).
log::Severity log_severity(conf::LogLevel l);

}  // namespace ha_agent
