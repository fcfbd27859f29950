// The HARP group simulation; see sim.h. The glue between HomeAgent and
// HarpNode (on_bu, apply_ha, apply_harp) mirrors ha-agent/daemon/daemon_harp.cc
// and daemon.cc line by line: set_serving around on_binding_update with
// should_refuse, on_bu_accepted after an accepting BA, every BindingEvent to
// on_binding_event, AdoptBinding -> adopt_binding (its events fed back),
// ReleaseBinding -> release_binding (kernel/packets only, like
// apply_kernel_and_packets), SetServing, HA Switch -> the MN.
#include "tests/sim/sim.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "mip6/mh_codec.h"

namespace sim {

namespace {

Ipv6Address make_addr(std::uint8_t a, std::uint8_t b, std::uint32_t low) {
  std::uint8_t bytes[16] = {};
  bytes[0] = 0xfd;
  bytes[1] = 0x00;
  bytes[3] = a;  // fd00:a::
  bytes[7] = b;
  bytes[12] = static_cast<std::uint8_t>(low >> 24);
  bytes[13] = static_cast<std::uint8_t>(low >> 16);
  bytes[14] = static_cast<std::uint8_t>(low >> 8);
  bytes[15] = static_cast<std::uint8_t>(low);
  return Ipv6Address::from_bytes(bytes);
}
// HAs and HoAs on the home prefix fd00:1::/64, CoAs on fd00:2::/64.
Ipv6Address ha_address(int i) { return make_addr(1, 0, static_cast<std::uint32_t>(i + 1)); }
Ipv6Address home_address(std::uint32_t i) { return make_addr(1, 0, 0x10000 + i); }
Ipv6Address care_of(std::uint32_t i) { return make_addr(2, 0, 0x10000 + i); }

const char* kind_name(FaultKind k) {
  switch (k) {
    case FaultKind::kCrash: return "crash";
    case FaultKind::kRestart: return "restart";
    case FaultKind::kCutHa: return "cut_ha";
    case FaultKind::kHealHa: return "heal_ha";
    case FaultKind::kCutMn: return "cut_mn";
    case FaultKind::kHealMn: return "heal_mn";
    case FaultKind::kHealAll: return "heal_all";
  }
  return "?";
}

}  // namespace

std::string Fault::to_string() const {
  std::ostringstream s;
  s << "{" << std::chrono::duration_cast<std::chrono::milliseconds>(at).count() << "ms, "
    << kind_name(kind) << ", a=" << a << ", b=" << b << ", dir=" << dir << "}";
  return s.str();
}

std::string describe(const SimConfig& cfg, const std::vector<Fault>& schedule) {
  std::ostringstream s;
  s << "seed=" << cfg.seed << " has=" << cfg.has << " mns=" << cfg.mns << " takeover="
    << (cfg.takeover == harp::TakeoverPolicy::kSpread ? "spread" : "preference") << " schedule=[";
  for (std::size_t i = 0; i < schedule.size(); ++i) s << (i ? ", " : "") << schedule[i].to_string();
  s << "]";
  return s.str();
}

std::vector<Fault> make_schedule(const SimConfig& cfg) {
  if (cfg.schedule) return *cfg.schedule;
  Rng rng(cfg.seed ^ 0x5eedULL);
  std::vector<Fault> out;
  const auto span_ms = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.fault_end - cfg.fault_start).count();
  const int n = 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(cfg.max_faults)));
  for (int i = 0; i < n; ++i) {
    Fault f;
    f.at = cfg.fault_start + std::chrono::milliseconds(rng.below(static_cast<std::uint64_t>(span_ms)));
    f.kind = static_cast<FaultKind>(rng.below(6));
    f.a = static_cast<int>(rng.below(static_cast<std::uint64_t>(cfg.has)));
    if (f.kind == FaultKind::kCutHa || f.kind == FaultKind::kHealHa) {
      f.b = static_cast<int>(rng.below(static_cast<std::uint64_t>(cfg.has - 1)));
      if (f.b >= f.a) ++f.b;
      f.dir = static_cast<int>(rng.below(2));  // 1 = one way a -> b
    } else if (f.kind == FaultKind::kCutMn || f.kind == FaultKind::kHealMn) {
      f.b = static_cast<int>(rng.below(static_cast<std::uint64_t>(cfg.mn_groups)));
      f.dir = static_cast<int>(rng.below(3));
    }
    out.push_back(f);
  }
  std::stable_sort(out.begin(), out.end(), [](const Fault& x, const Fault& y) { return x.at < y.at; });
  out.push_back(Fault{cfg.fault_end, FaultKind::kHealAll, 0, 0, 0});
  return out;
}

