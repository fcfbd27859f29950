#include "ha-agent/ctl/subcommand.h"

namespace ha_agent::ctl {

std::span<const Subcommand> subcommands() {
  static constexpr Subcommand kTable[] = {
      {"decode", "decode a Mobility Header given in hex and print it as JSON", run_decode},
  };
  return kTable;
}

}  // namespace ha_agent::ctl
