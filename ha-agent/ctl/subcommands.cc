#include "ha-agent/ctl/subcommand.h"

namespace ha_agent::ctl {

std::span<const Subcommand> subcommands() {
  static constexpr Subcommand kTable[] = {
      {"status", "the daemon's version, addresses, backends and binding count", run_status},
      {"bindings", "the binding cache (--home-address A for one)", run_bindings},
      {"stats", "counters: messages, drops by reason, errors", run_stats},
      {"metrics", "every counter and gauge in Prometheus text format", run_metrics},
      {"peers", "HARP peers: state, last heard, round trip, bindings owned, replication lag", run_peers},
      {"events", "HARP event stream after a snapshot of the current state (--follow)", run_events},
      {"switchover", "move this HA's MNs to one peer (--to HA): final sync, HA Control, HA Switch", run_switchover},
      {"drain", "move every MN of this HA to the live peers", run_drain},
      {"reload", "re-read the daemon's config file and apply it in place (--check: only validate)", run_reload},
      {"log-level", "change the log level, of all channels or one (--channel)", run_log_level},
      {"decode", "decode a Mobility Header given in hex and print it as JSON", run_decode},
  };
  return kTable;
}

}  // namespace ha_agent::ctl