struct Simulation::Ha {
  Ipv6Address address;
  harp::GroupConfig config;
  std::unique_ptr<harp::HarpNode> harp;
  std::optional<mip6::HomeAgent> ha;
  bool alive = false;
  bool harp_serving = true;  // Daemon::harp_serving_
};

struct Simulation::Packet {
  enum class Kind : std::uint8_t { kHarp, kBu, kBa, kHas, kBrr } kind = Kind::kHarp;
  int from_node = 0, to_node = 0;  // HA index, or -1 - group for an MN
  int to_ha = 0;                   // kHarp, kBu
  Ipv6Address from;                // kHarp: the sending HA's address
  mip6::MnId mn = 0;               // kBu, kBa, kHas, kBrr
  std::size_t via = 0;             // the HA whose SA protects it (to an MN)
  mip6::MobilityMessage message;   // kHarp, kBa (BindingAcknowledgement), kHas
  mip6::SendBindingUpdate bu;      // kBu
};

Simulation::Simulation(SimConfig cfg)
    : cfg_(std::move(cfg)),
      rng_(cfg_.seed),
      schedule_(make_schedule(cfg_)),
      t0_(Clock::time_point{} + std::chrono::hours(1)),
      now_(t0_),
      checker_(static_cast<std::size_t>(cfg_.mns)) {
  loss_ = rng_.unit() * cfg_.max_loss;
  dup_ = rng_.unit() * cfg_.max_dup;
  for (int i = 0; i < cfg_.has; ++i) {
    has_.push_back(std::make_unique<Ha>());
    has_.back()->address = ha_address(i);
  }
  for (int i = 0; i < cfg_.has; ++i) start_ha(i);
  for (int i = 0; i < cfg_.mns; ++i) {
    const auto id = static_cast<std::uint32_t>(i);
    mip6::MobileNodeConfig c;
    c.home_address = home_address(id);
    c.care_of_address = care_of(id);
    for (int h = 0; h < cfg_.has; ++h)
      c.home_agents.push_back({ha_address(h), static_cast<std::uint32_t>(h)});
    c.initial_home_agent = static_cast<std::size_t>(rng_.below(static_cast<std::uint64_t>(cfg_.has)));
    c.requested_lifetime_s = cfg_.lifetime_s;
    c.harp = true;
    c.initial_sequence = mip6::SequenceNumber(static_cast<std::uint16_t>(rng_.below(65536)));
    hoas_.push_back(c.home_address);
    auto mid = mns_.add(std::move(c));
    if (mid) mns_.schedule_registration(*mid, t0_ + std::chrono::milliseconds(rng_.below(5000)));
  }
}

Simulation::~Simulation() = default;

void Simulation::start_ha(int i) {
  Ha& h = *has_[static_cast<std::size_t>(i)];
  harp::GroupConfig c;
  c.group_id = 7;
  c.own_address = h.address;
  c.preference = static_cast<std::int16_t>(100 - 10 * i);
  c.takeover = cfg_.takeover;
  // The daemon draws a random first Hello sequence (daemon_harp.cc).
  c.initial_hello_sequence = static_cast<std::uint16_t>(rng_.below(65536));
  for (int j = 0; j < cfg_.has; ++j)
    if (j != i) c.peers.push_back({ha_address(j), static_cast<std::int16_t>(100 - 10 * j)});
  auto node = harp::HarpNode::create(c, now_);
  mip6::HomeAgentPolicy p;
  p.addresses = {h.address};
  p.home_prefixes = {*mip6::Ipv6Prefix::parse("fd00:1::/64")};
  p.serve_any_home_address = true;
  p.max_lifetime_s = 3600;
  p.brr_lead_time_s = 0;
  auto ha = mip6::HomeAgent::create(p);
  if (!node.ok() || !ha.ok()) {
    result_.ok = false;
    result_.failure = "cannot create HA " + std::to_string(i);
    return;
  }
  h.config = c;
  h.harp = std::move(node).value();
  h.ha.emplace(std::move(ha).value());
  h.alive = true;
  h.harp_serving = true;
}

void Simulation::crash_ha(int i) {
  Ha& h = *has_[static_cast<std::size_t>(i)];
  if (!h.alive) return;
  h.alive = false;
  h.harp.reset();
  h.ha.reset();
  checker_.forget_ha(i);
}

