// bu-bench: closed-loop BU -> BA throughput and latency benchmark of one
// ha-agent, and its raw-socket echo baseline (issue #4, docs/PERFORMANCE.md).
// Client: `bu-bench --config mn-emu.conf [--mode register|refresh] [--echo]`
// Server: `bu-bench --echo-server --ha ADDR --interface IF --reply-bytes N`
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/program_options.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "bench/bu-bench/bench_loop.h"
#include "bench/bu-bench/echo_server.h"
#include "bench/mn-emu/emu_config.h"
#include "ha-agent/io/af_packet_io.h"
#include "ha-agent/io/nft_guard.h"

namespace po = boost::program_options;

namespace {

double percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) o += c;
  }
  return o;
}

std::string result_json(const std::string& label, const bubench::LoopOptions& o, std::size_t mns,
                        bubench::LoopResult r) {
  const double rate = r.measured_s > 0 ? static_cast<double>(r.measured_replies) / r.measured_s : 0;
  std::ostringstream j;
  j.precision(6);
  j << "{\n  \"label\": \"" << json_escape(label) << "\",\n"
    << "  \"mode\": \"" << (o.mode == bubench::LoopMode::kRegister ? "register" : "refresh") << "\",\n"
    << "  \"echo\": " << (o.echo ? "true" : "false") << ",\n"
    << "  \"mobile_nodes\": " << mns << ",\n  \"window\": " << o.window << ",\n"
    << "  \"sent\": " << r.sent << ",\n  \"send_errors\": " << r.send_errors << ",\n"
    << "  \"replies\": " << r.replies << ",\n  \"accepted\": " << r.accepted << ",\n"
    << "  \"rejected\": " << r.rejected << ",\n  \"lost\": " << r.lost << ",\n"
    << "  \"late_or_unmatched\": " << r.late_or_unmatched << ",\n"
    << "  \"bu_bytes\": " << r.bu_bytes << ",\n  \"reply_bytes\": " << r.reply_bytes << ",\n"
    << "  \"measured_s\": " << r.measured_s << ",\n  \"measured_replies\": " << r.measured_replies << ",\n"
    << "  \"replies_per_s\": " << rate << ",\n"
    << "  \"latency_samples\": " << r.latency_us.size() << ",\n"
    << "  \"p50_us\": " << percentile(r.latency_us, 0.50) << ",\n"
    << "  \"p99_us\": " << percentile(r.latency_us, 0.99) << ",\n"
    << "  \"next_sequence_base\": " << r.next_sequence_base << ",\n  \"ba_status\": {";
  bool first = true;
  for (const auto& [k, v] : r.ba_status) j << (first ? "" : ", ") << "\"" << k << "\": " << v, first = false;
  j << "},\n  \"dropped\": {";
  first = true;
  for (const auto& [k, v] : r.dropped)
    j << (first ? "" : ", ") << "\"" << json_escape(k) << "\": " << v, first = false;
  j << "}\n}\n";
  return j.str();
}

