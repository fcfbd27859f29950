// The mn-emu engine (emulator.h).
#include "bench/mn-emu/emulator.h"

#include <boost/asio/post.hpp>

#include "bench/mn-emu/key_store.h"
#include "ha-agent/log/log.h"
#include "mip6/mh_codec.h"

namespace mnemu {
namespace {

using Clock = std::chrono::steady_clock;

ha_agent::log::Logger& logger() {
  static ha_agent::log::Logger l = ha_agent::log::channel("mn-emu");
  return l;
}

}  // namespace

Emulator::Emulator(boost::asio::io_context& io, ha_agent::io::PacketIo& packet_io,
                   RunOptions options)
    : io_(io),
      packet_io_(packet_io),
      options_(options),
      timer_(io),
      end_timer_(io),
      stats_timer_(io) {}

mip6::Result<std::unique_ptr<Emulator>, std::string> Emulator::create(
    boost::asio::io_context& io, const EmuConfig& config, ha_agent::io::PacketIo& packet_io,
    RunOptions options) {
  std::unique_ptr<Emulator> e(new Emulator(io, packet_io, options));
  e->config_.timers = config.timers;
  e->config_.lifetime_s = config.lifetime_s;
  e->config_.registration_rate_per_s = config.registration_rate_per_s;
  e->config_.deregistration_rate_per_s = config.deregistration_rate_per_s;
  e->config_.care_of_addresses = config.care_of_addresses;
  KeyStore keys;
  e->sas_.resize(config.mobile_nodes.size());
  for (std::size_t i = 0; i < config.mobile_nodes.size(); ++i) {
    const auto& mn = config.mobile_nodes[i];
    mip6::MobileNodeConfig c;
    c.home_address = mn.home_address;
    c.care_of_address = mn.care_of_address;
    c.requested_lifetime_s = config.lifetime_s;
    c.harp = config.harp;
    c.alternate_care_of_address = config.alternate_coa;
    c.initial_sequence = mip6::SequenceNumber(config.initial_sequence);
    c.timers = config.timers;
    auto& slots = e->sas_[i];
    slots.resize(mn.home_agents.size());
    for (std::size_t h = 0; h < mn.home_agents.size(); ++h) {
      const auto& ha = mn.home_agents[h];
      c.home_agents.push_back({ha.address, static_cast<std::uint32_t>(h)});
      auto& s = slots[h];
      s.spi_out = ha.spi_out;
      s.spi_in = ha.spi_in;
      s.algorithm = ha.algorithm;
      s.esn = ha.esn;
      s.replay_window = ha.replay_window;
      auto ko = keys.load(ha.key_out, ha.algorithm);
      if (!ko) return mip6::fail(ko.error());
      s.key_out = std::move(ko).value();
      auto ki = keys.load(ha.key_in, ha.algorithm);
      if (!ki) return mip6::fail(ki.error());
      s.key_in = std::move(ki).value();
      if (!e->by_spi_in_.emplace(ha.spi_in, std::pair{static_cast<mip6::MnId>(i),
                                                      static_cast<std::uint32_t>(h)}).second)
        return mip6::fail("SPI " + std::to_string(ha.spi_in) + " used twice");
    }
    if (!e->nodes_.add(std::move(c)))
      return mip6::fail("home address " + mn.home_address.to_string() + " used twice");
  }
  return e;
}

crypto::EspSa* Emulator::outbound_sa(mip6::MnId mn, std::size_t ha) {
  auto& s = sas_[mn][ha];
  if (!s.out) {
    const auto& node = nodes_.at(mn).config();
    crypto::SaParams p;
    p.spi = s.spi_out;
    p.direction = crypto::SaDirection::kOutbound;
    p.algorithm = s.algorithm;
    p.source = node.care_of_address;
    p.destination = node.home_agents[ha].address;
    p.key = std::move(s.key_out);
    p.extended_sequence_numbers = s.esn;
    auto sa = crypto::EspSa::create(std::move(p), Clock::now());
    if (!sa) {
      count(dropped_, "sa setup: " + std::string(crypto::to_string(sa.error())));
      return nullptr;
    }
    s.out = std::move(sa).value();
  }
  return s.out.get();
}

crypto::EspSa* Emulator::inbound_sa(mip6::MnId mn, std::size_t ha) {
  auto& s = sas_[mn][ha];
  if (!s.in) {
    const auto& node = nodes_.at(mn).config();
    crypto::SaParams p;
    p.spi = s.spi_in;
    p.direction = crypto::SaDirection::kInbound;
    p.algorithm = s.algorithm;
    p.source = node.home_agents[ha].address;
    p.destination = node.care_of_address;
    p.key = std::move(s.key_in);
    p.extended_sequence_numbers = s.esn;
    p.replay_window = s.replay_window;
    auto sa = crypto::EspSa::create(std::move(p), Clock::now());
    if (!sa) {
      count(dropped_, "sa setup: " + std::string(crypto::to_string(sa.error())));
      return nullptr;
    }
    s.in = std::move(sa).value();
  }
  return s.in.get();
}

void Emulator::send_actions() {
  const auto now = Clock::now();
  for (const auto& a : actions_) {
    const auto& node = nodes_.at(a.mn).config();
    auto* sa = outbound_sa(a.mn, a.home_agent);
    if (!sa) continue;
    auto st = build_binding_update_packet(a.bu, node.home_address, node.care_of_address,
                                          a.ha_address, *sa, now, mh_scratch_, packet_);
    if (!st) {
      count(dropped_, "build: " + st.error());
      continue;
    }
    if (auto ec = packet_io_.send(packet_, 0)) {
      count(counters_, "send errors");
      static ha_agent::log::RateLimiter limiter(5, std::chrono::seconds(1));
      std::uint64_t suppressed = 0;
      if (limiter.allow(now, suppressed))
        HA_LOG(logger(), kWarning) << "send to " << a.ha_address.to_string() << " failed: "
                                   << ec.message() << " (" << suppressed << " suppressed)";
      continue;
    }
    count(counters_, a.bu.lifetime == 0 ? "deregistration bu sent" : "bu sent");
    if (a.retransmission) count(counters_, "bu retransmitted");
  }
  actions_.clear();
}

void Emulator::rearm() {
  if (finished_) return;
  auto next = nodes_.next_expiry();
  if (drain_deadline_ && (!next || *drain_deadline_ < *next)) next = drain_deadline_;
  if (!next) {
    armed_.reset();
    timer_.cancel();
    return;
  }
  if (armed_ && *armed_ <= *next) return;
  armed_ = next;
  timer_.expires_at(*next);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or cancelled
    armed_.reset();
    on_tick();
  });
}