void Simulation::apply_fault(const Fault& f) {
  if (cfg_.trace_mn)
    std::fprintf(stderr, "%8lld ms: fault %s\n",
                 static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(now_ - t0_).count()),
                 f.to_string().c_str());
  switch (f.kind) {
    case FaultKind::kCrash: crash_ha(f.a); break;
    case FaultKind::kRestart:
      if (!has_[static_cast<std::size_t>(f.a)]->alive) {
        ++restarts_;
        start_ha(f.a);
      }
      break;
    case FaultKind::kCutHa:
      cuts_.insert({f.a, f.b});
      if (f.dir == 0) cuts_.insert({f.b, f.a});
      break;
    case FaultKind::kHealHa:
      cuts_.erase({f.a, f.b});
      cuts_.erase({f.b, f.a});
      break;
    case FaultKind::kCutMn:
      if (f.dir != 2) cuts_.insert({f.a, -1 - f.b});
      if (f.dir != 1) cuts_.insert({-1 - f.b, f.a});
      break;
    case FaultKind::kHealMn:
      cuts_.erase({f.a, -1 - f.b});
      cuts_.erase({-1 - f.b, f.a});
      break;
    case FaultKind::kHealAll:
      cuts_.clear();
      faults_on_ = false;
      for (int i = 0; i < cfg_.has; ++i)
        if (!has_[static_cast<std::size_t>(i)]->alive) {
          ++restarts_;
          start_ha(i);
        }
      break;
  }
}

bool Simulation::blocked(int from_node, int to_node) const {
  return cuts_.count({from_node, to_node}) != 0;
}

void Simulation::post(Packet p) {
  ++result_.messages;
  if (blocked(p.from_node, p.to_node)) return;
  if (faults_on_ && rng_.chance(loss_)) return;
  const auto max = faults_on_ ? cfg_.max_delay : cfg_.calm_max_delay;
  const auto span_us = std::chrono::duration_cast<std::chrono::microseconds>(max - cfg_.min_delay).count();
  const int copies = faults_on_ && rng_.chance(dup_) ? 2 : 1;
  for (int c = 0; c < copies; ++c) {
    const auto at = now_ + cfg_.min_delay +
                    std::chrono::microseconds(rng_.below(static_cast<std::uint64_t>(span_us) + 1));
    wire_.emplace(std::make_tuple(at, packet_serial_++), p);
  }
}

void Simulation::send_harp(int from, const harp::SendHarpMessage& m) {
  Packet p;
  p.kind = Packet::Kind::kHarp;
  p.from_node = from;
  p.from = m.source;
  p.to_ha = -1;
  for (int j = 0; j < cfg_.has; ++j)
    if (has_[static_cast<std::size_t>(j)]->address == m.destination) p.to_ha = j;
  if (p.to_ha < 0) return;
  p.to_node = p.to_ha;
  if (cfg_.use_codec) {
    // The real wire: a message that cannot be encoded, exceeds 2048 octets
    // or does not decode to itself is a failure of the run.
    std::vector<std::uint8_t> buf;
    auto st = mip6::encode_mobility_header(m.message, buf, mip6::HarpNumbers{});
    if (!st.ok() || buf.size() > mip6::mh::kMaxLength) {
      if (result_.ok) result_.failure = "HARP message does not encode / too long", result_.ok = false;
      return;
    }
    auto dec = mip6::decode_mobility_header(buf, mip6::HarpNumbers{});
    if (!dec.ok()) {
      if (result_.ok) result_.failure = "HARP message does not decode", result_.ok = false;
      return;
    }
    p.message = std::move(dec).value().message;
  } else {
    p.message = m.message;
  }
  post(std::move(p));
}

void Simulation::mn_actions(const mip6::MnActions& out) {
  for (const auto& su : out) {
    Packet p;
    p.kind = Packet::Kind::kBu;
    p.mn = su.mn;
    p.from_node = mn_node(su.mn);
    p.to_ha = static_cast<int>(su.home_agent);
    p.to_node = p.to_ha;
    p.bu = su;
    post(std::move(p));
  }
}

void Simulation::after_mn_input(mip6::MnId id) {
  // The MN application: a registration that ended in error (BA 133 from a
  // standby, too many resyncs) is tried again later with the same HA.
  if (mns_.at(id).state() == mip6::MnState::kError) retries_.insert({now_ + cfg_.mn_retry, id});
}

