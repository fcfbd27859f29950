// ha-agentctl's subcommand table. Each subcommand lives in its own file
// (decode_command.cc, later status, bindings, stats, ...) and exposes one
// entry point; subcommands.cc lists them. main() dispatches on argv[1].
// Exit status convention: 0 success, 1 usage error, 2 bad input data
// (e.g. a malformed message given to `decode`), 3 daemon unreachable.
#pragma once

#include <span>
#include <string_view>

namespace ha_agent::ctl {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  // argv[0] is the subcommand name; the rest are its arguments.
  int (*run)(int argc, char** argv);
};

std::span<const Subcommand> subcommands();

int run_decode(int argc, char** argv);  // decode_command.cc
// admin_commands.cc: talk to a running daemon over the admin socket.
int run_status(int argc, char** argv);
int run_bindings(int argc, char** argv);
int run_stats(int argc, char** argv);
int run_metrics(int argc, char** argv);
int run_log_level(int argc, char** argv);
// harp_commands.cc: the redundancy group.
int run_peers(int argc, char** argv);
int run_events(int argc, char** argv);
int run_switchover(int argc, char** argv);
int run_drain(int argc, char** argv);
// reload_command.cc: re-read and apply the configuration file (issue #7).
int run_reload(int argc, char** argv);

}  // namespace ha_agent::ctl