void Emulator::on_tick() {
  if (finished_) return;
  const auto now = Clock::now();
  nodes_.on_timer(now, actions_, options_.max_timers_per_turn);
  send_actions();
  check_drained();
  if (finished_) return;
  if (auto n = nodes_.next_expiry(); n && *n <= now) {
    // More MNs are due: let received packets in before continuing.
    boost::asio::post(io_, [this] { on_tick(); });
    return;
  }
  rearm();
}

void Emulator::start() {
  started_ = true;
  start_steady_ = Clock::now();
  start_unix_s_ = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  packet_io_.start([this](std::span<const std::uint8_t> p, int) { handle_packet(p); });
  if (options_.register_all) {
    const double gap_ns = 1e9 / config_.registration_rate_per_s;
    for (mip6::MnId i = 0; i < nodes_.size(); ++i)
      nodes_.schedule_registration(
          i, start_steady_ + std::chrono::nanoseconds(static_cast<std::int64_t>(gap_ns * i)));
  }
  if (options_.duration) {
    end_timer_.expires_at(start_steady_ + *options_.duration);
    end_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) request_stop();
    });
  }
  arm_stats();
  HA_LOG(logger(), kInfo) << "started: " << nodes_.size() << " mobile nodes, "
                          << config_.care_of_addresses.size() << " care-of addresses, "
                          << packet_io_.describe();
  rearm();
}

void Emulator::arm_stats() {
  if (options_.stats_interval.count() <= 0 || finished_) return;
  stats_timer_.expires_after(options_.stats_interval);
  stats_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    HA_LOG(logger(), kInfo) << stats_line();
    arm_stats();
  });
}

