// conf::diff(): what changes between the running configuration and a newly
// loaded one, for the hitless reload (`ha-agentctl reload`, SIGHUP; BIRD's
// reconfigure(old, new), STYLE.md). A pure function of two validated
// Configs: mobile nodes added, removed and changed (identified by home
// address), lifetime policy, served set and home prefixes, HARP peers added,
// removed and changed (identified by address) and the group's timers and
// policies, logging levels, and every field that cannot change while the
// daemon runs (addresses, interfaces, backends, admin socket, privileges,
// metrics listener, ...). The daemon refuses a reload as a whole when
// restart_errors() is not empty and applies the rest in place
// (docs/operations.md, "Reload"). Key material is not part of a Config:
// the daemon compares the loaded keys itself and calls mark_key_changed().
#pragma once

#include <string>
#include <vector>

#include "conf/config.h"
#include "conf/config_error.h"

namespace conf {

struct MobileNodeChange {
  MobileNodeConfig before;
  MobileNodeConfig after;
  std::vector<std::string> fields;  // e.g. "spi_in", "algorithm", "key material"
};

struct PeerChange {
  PeerConfig before;
  PeerConfig after;
  std::vector<std::string> fields;  // "preference", "spi_in", ...
};

// A field that differs and can only take effect at the next start.
struct RestartOnly {
  std::string field;  // field path of the schema, e.g. "ha_address", "harp.group_id"
  std::string what;   // "the addresses of this HA"
};

struct ConfigDiff {
  std::vector<MobileNodeConfig> mobile_nodes_added;
  std::vector<MobileNodeConfig> mobile_nodes_removed;
  std::vector<MobileNodeChange> mobile_nodes_changed;
  bool lifetime_changed = false;
  bool served_changed = false;  // the serve section (or, through it, the served set)
  bool home_prefixes_changed = false;
  // HARP (both configs have a `harp` section; adding or removing it is restart-only).
  std::vector<PeerConfig> peers_added;
  std::vector<PeerConfig> peers_removed;
  std::vector<PeerChange> peers_changed;
  std::vector<std::string> harp_fields_changed;  // "hello_interval_ms", "rise", ...
  bool logging_levels_changed = false;
  bool rate_limit_changed = false;           // rate_limit section (applied live)
  bool snapshot_interval_changed = false;    // snapshot_interval_s (applied live)
  std::vector<RestartOnly> restart_only;

  // True when applying the diff would change nothing.
  bool empty() const;
  // True when the HomeAgent policy (addresses, prefixes, served set,
  // lifetimes) must be replaced.
  bool policy_changed() const {
    return lifetime_changed || served_changed || home_prefixes_changed ||
           !mobile_nodes_added.empty() || !mobile_nodes_removed.empty();
  }
};

ConfigDiff diff(const Config& running, const Config& next);

// The daemon found that the key material of a kept mobile node differs
// (same key file, new contents): it becomes a changed MN ("key material" is
// added to its fields when it already is one).
void mark_key_changed(ConfigDiff& d, const MobileNodeConfig& before, const MobileNodeConfig& after);
// Likewise for a kept HARP peer.
void mark_peer_key_changed(ConfigDiff& d, const PeerConfig& before, const PeerConfig& after);

// One error per restart-only change: "<file>: <field>: changing <what> needs
// a restart" (line 0: the field may be absent from one of the files).
std::vector<ConfigError> restart_errors(const ConfigDiff& d, const std::string& file);

// One line per kind of change, for logs and `ha-agentctl reload`, e.g.
// "mobile nodes: 500 added, 200 removed, 1 changed (spi_in)".
std::vector<std::string> summary(const ConfigDiff& d);

}  // namespace conf