int run_echo_server(const std::string& ha, const std::string& interface, std::size_t reply_bytes,
                    double seconds, bool nft) {
  auto addr = mip6::Ipv6Address::parse(ha);
  if (!addr) {
    std::cerr << "bu-bench: bad --ha address " << ha << "\n";
    return 2;
  }
  boost::asio::io_context io;
  ha_agent::io::AfPacketOptions ao;
  if (!interface.empty()) ao.interfaces = {interface};
  ao.local_addresses = {*addr};
  auto pio = ha_agent::io::AfPacketIo::open(io, ao);
  if (!pio) {
    std::cerr << "bu-bench: packet I/O: " << pio.error() << "\n";
    return 1;
  }
  std::optional<ha_agent::io::NftGuard> guard;
  if (nft) {
    auto g = ha_agent::io::NftGuard::install("bu_bench_echo", {*addr});
    if (!g) {
      std::cerr << "bu-bench: nftables guard: " << g.error() << "\n";
      return 1;
    }
    guard.emplace(std::move(g).value());
  }
  bubench::EchoServer server(**pio, reply_bytes);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) io.stop();
  });
  boost::asio::steady_timer end(io);
  end.expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000)));
  end.async_wait([&](const boost::system::error_code& ec) {
    if (!ec) io.stop();
  });
  server.start();
  std::cerr << "bu-bench: echo server on " << ha << " (" << (*pio)->describe() << "), replies of "
            << reply_bytes << " octets\n";
  io.run();
  (*pio)->stop();
  std::cerr << "bu-bench: echoed " << server.echoed();
  for (const auto& [k, v] : server.dropped()) std::cerr << "; " << k << "=" << v;
  std::cerr << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path, mode = "refresh", json_path, label, ha, interface;
  double seconds = 10, warmup = 1, server_seconds = 600;
  std::size_t window = 64, reply_bytes = 0;
  std::uint64_t max_bus = 0;
  unsigned sequence_base = 1, timeout_ms = 1000;
  po::options_description desc("bu-bench: BU->BA closed-loop benchmark (docs/PERFORMANCE.md)\nOptions");
  desc.add_options()("help,h", "this text")(
      "config", po::value(&config_path), "mn-emu config written by ha-genconf (client)")(
      "mode", po::value(&mode), "register (one BU per MN) | refresh (default)")(
      "echo", "client: the replies come from `bu-bench --echo-server`")(
      "seconds", po::value(&seconds), "stop sending after S seconds (default 10; register: a cap)")(
      "warmup", po::value(&warmup), "refresh: do not measure the first S seconds (default 1)")(
      "window", po::value(&window), "BUs outstanding at a time (default 64)")(
      "max-bus", po::value(&max_bus), "stop sending after this many BUs (default: no limit)")(
      "sequence-base", po::value(&sequence_base), "first BU (and ESP) sequence number of every MN (default 1)")(
      "timeout-ms", po::value(&timeout_ms), "a BU unanswered this long is lost (default 1000)")(
      "json", po::value(&json_path), "write the result here")(
      "label", po::value(&label), "label stored in the JSON")(
      "echo-server", "run the raw-socket echo baseline instead of the client")(
      "ha", po::value(&ha), "echo server: the HA address to answer for")(
      "interface", po::value(&interface), "echo server: interface (default: all)")(
      "reply-bytes", po::value(&reply_bytes), "echo server: IPv6 size of every reply (the BA's size)")(
      "server-seconds", po::value(&server_seconds), "echo server: exit after S seconds (default 600)")(
      "no-nft-guard", "do not install the nftables guard");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "bu-bench: " << e.what() << "\n" << desc << "\n";
    return 2;
  }
  const bool nft = vm.count("no-nft-guard") == 0;
  if (vm.count("echo-server")) {
    if (ha.empty() || reply_bytes < 48) {
      std::cerr << "bu-bench: --echo-server needs --ha and --reply-bytes >= 48\n";
      return 2;
    }
    return run_echo_server(ha, interface, reply_bytes, server_seconds, nft);
  }
  if (config_path.empty() || (mode != "register" && mode != "refresh") || sequence_base > 0xFFFF ||
      seconds <= 0 || warmup < 0 || (mode == "refresh" && warmup >= seconds)) {
    std::cerr << "bu-bench: need --config, --mode register|refresh, 0 <= --warmup < --seconds\n" << desc;
    return 2;
  }
  auto config = mnemu::load_emu_config(config_path);
  if (!config) {
    for (const auto& e : config.error()) std::cerr << e << "\n";
    return 2;
  }
  bubench::LoopOptions o;
  o.mode = mode == "register" ? bubench::LoopMode::kRegister : bubench::LoopMode::kRefresh;
  o.echo = vm.count("echo") > 0;
  o.window = window;
  o.sequence_base = static_cast<std::uint16_t>(sequence_base);
  o.duration = std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
  o.warmup = std::chrono::milliseconds(static_cast<std::int64_t>(warmup * 1000));
  o.max_bus = max_bus;
  o.timeout = std::chrono::milliseconds(timeout_ms);

  boost::asio::io_context io;
  ha_agent::io::AfPacketOptions ao;
  ao.interfaces = config->interfaces;
  ao.local_addresses = config->care_of_addresses;
  auto pio = ha_agent::io::AfPacketIo::open(io, ao);
  if (!pio) {
    std::cerr << "bu-bench: packet I/O: " << pio.error() << "\n";
    return 1;
  }
  std::optional<ha_agent::io::NftGuard> guard;
  if (nft) {
    auto g = ha_agent::io::NftGuard::install("bu_bench", config->care_of_addresses);
    if (!g) {
      std::cerr << "bu-bench: nftables guard: " << g.error() << "\n";
      return 1;
    }
    guard.emplace(std::move(g).value());
  }
  auto loop = bubench::BenchLoop::create(io, *config, **pio, o);
  if (!loop) {
    std::cerr << "bu-bench: " << loop.error() << "\n";
    return 1;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) (*loop)->request_stop(true);
  });
  (*loop)->start();
  io.run();
  const std::string json = result_json(label, o, config->mobile_nodes.size(), (*loop)->result());
  std::cout << json;
  if (!json_path.empty()) {
    std::ofstream f(json_path);
    f << json;
    if (!f) {
      std::cerr << "bu-bench: cannot write " << json_path << "\n";
      return 1;
    }
  }
  return (*loop)->result().replies > 0 ? 0 : 1;
}
