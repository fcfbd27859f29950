#include "conf/config.h"

#include <algorithm>
#include <cstdio>
#include <type_traits>

namespace conf {
namespace {

template <class E, std::size_t N>
std::optional<E> lookup(const std::string_view (&names)[N], std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<E>(i);
  return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(const std::string_view (&names)[N], E v) {
  auto i = static_cast<std::size_t>(v);
  return i < N ? names[i] : std::string_view("?");
}

// Indexed by the enumerators' values.
constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warning", "error", "fatal"};
constexpr std::string_view kSinks[] = {"stderr", "syslog"};
constexpr std::string_view kPacketIo[] = {"auto", "packet", "kernel"};
constexpr std::string_view kKernelState[] = {"netlink", "none"};
constexpr std::string_view kTakeover[] = {"preference", "spread"};

std::string sa_text(const SaPairConfig& sa) {
  char spis[64];
  std::snprintf(spis, sizeof spis, "spi_in 0x%x spi_out 0x%x ", sa.spi_in, sa.spi_out);
  std::string s = spis + std::string(algorithm_name(sa.algorithm));
  if (sa.key_files.layout == KeyFiles::Layout::kOneFileBothDirections)
    s += " key_file " + sa.key_files.inbound();
  else
    s += " key_file_in " + sa.key_files.inbound() + " key_file_out " + sa.key_files.outbound();
  if (sa.extended_sequence_numbers) s += " esn";
  s += " replay_window " + std::to_string(sa.replay_window);
  return s;
}

template <class T>
std::string join(const std::vector<T>& v) {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += ' ';
    if constexpr (std::is_same_v<T, std::string>) s += x;
    else s += x.to_string();
  }
  return s.empty() ? "-" : s;
}

}  // namespace

std::string MetricsListenConfig::to_string() const {
  return (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::string_view to_string(LogLevel v) { return name_of(kLevels, v); }
std::string_view to_string(LogSink v) { return name_of(kSinks, v); }
std::string_view to_string(PacketIoBackend v) { return name_of(kPacketIo, v); }
std::string_view to_string(KernelStateBackend v) { return name_of(kKernelState, v); }
std::string_view to_string(TakeoverPolicy v) { return name_of(kTakeover, v); }

std::optional<LogLevel> parse_log_level(std::string_view n) { return lookup<LogLevel>(kLevels, n); }
std::optional<LogSink> parse_log_sink(std::string_view n) { return lookup<LogSink>(kSinks, n); }
std::optional<PacketIoBackend> parse_packet_io_backend(std::string_view n) {
  return lookup<PacketIoBackend>(kPacketIo, n);
}
std::optional<KernelStateBackend> parse_kernel_state_backend(std::string_view n) {
  return lookup<KernelStateBackend>(kKernelState, n);
}
std::optional<TakeoverPolicy> parse_takeover_policy(std::string_view n) {
  return lookup<TakeoverPolicy>(kTakeover, n);
}

KeyPath::KeyPath(std::string_view path, std::shared_ptr<const std::string>& dir_cache) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos) {
    name_ = std::string(path);
    return;
  }
  const std::string_view dir = path.substr(0, slash + 1);
  if (!dir_cache || *dir_cache != dir) dir_cache = std::make_shared<const std::string>(dir);
  dir_ = dir_cache;
  name_ = std::string(path.substr(slash + 1));
}

KeyPath::KeyPath(std::string_view path) {
  std::shared_ptr<const std::string> own;
  *this = KeyPath(path, own);
}

bool KeyPath::operator==(const KeyPath& o) const {
  if (dir_ == o.dir_) return name_ == o.name_;  // the same shared directory (or none)
  return str() == o.str();
}

bool serves(const Config& config, const mip6::Ipv6Address& hoa) {
  const auto& s = config.served;
  if (s.addresses.empty() && s.prefixes.empty()) {
    return std::any_of(config.mobile_nodes.begin(), config.mobile_nodes.end(),
                       [&](const MobileNodeConfig& mn) { return mn.home_address == hoa; });
  }
  return std::find(s.addresses.begin(), s.addresses.end(), hoa) != s.addresses.end() ||
         std::any_of(s.prefixes.begin(), s.prefixes.end(),
                     [&](const mip6::Ipv6Prefix& p) { return p.contains(hoa); });
}

std::string describe(const Config& c) {
  std::string s = "config " + c.file_name + "\n";
  s += "  ha_address      " + join(c.ha_addresses) + "\n";
  s += "  home_interface  " + join(c.home_interfaces) + "\n";
  s += "  home_prefix     " + join(c.home_prefixes) + "\n";
  s += "  lifetime        max " + std::to_string(c.lifetime.max_binding_lifetime.count()) + " s, brr lead " +
       std::to_string(c.lifetime.brr_lead_time.count()) + " s\n";
  if (c.served.addresses.empty() && c.served.prefixes.empty())
    s += "  serve           every configured mobile node\n";
  else
    s += "  serve           " + join(c.served.addresses) + " " + join(c.served.prefixes) + "\n";
  s += "  mobile_nodes    " + std::to_string(c.mobile_nodes.size()) + "\n";
  for (const auto& mn : c.mobile_nodes) s += "    " + mn.home_address.to_string() + " " + sa_text(mn.sa) + "\n";
  s += "  logging         " + std::string(to_string(c.logging.level)) + " to " +
       std::string(to_string(c.logging.sink));
  for (const auto& m : c.logging.modules) s += " " + m.module + "=" + std::string(to_string(m.level));
  char mode[16];
  std::snprintf(mode, sizeof mode, "0%o", c.admin.mode);
  s += "\n  admin           " + c.admin.socket_path + " mode " + mode;
  if (c.admin.group) s += " group " + *c.admin.group;
  s += "\n  packet_io       " + std::string(to_string(c.packet_io.backend)) + " on " + c.packet_io.interface + "\n";
  s += "  kernel_state    " + std::string(to_string(c.kernel_state)) + "\n";
  if (c.harp) {
    const auto& h = *c.harp;
    s += "  harp            group " + std::to_string(h.group_id) + " preference " + std::to_string(h.preference) +
         " hello " + std::to_string(h.hello_interval.count()) + " ms x" + std::to_string(h.dead_multiplier) +
         " rise " + std::to_string(h.rise) + (h.preempt ? " preempt" : " no-preempt") + " takeover " +
         std::string(to_string(h.takeover)) + " mh " + std::to_string(h.wire_types.mh_hello) + "/" +
         std::to_string(h.wire_types.mh_sync) + "/" + std::to_string(h.wire_types.mh_control) + " bci " +
         std::to_string(h.wire_types.bci_option) + " switch " + std::to_string(h.switch_rate_per_s) + "/s\n";
    for (const auto& p : h.peers)
      s += "    peer " + p.address.to_string() + " preference " + std::to_string(p.preference) + " " +
           sa_text(p.sa) + "\n";
  } else {
    s += "  harp            (standalone)\n";
  }
  if (c.snapshot_path)
    s += "  snapshot_path   " + *c.snapshot_path + " (" +
         (c.snapshot_interval.count() ? "every " + std::to_string(c.snapshot_interval.count()) + " s and "
                                      : std::string()) +
         "at shutdown)\n";
  if (c.privileges)
    s += "  privileges      user " + c.privileges->user + " group " +
         c.privileges->group.value_or("(login group)") + ", keeps CAP_NET_RAW CAP_NET_ADMIN\n";
  else
    s += "  privileges      (keeps running as started)\n";
  const auto& r = c.rate_limit;
  auto limit = [](std::uint32_t pps, std::uint32_t burst) {
    return pps ? std::to_string(pps) + "/s burst " + std::to_string(burst) : std::string("unlimited");
  };
  s += "  rate_limit      per source " + limit(r.per_source_pps, r.per_source_burst) + ", per peer " +
       limit(r.per_peer_pps, r.per_peer_burst) + ", " + std::to_string(r.max_sources) +
       " sources tracked\n";
  s += "  metrics         " + (c.metrics ? "http://" + c.metrics->to_string() + "/metrics" : std::string("(no listener)")) +
       "\n";
  return s;
}

}  // namespace conf