// Daemon::on_binding_update (daemon_harp.cc).
void Simulation::on_bu(int i, const mip6::SendBindingUpdate& su) {
  Ha& h = *has_[static_cast<std::size_t>(i)];
  const auto& mc = mns_.at(su.mn).config();
  const Ipv6Address hoa = mc.home_address;
  mip6::BindingUpdateContext ctx;
  ctx.source = mc.care_of_address;
  ctx.destination = su.ha_address;
  ctx.home_address = hoa;
  ctx.spi = 0x100 + su.mn;
  ctx.sa_home_address = hoa;
  const bool serve = h.harp_serving && !h.harp->should_refuse(hoa);
  h.ha->set_serving(serve);
  auto actions = h.ha->on_binding_update(su.bu, ctx, now_);
  h.ha->set_serving(h.harp_serving);
  bool accepted = false;
  for (const auto& a : actions)
    if (const auto* ba = std::get_if<mip6::SendBindingAck>(&a); ba && ba->ba.status < 128) accepted = true;
  apply_ha(i, actions);
  if (accepted && h.harp) apply_harp(i, h.harp->on_bu_accepted(hoa, now_));
}

// Daemon::apply: packets, then every BindingEvent to the HarpNode.
void Simulation::apply_ha(int i, const mip6::Actions& actions) {
  Ha& h = *has_[static_cast<std::size_t>(i)];
  for (const auto& a : actions) {
    if (const auto* ba = std::get_if<mip6::SendBindingAck>(&a)) {
      auto id = mns_.find(ba->home_address);
      if (!id) continue;
      Packet p;
      p.kind = Packet::Kind::kBa;
      p.mn = *id;
      p.from_node = i;
      p.to_node = mn_node(*id);
      p.via = static_cast<std::size_t>(i);
      p.message = ba->ba;
      post(std::move(p));
    } else if (const auto* brr = std::get_if<mip6::SendBindingRefreshRequest>(&a)) {
      auto id = mns_.find(brr->home_address);
      if (!id) continue;
      Packet p;
      p.kind = Packet::Kind::kBrr;
      p.mn = *id;
      p.from_node = i;
      p.to_node = mn_node(*id);
      p.via = static_cast<std::size_t>(i);
      post(std::move(p));
    }
  }
  for (const auto& a : actions)
    if (const auto* ev = std::get_if<mip6::BindingEvent>(&a); ev && h.harp)
      apply_harp(i, h.harp->on_binding_event(*ev, now_));
}

// Daemon::apply_harp.
void Simulation::apply_harp(int i, const harp::HarpActions& actions) {
  Ha& h = *has_[static_cast<std::size_t>(i)];
  for (const auto& a : actions) {
    if (cfg_.trace_mn) {
      const Ipv6Address& t = hoas_[*cfg_.trace_mn];
      const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(now_ - t0_).count();
      if (const auto* ad = std::get_if<harp::AdoptBinding>(&a); ad && ad->entry.home_address == t)
        std::fprintf(stderr, "%8lld ms: HA %d adopts seq %u epoch %u\n", ms, i,
                     unsigned{ad->entry.last_sequence.value()}, ad->entry.ownership_epoch);
      if (const auto* r = std::get_if<harp::ReleaseBinding>(&a); r && r->home_address == t)
        std::fprintf(stderr, "%8lld ms: HA %d releases\n", ms, i);
      if (const auto* e = std::get_if<harp::HarpEvent>(&a))
        std::fprintf(stderr, "%8lld ms: HA %d event %s peer %s hoa %s count %u %s\n", ms, i,
                     std::string(harp::to_string(e->kind)).c_str(), e->peer.to_string().c_str(),
                     e->home_address.to_string().c_str(), e->count, e->detail.c_str());
    }
    if (const auto* m = std::get_if<harp::SendHarpMessage>(&a)) {
      send_harp(i, *m);
    } else if (const auto* s = std::get_if<harp::SendHomeAgentSwitch>(&a)) {
      auto id = mns_.find(s->home_address);
      if (!id) continue;
      ++result_.switches;
      Packet p;
      p.kind = Packet::Kind::kHas;
      p.mn = *id;
      p.from_node = i;
      p.to_node = mn_node(*id);
      p.via = static_cast<std::size_t>(i);  // protected with the MN's SA held by our_address
      p.message = s->has;
      post(std::move(p));
    } else if (const auto* ad = std::get_if<harp::AdoptBinding>(&a)) {
      apply_ha(i, h.ha->adopt_binding(ad->entry, now_));
    } else if (const auto* r = std::get_if<harp::ReleaseBinding>(&a)) {
      // apply_kernel_and_packets: no BindingEvent goes to the HarpNode.
      (void)h.ha->release_binding(r->home_address);
    } else if (const auto* sv = std::get_if<harp::SetServing>(&a)) {
      h.harp_serving = sv->serving;
      h.ha->set_serving(sv->serving);
    } else if (const auto* e = std::get_if<harp::HarpEvent>(&a)) {
      if (e->kind == harp::EventKind::kTakeoverStarted) ++result_.takeovers;
      if (e->kind == harp::EventKind::kSplitBrainResolved) ++result_.split_brains;
    }
  }
}

