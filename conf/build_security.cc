// Sections of the configuration that carry ESP SA pairs: mobile nodes
// (RFC 3776 §4.2 manual keying) and HARP peers (protocol-notes §5.8), plus
// the rest of the HARP group settings (§5.4, §5.9).
#include <algorithm>
#include <limits>

#include "conf/build.h"

namespace conf::detail {
namespace {

// RFC 4303 §3.4.3 leaves the window size to the implementation; 64..4096
// bounds memory per SA while covering reordering at high rates.
constexpr std::uint32_t kMinReplayWindow = 64;
constexpr std::uint32_t kMaxReplayWindow = 4096;

// MobileNode and Peer carry the same SA fields; one template checks both.
template <class Msg>
std::optional<SaPairConfig> build_sa_pair(const Msg& m, const Scope& s, BuildContext& ctx) {
  SpiRegistry& spis = ctx.spis;
  SaPairConfig sa;
  bool ok = spis.check(s, "spi_in", m.has_spi_in(), m.spi_in(), /*inbound=*/true);
  ok = spis.check(s, "spi_out", m.has_spi_out(), m.spi_out(), /*inbound=*/false) && ok;
  sa.spi_in = m.spi_in();
  sa.spi_out = m.spi_out();

  if (auto a = algorithm(s, "algorithm", m.has_algorithm(), m.algorithm())) sa.algorithm = *a;
  else ok = false;

  // Either one file with both directions or one file per direction.
  const bool split = m.has_key_file_in() || m.has_key_file_out();
  if (m.has_key_file() && split) {
    s.error(m.has_key_file_in() ? "key_file_in" : "key_file_out",
            "give either key_file (both directions) or key_file_in and key_file_out, not both forms");
    ok = false;
  } else if (m.has_key_file()) {
    if (absolute_path(s, "key_file", m.key_file())) {
      sa.key_files = KeyFiles{KeyFiles::Layout::kOneFileBothDirections, KeyPath(m.key_file(), ctx.key_dir), {}};
    } else {
      ok = false;
    }
  } else if (split) {
    bool files_ok = true;
    for (const char* f : {"key_file_in", "key_file_out"}) {
      const bool in = f[9] == 'i';
      const bool has = in ? m.has_key_file_in() : m.has_key_file_out();
      if (!has) {
        s.error(f, std::string("required together with ") + (in ? "key_file_out" : "key_file_in"));
        files_ok = false;
      } else if (!absolute_path(s, f, in ? m.key_file_in() : m.key_file_out())) {
        files_ok = false;
      }
    }
    if (files_ok)
      sa.key_files = KeyFiles{KeyFiles::Layout::kOneFilePerDirection, KeyPath(m.key_file_in(), ctx.key_dir),
                              std::make_shared<const KeyPath>(m.key_file_out(), ctx.key_dir_out)};
    ok = ok && files_ok;
  } else {
    s.error("key_file", "required: key_file, or key_file_in and key_file_out");
    ok = false;
  }

  sa.extended_sequence_numbers = m.esn();
  sa.replay_window = m.replay_window();
  if (sa.replay_window < kMinReplayWindow || sa.replay_window > kMaxReplayWindow) {
    s.error("replay_window", "replay window " + std::to_string(sa.replay_window) +
                                 " is outside 64..4096 packets (RFC 4303 §3.4.3)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return sa;
}

std::optional<std::int16_t> preference(const Scope& s, std::int32_t v) {
  // Signed 16-bit like the HA Information option preference (RFC 6275 §7.4).
  if (v < std::numeric_limits<std::int16_t>::min() || v > std::numeric_limits<std::int16_t>::max()) {
    s.error("preference", "preference " + std::to_string(v) + " is outside -32768..32767");
    return std::nullopt;
  }
  return static_cast<std::int16_t>(v);
}

bool in_range(const Scope& s, std::string_view field, std::uint32_t v, std::uint32_t lo, std::uint32_t hi,
              std::string_view why) {
  if (v >= lo && v <= hi) return true;
  s.error(field, std::to_string(v) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi) +
                     (why.empty() ? "" : " (" + std::string(why) + ")"));
  return false;
}

void build_wire_types(const pb::Harp& m, const Scope& s, HarpWireTypes& out) {
  // MH types 0..23 are assigned by IANA (protocol-notes §1.1); HARP's were
  // never assigned (G2), so ours must avoid those and each other.
  struct MhType {
    const char* field;
    bool present;
    std::uint32_t value;
    std::uint8_t* out;
  };
  MhType types[] = {{"mh_type_hello", m.has_mh_type_hello(), m.mh_type_hello(), &out.mh_hello},
                    {"mh_type_sync", m.has_mh_type_sync(), m.mh_type_sync(), &out.mh_sync},
                    {"mh_type_control", m.has_mh_type_control(), m.mh_type_control(), &out.mh_control}};
  for (std::size_t i = 0; i < std::size(types); ++i) {
    const auto& t = types[i];
    if (!in_range(s, t.field, t.value, 24, 255, "0..23 are IANA-assigned MH types; the field is 8 bits"))
      continue;
    bool dup = false;
    for (std::size_t j = 0; j < i && !dup; ++j) {
      if (types[j].value != t.value) continue;
      // Blame the field the file sets rather than a default it collides with.
      const auto& [blamed, other] = (t.present || !types[j].present) ? std::pair(t, types[j]) : std::pair(types[j], t);
      s.error(blamed.field, "MH type " + std::to_string(t.value) + " is also used by " + s.path(other.field));
      dup = true;
    }
    if (!dup) *t.out = static_cast<std::uint8_t>(t.value);
  }
  // Mobility option types below 64 hold Pad1/PadN and assigned options
  // (protocol-notes §1.2); the BCI option's type is ours to choose (G2).
  if (in_range(s, "bci_option_type", m.bci_option_type(), 64, 255,
               "0..63 hold Pad1, PadN and IANA-assigned mobility options"))
    out.bci_option = static_cast<std::uint8_t>(m.bci_option_type());
}

std::optional<PeerConfig> build_peer(const pb::Peer& m, const Scope& s, BuildContext& ctx,
                                     std::vector<std::pair<mip6::Ipv6Address, std::string>>& seen) {
  PeerConfig p;
  bool ok = true;
  if (!m.has_address()) {
    s.error("address", "required");
    ok = false;
  } else if (auto a = unicast_address(s, "address", -1, m.address())) {
    const auto& own = ctx.config.ha_addresses;
    auto prev = std::find_if(seen.begin(), seen.end(), [&](const auto& e) { return e.first == *a; });
    if (std::find(own.begin(), own.end(), *a) != own.end()) {
      s.error("address", a->to_string() + " is this home agent's own ha_address");
      ok = false;
    } else if (prev != seen.end()) {
      s.error("address", a->to_string() + " is already the address of " + prev->second);
      ok = false;
    } else {
      seen.emplace_back(*a, s.path());
      p.address = *a;
    }
  } else {
    ok = false;
  }
  if (auto v = preference(s, m.preference())) p.preference = *v;
  else ok = false;
  if (auto sa = build_sa_pair(m, s, ctx)) p.sa = std::move(*sa);
  else ok = false;
  if (!ok) return std::nullopt;
  return p;
}

}  // namespace

void build_mobile_nodes(const pb::HaAgentConfig& m, const Scope& top, BuildContext& ctx) {
  const auto& own = ctx.config.ha_addresses;
  ctx.config.mobile_nodes.reserve(static_cast<std::size_t>(m.mobile_node_size()));
  for (int i = 0; i < m.mobile_node_size(); ++i) {
    const auto& mn = m.mobile_node(i);
    Scope s = top.nested("mobile_node", i);
    MobileNodeConfig out;
    bool ok = true;
    if (!mn.has_home_address()) {
      s.error("home_address", "required");
      ok = false;
    } else if (auto a = unicast_address(s, "home_address", -1, mn.home_address())) {
      auto [it, fresh] = ctx.home_addresses.emplace(*a, i);
      if (!fresh) {
        s.error("home_address", a->to_string() + " is already the home address of " +
                                    top.nested("mobile_node", it->second).path());
        ok = false;
      } else if (std::find(own.begin(), own.end(), *a) != own.end()) {
        s.error("home_address", a->to_string() + " is this home agent's own ha_address");
        ok = false;
      } else if (ctx.home_prefixes_valid && !in_home_prefix(ctx.config, *a)) {
        // RFC 6275 §10.3.1: the HoA must be on-link for one of our home prefixes.
        s.error("home_address", a->to_string() + " is not inside any home_prefix (RFC 6275 §10.3.1)");
        ok = false;
      }
      out.home_address = *a;
    } else {
      ok = false;
    }
    auto sa = build_sa_pair(mn, s, ctx);
    if (ok && sa) {
      out.sa = std::move(*sa);
      ctx.config.mobile_nodes.push_back(std::move(out));
    }
  }
}

std::optional<HarpConfig> build_harp(const pb::Harp& m, const Scope& s, BuildContext& ctx) {
  HarpConfig h;
  bool ok = true;
  if (!m.has_group_id()) {
    s.error("group_id", "required (1..255)");
    ok = false;
  } else if (in_range(s, "group_id", m.group_id(), 1, 255, "8-bit Group ID, 0 is reserved")) {
    h.group_id = static_cast<std::uint8_t>(m.group_id());
  } else {
    ok = false;
  }
  if (auto v = preference(s, m.preference())) h.preference = *v;
  else ok = false;

  std::vector<std::pair<mip6::Ipv6Address, std::string>> seen;
  for (int i = 0; i < m.peer_size(); ++i) {
    if (auto p = build_peer(m.peer(i), s.nested("peer", i), ctx, seen)) h.peers.push_back(std::move(*p));
    else ok = false;
  }

  // The Hello Interval field is 16-bit milliseconds (protocol-notes §5.3.1).
  ok = in_range(s, "hello_interval_ms", m.hello_interval_ms(), 10, 65000, "milliseconds") && ok;
  h.hello_interval = std::chrono::milliseconds(m.hello_interval_ms());
  // A multiplier of 1 would declare a peer dead after one late Hello (§5.4).
  ok = in_range(s, "dead_multiplier", m.dead_multiplier(), 2, 255, "") && ok;
  h.dead_multiplier = m.dead_multiplier();
  ok = in_range(s, "rise", m.rise(), 1, 255, "") && ok;
  h.rise = m.rise();
  h.preempt = m.preempt();
  if (auto t = parse_takeover_policy(m.takeover())) {
    h.takeover = *t;
  } else {
    s.error("takeover", "unknown takeover policy " + quote(m.takeover()) + " (expected preference or spread)");
    ok = false;
  }
  build_wire_types(m, s, h.wire_types);
  ok = in_range(s, "switch_rate_per_s", m.switch_rate_per_s(), 1, 1000000, "messages per second") && ok;
  h.switch_rate_per_s = m.switch_rate_per_s();
  ok = in_range(s, "realtime_priority", m.realtime_priority(), 0, 99, "SCHED_RR priority, 0 = normal scheduling") && ok;
  h.realtime_priority = m.realtime_priority();
  if (!ok) return std::nullopt;
  return h;
}

}  // namespace conf::detail
