// Sections about running the daemon rather than the protocol: `privileges`
// (the user to switch to after set-up), `metrics` (the Prometheus HTTP
// listener) and `rate_limit` (inbound signalling per source and per peer). Only syntax is checked here (no I/O in conf/, DESIGN.md §1):
// whether the user exists is the daemon's question at start-up.
#include <arpa/inet.h>

#include <cctype>
#include <charconv>

#include "conf/build.h"

namespace conf::detail {
namespace {

// The portable user/group name set of POSIX (3.437) plus '.', as useradd
// accepts it by default; at most 32 characters (useradd's limit).
bool account_name(const std::string& n) {
  if (n.empty() || n.size() > 32 || n.front() == '-') return false;
  for (char ch : n)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.' || ch == '-'))
      return false;
  return true;
}

void build_privileges(const pb::Privileges& m, const Scope& s, Config& c) {
  PrivilegesConfig out;
  bool ok = true;
  if (!m.has_user()) {
    s.error("user", "required in a privileges section (the user to switch to after set-up)");
    ok = false;
  } else if (!account_name(m.user())) {
    s.error("user", "user name " + quote(m.user()) +
                        " must be 1..32 characters of [A-Za-z0-9_.-], not starting with '-'");
    ok = false;
  } else {
    out.user = m.user();
  }
  if (m.has_group()) {
    if (account_name(m.group())) {
      out.group = m.group();
    } else {
      s.error("group", "group name " + quote(m.group()) +
                           " must be 1..32 characters of [A-Za-z0-9_.-], not starting with '-'");
      ok = false;
    }
  }
  if (ok) c.privileges = std::move(out);
}

// "[v6]:port" or "v4:port"; numeric only, so the listener never resolves names.
std::optional<MetricsListenConfig> listen_address(const Scope& s, const std::string& text) {
  const std::string bad = "listen address " + quote(text) + " ";
  std::string host, port;
  MetricsListenConfig out;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      s.error("listen", bad + "must be \"[ipv6]:port\" or \"ipv4:port\"");
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    in6_addr a6;
    if (::inet_pton(AF_INET6, host.c_str(), &a6) != 1) {
      s.error("listen", bad + "has no numeric IPv6 address between the brackets");
      return std::nullopt;
    }
    out.ipv6 = true;
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) {
      s.error("listen",
              bad + "must be \"[ipv6]:port\" or \"ipv4:port\" (IPv6 addresses in brackets)");
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    in_addr a4;
    if (::inet_pton(AF_INET, host.c_str(), &a4) != 1) {
      s.error("listen", bad + "has no numeric IPv4 address before the port");
      return std::nullopt;
    }
    out.ipv6 = false;
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 ||
      value > 65535) {
    s.error("listen", bad + "needs a port 1..65535");
    return std::nullopt;
  }
  out.address = host;
  out.port = static_cast<std::uint16_t>(value);
  return out;
}

// One token bucket (pps, burst) of the rate_limit section. 0 pps means
// unlimited, so a burst set next to it would be silently ignored: an error.
void bucket(const Scope& s, const std::string& name, bool has_pps, std::uint32_t pps,
            bool has_burst, std::uint32_t burst, std::uint32_t& pps_out, std::uint32_t& burst_out) {
  constexpr std::uint32_t kMax = 10'000'000;
  const std::string pps_field = name + "_pps", burst_field = name + "_burst";
  if (pps > kMax) {
    s.error(pps_field, std::to_string(pps) + " packets/s is outside 0..10000000 (0 = unlimited)");
  } else {
    pps_out = pps;
  }
  if (burst < 1 || burst > kMax) {
    s.error(burst_field, std::to_string(burst) + " packets is outside 1..10000000");
  } else if (has_pps && pps == 0 && has_burst) {
    s.error(burst_field, "has no effect: " + pps_field + " is 0 (unlimited)");
  } else {
    burst_out = burst;
  }
}

void build_rate_limit(const pb::RateLimit& m, const Scope& s, RateLimitConfig& out) {
  bucket(s, "per_source", m.has_per_source_pps(), m.per_source_pps(), m.has_per_source_burst(),
         m.per_source_burst(), out.per_source_pps, out.per_source_burst);
  bucket(s, "per_peer", m.has_per_peer_pps(), m.per_peer_pps(), m.has_per_peer_burst(),
         m.per_peer_burst(), out.per_peer_pps, out.per_peer_burst);
  if (m.max_sources() < 1 || m.max_sources() > (1u << 24))
    s.error("max_sources", std::to_string(m.max_sources()) + " is outside 1..16777216");
  else
    out.max_sources = m.max_sources();
}

}  // namespace

void build_operations(const pb::HaAgentConfig& m, const Scope& top, Config& c) {
  if (m.has_privileges()) build_privileges(m.privileges(), top.nested("privileges"), c);
  if (m.has_metrics()) c.metrics = listen_address(top.nested("metrics"), m.metrics().listen());
  build_rate_limit(m.rate_limit(), top.nested("rate_limit"), c.rate_limit);
}

}  // namespace conf::detail
