// A tiny in-test message pump for HarpNode tests (not the full simulation of
// tests/sim): N nodes, each a HarpNode plus a mip6::HomeAgent, a manual
// clock, HARP messages encoded and decoded through the real MH codec (so
// every message is checked against the 2048-octet ceiling and the wire
// layout), fixed latency, one-way blocking, and a hook to drop or rewrite
// messages. The daemon's glue is reproduced: AdoptBinding -> adopt_binding,
// BindingEvents -> on_binding_event, should_refuse() -> BA 133.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harp/harp_node.h"
#include "harp/replicator.h"
#include "mip6/home_agent.h"
#include "mip6/mh_codec.h"

namespace harp::test {

using namespace std::chrono_literals;
using mip6::Clock;
using mip6::Ipv6Address;

inline Ipv6Address addr(const std::string& text) {
  return *Ipv6Address::parse(text);
}
inline Ipv6Address ha_addr(int i) {
  return addr("fd00:1::" + std::to_string(i + 1));
}
inline Ipv6Address hoa(int i) {
  return addr("fd00:1::1:" + std::to_string(i + 1));
}
inline Ipv6Address coa(int i) {
  return addr("2001:db8::" + std::to_string(i + 1));
}
inline const Clock::time_point kT0 = Clock::time_point{} + std::chrono::hours(1);

template <class T>
std::vector<T> all_of(const HarpActions& actions) {
  std::vector<T> out;
  for (const auto& a : actions)
    if (const T* t = std::get_if<T>(&a)) out.push_back(*t);
  return out;
}

struct SimNode {
  Ipv6Address address;
  GroupConfig config;
  std::unique_ptr<HarpNode> harp;
  std::optional<mip6::HomeAgent> ha;
  bool crashed = false;
  std::vector<SendHomeAgentSwitch> has_sent;
  std::vector<std::pair<Clock::time_point, SendHomeAgentSwitch>> has_log;
  std::vector<Ipv6Address> released;
  std::vector<mip6::MobilityMessage> received;
  std::vector<std::size_t> adopt_batches;  // AdoptBinding actions per HarpNode call
};

struct Delivery {
  Ipv6Address from, to;
  mip6::MobilityMessage message;
  Clock::time_point at{};
};

class TestNet {
 public:
  // n nodes, preferences 100, 90, 80, ... (node 0 best).
  explicit TestNet(int n, const std::function<void(int, GroupConfig&)>& tweak = {}) {
    for (int i = 0; i < n; ++i) {
      GroupConfig c;
      c.group_id = 7;
      c.own_address = ha_addr(i);
      c.preference = static_cast<std::int16_t>(100 - 10 * i);
      c.rise = 2;
      c.initial_hello_sequence = static_cast<std::uint16_t>(1000 * (i + 1));
      for (int j = 0; j < n; ++j)
        if (j != i) c.peers.push_back({ha_addr(j), static_cast<std::int16_t>(100 - 10 * j)});
      if (tweak) tweak(i, c);
      nodes.push_back(SimNode{});
      nodes.back().address = c.own_address;
      nodes.back().config = c;
      start(i);
    }
  }

  void start(int i) {
    auto& n = nodes[static_cast<std::size_t>(i)];
    auto h = HarpNode::create(n.config, now);
    ASSERT_TRUE(h.ok());
    n.harp = std::move(h).value();
    mip6::HomeAgentPolicy p;
    p.addresses = {n.address};
    p.home_prefixes = {*mip6::Ipv6Prefix::parse("fd00:1::/64")};
    p.serve_any_home_address = true;
    p.max_lifetime_s = 3600;
    p.brr_lead_time_s = 0;
    auto ha = mip6::HomeAgent::create(p);
    ASSERT_TRUE(ha.ok());
    n.ha.emplace(std::move(ha).value());
    n.crashed = false;
  }
  void crash(int i) { nodes[static_cast<std::size_t>(i)].crashed = true; }
  void restart(int i, const std::function<void(GroupConfig&)>& tweak = {}) {
    auto& n = nodes[static_cast<std::size_t>(i)];
    n.config.initial_hello_sequence =
        static_cast<std::uint16_t>(n.config.initial_hello_sequence + 5000);
    if (tweak) tweak(n.config);
    start(i);
  }
  HarpNode& h(int i) { return *nodes[static_cast<std::size_t>(i)].harp; }
  mip6::HomeAgent& ha(int i) { return *nodes[static_cast<std::size_t>(i)].ha; }
  int index_of(const Ipv6Address& a) const {
    for (std::size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i].address == a) return static_cast<int>(i);
    return -1;
  }

