// ha-agentctl reload [--check] [--json]: asks the daemon to re-read its own
// --config file (the same as SIGHUP), validate it completely and apply the
// difference in place; with --check only to validate it and say what would
// change (docs/operations.md "Reload"). A refused reload prints every error
// as file:line:column: field: message and exits 2; the daemon keeps running
// on its current configuration.
#include <boost/program_options.hpp>
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <iostream>

#include "ha-agent/ctl/admin_client.h"
#include "ha-agent/ctl/subcommand.h"

namespace ha_agent::ctl {
namespace po = boost::program_options;

namespace {

// conf::ConfigError::to_string's layout: the unknown parts are left out.
std::string problem_text(const admin::ConfigProblem& e) {
  std::string s = e.file();
  if (e.line() > 0) {
    s += ":" + std::to_string(e.line());
    if (e.column() > 0) s += ":" + std::to_string(e.column());
  }
  s += ": ";
  if (!e.field().empty()) s += e.field() + ": ";
  return s + e.message();
}

}  // namespace

int run_reload(int argc, char** argv) {
  CommonOptions c;
  bool check = false;
  po::options_description extra;
  extra.add_options()("check", po::bool_switch(&check),
                      "only validate the file (schema, key files, restart-only fields) and show what "
                      "would change; change nothing");
  if (int rc = parse_options("reload", argc, argv, c, extra); rc >= 0) return rc;
  admin::Request req;
  req.mutable_reload()->set_check_only(check);
  admin::Response resp;
  if (int rc = call_daemon("reload", c.socket, req, resp); rc >= 0) return rc;
  const auto& r = resp.reload();
  if (c.json) {
    std::string s;
    google::protobuf::util::JsonPrintOptions o;
    o.add_whitespace = true;
    o.always_print_primitive_fields = true;
    o.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(r, &s, o);
    std::cout << s;
    return r.ok() ? 0 : 2;
  }
  if (!r.ok()) {
    for (const auto& e : r.errors()) std::cerr << problem_text(e) << "\n";
    std::cerr << "ha-agentctl reload: " << r.config_file() << " refused (" << r.errors_size()
              << " error(s)); the daemon keeps its running configuration\n";
    return 2;
  }
  std::cout << (r.applied() ? "reloaded " : "valid: ") << r.config_file() << "\n";
  for (const auto& line : r.changes()) std::cout << "  " << (r.applied() ? "" : "would change: ") << line << "\n";
  return 0;
}

}  // namespace ha_agent::ctl
