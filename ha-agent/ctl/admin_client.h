// What every ha-agentctl command that talks to the daemon shares: the
// common options (--socket, --json, --help) and one request/response over
// the admin socket with the exit-status convention of subcommand.h.
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "ha-agent/admin/admin.pb.h"

namespace ha_agent::ctl {

inline constexpr const char* kDefaultSocket = "/run/ha-agent/admin.sock";

struct CommonOptions {
  std::string socket = kDefaultSocket;
  bool json = false;
};

// Parses --help, --socket, --json (when with_json) plus `extra`; returns -1
// to go on, otherwise the exit status (0 after --help, 1 on a usage error).
int parse_options(const char* name, int argc, char** argv, CommonOptions& c,
                  const boost::program_options::options_description& extra,
                  const boost::program_options::positional_options_description& pos = {},
                  bool with_json = true);

// Sends `req`; on success returns -1 with `out` set; otherwise prints one
// line and returns 3 (daemon unreachable) or 2 (the daemon refused).
int call_daemon(const char* name, const std::string& socket, const admin::Request& req,
                admin::Response& out);

}  // namespace ha_agent::ctl
