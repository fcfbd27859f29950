// mn-emu: emulated Mobile IPv6 mobile nodes for the ha-agent test bench
// (docs/mn-emu.md). One process, one Boost.Asio loop, AF_PACKET receive and
// IPPROTO_RAW send (ha-agent/io), an nftables guard for the CoAs.
#include <google/protobuf/util/json_util.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>

#include "bench/mn-emu/emu_config.h"
#include "bench/mn-emu/emulator.h"
#include "ha-agent/io/af_packet_io.h"
#include "ha-agent/io/nft_guard.h"
#include "ha-agent/log/log.h"

namespace po = boost::program_options;

namespace {

// nftables table for IPv6-in-IPv6 (proto 41) sent to the CoAs: the daemon's
// default Home Agent Switch path (gap G8). NftGuard covers ESP and MH only.
std::string tunnel_ruleset(const std::string& table, const std::vector<mip6::Ipv6Address>& coas) {
  std::string set;
  for (std::size_t i = 0; i < coas.size(); ++i) set += (i ? ", " : "") + coas[i].to_string();
  return "add table ip6 " + table + "\ndelete table ip6 " + table + "\ntable ip6 " + table +
         " {\n  chain input {\n    type filter hook input priority -300; policy accept;\n"
         "    ip6 daddr { " + set + " } meta l4proto 41 counter drop comment \"mn-emu\"\n  }\n}\n";
}

bool write_report(const mnemu::Emulator& emu, const std::string& path) {
  std::string json;
  google::protobuf::util::JsonPrintOptions o;
  o.add_whitespace = true;
  o.preserve_proto_field_names = true;
  o.always_print_primitive_fields = false;
  auto st = google::protobuf::util::MessageToJsonString(emu.report(), &json, o);
  if (!st.ok()) {
    std::cerr << "mn-emu: report: " << st.ToString() << "\n";
    return false;
  }
  std::ofstream f(path);
  f << json;
  if (!f) {
    std::cerr << "mn-emu: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path, report_path, log_level = "info";
  double duration_s = 0, stats_interval_s = 0, grace_s = 5;
  po::options_description desc("mn-emu: emulated Mobile IPv6 mobile nodes\nOptions");
  desc.add_options()("help,h", "this text")(
      "config", po::value(&config_path)->required(), "mn-emu config (protobuf text, mn_emu.proto)")(
      "register", "register every MN (paced by registration_rate_per_s)")(
      "duration", po::value(&duration_s), "run this many seconds, then end (default: until signal)")(
      "deregister-at-end", "deregister every MN before exiting")(
      "deregister-grace", po::value(&grace_s), "seconds to wait for deregistration BAs (default 5)")(
      "report", po::value(&report_path), "write the JSON report here at exit")(
      "stats-interval", po::value(&stats_interval_s), "log a stats line every S seconds")(
      "log-level", po::value(&log_level), "debug|info|notice|warning|error")(
      "no-nft-guard", "do not install the nftables guard (overrides the config)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "mn-emu: " << e.what() << "\n" << desc << "\n";
    return 2;
  }
  ha_agent::log::Options lo;
  lo.program = "mn-emu";
  if (auto l = ha_agent::log::parse_severity(log_level)) lo.level = *l;
  else {
    std::cerr << "mn-emu: unknown log level " << log_level << "\n";
    return 2;
  }
  ha_agent::log::init(lo);

  auto config = mnemu::load_emu_config(config_path);
  if (!config) {
    for (const auto& e : config.error()) std::cerr << e << "\n";
    return 2;
  }
  boost::asio::io_context io;
  ha_agent::io::AfPacketOptions ao;
  ao.interfaces = config->interfaces;
  ao.local_addresses = config->care_of_addresses;
  auto packet_io = ha_agent::io::AfPacketIo::open(io, ao);
  if (!packet_io) {
    std::cerr << "mn-emu: packet I/O: " << packet_io.error() << "\n";
    return 1;
  }
  std::optional<ha_agent::io::NftGuard> guard;
  bool tunnel_guard = false;
  if (config->nft_guard && !vm.count("no-nft-guard")) {
    auto g = ha_agent::io::NftGuard::install(config->nft_table, config->care_of_addresses);
    if (!g) {
      std::cerr << "mn-emu: nftables guard: " << g.error() << "\n";
      return 1;
    }
    guard.emplace(std::move(g).value());
    const std::string t41 = config->nft_table + "_tun";
    if (auto st = ha_agent::io::run_nft(tunnel_ruleset(t41, config->care_of_addresses)); !st) {
      std::cerr << "mn-emu: nftables tunnel guard: " << st.error() << "\n";
      return 1;
    }
    tunnel_guard = true;
  }

  mnemu::RunOptions ro;
  ro.register_all = vm.count("register") > 0;
  ro.deregister_at_end = vm.count("deregister-at-end") > 0;
  if (duration_s > 0) ro.duration = std::chrono::milliseconds(static_cast<std::int64_t>(duration_s * 1000));
  if (stats_interval_s > 0)
    ro.stats_interval = std::chrono::milliseconds(static_cast<std::int64_t>(stats_interval_s * 1000));
  ro.deregister_grace = std::chrono::milliseconds(static_cast<std::int64_t>(grace_s * 1000));
  auto emu = mnemu::Emulator::create(io, *config, **packet_io, ro);
  if (!emu) {
    std::cerr << "mn-emu: " << emu.error() << "\n";
    return 1;
  }
  auto& e = **emu;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        e.request_stop();  // a second signal ends a deregistration at once
        if (!e.finished()) signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  e.set_on_finished([&] {
    signals.cancel();
    io.stop();
  });
  e.start();
  io.run();

  int rc = 0;
  if (!report_path.empty() && !write_report(e, report_path)) rc = 1;
  if (tunnel_guard) (void)ha_agent::io::run_nft("delete table ip6 " + config->nft_table + "_tun\n");
  return rc;
}