  // Processes actions of node i as the daemon would.
  void handle(int i, HarpActions actions) {
    auto& n = nodes[static_cast<std::size_t>(i)];
    if (const auto k = all_of<AdoptBinding>(actions).size(); k > 0) n.adopt_batches.push_back(k);
    for (auto& a : actions) {
      if (auto* m = std::get_if<SendHarpMessage>(&a)) {
        EXPECT_EQ(m->source, n.address);
        send(m->source, m->destination, m->message);
      } else if (auto* s = std::get_if<SendHomeAgentSwitch>(&a)) {
        n.has_sent.push_back(*s);
        n.has_log.emplace_back(now, *s);
      } else if (auto* ad = std::get_if<AdoptBinding>(&a)) {
        feed_ha(i, n.ha->adopt_binding(ad->entry, now));
      } else if (auto* r = std::get_if<ReleaseBinding>(&a)) {
        n.released.push_back(r->home_address);
        feed_ha(i, n.ha->release_binding(r->home_address));  // quiet: no BA, no event
      } else if (auto* sv = std::get_if<SetServing>(&a)) {
        n.ha->set_serving(sv->serving);
      } else if (auto* e = std::get_if<HarpEvent>(&a)) {
        events.push_back({i, *e});
      }
    }
  }

  void feed_ha(int i, const mip6::Actions& actions) {
    for (const auto& a : actions)
      if (const auto* ev = std::get_if<mip6::BindingEvent>(&a))
        handle(i, h(i).on_binding_event(*ev, now));
  }

  // The MN registers with node i; returns the BA status (133 when refused).
  std::uint8_t register_mn(int i, int mn, std::uint16_t seq, std::uint16_t lifetime_units = 900,
                           std::optional<Ipv6Address> care_of = {}) {
    auto& n = nodes[static_cast<std::size_t>(i)];
    if (n.harp->should_refuse(hoa(mn))) return mip6::ba_status::kNotHomeAgentForThisMobileNode;
    mip6::BindingUpdate bu;
    bu.sequence = mip6::SequenceNumber(seq);
    bu.lifetime = lifetime_units;
    bu.flags = mip6::BindingUpdate::kAck | mip6::BindingUpdate::kHomeRegistration;
    mip6::BindingUpdateContext ctx;
    ctx.source = care_of.value_or(coa(mn));
    ctx.destination = n.address;
    ctx.home_address = hoa(mn);
    ctx.spi = 0x100 + static_cast<std::uint32_t>(mn);
    ctx.sa_home_address = hoa(mn);
    auto acts = n.ha->on_binding_update(bu, ctx, now);
    std::uint8_t status = 255;
    for (const auto& a : acts)
      if (const auto* ba = std::get_if<mip6::SendBindingAck>(&a)) status = ba->ba.status;
    feed_ha(i, acts);
    if (status == 0) handle(i, h(i).on_bu_accepted(hoa(mn), now));
    return status;
  }