void Simulation::deliver(Packet& p) {
  mip6::MnActions out;
  if (cfg_.trace_mn && p.kind != Packet::Kind::kHarp && p.mn == *cfg_.trace_mn) {
    std::fprintf(stderr, "%8lld ms: deliver kind=%d from=%d to=%d", static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(now_ - t0_).count()),
                 static_cast<int>(p.kind), p.from_node, p.to_node);
    if (const auto* ba = std::get_if<mip6::BindingAcknowledgement>(&p.message); ba && p.kind == Packet::Kind::kBa)
      std::fprintf(stderr, " BA status=%d seq=%u", ba->status, unsigned{ba->sequence.value()});
    if (p.kind == Packet::Kind::kBu) std::fprintf(stderr, " BU seq=%u life=%u", unsigned{p.bu.bu.sequence.value()}, unsigned{p.bu.bu.lifetime});
    std::fprintf(stderr, "\n");
  }
  switch (p.kind) {
    case Packet::Kind::kHarp: {
      Ha& h = *has_[static_cast<std::size_t>(p.to_ha)];
      if (h.alive) apply_harp(p.to_ha, h.harp->on_message(p.message, p.from, now_));
      return;
    }
    case Packet::Kind::kBu:
      if (has_[static_cast<std::size_t>(p.to_ha)]->alive) on_bu(p.to_ha, p.bu);
      return;
    case Packet::Kind::kBa:
    {
      const auto before = mns_.at(p.mn).stats().last_registered;
      const auto& ba = std::get<mip6::BindingAcknowledgement>(p.message);
      (void)mns_.on_binding_ack(p.mn, ba, p.via, now_, out);
      // A new registration: remember its sequence (what "holding it" means).
      if (mns_.at(p.mn).stats().last_registered != before) registered_sequence_[p.mn] = ba.sequence;
    }
      break;
    case Packet::Kind::kHas:
      (void)mns_.on_home_agent_switch(p.mn, std::get<mip6::HomeAgentSwitch>(p.message), p.via, now_, out);
      break;
    case Packet::Kind::kBrr:
      (void)mns_.on_binding_refresh_request(p.mn, p.via, now_, out);
      break;
  }
  mn_actions(out);
  after_mn_input(p.mn);
}

std::optional<Clock::time_point> Simulation::next_time() const {
  std::optional<Clock::time_point> best;
  auto take = [&](std::optional<Clock::time_point> t) {
    if (t && (!best || *t < *best)) best = t;
  };
  if (!wire_.empty()) take(std::get<0>(wire_.begin()->first));
  for (const auto& h : has_)
    if (h->alive) {
      take(h->ha->next_expiry());
      take(h->harp->next_expiry());
    }
  take(mns_.next_expiry());
  if (!retries_.empty()) take(retries_.begin()->first);
  return best;
}

