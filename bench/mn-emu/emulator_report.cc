// The JSON report of mn-emu (Emulator::report, mn_emu.proto Report).
#include <algorithm>

#include "bench/mn-emu/emulator.h"

namespace mnemu {
namespace {

double ms(mip6::MnDuration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void fill(std::vector<double> v, haagent::mnemu::Distribution& d) {
  d.set_count(v.size());
  if (v.empty()) return;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * (v.size() - 1) + 0.5))]; };
  d.set_min_ms(v.front());
  d.set_median_ms(at(0.5));
  d.set_p99_ms(at(0.99));
  d.set_max_ms(v.back());
}

}  // namespace

haagent::mnemu::Report Emulator::report() const {
  haagent::mnemu::Report r;
  r.set_start_unix_time_s(start_unix_s_);
  const auto since = [this](mip6::MnTime t) {
    return std::chrono::duration<double>(t - start_steady_).count();
  };
  r.set_duration_s(started_ ? since(std::chrono::steady_clock::now()) : 0.0);
  r.set_mobile_nodes(nodes_.size());
  const auto states = nodes_.state_counts();
  for (std::size_t i = 0; i < states.size(); ++i)
    (*r.mutable_states())[std::string(mip6::to_string(static_cast<mip6::MnState>(i)))] = states[i];
  const auto ignored = nodes_.ignored_totals();
  for (std::size_t i = 0; i < ignored.size(); ++i)
    if (ignored[i])
      (*r.mutable_ignored())[std::string(mip6::to_string(static_cast<mip6::MnIgnoreReason>(i)))] = ignored[i];
  for (const auto& [k, v] : dropped_) (*r.mutable_dropped())[k] = v;
  for (const auto& [k, v] : counters_) (*r.mutable_counters())[k] = v;

  std::vector<double> reg, sw;
  for (mip6::MnId id = 0; id < nodes_.size(); ++id) {
    const auto& n = nodes_.at(id);
    const auto& s = n.stats();
    auto* m = r.add_mobile_node();
    m->set_home_address(n.config().home_address.to_string());
    m->set_state(std::string(mip6::to_string(n.state())));
    m->set_current_home_agent(n.current_home_agent_entry().address.to_string());
    if (n.error() != mip6::MnErrorKind::kNone) {
      m->set_error(std::string(mip6::to_string(n.error())));
      m->set_error_status(n.error_status());
    }
    if (s.first_bu_sent) m->set_first_bu_sent_s(since(*s.first_bu_sent));
    if (s.first_registered) m->set_first_registered_s(since(*s.first_registered));
    if (s.last_registered) m->set_last_registered_s(since(*s.last_registered));
    if (s.last_switch_received) m->set_last_switch_received_s(since(*s.last_switch_received));
    if (s.reregistered_after_switch) m->set_reregistered_after_switch_s(since(*s.reregistered_after_switch));
    if (s.deregistered) m->set_deregistered_s(since(*s.deregistered));
    m->set_bus_sent(s.bus_sent);
    m->set_retransmissions(s.retransmissions);
    m->set_refreshes(s.refreshes);
    m->set_sequence_resyncs(s.sequence_resyncs);
    m->set_switches_followed(s.switches_followed);
    m->set_refresh_requests_answered(s.refresh_requests_answered);
    for (const auto& [status, count] : s.bas_by_status) {
      (*m->mutable_bas_by_status())[status] = count;
      (*r.mutable_bas_by_status())[status] += count;
    }
    for (std::size_t i = 0; i < s.ignored.size(); ++i)
      if (s.ignored[i])
        (*m->mutable_ignored())[std::string(mip6::to_string(static_cast<mip6::MnIgnoreReason>(i)))] = s.ignored[i];
    if (s.first_bu_sent && s.first_registered) reg.push_back(ms(*s.first_registered - *s.first_bu_sent));
    if (s.last_switch_received && s.reregistered_after_switch &&
        *s.reregistered_after_switch >= *s.last_switch_received)
      sw.push_back(ms(*s.reregistered_after_switch - *s.last_switch_received));
  }
  fill(std::move(reg), *r.mutable_registration_latency());
  fill(std::move(sw), *r.mutable_switch_latency());
  return r;
}

}  // namespace mnemu
