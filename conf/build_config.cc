// Top-level sections of the configuration: this HA's addresses, interfaces
// and home prefixes, lifetime policy, served home addresses, logging, admin
// socket and backends. The sections that carry SAs are in build_security.cc.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "conf/build.h"

namespace conf::detail {
namespace {

// RFC 6275 §6.1.7: Lifetime is 16 bits of 4-second units.
constexpr std::uint32_t kMaxBindingLifetime = 0xFFFFu * 4;  // 262140 s

void build_addresses(const pb::HaAgentConfig& m, const Scope& top, Config& c) {
  if (m.ha_address_size() == 0) top.error("ha_address", "at least one address of this home agent is required");
  for (int i = 0; i < m.ha_address_size(); ++i) {
    auto a = unicast_address(top, "ha_address", i, m.ha_address(i));
    if (!a) continue;
    auto dup = std::find(c.ha_addresses.begin(), c.ha_addresses.end(), *a);
    if (dup != c.ha_addresses.end()) {
      top.error("ha_address", i, a->to_string() + " is listed twice");
      continue;
    }
    c.ha_addresses.push_back(*a);
  }

  if (m.home_interface_size() == 0) top.error("home_interface", "at least one home link interface is required");
  for (int i = 0; i < m.home_interface_size(); ++i) {
    const auto& name = m.home_interface(i);
    if (!interface_name(top, "home_interface", i, name)) continue;
    if (std::find(c.home_interfaces.begin(), c.home_interfaces.end(), name) != c.home_interfaces.end()) {
      top.error("home_interface", i, "interface " + quote(name) + " is listed twice");
      continue;
    }
    c.home_interfaces.push_back(name);
  }
}

bool build_home_prefixes(const pb::HaAgentConfig& m, const Scope& top, Config& c) {
  bool valid = m.home_prefix_size() > 0;
  if (!valid) top.error("home_prefix", "at least one home prefix is required (RFC 6275 §10.3.1)");
  for (int i = 0; i < m.home_prefix_size(); ++i) {
    auto p = prefix(top, "home_prefix", i, m.home_prefix(i));
    if (!p) {
      valid = false;
      continue;
    }
    bool clash = false;
    for (std::size_t j = 0; j < c.home_prefixes.size() && !clash; ++j) {
      const auto& q = c.home_prefixes[j];
      if (q.contains(p->address) || p->contains(q.address)) {
        top.error("home_prefix", i, p->to_string() + " overlaps " + q.to_string());
        clash = true;
      }
    }
    if (!clash) c.home_prefixes.push_back(*p);
  }
  return valid;
}

void build_lifetime(const pb::LifetimePolicy& m, const Scope& s, LifetimePolicy& out) {
  const auto max = m.max_binding_lifetime_s();
  bool max_ok = true;
  if (max < 4 || max > kMaxBindingLifetime) {
    s.error("max_binding_lifetime_s", std::to_string(max) + " s is outside 4..262140 s (RFC 6275 §6.1.7: "
                                      "16-bit lifetime in 4-second units)");
    max_ok = false;
  } else if (max % 4 != 0) {
    s.error("max_binding_lifetime_s", std::to_string(max) + " s is not a multiple of 4 s (RFC 6275 §6.1.7: "
                                      "lifetime is in 4-second units)");
    max_ok = false;
  }
  const auto brr = m.brr_lead_time_s();
  if (max_ok && brr >= max) {
    std::string msg = "BRR lead time " + std::to_string(brr) + " s must be less than max_binding_lifetime_s (" +
                      std::to_string(max) + " s)";
    if (!m.has_brr_lead_time_s()) msg += "; the default is 60 s, set brr_lead_time_s (0 disables BRR)";
    s.error("brr_lead_time_s", msg);
  }
  out.max_binding_lifetime = std::chrono::seconds(max);
  out.brr_lead_time = std::chrono::seconds(brr);
}

void build_served(const pb::Serve& m, const Scope& s, BuildContext& ctx) {
  auto& out = ctx.config.served;
  for (int i = 0; i < m.home_address_size(); ++i) {
    auto a = unicast_address(s, "home_address", i, m.home_address(i));
    if (!a) continue;
    if (ctx.home_prefixes_valid && !in_home_prefix(ctx.config, *a)) {
      s.error("home_address", i, a->to_string() + " is not inside any home_prefix (RFC 6275 §10.3.1)");
      continue;
    }
    if (std::find(out.addresses.begin(), out.addresses.end(), *a) != out.addresses.end()) {
      s.error("home_address", i, a->to_string() + " is listed twice");
      continue;
    }
    out.addresses.push_back(*a);
  }
  for (int i = 0; i < m.prefix_size(); ++i) {
    auto p = prefix(s, "prefix", i, m.prefix(i));
    if (!p) continue;
    if (ctx.home_prefixes_valid) {
      bool inside = std::any_of(ctx.config.home_prefixes.begin(), ctx.config.home_prefixes.end(),
                                [&](const mip6::Ipv6Prefix& h) {
                                  return p->length >= h.length && h.contains(p->address);
                                });
      if (!inside) {
        s.error("prefix", i, p->to_string() + " is not inside any home_prefix (RFC 6275 §10.3.1)");
        continue;
      }
    }
    if (std::find(out.prefixes.begin(), out.prefixes.end(), *p) != out.prefixes.end()) {
      s.error("prefix", i, p->to_string() + " is listed twice");
      continue;
    }
    out.prefixes.push_back(*p);
  }
}

std::optional<LogLevel> log_level(const Scope& s, std::string_view field, const std::string& name) {
  auto l = parse_log_level(name);
  if (!l) s.error(field, "unknown log level " + quote(name) + " (expected trace, debug, info, warning, error or fatal)");
  return l;
}

void build_logging(const pb::Logging& m, const Scope& s, LoggingConfig& out) {
  if (auto l = log_level(s, "level", m.level())) out.level = *l;
  if (auto k = parse_log_sink(m.sink())) out.sink = *k;
  else s.error("sink", "unknown log sink " + quote(m.sink()) + " (expected stderr or syslog)");
  std::set<std::string> seen;
  for (int i = 0; i < m.module_size(); ++i) {
    const auto& mm = m.module(i);
    Scope ms = s.nested("module", i);
    bool ok = true;
    if (!mm.has_name()) {
      ms.error("name", "required");
      ok = false;
    } else if (std::find(std::begin(kLogModules), std::end(kLogModules), mm.name()) == std::end(kLogModules)) {
      std::string known;
      for (auto n : kLogModules) known += (known.empty() ? "" : ", ") + std::string(n);
      ms.error("name", "unknown module " + quote(mm.name()) + " (expected one of " + known + ")");
      ok = false;
    } else if (!seen.insert(mm.name()).second) {
      ms.error("name", "module '" + mm.name() + "' is listed twice");
      ok = false;
    }
    std::optional<LogLevel> level;
    if (!mm.has_level()) ms.error("level", "required");
    else level = log_level(ms, "level", mm.level());
    if (ok && level) out.modules.push_back(ModuleLogLevel{mm.name(), *level});
  }
}

void build_admin(const pb::Admin& m, const Scope& s, AdminConfig& out) {
  if (absolute_path(s, "socket_path", m.socket_path())) out.socket_path = m.socket_path();
  const auto mode = m.mode();
  char octal[16];
  std::snprintf(octal, sizeof octal, "0%o", mode);
  // DESIGN.md §5: the admin socket is for root or one configured group.
  if ((mode & ~0660u) != 0) {
    s.error("mode", std::string("mode ") + octal + " grants more than 0660 (no execute bits, nothing for others)");
  } else if ((mode & 0600u) != 0600u) {
    s.error("mode", std::string("mode ") + octal + " must give the owner read and write (0600)");
  } else if (m.has_group() && (mode & 0060u) != 0060u) {
    s.error("mode", std::string("mode ") + octal + " gives group " + quote(m.group()) +
                        " no read and write access; use 0660");
  }
  out.mode = mode;
  if (m.has_group()) {
    const auto& g = m.group();
    bool ok = !g.empty() && g.size() <= 32 && g.front() != '-';
    for (char ch : g) {
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-')) ok = false;
    }
    if (ok) out.group = g;
    else s.error("group", "group name must be 1..32 characters of [A-Za-z0-9_.-], not starting with '-'");
  }
}

void build_backends(const pb::HaAgentConfig& m, const Scope& top, Config& c) {
  Scope io = top.nested("packet_io");
  if (auto b = parse_packet_io_backend(m.packet_io().backend())) c.packet_io.backend = *b;
  else io.error("backend", "unknown packet I/O backend " + quote(m.packet_io().backend()) + " (expected auto, packet or kernel)");
  if (m.packet_io().has_interface()) {
    if (interface_name(io, "interface", -1, m.packet_io().interface())) c.packet_io.interface = m.packet_io().interface();
  } else if (!c.home_interfaces.empty()) {
    c.packet_io.interface = c.home_interfaces.front();
  }

  Scope ks = top.nested("kernel_state");
  if (auto b = parse_kernel_state_backend(m.kernel_state().backend())) c.kernel_state = *b;
  else ks.error("backend", "unknown kernel state backend " + quote(m.kernel_state().backend()) + " (expected netlink or none)");
  if (m.kernel_state().proxy_nd() == "user-space") c.proxy_nd_in_user_space = true;
  else if (m.kernel_state().proxy_nd() != "kernel")
    ks.error("proxy_nd", "unknown proxy_nd " + quote(m.kernel_state().proxy_nd()) + " (expected kernel or user-space)");
}

}  // namespace

bool in_home_prefix(const Config& c, const mip6::Ipv6Address& a) {
  return std::any_of(c.home_prefixes.begin(), c.home_prefixes.end(),
                     [&](const mip6::Ipv6Prefix& p) { return p.contains(a); });
}

Config build_config(const pb::HaAgentConfig& m, const Scope& top) {
  Config c;
  c.file_name = top.sink().file();
  BuildContext ctx(c);
  build_addresses(m, top, c);
  ctx.home_prefixes_valid = build_home_prefixes(m, top, c);
  build_lifetime(m.lifetime(), top.nested("lifetime"), c.lifetime);
  build_served(m.serve(), top.nested("serve"), ctx);
  build_mobile_nodes(m, top, ctx);
  build_logging(m.logging(), top.nested("logging"), c.logging);
  build_admin(m.admin(), top.nested("admin"), c.admin);
  build_backends(m, top, c);
  if (m.has_harp()) c.harp = build_harp(m.harp(), top.nested("harp"), ctx);
  if (m.has_snapshot_path() && absolute_path(top, "snapshot_path", m.snapshot_path()))
    c.snapshot_path = m.snapshot_path();
  // docs/operations.md "Restart without loss": 0 = only at shutdown.
  if (m.snapshot_interval_s() > 86400)
    top.error("snapshot_interval_s", std::to_string(m.snapshot_interval_s()) +
                                         " s is outside 0..86400 (0 = only at shutdown)");
  else if (m.has_snapshot_interval_s() && !m.has_snapshot_path())
    top.error("snapshot_interval_s", "needs snapshot_path (where to write the snapshots)");
  c.snapshot_interval = std::chrono::seconds(m.snapshot_interval_s());
  build_operations(m, top, c);
  return c;
}

}  // namespace conf::detail
