// ha-agentctl: the admin console of ha-agent (DESIGN.md §5). Dispatches
// `ha-agentctl COMMAND [ARGS...]` to the subcommand table (subcommand.h).
#include <cstdio>
#include <string_view>

#include "ha-agent/ctl/subcommand.h"

namespace {

void usage(std::FILE* to) {
  std::fprintf(
      to, "usage: ha-agentctl COMMAND [ARGS...]   (COMMAND --help for details)\n\ncommands:\n");
  for (const auto& c : ha_agent::ctl::subcommands())
    std::fprintf(to, "  %-12.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  std::fprintf(to,
               "\noptions of the commands that talk to the daemon:\n"
               "  --socket PATH  the admin socket (default /run/ha-agent/admin.sock)\n"
               "  --json         JSON (protobuf JSON mapping) instead of a table\n"
               "  --help         the command's own options\n"
               "\nexit status: 0 ok, 1 usage error, 2 refused by the daemon (decode: malformed\n"
               "message), 3 daemon unreachable (not running, or no permission on the socket)\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 1;
  }
  const std::string_view cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    usage(stdout);
    return 0;
  }
  for (const auto& c : ha_agent::ctl::subcommands())
    if (c.name == cmd) return c.run(argc - 1, argv + 1);
  std::fprintf(stderr, "ha-agentctl: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 1;
}
