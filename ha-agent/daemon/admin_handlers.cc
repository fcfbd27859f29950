// The daemon's answers to admin RPC requests (ha-agentctl status, bindings,
// stats, log-level). Key material never appears: SAs are shown by SPI and
// algorithm only.
#include <unistd.h>

#include <algorithm>

#include "conf/config.h"
#include "ha-agent/daemon/daemon.h"
#include "ha-agent/version.h"
#include "mip6/ha_counters.h"

namespace ha_agent {
namespace {

// Bindings per `bindings` reply page: ~150 octets each, far below the 4 MiB
// admin frame (admin/framing.h).
constexpr std::uint32_t kBindingsPage = 10'000;

std::string flag_letters(std::uint16_t f) {
  using BU = mip6::BindingUpdate;
  std::string s;
  if (f & BU::kAck) s += 'A';
  if (f & BU::kHomeRegistration) s += 'H';
  if (f & BU::kLinkLocal) s += 'L';
  if (f & BU::kKeyManagement) s += 'K';
  if (f & BU::kMobileRouter) s += 'R';
  return s;
}

}  // namespace

void Daemon::export_counters() {
  const auto& c = ha_->counters();
  metrics_.counter("ha_agent_bu_received_total", {}, "Binding Updates that reached the home agent logic")
      .set(c.bu_received);
  const std::pair<const char*, std::uint64_t> kinds[] = {
      {"new", c.bu_accepted_new},
      {"refresh", c.bu_accepted_refresh},
      {"care_of_change", c.bu_accepted_care_of_change},
      {"deregistration", c.bu_accepted_deregistration}};
  for (auto& [k, v] : kinds)
    metrics_.counter("ha_agent_bu_accepted_total", {{"kind", k}}, "Binding Updates accepted, by kind")
        .set(v);
  for (std::size_t s = 0; s < c.ba_sent.size(); ++s)
    if (c.ba_sent[s])
      metrics_
          .counter("ha_agent_ba_sent_total", {{"status", std::to_string(s)}},
                   "Binding Acknowledgements sent, by status (RFC 6275 §6.1.8)")
          .set(c.ba_sent[s]);
  for (std::size_t s = 0; s < c.be_sent.size(); ++s)
    if (c.be_sent[s])
      metrics_
          .counter("ha_agent_be_sent_total", {{"status", std::to_string(s)}},
                   "Binding Errors sent, by status (RFC 6275 §6.1.9)")
          .set(c.be_sent[s]);
  for (std::size_t r = 0; r < c.drops.size(); ++r)
    metrics_
        .counter("ha_agent_bu_dropped_total",
                 {{"reason", std::string(mip6::to_string(static_cast<mip6::HaDropReason>(r)))}},
                 "Binding Updates dropped by the home agent logic, by reason")
        .set(c.drops[r]);
  metrics_.counter("ha_agent_binding_expirations_total", {}, "Bindings removed at expiry").set(c.expirations);
  metrics_.counter("ha_agent_brr_sent_total", {}, "Binding Refresh Requests sent").set(c.brr_sent);
  metrics_.gauge("ha_agent_bindings", {}, "Bindings in the cache").set(ha_->bindings().size());
  metrics_.gauge("ha_agent_mobile_nodes_configured", {}, "Mobile nodes in the configuration")
      .set(config_.mobile_nodes.size());
  const auto& io = packet_io_->counters();
  metrics_.counter("ha_agent_io_received_total", {}, "Packets received by the packet backend").set(io.received);
  metrics_.counter("ha_agent_io_truncated_total", {}, "Received packets larger than the buffer (dropped)")
      .set(io.received_truncated);
  metrics_.counter("ha_agent_io_receive_errors_total", {}, "Receive errors").set(io.receive_errors);
  metrics_.counter("ha_agent_io_sent_total", {}, "Packets sent by the packet backend").set(io.sent);
  metrics_.counter("ha_agent_io_send_errors_total", {}, "Send errors").set(io.send_errors);
  metrics_.counter("ha_agent_admin_requests_total", {}, "Admin requests served").set(admin_->requests());
  metrics_.counter("ha_agent_admin_bad_requests_total", {}, "Admin requests refused as malformed")
      .set(admin_->bad_requests());
  export_harp_counters();  // daemon_operations.cc
  export_rate_limit_metrics();  // daemon_operations.cc
}

admin::Response Daemon::handle_admin(const admin::Request& req) {
  admin::Response resp;
  const auto now = Clock::now();
  switch (req.command_case()) {
    case admin::Request::kStatus: {
      auto* s = resp.mutable_status();
      s->set_version(kVersion);
      s->set_pid(::getpid());
      s->set_uptime_s(std::chrono::duration_cast<std::chrono::seconds>(now - started_).count());
      s->set_config_file(options_.config_path);
      for (const auto& a : config_.ha_addresses) s->add_addresses(a.to_string());
      for (const auto& p : config_.home_prefixes) s->add_home_prefixes(p.to_string());
      s->set_packet_backend(packet_backend_text_);
      s->set_kernel_backend(std::string(kernel_->backend_name()));
      s->set_esp_path("user space");
      s->set_bindings(static_cast<std::uint32_t>(ha_->bindings().size()));
      s->set_mobile_nodes_configured(static_cast<std::uint32_t>(config_.mobile_nodes.size()));
      break;
    }
    case admin::Request::kBindings: {
      std::optional<mip6::Ipv6Address> only;
      if (!req.bindings().home_address().empty()) {
        only = mip6::Ipv6Address::parse(req.bindings().home_address());
        if (!only) {
          resp.mutable_error()->set_code("bad_address");
          resp.mutable_error()->set_message("not an IPv6 address: " + req.bindings().home_address());
          break;
        }
      }
      auto* out = resp.mutable_bindings();
      // Once per request, not a scan per binding (10,000 MNs: 10^8 compares).
      std::unordered_map<mip6::Ipv6Address, std::uint32_t> spi_out_of;
      for (const auto& mn : config_.mobile_nodes) spi_out_of.emplace(mn.home_address, mn.sa.spi_out);
      auto add = [&](const mip6::BindingCacheEntry& e) {
        auto* b = out->add_bindings();
        b->set_home_address(e.home_address.to_string());
        b->set_care_of_address(e.care_of_address.to_string());
        b->set_sequence(e.last_sequence.value());
        b->set_flags(flag_letters(e.flags));
        b->set_lifetime_granted_s(e.granted_lifetime_s);
        b->set_lifetime_remaining_s(
            e.expires_at > now
                ? static_cast<std::uint32_t>(
                      std::chrono::duration_cast<std::chrono::seconds>(e.expires_at - now).count())
                : 0);
        b->set_spi_in(e.spi);
        if (const auto* sa = security_.sad.find(crypto::SaDirection::kInbound, e.spi)) {
          b->set_algorithm(std::string(crypto::to_string(sa->algorithm())));
          if (auto it = spi_out_of.find(e.home_address); it != spi_out_of.end()) b->set_spi_out(it->second);
        }
        b->set_registered_ms_ago(
            std::chrono::duration_cast<std::chrono::milliseconds>(now - e.created_at).count());
        b->set_refreshes(e.refresh_count);
      };
      if (only) {
        if (const auto* e = ha_->bindings().find(*only)) add(*e);
        break;
      }
      // One page in home-address order (admin.proto BindingsRequest).
      std::optional<mip6::Ipv6Address> after;
      if (!req.bindings().after().empty()) {
        after = mip6::Ipv6Address::parse(req.bindings().after());
        if (!after) {
          resp.mutable_error()->set_code("bad_address");
          resp.mutable_error()->set_message("bindings.after: not an IPv6 address: " +
                                            req.bindings().after());
          break;
        }
      }
      const std::uint32_t limit = req.bindings().limit() == 0 || req.bindings().limit() > kBindingsPage
                                      ? kBindingsPage
                                      : req.bindings().limit();
      std::vector<const mip6::BindingCacheEntry*> page;
      page.reserve(ha_->bindings().size());
      ha_->bindings().for_each([&](const mip6::BindingCacheEntry& e) {
        if (!after || *after < e.home_address) page.push_back(&e);
      });
      auto by_hoa = [](const auto* a, const auto* b) { return a->home_address < b->home_address; };
      if (page.size() > limit) {
        std::nth_element(page.begin(), page.begin() + limit, page.end(), by_hoa);
        page.resize(limit);
        out->set_more(true);
      }
      std::sort(page.begin(), page.end(), by_hoa);
      for (const auto* e : page) add(*e);
      if (out->more()) out->set_next_after(page.back()->home_address.to_string());
      break;
    }
    case admin::Request::kStats: {
      export_counters();
      auto* out = resp.mutable_stats();
      for (const auto& m : metrics_.all()) {
        auto* c = out->add_counters();
        c->set_name(m.name);
        for (const auto& [k, v] : m.labels) (*c->mutable_labels())[k] = v;
        c->set_value(m.value);
        c->set_help(m.help);
        c->set_gauge(m.gauge);
      }
      break;
    }
    case admin::Request::kLogLevel: {
      auto sev = log::parse_severity(req.log_level().level());
      if (!sev) {
        resp.mutable_error()->set_code("bad_level");
        resp.mutable_error()->set_message("unknown level '" + req.log_level().level() +
                                          "' (debug, info, notice, warning, error)");
        break;
      }
      log::set_level(req.log_level().channel(), *sev);
      HA_LOG(log_admin_, kNotice) << "log level of "
                            << (req.log_level().channel().empty() ? std::string("all channels")
                                                                  : req.log_level().channel())
                            << " set to " << log::to_string(*sev);
      resp.mutable_log_level()->set_channel(req.log_level().channel());
      resp.mutable_log_level()->set_level(std::string(log::to_string(*sev)));
      break;
    }
    case admin::Request::kPeers: {
      auto* out = resp.mutable_peers();
      if (!harp_) break;  // group_id 0: no group
      const auto& g = harp_->config();
      out->set_group_id(g.group_id);
      out->set_own_address(g.own_address.to_string());
      out->set_preference(g.preference);
      out->set_serving(harp_serving_);
      out->set_own_bindings(harp_->own_bindings());
      auto ms = [](Clock::duration d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
      };
      for (const auto& p : harp_->peers(now)) {
        auto* x = out->add_peers();
        x->set_address(p.address.to_string());
        x->set_preference(p.preference);
        x->set_state(std::string(harp::to_string(p.state)));
        x->set_last_heard_ms_ago(p.last_heard ? ms(now - *p.last_heard) : -1);
        x->set_i_hear(p.i_hear);
        x->set_hears_me(p.hears_me);
        x->set_round_trip_us(
            p.round_trip ? std::chrono::duration_cast<std::chrono::microseconds>(*p.round_trip).count()
                         : -1);
        x->set_bindings_owned(p.bindings_owned);
        x->set_unacked_records(p.replication.unacked_records);
        x->set_pending_records(p.replication.pending_records);
        x->set_oldest_unacked_ms(p.replication.oldest_unacked_age ? ms(*p.replication.oldest_unacked_age)
                                                                   : -1);
        x->set_retransmissions(p.replication.retransmissions);
        x->set_full_dumps(p.replication.full_dumps);
      }
      break;
    }
    case admin::Request::kEvents: {
      auto* out = resp.mutable_events();
      if (!harp_) break;
      const auto wall_now = std::chrono::system_clock::now();
      for (const auto& e : harp_->events()) {
        if (e.serial <= req.events().after_serial()) continue;
        auto* x = out->add_events();
        x->set_serial(e.serial);
        const auto wall = wall_now - std::chrono::duration_cast<std::chrono::system_clock::duration>(now - e.at);
        x->set_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(wall.time_since_epoch()).count());
        x->set_kind(std::string(harp::to_string(e.kind)));
        if (!e.peer.is_unspecified()) x->set_peer(e.peer.to_string());
        if (!e.home_address.is_unspecified()) x->set_home_address(e.home_address.to_string());
        x->set_count(e.count);
        x->set_count2(e.count2);
        x->set_detail(e.detail);
      }
      break;
    }
    case admin::Request::kSwitchover:
    case admin::Request::kDrain: {
      if (!harp_) {
        resp.mutable_error()->set_code("no_group");
        resp.mutable_error()->set_message("no HARP group configured");
        break;
      }
      const std::uint64_t last = harp_->events().empty() ? 0 : harp_->events().back().serial;
      if (req.has_switchover()) {
        auto to = mip6::Ipv6Address::parse(req.switchover().to());
        if (!to) {
          resp.mutable_error()->set_code("bad_address");
          resp.mutable_error()->set_message("not an IPv6 address: " + req.switchover().to());
          break;
        }
        HA_LOG(log_admin_, kNotice) << "admin: switchover to " << to->to_string();
        apply_harp(harp_->switchover(*to, now));
      } else {
        HA_LOG(log_admin_, kNotice) << "admin: drain";
        apply_harp(harp_->drain(now));
      }
      rearm_timer();
      resp.mutable_started()->set_after_serial(last);
      break;
    }
    case admin::Request::kReload:  // daemon_reload.cc
      *resp.mutable_reload() = reload(req.reload().check_only(), "ha-agentctl reload");
      break;
    case admin::Request::COMMAND_NOT_SET:
      resp.mutable_error()->set_code("bad_request");
      resp.mutable_error()->set_message("request names no command");
      break;
  }
  return resp;
}

}  // namespace ha_agent
