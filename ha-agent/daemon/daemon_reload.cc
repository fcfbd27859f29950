// Hitless reload (issue #7; docs/operations.md "Reload"): SIGHUP and
// `ha-agentctl reload [--check]`. The daemon re-reads its own --config file
// and validates it completely before touching anything: the schema
// (conf::load), the fields that need a restart (conf::diff), every key file
// (read and keyed, so a reload never fails half-way on a bad key), the
// RFC 6275 policy and the HARP group. Any problem refuses the reload as a
// whole and the running configuration stays. Otherwise the difference is
// applied on the event-loop thread (one step, no packet is processed in
// between) in an order that never refuses a valid BU: new SAs first, then
// the policy, then removed and changed mobile nodes (binding deregistered
// like an expiry: kernel state, proxy ND and route removed, HARP peers told
// it is deleted; then their SAs), then the HARP group (peers, timers), then
// log levels. Kept mobile nodes and peers are not touched: their bindings,
// SAs, replay windows and liveness state go on as they were.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "conf/config_diff.h"
#include "conf/load.h"
#include "ha-agent/daemon/config_mapping.h"
#include "ha-agent/daemon/daemon.h"
#include "ha-agent/daemon/harp_setup.h"

namespace ha_agent {
namespace {

void add_problem(admin::ReloadReply& r, const std::string& file, int line, const std::string& field,
                 const std::string& message, int column = 0) {
  auto* e = r.add_errors();
  e->set_file(file);
  e->set_line(line);
  e->set_column(column);
  e->set_field(field);
  e->set_message(message);
}

// The 1-based line of the first mention of `"path"` in the file (key file
// errors come after conf::load, which keeps no locations); 0 if none.
int line_of(const std::string& text, const std::string& path) {
  const auto at = text.find('"' + path + '"');
  if (at == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

std::string key_field(const conf::SaPairConfig& sa, const KeyFileError& e) {
  if (sa.key_files.layout == conf::KeyFiles::Layout::kOneFileBothDirections) return "key_file";
  return e.path == sa.key_files.inbound() ? "key_file_in" : "key_file_out";
}

bool is_permission_error(const KeyFileError& e) {
  return (e.code == KeyFileError::Code::kOpenFailed || e.code == KeyFileError::Code::kReadFailed) &&
         (e.sys_errno == EACCES || e.sys_errno == EPERM);
}

bool spis_free(const SecuritySetup& s, const PreparedSaPair& p) {
  return s.sad.find(crypto::SaDirection::kInbound, p.spi_in) == nullptr &&
         s.sad.find(crypto::SaDirection::kOutbound, p.spi_out) == nullptr;
}

std::int64_t unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Daemon::ReloadPlan {
  std::string text;
  conf::Config next;
  conf::ConfigDiff diff;
  mip6::HomeAgentPolicy policy;
  // Keyed SA pairs of added and changed mobile nodes and peers.
  std::unordered_map<mip6::Ipv6Address, PreparedSaPair> mobile_node_sas;
  std::unordered_map<mip6::Ipv6Address, PreparedSaPair> peer_sas;
  std::optional<harp::GroupConfig> group;
};

void Daemon::setup_reload() {
  metrics_.counter("ha_agent_reloads_total", {}, "Configuration reloads applied (SIGHUP, ha-agentctl reload)");
  metrics_.counter("ha_agent_reload_failures_total", {},
                   "Configuration reloads refused (invalid file, key file, restart-only change)");
  metrics_
      .gauge("ha_agent_config_last_reload_success_timestamp_seconds", {},
             "Unix time of the last successful load of the configuration (start or reload)")
      .set(static_cast<std::uint64_t>(unix_now_s()));
  reload_signal_.emplace(io_, SIGHUP);
  arm_reload_signal();
}

void Daemon::arm_reload_signal() {
  reload_signal_->async_wait([this](const boost::system::error_code& ec, int) {
    if (ec || stopping_) return;
    HA_LOG(log_, kNotice) << "SIGHUP: reloading " << options_.config_path;
    (void)reload(false, "SIGHUP");
    arm_reload_signal();
  });
}

admin::ReloadReply Daemon::reload(bool check_only, std::string_view origin) {
  admin::ReloadReply reply;
  reply.set_config_file(options_.config_path);
  ReloadPlan plan;
  const bool valid = prepare_reload(plan, reply);
  reply.set_ok(valid);
  if (!valid) {
    if (!check_only)
      metrics_.counter("ha_agent_reload_failures_total", {}, "").inc();
    HA_LOG(log_, kError) << (check_only ? "reload check" : "reload") << " (" << origin << ") refused, "
                         << reply.errors_size() << " error(s); the running configuration is unchanged";
    for (const auto& e : reply.errors()) {
      conf::ConfigError ce{e.file(), e.line(), e.column(), e.field(), e.message()};
      HA_LOG(log_, kError) << ce.to_string();
    }
    return reply;
  }
  for (const auto& line : conf::summary(plan.diff)) reply.add_changes(line);
  reply.set_mobile_nodes_added(static_cast<std::uint32_t>(plan.diff.mobile_nodes_added.size()));
  reply.set_mobile_nodes_removed(static_cast<std::uint32_t>(plan.diff.mobile_nodes_removed.size()));
  reply.set_mobile_nodes_changed(static_cast<std::uint32_t>(plan.diff.mobile_nodes_changed.size()));
  reply.set_peers_added(static_cast<std::uint32_t>(plan.diff.peers_added.size()));
  reply.set_peers_removed(static_cast<std::uint32_t>(plan.diff.peers_removed.size()));
  reply.set_peers_changed(static_cast<std::uint32_t>(plan.diff.peers_changed.size()));
  if (check_only) {
    HA_LOG(log_admin_, kInfo) << "reload check (" << origin << "): " << options_.config_path << " is valid";
    return reply;
  }
  if (notifier_) notifier_->reloading("reloading " + options_.config_path);
  apply_reload(plan, reply);
  reply.set_applied(true);
  metrics_.counter("ha_agent_reloads_total", {}, "").inc();
  metrics_.gauge("ha_agent_config_last_reload_success_timestamp_seconds", {}, "")
      .set(static_cast<std::uint64_t>(unix_now_s()));
  HA_LOG(log_, kNotice) << "reload (" << origin << ") applied: " << options_.config_path;
  for (const auto& line : reply.changes()) HA_LOG(log_, kNotice) << "reload: " << line;
  notify_ready();
  rearm_timer();
  return reply;
}

bool Daemon::prepare_reload(ReloadPlan& plan, admin::ReloadReply& reply) {
  const std::string& path = options_.config_path;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const int err = errno;
      std::string msg = std::string("cannot open: ") + std::strerror(err);
      if (run_as_ && (err == EACCES || err == EPERM))
        msg += " (the daemon runs as user '" + run_as_->user + "': the file must be readable by it)";
      add_problem(reply, path, 0, "", msg);
      return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    plan.text = ss.str();
  }
  auto loaded = conf::load(plan.text, path);
  if (!loaded) {
    for (const auto& e : loaded.error()) add_problem(reply, e.file, e.line, e.field_path, e.message, e.column);
    return false;
  }
  plan.next = std::move(loaded).value();
  plan.diff = conf::diff(config_, plan.next);
  for (const auto& e : conf::restart_errors(plan.diff, path)) add_problem(reply, e.file, 0, e.field_path, e.message);

  // Every key file of the new file, read as the daemon runs now (after the
  // privilege drop: the configured user must be able to read them).
  const auto now = Clock::now();
  auto key_problem = [&](const std::string& field_prefix, const conf::SaPairConfig& sa, const KeyFileError& e) {
    std::string msg = to_string(e);
    if (is_permission_error(e))
      msg += run_as_ ? " (the daemon runs as user '" + run_as_->user +
                           "' (privileges section): key files must be readable by that user for a reload "
                           "to add or change mobile nodes and peers)"
                     : " (key files must be readable by the user the daemon runs as)";
    add_problem(reply, path, line_of(plan.text, e.path), field_prefix + "." + key_field(sa, e), msg);
  };
  std::unordered_set<mip6::Ipv6Address> new_or_changed;
  for (const auto& mn : plan.diff.mobile_nodes_added) new_or_changed.insert(mn.home_address);
  for (const auto& c : plan.diff.mobile_nodes_changed) new_or_changed.insert(c.after.home_address);
  std::unordered_map<mip6::Ipv6Address, const conf::MobileNodeConfig*> running;
  for (const auto& mn : config_.mobile_nodes) running.emplace(mn.home_address, &mn);
  const mip6::Ipv6Address local =
      plan.next.ha_addresses.size() == 1 ? plan.next.ha_addresses.front() : mip6::Ipv6Address{};
  for (std::size_t i = 0; i < plan.next.mobile_nodes.size(); ++i) {
    const auto& mn = plan.next.mobile_nodes[i];
    const std::string field = "mobile_node[" + std::to_string(i) + "]";
    auto keys = load_sa_keys(mn.sa, SaRole::kHomeAgent);
    if (!keys) {
      key_problem(field, mn.sa, keys.error());
      continue;
    }
    if (!new_or_changed.count(mn.home_address)) {
      if (same_keys(security_, mn.sa.spi_in, mn.sa.spi_out, *keys)) continue;  // kept as it is
      conf::mark_key_changed(plan.diff, *running.at(mn.home_address), mn);
    }
    SaPairSpec spec{local, mn.home_address, mn.home_address, &mn.sa, SaRole::kHomeAgent};
    auto pair = prepare_sa_pair(security_, spec, std::move(keys).value(), now);
    if (!pair) add_problem(reply, path, 0, field, pair.error());
    else plan.mobile_node_sas.emplace(mn.home_address, std::move(pair).value());
  }
  if (plan.next.harp && config_.harp) {
    std::unordered_set<mip6::Ipv6Address> peers_new;
    for (const auto& p : plan.diff.peers_added) peers_new.insert(p.address);
    for (const auto& c : plan.diff.peers_changed) peers_new.insert(c.after.address);
    for (std::size_t i = 0; i < plan.next.harp->peers.size(); ++i) {
      const auto& p = plan.next.harp->peers[i];
      const std::string field = "harp.peer[" + std::to_string(i) + "]";
      auto keys = load_sa_keys(p.sa, SaRole::kHomeAgent);
      if (!keys) {
        key_problem(field, p.sa, keys.error());
        continue;
      }
      if (!peers_new.count(p.address)) {
        if (same_keys(security_, p.sa.spi_in, p.sa.spi_out, *keys)) continue;
        for (const auto& old : config_.harp->peers)
          if (old.address == p.address) conf::mark_peer_key_changed(plan.diff, old, p);
      }
      SaPairSpec spec{plan.next.ha_addresses.front(), p.address, std::nullopt, &p.sa, SaRole::kHomeAgent};
      auto pair = prepare_sa_pair(security_, spec, std::move(keys).value(), now);
      if (!pair) add_problem(reply, path, 0, field, pair.error());
      else plan.peer_sas.emplace(p.address, std::move(pair).value());
    }
  }

  plan.policy = home_agent_policy(plan.next);
  if (auto st = mip6::validate_policy(plan.policy); !st)
    add_problem(reply, path, 0, "", "home agent policy: " + std::string(mip6::to_string(st.error())));
  if (plan.next.harp && harp_) {
    unsigned mtu = 1500;
    if (std::ifstream f("/sys/class/net/" + home_interface_ + "/mtu"); !(f >> mtu)) mtu = 1280;
    plan.group = group_config_from(plan.next, 0, mtu);
    if (auto st = harp::validate_group_config(*plan.group); !st)
      add_problem(reply, path, 0, "harp", "HARP group: " + std::string(harp::to_string(st.error())));
  }
  return reply.errors_size() == 0;
}

void Daemon::deregister_for_reload(const mip6::Ipv6Address& hoa, admin::ReloadReply& reply) {
  const auto* e = ha_->bindings().find(hoa);
  if (e == nullptr) return;
  // Like an expiry (RFC 6275 §10.3.2 ends the binding; no BA: the MN did
  // not ask): kernel state, proxy ND and route go; peers are told it is
  // deleted so their shadow goes too.
  const mip6::BindingEvent deleted{mip6::BindingEvent::Kind::kDeleted, *e};
  apply_kernel_and_packets(ha_->release_binding(hoa));
  if (harp_) apply_harp(harp_->on_binding_event(deleted, Clock::now()));
  reply.set_bindings_deregistered(reply.bindings_deregistered() + 1);
  HA_LOG(log_mip6_, kInfo) << "binding deregistered by reload: " << hoa.to_string();
}

void Daemon::apply_reload(ReloadPlan& plan, admin::ReloadReply& reply) {
  const auto& d = plan.diff;
  auto install = [&](PreparedSaPair pair, const std::string& who) {
    if (auto st = install_sa_pair(security_, std::move(pair)); !st)
      HA_LOG(log_crypto_, kError) << "reload: " << who << ": " << st.error();
  };
  // New SA pairs go in at once; a pair whose SPI is still held by an SA
  // about to go (an SPI moved between MNs or peers) waits for the removals.
  std::vector<std::pair<PreparedSaPair, std::string>> deferred;
  auto install_or_defer = [&](PreparedSaPair& pair, std::string who) {
    if (spis_free(security_, pair)) install(std::move(pair), who);
    else deferred.emplace_back(std::move(pair), std::move(who));
  };
  // 1. New SAs first: a new MN's first BU finds its SA.
  for (const auto& mn : d.mobile_nodes_added)
    install_or_defer(plan.mobile_node_sas.at(mn.home_address), "mobile node " + mn.home_address.to_string());
  for (const auto& p : d.peers_added)
    install_or_defer(plan.peer_sas.at(p.address), "HARP peer " + p.address.to_string());
  // 2. The policy (served set, prefixes, lifetimes). Kept bindings stay;
  // each refresh is checked against the new policy (HomeAgent::set_policy).
  if (d.policy_changed() || !d.mobile_nodes_changed.empty()) {
    if (auto st = ha_->set_policy(plan.policy); !st)
      HA_LOG(log_mip6_, kError) << "reload: policy: " << mip6::to_string(st.error());
  }
  // 3. Removed and changed MNs: the binding goes, then the SAs. A changed
  // MN re-registers with its new SA.
  for (const auto& mn : d.mobile_nodes_removed) {
    deregister_for_reload(mn.home_address, reply);
    remove_sa_pair(security_, mn.sa.spi_in, mn.sa.spi_out);
  }
  for (const auto& c : d.mobile_nodes_changed) {
    deregister_for_reload(c.before.home_address, reply);
    remove_sa_pair(security_, c.before.sa.spi_in, c.before.sa.spi_out);
  }
  for (const auto& c : d.mobile_nodes_changed)
    install_or_defer(plan.mobile_node_sas.at(c.after.home_address),
                     "mobile node " + c.after.home_address.to_string());
  // 4. The HARP group: kept peers keep their state (harp_reconfigure.cc).
  if (harp_ && plan.group) {
    auto r = harp_->reconfigure(*plan.group, Clock::now());
    if (!r) HA_LOG(log_harp_, kError) << "reload: HARP group: " << harp::to_string(r.error());
    else apply_harp(*r);
    for (const auto& p : d.peers_removed) {
      remove_sa_pair(security_, p.sa.spi_in, p.sa.spi_out);
      HA_LOG(log_harp_, kNotice) << "reload: HARP peer " << p.address.to_string() << " removed";
    }
    for (const auto& c : d.peers_changed) {
      if (c.fields == std::vector<std::string>{"preference"}) continue;  // the SAs stay
      remove_sa_pair(security_, c.before.sa.spi_in, c.before.sa.spi_out);
      install_or_defer(plan.peer_sas.at(c.after.address), "HARP peer " + c.after.address.to_string());
    }
    for (const auto& p : d.peers_added) HA_LOG(log_harp_, kNotice) << "reload: HARP peer " << p.address.to_string() << " added";
  }
  for (auto& [pair, who] : deferred) install(std::move(pair), who);
  // 5. Log levels.
  if (d.logging_levels_changed) {
    log::set_level("", log_severity(plan.next.logging.level));
    for (const auto& m : plan.next.logging.modules) log::set_level(m.module, log_severity(m.level));
  }
  const bool limits = d.rate_limit_changed || !d.peers_added.empty() || !d.peers_removed.empty();
  config_ = std::move(plan.next);
  // 6. Rate limits (docs/operations.md "Rate limits"): kept buckets stay.
  if (limits) setup_rate_limit();
}

}  // namespace ha_agent
