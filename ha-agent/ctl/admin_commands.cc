// ha-agentctl commands that talk to a running daemon over its admin socket
// (DESIGN.md §5): status, bindings, stats, metrics, log-level. Readable
// tables by default, `--json` (protobuf's JSON printer) for scripts. Exit
// status: 0 ok, 1 usage, 2 the daemon refused the request, 3 daemon
// unreachable (subcommand.h).
#include <boost/program_options.hpp>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "ha-agent/ctl/admin_client.h"
#include "ha-agent/ctl/subcommand.h"
#include "ha-agent/ctl/table.h"
#include "ha-agent/metrics/registry.h"

namespace ha_agent::ctl {
namespace po = boost::program_options;
namespace {

using Common = CommonOptions;

int parse(const char* name, int argc, char** argv, Common& c, po::options_description extra,
          po::positional_options_description pos = {}) {
  return parse_options(name, argc, argv, c, extra, pos);
}

int call(const char* name, const Common& c, const admin::Request& req, admin::Response& out) {
  return call_daemon(name, c.socket, req, out);
}

int print_json(const google::protobuf::Message& m) {
  std::string s;
  google::protobuf::util::JsonPrintOptions o;
  o.add_whitespace = true;
  o.always_print_primitive_fields = true;
  o.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &s, o);
  std::cout << s;
  return 0;
}

std::string labels_text(const admin::Counter& c) {
  std::map<std::string, std::string> sorted(c.labels().begin(), c.labels().end());
  std::string s;
  for (const auto& [k, v] : sorted) s += (s.empty() ? "" : ",") + k + "=" + v;
  return s;
}

}  // namespace

int run_status(int argc, char** argv) {
  Common c;
  if (int rc = parse("status", argc, argv, c, po::options_description()); rc >= 0) return rc;
  admin::Request req;
  req.mutable_status();
  admin::Response resp;
  if (int rc = call("status", c, req, resp); rc >= 0) return rc;
  const auto& s = resp.status();
  if (c.json) return print_json(s);
  std::string addrs, prefixes;
  for (const auto& a : s.addresses()) addrs += (addrs.empty() ? "" : ", ") + a;
  for (const auto& p : s.home_prefixes()) prefixes += (prefixes.empty() ? "" : ", ") + p;
  Table t({"", ""});
  t.add({"version", s.version()});
  t.add({"pid", std::to_string(s.pid())});
  t.add({"uptime", std::to_string(s.uptime_s()) + " s"});
  t.add({"config", s.config_file()});
  t.add({"addresses", addrs});
  t.add({"home prefixes", prefixes});
  t.add({"packet I/O", s.packet_backend()});
  t.add({"kernel state", s.kernel_backend()});
  t.add({"ESP", s.esp_path()});
  t.add({"bindings", std::to_string(s.bindings()) + " of " +
                         std::to_string(s.mobile_nodes_configured()) + " configured mobile nodes"});
  std::cout << t.render(false);
  return 0;
}