std::string Emulator::stats_line() const {
  std::string s;
  const auto c = nodes_.state_counts();
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c[i] == 0) continue;
    s += std::string(s.empty() ? "" : " ") + std::string(mip6::to_string(static_cast<mip6::MnState>(i))) +
         "=" + std::to_string(c[i]);
  }
  for (const auto& [k, v] : counters_) s += "; " + k + "=" + std::to_string(v);
  std::uint64_t drops = 0;
  for (const auto& [k, v] : dropped_) drops += v;
  return s + "; dropped=" + std::to_string(drops);
}

void Emulator::request_stop() {
  if (finished_) return;
  if (draining_ || !options_.deregister_at_end || !started_) {
    finish();
    return;
  }
  draining_ = true;
  const auto now = Clock::now();
  const double gap_ns = 1e9 / config_.deregistration_rate_per_s;
  for (mip6::MnId i = 0; i < nodes_.size(); ++i)
    nodes_.schedule_deregistration(
        i, now + std::chrono::nanoseconds(static_cast<std::int64_t>(gap_ns * i)));
  drain_deadline_ = now + std::chrono::nanoseconds(static_cast<std::int64_t>(gap_ns * nodes_.size())) +
                    options_.deregister_grace;
  HA_LOG(logger(), kInfo) << "deregistering " << nodes_.size() << " mobile nodes";
  rearm();
}

void Emulator::check_drained() {
  if (!draining_ || finished_) return;
  const auto c = nodes_.state_counts();
  const std::size_t done = c[static_cast<std::size_t>(mip6::MnState::kIdle)] +
                           c[static_cast<std::size_t>(mip6::MnState::kDeregistered)] +
                           c[static_cast<std::size_t>(mip6::MnState::kError)];
  // Every MN has finished, or the grace period is over.
  if (done == nodes_.size() || (drain_deadline_ && Clock::now() >= *drain_deadline_)) finish();
}

void Emulator::finish() {
  if (finished_) return;
  finished_ = true;
  timer_.cancel();
  end_timer_.cancel();
  stats_timer_.cancel();
  packet_io_.stop();
  HA_LOG(logger(), kInfo) << "finished: " << stats_line();
  if (on_finished_) on_finished_();
}

void Emulator::handle_packet(std::span<const std::uint8_t> packet) {
  if (finished_) return;
  const auto now = Clock::now();
  count(counters_, "packets received");
  auto lookup = [this](std::uint32_t spi) -> std::optional<InboundSa> {
    auto it = by_spi_in_.find(spi);
    if (it == by_spi_in_.end()) return std::nullopt;
    const auto [mn, ha] = it->second;
    const auto& node = nodes_.at(mn).config();
    InboundSa in;
    in.sa = inbound_sa(mn, ha);
    in.owner = SaOwner{mn, ha, node.home_agents[ha].address, node.home_address, node.care_of_address};
    return in;
  };
  auto r = open_packet(packet, lookup, now, open_scratch_);
  if (!r) {
    count(dropped_, r.error());
    return;
  }
  const auto& o = r->owner;
  count(counters_, std::string("received ") + std::string(to_string(r->form)));
  std::optional<mip6::MnIgnoreReason> ignored;
  if (auto* ba = std::get_if<mip6::BindingAcknowledgement>(&r->message)) {
    count(counters_, "ba received");
    ignored = nodes_.on_binding_ack(o.mn, *ba, o.home_agent, now, actions_);
  } else if (auto* has = std::get_if<mip6::HomeAgentSwitch>(&r->message)) {
    count(counters_, "home agent switch received");
    ignored = nodes_.on_home_agent_switch(o.mn, *has, o.home_agent, now, actions_);
  } else if (std::holds_alternative<mip6::BindingRefreshRequest>(r->message)) {
    count(counters_, "binding refresh request received");
    ignored = nodes_.on_binding_refresh_request(o.mn, o.home_agent, now, actions_);
  } else if (auto* be = std::get_if<mip6::BindingError>(&r->message)) {
    count(counters_, "binding error received, status " + std::to_string(be->status));
  } else {
    count(dropped_, "unexpected mh type " + std::to_string(mip6::mh_type_of(r->message)));
  }
  (void)ignored;  // counted by the MN (MobileNodeStats::ignored)
  send_actions();
  check_drained();
  rearm();
}

}  // namespace mnemu
