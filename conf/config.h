// conf::Config: the validated, typed configuration of one ha-agent daemon,
// produced by conf::load() from the protobuf text file (conf/ha_agent.proto).
// Every value here has passed the rules of the schema and has its default
// filled in, so the daemon never sees the raw protobuf nor an unchecked
// field. Key material is not part of it: SAs name key files by path only
// (the daemon's key loader reads them), and describe() prints paths, never
// secrets.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/sa.h"
#include "mip6/address.h"

namespace conf {

// An absolute key file path, stored as its directory (up to and including
// the last '/') and its file name. The directory is shared between paths
// built with the same `dir_cache` (consecutive mobile nodes of one file
// usually keep their keys in one directory), so a path costs its file name
// (issue #4, memory per mobile node). Compare and print through str().
class KeyPath {
 public:
  KeyPath() = default;
  // `dir_cache`: the directory of the previous path; reused when it is the
  // same, else replaced by this path's directory.
  KeyPath(std::string_view path, std::shared_ptr<const std::string>& dir_cache);
  explicit KeyPath(std::string_view path);
  std::string str() const { return dir_ ? *dir_ + name_ : name_; }
  bool empty() const { return name_.empty() && !dir_; }
  bool operator==(const KeyPath& o) const;

 private:
  std::shared_ptr<const std::string> dir_;  // null: no '/' in the path
  std::string name_;
};

// Where the keys of one SA pair come from (never the keys themselves).
struct KeyFiles {
  enum class Layout : std::uint8_t {
    kOneFileBothDirections,  // `key_file`: inbound and outbound in one file
    kOneFilePerDirection,    // `key_file_in` + `key_file_out`
  };
  Layout layout = Layout::kOneFileBothDirections;
  KeyPath in;  // `key_file` or `key_file_in`
  // `key_file_out`; null for kOneFileBothDirections. Held by pointer (and
  // never changed, so copies share it): the usual one-file form then costs
  // 16 octets here instead of an empty second KeyPath (issue #4, memory per
  // mobile node).
  std::shared_ptr<const KeyPath> out;
  std::string inbound() const { return in.str(); }
  // Equal to inbound() for kOneFileBothDirections.
  std::string outbound() const {
    if (layout == Layout::kOneFileBothDirections) return in.str();
    return out ? out->str() : std::string();
  }
  bool operator==(const KeyFiles& o) const {
    const bool same_out = out == o.out || (out && o.out && *out == *o.out);
    return layout == o.layout && in == o.in && same_out;
  }
};

// A pair of manually keyed ESP transport-mode SAs (RFC 4303, RFC 3776 §4.2).
// The small fields come first so they share one 16-octet word (a
// MobileNodeConfig is 104 octets; issue #4, memory per mobile node).
struct SaPairConfig {
  std::uint32_t spi_in = 0;   // >= 256 (RFC 4303 §2.1)
  std::uint32_t spi_out = 0;  // >= 256
  std::uint32_t replay_window = 1024;      // 64..4096, inbound
  crypto::EspAlgorithm algorithm = crypto::EspAlgorithm::kAesGcm128;
  bool extended_sequence_numbers = false;  // RFC 4303 §2.2.1
  KeyFiles key_files;
};

struct MobileNodeConfig {
  mip6::Ipv6Address home_address;
  SaPairConfig sa;
};

// RFC 6275 §6.1.7: lifetimes travel in 4-second units.
struct LifetimePolicy {
  std::chrono::seconds max_binding_lifetime{3600};  // 4..262140, multiple of 4
  std::chrono::seconds brr_lead_time{60};           // 0 = no BRR; < max
};

// Home addresses served as the active HA. Both lists empty: every
// configured mobile node.
struct ServedHomeAddresses {
  std::vector<mip6::Ipv6Address> addresses;
  std::vector<mip6::Ipv6Prefix> prefixes;
};

enum class LogLevel : std::uint8_t { kTrace, kDebug, kInfo, kWarning, kError, kFatal };
enum class LogSink : std::uint8_t { kStderr, kSyslog };

// Module names accepted in `logging { module { name: ... } }`: one logging
// channel per module (DESIGN.md §5).
inline constexpr std::string_view kLogModules[] = {"mip6", "harp",   "crypto", "conf",
                                                   "io",   "kernel", "admin",  "daemon"};

struct ModuleLogLevel {
  std::string module;
  LogLevel level = LogLevel::kInfo;
};

struct LoggingConfig {
  LogLevel level = LogLevel::kInfo;
  LogSink sink = LogSink::kStderr;
  std::vector<ModuleLogLevel> modules;
};

struct AdminConfig {
  std::string socket_path = "/run/ha-agent/admin.sock";
  std::uint32_t mode = 0600;  // subset of 0660
  std::optional<std::string> group;
};

enum class PacketIoBackend : std::uint8_t { kAuto, kPacket, kKernel };
enum class KernelStateBackend : std::uint8_t { kNetlink, kNone };

struct PacketIoConfig {
  PacketIoBackend backend = PacketIoBackend::kAuto;
  std::string interface;  // AF_PACKET interface; defaults to home_interfaces[0]
};

enum class TakeoverPolicy : std::uint8_t { kPreference, kSpread };

struct PeerConfig {
  mip6::Ipv6Address address;
  std::int16_t preference = 0;
  SaPairConfig sa;
};

// HARP MH types and option type (protocol-notes §5.9, G2).
struct HarpWireTypes {
  std::uint8_t mh_hello = 200;
  std::uint8_t mh_sync = 201;
  std::uint8_t mh_control = 202;
  std::uint8_t bci_option = 200;
};

struct HarpConfig {
  std::uint8_t group_id = 0;  // 1..255
  std::int16_t preference = 0;
  std::vector<PeerConfig> peers;
  std::chrono::milliseconds hello_interval{1000};  // 10..65000
  std::uint32_t dead_multiplier = 3;               // 2..255
  std::uint32_t rise = 3;                          // 1..255
  bool preempt = false;
  TakeoverPolicy takeover = TakeoverPolicy::kPreference;
  HarpWireTypes wire_types;
  std::uint32_t switch_rate_per_s = 1000;
  std::uint32_t realtime_priority = 0;  // SCHED_RR priority 1..99; 0: normal scheduling
};

// Least privilege (docs/operations.md): the user and group the daemon
// switches to once everything privileged is open. Names only: conf/ does no
// I/O, the daemon resolves them (and fails naming the field when unknown).
struct PrivilegesConfig {
  std::string user;
  std::optional<std::string> group;  // default: the user's login group
};

// The HTTP listener for GET /metrics: a numeric address and a port.
struct MetricsListenConfig {
  std::string address = "::1";  // numeric, without brackets
  bool ipv6 = true;
  std::uint16_t port = 9469;
  std::string to_string() const;  // "[::1]:9469" / "127.0.0.1:9469"
};

// Inbound signalling limits per source and per HARP peer (token buckets;
// docs/operations.md "Rate limits"). *_pps 0 = unlimited.
struct RateLimitConfig {
  std::uint32_t per_source_pps = 5000;
  std::uint32_t per_source_burst = 20000;
  std::uint32_t per_peer_pps = 20000;
  std::uint32_t per_peer_burst = 50000;
  std::uint32_t max_sources = 65536;  // 1..16777216
  bool operator==(const RateLimitConfig&) const = default;
};

struct Config {
  std::string file_name;  // as given to load(), for messages
  std::vector<mip6::Ipv6Address> ha_addresses;
  std::vector<std::string> home_interfaces;
  std::vector<mip6::Ipv6Prefix> home_prefixes;
  LifetimePolicy lifetime;
  ServedHomeAddresses served;
  std::vector<MobileNodeConfig> mobile_nodes;
  LoggingConfig logging;
  AdminConfig admin;
  PacketIoConfig packet_io;
  KernelStateBackend kernel_state = KernelStateBackend::kNetlink;
  // kernel_state.proxy_nd: true = "user-space" (ha-agent answers NS for the
  // bound home addresses), false = "kernel" (proxy NDP entries).
  bool proxy_nd_in_user_space = false;
  std::optional<HarpConfig> harp;
  std::optional<std::string> snapshot_path;
  // Periodic snapshots (snapshot_interval_s); 0 = only at shutdown.
  std::chrono::seconds snapshot_interval{60};
  std::optional<PrivilegesConfig> privileges;  // absent: keep running as started
  std::optional<MetricsListenConfig> metrics;  // absent: no HTTP listener
  RateLimitConfig rate_limit;
};

// True when `hoa` is one this HA serves as active HA (see ServedHomeAddresses).
bool serves(const Config& config, const mip6::Ipv6Address& hoa);

// Human-readable multi-line summary (for --check-config and logs). Prints
// key file paths, never key material.
std::string describe(const Config& config);

std::string_view to_string(LogLevel v);
std::string_view to_string(LogSink v);
std::string_view to_string(PacketIoBackend v);
std::string_view to_string(KernelStateBackend v);
std::string_view to_string(TakeoverPolicy v);

std::optional<LogLevel> parse_log_level(std::string_view name);
std::optional<LogSink> parse_log_sink(std::string_view name);
std::optional<PacketIoBackend> parse_packet_io_backend(std::string_view name);
std::optional<KernelStateBackend> parse_kernel_state_backend(std::string_view name);
std::optional<TakeoverPolicy> parse_takeover_policy(std::string_view name);

// ESP algorithm names of the configuration ("aes-gcm-128", ...). Wraps
// crypto::parse_esp_algorithm / crypto::to_string (see esp_names.cc).
std::optional<crypto::EspAlgorithm> parse_algorithm_name(std::string_view name);
std::string_view algorithm_name(crypto::EspAlgorithm a);

}  // namespace conf