int run_bindings(int argc, char** argv) {
  Common c;
  std::string hoa;
  po::options_description extra;
  std::uint32_t page_size = 0;
  extra.add_options()("home-address", po::value(&hoa), "only the binding of this home address")(
      "page-size", po::value(&page_size),
      "bindings per request to the daemon (default and maximum 10000; the output is one list)");
  if (int rc = parse("bindings", argc, argv, c, extra); rc >= 0) return rc;
  // The daemon answers in pages (admin.proto BindingsRequest): ask until
  // it says there are no more, and print them as one list.
  admin::BindingsReply all;
  std::string after;
  for (;;) {
    admin::Request req;
    req.mutable_bindings()->set_home_address(hoa);
    req.mutable_bindings()->set_after(after);
    req.mutable_bindings()->set_limit(page_size);
    admin::Response resp;
    if (int rc = call("bindings", c, req, resp); rc >= 0) return rc;
    for (auto& b : *resp.mutable_bindings()->mutable_bindings()) *all.add_bindings() = std::move(b);
    if (!resp.bindings().more()) break;
    if (resp.bindings().next_after().empty() || resp.bindings().next_after() == after) {
      std::fprintf(stderr, "ha-agentctl bindings: the daemon's page did not advance (after %s)\n",
                   after.c_str());
      return 2;
    }
    after = resp.bindings().next_after();
  }
  if (c.json) return print_json(all);
  std::vector<admin::Binding> v(all.bindings().begin(), all.bindings().end());
  std::sort(v.begin(), v.end(),
            [](const auto& a, const auto& b) { return a.home_address() < b.home_address(); });
  Table t({"HOME ADDRESS", "CARE-OF ADDRESS", "SEQ", "FLAGS", "LIFETIME", "LEFT", "SPI IN", "SPI OUT",
           "ALGORITHM", "REFRESHES"});
  for (const auto& b : v) {
    char in[16], out[16];
    std::snprintf(in, sizeof in, "0x%x", b.spi_in());
    std::snprintf(out, sizeof out, "0x%x", b.spi_out());
    t.add({b.home_address(), b.care_of_address(), std::to_string(b.sequence()), b.flags(),
           std::to_string(b.lifetime_granted_s()) + " s", std::to_string(b.lifetime_remaining_s()) + " s",
           in, out, b.algorithm(), std::to_string(b.refreshes())});
  }
  std::cout << t.render(true) << v.size() << " binding(s)\n";
  return 0;
}

int run_stats(int argc, char** argv) {
  Common c;
  bool all = false;
  po::options_description extra;
  extra.add_options()("all", po::bool_switch(&all), "also show counters that are zero");
  if (int rc = parse("stats", argc, argv, c, extra); rc >= 0) return rc;
  admin::Request req;
  req.mutable_stats();
  admin::Response resp;
  if (int rc = call("stats", c, req, resp); rc >= 0) return rc;
  if (c.json) return print_json(resp.stats());
  Table t({"COUNTER", "LABELS", "VALUE"});
  for (const auto& m : resp.stats().counters())
    if (all || m.value() != 0) t.add({m.name(), labels_text(m), std::to_string(m.value())});
  std::cout << t.render(true);
  return 0;
}

int run_metrics(int argc, char** argv) {
  Common c;
  if (int rc = parse("metrics", argc, argv, c, po::options_description()); rc >= 0) return rc;
  admin::Request req;
  req.mutable_stats();
  admin::Response resp;
  if (int rc = call("metrics", c, req, resp); rc >= 0) return rc;
  // Prometheus text exposition format 0.0.4, rendered by the daemon's own
  // metrics registry from the counters it reported.
  metrics::Registry reg;
  for (const auto& m : resp.stats().counters()) {
    std::map<std::string, std::string> sorted(m.labels().begin(), m.labels().end());
    metrics::Labels labels(sorted.begin(), sorted.end());
    (m.gauge() ? reg.gauge(m.name(), std::move(labels), m.help())
               : reg.counter(m.name(), std::move(labels), m.help()))
        .set(m.value());
  }
  std::cout << reg.prometheus_text();
  return 0;
}

int run_log_level(int argc, char** argv) {
  Common c;
  std::string level, channel;
  po::options_description extra;
  extra.add_options()("level", po::value(&level), "debug | info | notice | warning | error")(
      "channel", po::value(&channel), "one module (daemon, io, esp, mip6, harp, admin, kernel); default all");
  po::positional_options_description pos;
  pos.add("level", 1);
  if (int rc = parse("log-level", argc, argv, c, extra, pos); rc >= 0) return rc;
  if (level.empty()) {
    std::fprintf(stderr, "ha-agentctl log-level: missing LEVEL (debug, info, notice, warning, error)\n");
    return 1;
  }
  admin::Request req;
  req.mutable_log_level()->set_level(level);
  req.mutable_log_level()->set_channel(channel);
  admin::Response resp;
  if (int rc = call("log-level", c, req, resp); rc >= 0) return rc;
  if (c.json) return print_json(resp.log_level());
  std::cout << "log level of "
            << (resp.log_level().channel().empty() ? std::string("all channels")
                                                   : resp.log_level().channel())
            << " is now " << resp.log_level().level() << "\n";
  return 0;
}

}  // namespace ha_agent::ctl
