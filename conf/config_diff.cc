#include "conf/config_diff.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace conf {
namespace {

// Fields of an SA pair that differ, in the schema's names.
std::vector<std::string> sa_fields(const SaPairConfig& a, const SaPairConfig& b) {
  std::vector<std::string> f;
  if (a.spi_in != b.spi_in) f.emplace_back("spi_in");
  if (a.spi_out != b.spi_out) f.emplace_back("spi_out");
  if (a.algorithm != b.algorithm) f.emplace_back("algorithm");
  if (!(a.key_files == b.key_files)) f.emplace_back("key_file");
  if (a.extended_sequence_numbers != b.extended_sequence_numbers) f.emplace_back("esn");
  if (a.replay_window != b.replay_window) f.emplace_back("replay_window");
  return f;
}

template <class T>
bool same_set(const std::vector<T>& a, const std::vector<T>& b) {
  return std::set<T>(a.begin(), a.end()) == std::set<T>(b.begin(), b.end());
}

bool same_levels(const LoggingConfig& a, const LoggingConfig& b) {
  if (a.level != b.level) return false;
  std::map<std::string, LogLevel> ma, mb;
  for (const auto& m : a.modules) ma[m.module] = m.level;
  for (const auto& m : b.modules) mb[m.module] = m.level;
  return ma == mb;
}

void diff_mobile_nodes(const Config& a, const Config& b, ConfigDiff& d) {
  std::unordered_map<mip6::Ipv6Address, const MobileNodeConfig*> old_by_hoa;
  for (const auto& mn : a.mobile_nodes) old_by_hoa.emplace(mn.home_address, &mn);
  std::unordered_map<mip6::Ipv6Address, const MobileNodeConfig*> new_by_hoa;
  for (const auto& mn : b.mobile_nodes) {
    new_by_hoa.emplace(mn.home_address, &mn);
    auto it = old_by_hoa.find(mn.home_address);
    if (it == old_by_hoa.end()) {
      d.mobile_nodes_added.push_back(mn);
      continue;
    }
    auto f = sa_fields(it->second->sa, mn.sa);
    if (!f.empty()) d.mobile_nodes_changed.push_back({*it->second, mn, std::move(f)});
  }
  for (const auto& mn : a.mobile_nodes)
    if (new_by_hoa.count(mn.home_address) == 0) d.mobile_nodes_removed.push_back(mn);
}

void diff_harp(const HarpConfig& a, const HarpConfig& b, ConfigDiff& d) {
  auto restart = [&](const char* field, const char* what) {
    d.restart_only.push_back({std::string("harp.") + field, what});
  };
  if (a.group_id != b.group_id) restart("group_id", "the HARP group id");
  if (a.wire_types.mh_hello != b.wire_types.mh_hello) restart("mh_type_hello", "a HARP MH type");
  if (a.wire_types.mh_sync != b.wire_types.mh_sync) restart("mh_type_sync", "a HARP MH type");
  if (a.wire_types.mh_control != b.wire_types.mh_control) restart("mh_type_control", "a HARP MH type");
  if (a.wire_types.bci_option != b.wire_types.bci_option)
    restart("bci_option_type", "the HARP option type");
  if (a.realtime_priority != b.realtime_priority)
    restart("realtime_priority", "the daemon's scheduling (set once at start)");

  auto& f = d.harp_fields_changed;
  if (a.preference != b.preference) f.emplace_back("preference");
  if (a.hello_interval != b.hello_interval) f.emplace_back("hello_interval_ms");
  if (a.dead_multiplier != b.dead_multiplier) f.emplace_back("dead_multiplier");
  if (a.rise != b.rise) f.emplace_back("rise");
  if (a.preempt != b.preempt) f.emplace_back("preempt");
  if (a.takeover != b.takeover) f.emplace_back("takeover");
  if (a.switch_rate_per_s != b.switch_rate_per_s) f.emplace_back("switch_rate_per_s");

  std::map<mip6::Ipv6Address, const PeerConfig*> old_peers;
  for (const auto& p : a.peers) old_peers.emplace(p.address, &p);
  std::set<mip6::Ipv6Address> kept;
  for (const auto& p : b.peers) {
    auto it = old_peers.find(p.address);
    if (it == old_peers.end()) {
      d.peers_added.push_back(p);
      continue;
    }
    kept.insert(p.address);
    auto fields = sa_fields(it->second->sa, p.sa);
    if (it->second->preference != p.preference) fields.insert(fields.begin(), "preference");
    if (!fields.empty()) d.peers_changed.push_back({*it->second, p, std::move(fields)});
  }
  for (const auto& p : a.peers)
    if (kept.count(p.address) == 0) d.peers_removed.push_back(p);
}

void diff_restart_only(const Config& a, const Config& b, ConfigDiff& d) {
  auto restart = [&](bool differs, const char* field, const char* what) {
    if (differs) d.restart_only.push_back({field, what});
  };
  // Sockets, filters and the TUN device are opened for these at start-up.
  restart(a.ha_addresses != b.ha_addresses, "ha_address", "the addresses of this HA");
  restart(a.home_interfaces != b.home_interfaces, "home_interface", "the home link interfaces");
  restart(a.packet_io.backend != b.packet_io.backend, "packet_io.backend", "the packet I/O backend");
  restart(a.packet_io.interface != b.packet_io.interface, "packet_io.interface",
          "the packet I/O interface");
  restart(a.kernel_state != b.kernel_state, "kernel_state.backend", "the kernel state backend");
  restart(a.proxy_nd_in_user_space != b.proxy_nd_in_user_space, "kernel_state.proxy_nd",
          "who answers proxy ND");
  // Opened before the privilege drop: the daemon could no longer reopen them.
  restart(a.admin.socket_path != b.admin.socket_path, "admin.socket_path", "the admin socket");
  restart(a.admin.mode != b.admin.mode, "admin.mode", "the admin socket's mode");
  restart(a.admin.group != b.admin.group, "admin.group", "the admin socket's group");
  const bool priv_differs =
      a.privileges.has_value() != b.privileges.has_value() ||
      (a.privileges && (a.privileges->user != b.privileges->user || a.privileges->group != b.privileges->group));
  restart(priv_differs, "privileges", "the user the daemon runs as");
  const bool metrics_differs =
      a.metrics.has_value() != b.metrics.has_value() ||
      (a.metrics && (a.metrics->address != b.metrics->address || a.metrics->port != b.metrics->port));
  restart(metrics_differs, "metrics.listen", "the metrics listener");
  restart(a.snapshot_path != b.snapshot_path, "snapshot_path", "the snapshot file");
  restart(a.logging.sink != b.logging.sink, "logging.sink", "the log sink");
  restart(a.harp.has_value() != b.harp.has_value(), "harp", "HARP group membership");
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

bool ConfigDiff::empty() const {
  return mobile_nodes_added.empty() && mobile_nodes_removed.empty() && mobile_nodes_changed.empty() &&
         !lifetime_changed && !served_changed && !home_prefixes_changed && peers_added.empty() &&
         peers_removed.empty() && peers_changed.empty() && harp_fields_changed.empty() &&
         !logging_levels_changed && !rate_limit_changed && !snapshot_interval_changed &&
         restart_only.empty();
}

ConfigDiff diff(const Config& a, const Config& b) {
  ConfigDiff d;
  diff_restart_only(a, b, d);
  diff_mobile_nodes(a, b, d);
  d.rate_limit_changed = !(a.rate_limit == b.rate_limit);
  d.snapshot_interval_changed = a.snapshot_interval != b.snapshot_interval;
  d.lifetime_changed = a.lifetime.max_binding_lifetime != b.lifetime.max_binding_lifetime ||
                       a.lifetime.brr_lead_time != b.lifetime.brr_lead_time;
  d.served_changed = !same_set(a.served.addresses, b.served.addresses) ||
                     !same_set(a.served.prefixes, b.served.prefixes);
  d.home_prefixes_changed = !same_set(a.home_prefixes, b.home_prefixes);
  if (a.harp && b.harp) diff_harp(*a.harp, *b.harp, d);
  d.logging_levels_changed = !same_levels(a.logging, b.logging);
  return d;
}

void mark_key_changed(ConfigDiff& d, const MobileNodeConfig& before, const MobileNodeConfig& after) {
  for (auto& c : d.mobile_nodes_changed) {
    if (c.after.home_address != after.home_address) continue;
    if (std::find(c.fields.begin(), c.fields.end(), "key material") == c.fields.end())
      c.fields.emplace_back("key material");
    return;
  }
  d.mobile_nodes_changed.push_back({before, after, {"key material"}});
}

void mark_peer_key_changed(ConfigDiff& d, const PeerConfig& before, const PeerConfig& after) {
  for (auto& c : d.peers_changed) {
    if (c.after.address != after.address) continue;
    if (std::find(c.fields.begin(), c.fields.end(), "key material") == c.fields.end())
      c.fields.emplace_back("key material");
    return;
  }
  d.peers_changed.push_back({before, after, {"key material"}});
}

std::vector<ConfigError> restart_errors(const ConfigDiff& d, const std::string& file) {
  std::vector<ConfigError> out;
  for (const auto& r : d.restart_only) {
    ConfigError e;
    e.file = file;
    e.field_path = r.field;
    e.message = "changing " + r.what + " needs a restart";
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::string> summary(const ConfigDiff& d) {
  std::vector<std::string> out;
  if (!d.mobile_nodes_added.empty() || !d.mobile_nodes_removed.empty() || !d.mobile_nodes_changed.empty()) {
    std::set<std::string> fields;
    for (const auto& c : d.mobile_nodes_changed) fields.insert(c.fields.begin(), c.fields.end());
    std::string s = "mobile nodes: " + std::to_string(d.mobile_nodes_added.size()) + " added, " +
                    std::to_string(d.mobile_nodes_removed.size()) + " removed, " +
                    std::to_string(d.mobile_nodes_changed.size()) + " changed";
    if (!fields.empty()) s += " (" + joined({fields.begin(), fields.end()}) + ")";
    out.push_back(std::move(s));
  }
  if (d.lifetime_changed) out.emplace_back("lifetime policy changed");
  if (d.served_changed) out.emplace_back("served home addresses changed");
  if (d.home_prefixes_changed) out.emplace_back("home prefixes changed");
  if (!d.peers_added.empty() || !d.peers_removed.empty() || !d.peers_changed.empty())
    out.push_back("HARP peers: " + std::to_string(d.peers_added.size()) + " added, " +
                  std::to_string(d.peers_removed.size()) + " removed, " +
                  std::to_string(d.peers_changed.size()) + " changed");
  if (!d.harp_fields_changed.empty()) out.push_back("HARP group: " + joined(d.harp_fields_changed));
  if (d.logging_levels_changed) out.emplace_back("log levels changed");
  if (d.rate_limit_changed) out.emplace_back("rate limits changed");
  if (d.snapshot_interval_changed) out.emplace_back("snapshot interval changed (from the next snapshot)");
  for (const auto& r : d.restart_only) out.push_back(r.field + ": needs a restart");
  if (out.empty()) out.emplace_back("no change");
  return out;
}

}  // namespace conf