WorldView Simulation::view() const {
  WorldView w;
  for (int i = 0; i < cfg_.has; ++i)
    if (has_[static_cast<std::size_t>(i)]->alive) w.alive |= HaMask{1} << i;
  w.mns.resize(static_cast<std::size_t>(cfg_.mns));
  // Margin: the MN counts its lifetime from the BA, the HA from the BU (one
  // delay earlier); an adopted binding's lifetime is re-based in 4-s units.
  const auto margin = cfg_.max_delay + 5s;
  for (std::size_t m = 0; m < w.mns.size(); ++m) {
    const auto& mn = mns_.at(static_cast<mip6::MnId>(m));
    MnView& v = w.mns[m];
    v.binding_valid = mn.has_binding() && mn.binding_expires() && *mn.binding_expires() > now_ + margin;
    v.registered = mn.state() == mip6::MnState::kRegistered || mn.state() == mip6::MnState::kRefreshing;
    v.current_ha = static_cast<int>(mn.current_home_agent());
    if (const auto& r = mn.stats().last_registered) v.registration = static_cast<std::uint64_t>(r->time_since_epoch().count());
    const auto mn_expiry = mn.binding_expires().value_or(Clock::time_point{});
    // A copy holds the MN's binding when it is at least as new as the MN's
    // last registration: its sequence is not older (takeover and restored
    // copies keep it) and it does not expire before the MN's binding.
    const auto reg = registered_sequence_.find(static_cast<mip6::MnId>(m));
    auto as_new = [&](mip6::SequenceNumber seq, Clock::time_point expires) {
      if (expires + margin < mn_expiry) return false;
      return reg == registered_sequence_.end() || !reg->second.newer_than(seq);
    };
    for (int i = 0; i < cfg_.has; ++i) {
      const Ha& h = *has_[static_cast<std::size_t>(i)];
      if (!h.alive) continue;
      const auto* e = h.ha->bindings().find(hoas_[m]);
      if (e) v.owners |= HaMask{1} << i;
      const auto* s = h.harp->shadows().find(hoas_[m]);
      if ((e && as_new(e->last_sequence, e->expires_at)) || (s && as_new(s->sequence, s->expires_at)))
        v.holders |= HaMask{1} << i;
    }
  }
  return w;
}

SimResult Simulation::run() {
  result_.report = describe(cfg_, schedule_);
  if (!result_.ok) return result_;
  faults_on_ = true;
  std::size_t next_fault = 0;
  const auto end = t0_ + cfg_.fault_end + cfg_.service + cfg_.tail;
  auto next_check = t0_ + cfg_.check_every;
  std::uint64_t same_time_turns = 0;
  while (result_.ok) {
    auto t = next_time();
    if (next_fault < schedule_.size() && (!t || t0_ + schedule_[next_fault].at < *t))
      t = t0_ + schedule_[next_fault].at;
    if (!t || *t > next_check) t = next_check;
    if (*t > end) break;
    same_time_turns = (*t == now_) ? same_time_turns + 1 : 0;
    if (same_time_turns > 1000000) {
      result_.ok = false;
      result_.failure = "livelock: no progress of time";
      break;
    }
    now_ = std::max(now_, *t);
    while (next_fault < schedule_.size() && t0_ + schedule_[next_fault].at <= now_)
      apply_fault(schedule_[next_fault++]);
    while (!wire_.empty() && std::get<0>(wire_.begin()->first) <= now_) {
      Packet p = std::move(wire_.begin()->second);
      wire_.erase(wire_.begin());
      deliver(p);
    }
    for (int i = 0; i < cfg_.has; ++i) {
      Ha& h = *has_[static_cast<std::size_t>(i)];
      if (!h.alive) continue;
      if (auto e = h.ha->next_expiry(); e && *e <= now_) apply_ha(i, h.ha->on_timer(now_));
      if (auto e = h.harp->next_expiry(); e && *e <= now_) apply_harp(i, h.harp->on_timer(now_));
    }
    mip6::MnActions out;
    mns_.on_timer(now_, out);
    while (!retries_.empty() && retries_.begin()->first <= now_) {
      const auto id = retries_.begin()->second;
      retries_.erase(retries_.begin());
      if (mns_.at(id).state() == mip6::MnState::kError) mns_.start_registration(id, now_, out);
    }
    mn_actions(out);
    if (now_ >= next_check) {
      next_check += cfg_.check_every;
      const bool converged = now_ >= t0_ + cfg_.fault_end + cfg_.converge;
      const bool service_due = now_ >= t0_ + cfg_.fault_end + cfg_.service;
      if (cfg_.trace_mn) {
        const auto w = view();
        const auto& v = w.mns[*cfg_.trace_mn];
        std::fprintf(stderr, "%8lld ms: check alive=%u valid=%d reg=%d cur=%d holders=%u owners=%u state=%s\n",
                     static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(now_ - t0_).count()),
                     w.alive, v.binding_valid, v.registered, v.current_ha, v.holders, v.owners,
                     std::string(mip6::to_string(mns_.at(*cfg_.trace_mn).state())).c_str());
      }
      if (auto bad = checker_.check(view(), converged, service_due)) {
        result_.ok = false;
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now_ - t0_).count();
        result_.failure = "t=" + std::to_string(ms) + "ms: " + *bad;
      }
    }
  }
  if (result_.ok && next_fault < schedule_.size()) {
    result_.ok = false;
    result_.failure = "run ended before its schedule";
  }
  return result_;
}

}  // namespace sim
