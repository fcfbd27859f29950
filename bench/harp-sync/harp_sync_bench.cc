// harp_sync_bench: full synchronization of N bindings to a joining standby,
// in one process, through the real Mobility Header encoder and decoder
// (issue #6; docs/PERFORMANCE.md "Full synchronization").
//
// What it does. Node A (a harp::HarpNode with a mip6::HomeAgent, serving
// every HoA of fd00:1::/64) starts alone with peer B configured but absent;
// N mobile nodes register with A through HomeAgent::on_binding_update (the
// daemon's glue: BindingEvents -> HarpNode::on_binding_event, then
// on_bu_accepted). Then B starts: Hellos, B comes up after `rise`, A sends it
// the full dump, B answers SS-ACKs. Every HARP message goes through
// mip6::encode_mobility_header (with the checksum) and
// mip6::decode_mobility_header; the pump delivers after a fixed one-way
// latency on a manual clock. It stops when B holds N shadows whose digest
// equals A's own digest and A has nothing unacknowledged.
//
// What it reports. Messages and Mobility Header octets each way; octets on
// the wire with IPv6 (40) and ESP AES-GCM-128 transport overhead (SPI, Seq,
// IV 8, padding to 4, pad length, next header, ICV 16) added per message by
// formula (no ESP is run here); CPU seconds of the process for the sync
// phase (getrusage: A encodes and packs, B decodes and applies, both in this
// one thread); the manual-clock time from B's start to "in sync" (paced by
// Hellos and rise, not by CPU); RSS (VmRSS, after malloc_trim) before and
// after the registrations (A's binding cache + HARP own records) and after
// the sync (B's shadows), per binding. Not measured: sockets, the kernel,
// ESP crypto, loss, MTU limits below 2048 octets.
#include <malloc.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harp/harp_node.h"
#include "mip6/home_agent.h"
#include "mip6/mh_codec.h"

namespace {

using namespace std::chrono_literals;
using mip6::Clock;
using mip6::Ipv6Address;

Ipv6Address addr(const char* t) {
  return *Ipv6Address::parse(t);
}

// fd00:1::1:0:0 + i: N distinct home addresses in fd00:1::/64.
Ipv6Address hoa(std::uint32_t i) {
  std::uint8_t b[16] = {0xfd, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1};
  b[12] = static_cast<std::uint8_t>(i >> 24);
  b[13] = static_cast<std::uint8_t>(i >> 16);
  b[14] = static_cast<std::uint8_t>(i >> 8);
  b[15] = static_cast<std::uint8_t>(i);
  return Ipv6Address::from_bytes(b);
}
Ipv6Address coa(std::uint32_t i) {
  std::uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0};
  b[13] = static_cast<std::uint8_t>(i >> 16);
  b[14] = static_cast<std::uint8_t>(i >> 8);
  b[15] = static_cast<std::uint8_t>(i | 1);
  return Ipv6Address::from_bytes(b);
}