  void send(const Ipv6Address& from, const Ipv6Address& to, const mip6::MobilityMessage& m) {
    std::vector<std::uint8_t> buf;
    auto st = mip6::encode_mobility_header(m, buf, mip6::HarpNumbers{});
    ASSERT_TRUE(st.ok()) << "encode failed";
    ASSERT_LE(buf.size(), mip6::mh::kMaxLength);
    auto dec = mip6::decode_mobility_header(buf, mip6::HarpNumbers{});
    ASSERT_TRUE(dec.ok()) << "decode failed";
    sent.push_back({from, to, dec.value().message, now});
    if (blocked.count({from, to}) != 0) return;
    Delivery d{from, to, dec.value().message, now};
    if (filter && !filter(d)) return;
    wire.emplace(now + latency, std::move(d));
  }

  std::optional<Clock::time_point> next_event() {
    std::optional<Clock::time_point> best;
    if (!wire.empty()) best = wire.begin()->first;
    for (auto& n : nodes) {
      if (n.crashed) continue;
      auto t = n.harp->next_expiry();
      if (t && (!best || *t < *best)) best = t;
      auto t2 = n.ha->next_expiry();
      if (t2 && (!best || *t2 < *best)) best = t2;
    }
    return best;
  }

  void run_until(Clock::time_point until) {
    for (int guard = 0; guard < 1000000; ++guard) {
      auto t = next_event();
      if (!t || *t > until) break;
      now = std::max(now, *t);
      if (!wire.empty() && wire.begin()->first <= now) {
        auto d = std::move(wire.begin()->second);
        wire.erase(wire.begin());
        int to = index_of(d.to);
        if (to < 0 || nodes[static_cast<std::size_t>(to)].crashed) continue;
        nodes[static_cast<std::size_t>(to)].received.push_back(d.message);
        handle(to, h(to).on_message(d.message, d.from, now));
        continue;
      }
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (nodes[i].crashed) continue;
        if (auto e = nodes[i].ha->next_expiry(); e && *e <= now)
          feed_ha(static_cast<int>(i), nodes[i].ha->on_timer(now));
        if (auto e = nodes[i].harp->next_expiry(); e && *e <= now)
          handle(static_cast<int>(i), nodes[i].harp->on_timer(now));
      }
    }
    now = std::max(now, until);
  }
  void run_for(Clock::duration d) { run_until(now + d); }

  std::vector<std::pair<int, HarpEvent>> events_of(EventKind k, int node = -1) const {
    std::vector<std::pair<int, HarpEvent>> out;
    for (const auto& e : events)
      if (e.second.kind == k && (node < 0 || e.first == node)) out.push_back(e);
    return out;
  }

  // Messages of type M sent by `from` (to `to` when given), in order.
  template <class M>
  std::vector<Delivery> sent_by(const Ipv6Address& from, std::optional<Ipv6Address> to = {}) const {
    std::vector<Delivery> out;
    for (const auto& d : sent)
      if (d.from == from && (!to || d.to == *to) && std::holds_alternative<M>(d.message))
        out.push_back(d);
    return out;
  }

  Clock::time_point now = kT0;
  Clock::duration latency = 1ms;
  std::vector<SimNode> nodes;
  std::multimap<Clock::time_point, Delivery> wire;
  std::set<std::pair<Ipv6Address, Ipv6Address>> blocked;
  std::function<bool(Delivery&)> filter;  // false = drop; may rewrite
  std::vector<Delivery> sent;
  std::vector<std::pair<int, HarpEvent>> events;
};

// Own records of a bare Replicator in a map (HoA order), counting the calls
// a full dump makes into them (the HoA list, one lookup per record packed).
struct OwnRecordMap {
  OwnRecords callbacks() {
    return OwnRecords{[this] {
                        ++snapshots;
                        std::vector<Ipv6Address> v;
                        for (const auto& [a, r] : records) v.push_back(a);
                        return v;
                      },
                      [this](const Ipv6Address& a) -> const BindingRecord* {
                        ++lookups;
                        auto it = records.find(a);
                        return it == records.end() ? nullptr : &it->second;
                      }};
  }
  std::map<Ipv6Address, BindingRecord> records;
  std::size_t snapshots = 0, lookups = 0;
};

}  // namespace harp::test
