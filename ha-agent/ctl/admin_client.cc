#include "ha-agent/ctl/admin_client.h"

#include <cstdio>
#include <iostream>

#include "ha-agent/admin/admin_server.h"

namespace ha_agent::ctl {
namespace po = boost::program_options;

int parse_options(const char* name, int argc, char** argv, CommonOptions& c,
                  const po::options_description& extra,
                  const po::positional_options_description& pos, bool with_json) {
  po::options_description opts(std::string("ha-agentctl ") + name + " [options]");
  opts.add_options()("help,h", "this help")(
      "socket,s", po::value(&c.socket)->default_value(kDefaultSocket), "the daemon's admin socket");
  if (with_json)
    opts.add_options()("json", po::bool_switch(&c.json),
                       "print JSON (protobuf JSON mapping) instead of a table");
  opts.add(extra);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "ha-agentctl %s: %s\n", name, e.what());
    return 1;
  }
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  return -1;
}

int call_daemon(const char* name, const std::string& socket, const admin::Request& req,
                admin::Response& out) {
  auto r = admin::call(socket, req);
  if (!r) {
    std::fprintf(stderr, "ha-agentctl %s: %s\n", name, r.error().c_str());
    return 3;
  }
  if (r->has_error()) {
    std::fprintf(stderr, "ha-agentctl %s: %s: %s\n", name, r->error().code().c_str(),
                 r->error().message().c_str());
    return 2;
  }
  out = std::move(r).value();
  return -1;
}

}  // namespace ha_agent::ctl