long rss_kib() {
  malloc_trim(0);
  std::ifstream in("/proc/self/status");
  std::string k;
  long v = 0;
  while (in >> k) {
    if (k == "VmRSS:") {
      in >> v;
      return v;
    }
    in.ignore(4096, '\n');
  }
  return -1;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Octets of ESP AES-GCM-128 transport around an MH of n octets (RFC 4303 §2,
// RFC 4106 §3): SPI 4, Seq 4, IV 8, padding to 4 incl. pad length and next
// header, ICV 16; plus the IPv6 header (40).
std::size_t wire_octets(std::size_t mh) {
  const std::size_t padded = (mh + 2 + 3) / 4 * 4;
  return 40 + 8 + 8 + padded + 16;
}

struct Node {
  Ipv6Address address;
  harp::GroupConfig config;
  std::unique_ptr<harp::HarpNode> harp;
  std::optional<mip6::HomeAgent> ha;
};

// State Synchronization messages only (Hellos are counted apart).
struct Traffic {
  std::uint64_t messages = 0, mh_octets = 0, wire_octets = 0, bci = 0;
  std::uint64_t hellos = 0, hello_wire_octets = 0;
};

class Pump {
 public:
  Pump(Clock::duration latency) : latency_(latency) {}

  Node& add(const Ipv6Address& self, const Ipv6Address& peer, std::int16_t pref) {
    auto n = std::make_unique<Node>();
    n->address = self;
    n->config.group_id = 7;
    n->config.own_address = self;
    n->config.preference = pref;
    n->config.rise = 2;
    n->config.initial_hello_sequence = static_cast<std::uint16_t>(pref * 10);
    n->config.peers.push_back({peer, static_cast<std::int16_t>(pref == 100 ? 90 : 100)});
    nodes_.push_back(std::move(n));
    return *nodes_.back();
  }
  void start(Node& n) {
    auto h = harp::HarpNode::create(n.config, now);
    if (!h) die("HarpNode::create");
    n.harp = std::move(h).value();
    mip6::HomeAgentPolicy p;
    p.addresses = {n.address};
    p.home_prefixes = {*mip6::Ipv6Prefix::parse("fd00:1::/64")};
    p.serve_any_home_address = true;
    p.max_lifetime_s = 65535 * 4;
    p.brr_lead_time_s = 0;
    auto ha = mip6::HomeAgent::create(p);
    if (!ha) die("HomeAgent::create");
    n.ha.emplace(std::move(ha).value());
  }

  void register_mn(Node& n, std::uint32_t i) {
    mip6::BindingUpdate bu;
    bu.sequence = mip6::SequenceNumber(1);
    bu.lifetime = 65535;  // 4 s units: the binding outlives the run
    bu.flags = mip6::BindingUpdate::kAck | mip6::BindingUpdate::kHomeRegistration;
    mip6::BindingUpdateContext ctx;
    ctx.source = coa(i);
    ctx.destination = n.address;
    ctx.home_address = hoa(i);
    ctx.spi = 0x1000 + i;
    ctx.sa_home_address = hoa(i);
    auto acts = n.ha->on_binding_update(bu, ctx, now);
    bool ok = false;
    for (const auto& a : acts)
      if (const auto* ba = std::get_if<mip6::SendBindingAck>(&a)) ok = ba->ba.status == 0;
    if (!ok) die("binding update refused");
    feed_ha(n, acts);
    handle(n, n.harp->on_bu_accepted(hoa(i), now));
  }

  void feed_ha(Node& n, const mip6::Actions& actions) {
    for (const auto& a : actions)
      if (const auto* ev = std::get_if<mip6::BindingEvent>(&a))
        handle(n, n.harp->on_binding_event(*ev, now));
  }
  void handle(Node& n, const harp::HarpActions& actions) {
    for (const auto& a : actions) {
      if (const auto* m = std::get_if<harp::SendHarpMessage>(&a))
        send(*m);
      else if (const auto* ad = std::get_if<harp::AdoptBinding>(&a))
        feed_ha(n, n.ha->adopt_binding(ad->entry, now));
    }
  }
  void send(const harp::SendHarpMessage& m) {
    buf_.clear();
    if (!mip6::encode_mobility_header(m.message, m.source, m.destination, buf_, numbers_))
      die("encode");
    auto dec = mip6::decode_mobility_header(buf_, numbers_);
    if (!dec) die("decode");
    Node* to = find(m.destination);
    if (!to || !to->harp) return;  // not started: the packet is lost
    Traffic& t = m.source == nodes_[0]->address ? a_to_b : b_to_a;
    if (const auto* s = std::get_if<mip6::StateSynchronization>(&dec->message)) {
      ++t.messages;
      t.mh_octets += buf_.size();
      t.wire_octets += wire_octets(buf_.size());
      t.bci += s->options.binding_cache_information.size();
    } else {
      ++t.hellos;
      t.hello_wire_octets += wire_octets(buf_.size());
    }
    wire_.emplace(now + latency_, Delivery{m.source, to, std::move(dec).value().message});
  }

  // Runs events until `done()` or `until`.
  template <class Done>
  bool run(Clock::time_point until, Done done) {
    while (!done()) {
      std::optional<Clock::time_point> t;
      if (!wire_.empty()) t = wire_.begin()->first;
      for (auto& n : nodes_) {
        if (!n->harp) continue;
        for (auto e : {n->harp->next_expiry(), n->ha->next_expiry()})
          if (e && (!t || *e < *t)) t = e;
      }
      if (!t || *t > until) return false;
      now = std::max(now, *t);
      if (!wire_.empty() && wire_.begin()->first <= now) {
        auto d = std::move(wire_.begin()->second);
        wire_.erase(wire_.begin());
        handle(*d.to, d.to->harp->on_message(d.message, d.from, now));
        continue;
      }
      for (auto& n : nodes_) {
        if (!n->harp) continue;
        if (auto e = n->ha->next_expiry(); e && *e <= now) feed_ha(*n, n->ha->on_timer(now));
        if (auto e = n->harp->next_expiry(); e && *e <= now) handle(*n, n->harp->on_timer(now));
      }
    }
    return true;
  }

  Clock::time_point now = Clock::time_point{} + 1h;
  Traffic a_to_b, b_to_a;

 private:
  struct Delivery {
    Ipv6Address from;
    Node* to;
    mip6::MobilityMessage message;
  };
  Node* find(const Ipv6Address& a) {
    for (auto& n : nodes_)
      if (n->address == a) return n.get();
    return nullptr;
  }
  [[noreturn]] static void die(const char* what) {
    std::fprintf(stderr, "harp_sync_bench: %s failed\n", what);
    std::exit(1);
  }

  Clock::duration latency_;
  mip6::HarpNumbers numbers_{};
  std::vector<std::unique_ptr<Node>> nodes_;
  std::multimap<Clock::time_point, Delivery> wire_;
  std::vector<std::uint8_t> buf_;
};

}  // namespace

int main(int argc, char** argv) {
  std::uint32_t n = 1000000;
  long latency_us = 500;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--bindings" && i + 1 < argc)
      n = static_cast<std::uint32_t>(std::stoul(argv[++i]));
    else if (a == "--latency-us" && i + 1 < argc)
      latency_us = std::stol(argv[++i]);
    else {
      std::fprintf(stderr, "usage: harp_sync_bench [--bindings N] [--latency-us US]\n");
      return 2;
    }
  }
  Pump pump{std::chrono::microseconds(latency_us)};
  const auto a_addr = addr("fd00:1::1"), b_addr = addr("fd00:1::2");
  Node& a = pump.add(a_addr, b_addr, 100);
  Node& b = pump.add(b_addr, a_addr, 90);

  const long rss0 = rss_kib();
  pump.start(a);
  pump.run(pump.now + 5s, [] { return false; });  // A alone: B is down
  const long rss_a0 = rss_kib();
  const double cpu_reg0 = cpu_seconds();
  for (std::uint32_t i = 0; i < n; ++i) pump.register_mn(a, i);
  pump.run(pump.now + 1s, [] { return false; });  // batching window; nothing to send
  const double cpu_reg = cpu_seconds() - cpu_reg0;
  const long rss_a1 = rss_kib();
  if (a.harp->own_bindings() != n || a.ha->bindings().size() != n) {
    std::fprintf(stderr, "harp_sync_bench: A holds %zu own records, %zu bindings\n",
                 a.harp->own_bindings(), a.ha->bindings().size());
    return 1;
  }

  pump.a_to_b = pump.b_to_a = Traffic{};
  const double cpu0 = cpu_seconds();
  const auto wall0 = std::chrono::steady_clock::now();
  const auto t0 = pump.now;
  pump.start(b);
  const bool synced = pump.run(pump.now + 600s, [&] {
    return b.harp && b.harp->shadows().count(a_addr) == n &&
           b.harp->shadows().digest(a_addr) == a.harp->own_digest() &&
           a.harp->peers(pump.now).front().replication.unacked_messages == 0;
  });
  const double cpu = cpu_seconds() - cpu0;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double sim = std::chrono::duration<double>(pump.now - t0).count();
  const long rss_b = rss_kib();
  if (!synced) {
    std::fprintf(stderr, "harp_sync_bench: B did not converge (%zu of %u shadows)\n",
                 b.harp->shadows().count(a_addr), n);
    return 1;
  }
  const double per_a = (rss_a1 - rss_a0) * 1024.0 / n, per_b = (rss_b - rss_a1) * 1024.0 / n;
  std::printf(
      "{\"bindings\": %u, \"latency_us\": %ld,\n"
      " \"register\": {\"cpu_s\": %.3f},\n"
      " \"sync\": {\"cpu_s\": %.3f, \"wall_s\": %.3f, \"manual_clock_s\": %.3f,\n"
      "  \"a_to_b\": {\"messages\": %llu, \"bci\": %llu, \"mh_octets\": %llu, \"wire_octets\": "
      "%llu},\n"
      "  \"b_to_a\": {\"messages\": %llu, \"mh_octets\": %llu, \"wire_octets\": %llu},\n"
      "  \"other_messages_both_ways\": %llu, \"other_wire_octets\": %llu},\n"
      " \"rss_kib\": {\"start\": %ld, \"a_started\": %ld, \"a_with_bindings\": %ld, "
      "\"b_synced\": %ld},\n"
      " \"bytes_per_binding\": {\"a_binding_cache_and_harp_records\": %.0f, "
      "\"b_shadows\": %.0f, \"wire_a_to_b\": %.1f}}\n",
      n, latency_us, cpu_reg, cpu, wall, sim, static_cast<unsigned long long>(pump.a_to_b.messages),
      static_cast<unsigned long long>(pump.a_to_b.bci),
      static_cast<unsigned long long>(pump.a_to_b.mh_octets),
      static_cast<unsigned long long>(pump.a_to_b.wire_octets),
      static_cast<unsigned long long>(pump.b_to_a.messages),
      static_cast<unsigned long long>(pump.b_to_a.mh_octets),
      static_cast<unsigned long long>(pump.b_to_a.wire_octets),
      static_cast<unsigned long long>(pump.a_to_b.hellos + pump.b_to_a.hellos),
      static_cast<unsigned long long>(pump.a_to_b.hello_wire_octets +
                                      pump.b_to_a.hello_wire_octets),
      rss0, rss_a0, rss_a1, rss_b, per_a, per_b, static_cast<double>(pump.a_to_b.wire_octets) / n);
  return 0;
}
