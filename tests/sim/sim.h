// Deterministic in-process simulation of a HARP redundancy group (issue #5):
// N home agents, each a mip6::HomeAgent plus a harp::HarpNode glued exactly
// as ha-agent/daemon/daemon_harp.cc does, and M mobile nodes in one
// mip6::MobileNodeSet, on a manual clock. Messages travel as
// mip6::MobilityMessage values between addresses over a simulated network
// driven by one seeded RNG: loss, bounded random delay (hence reordering),
// duplication, one-way and two-way partitions (HA<->HA, HA<->a group of MNs)
// and crashes (state lost; restart with empty state). HARP messages go
// through the real MH encoder/decoder (2048-octet ceiling, wire layout). A
// fault schedule is generated from the seed; after every check step the
// InvariantChecker (invariants.h) judges the world, and the first violation
// ends the run with the seed and the schedule in the report.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "harp/harp_node.h"
#include "mip6/home_agent.h"
#include "mip6/mobile_node_set.h"
#include "tests/sim/invariants.h"

namespace sim {

using mip6::Clock;
using mip6::Ipv6Address;
using namespace std::chrono_literals;

// splitmix64: platform-independent, so a seed means the same run everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }

 private:
  std::uint64_t s_;
};

enum class FaultKind : std::uint8_t {
  kCrash,    // a = HA
  kRestart,  // a = HA (empty state)
  kCutHa,    // a -> b blocked (and b -> a unless one_way)
  kHealHa,   // a <-> b unblocked
  kCutMn,    // HA a <-> MN group b blocked; dir 1 = HA->MN only, 2 = MN->HA only, 0 both
  kHealMn,   // HA a <-> MN group b unblocked
  kHealAll,  // every partition healed, crashed HAs restarted, loss/dup off
};

struct Fault {
  Clock::duration at{};  // since the start of the run
  FaultKind kind = FaultKind::kCrash;
  int a = 0, b = 0, dir = 0;
  std::string to_string() const;
};

struct SimConfig {
  std::uint64_t seed = 1;
  int has = 3;
  int mns = 100;
  int mn_groups = 2;  // MN id % mn_groups = partition group
  harp::TakeoverPolicy takeover = harp::TakeoverPolicy::kPreference;
  std::uint32_t lifetime_s = 60;  // requested by the MNs (short: bounds recovery time)
  // Fault phase: faults at random times in [fault_start, fault_end), then
  // kHealAll at fault_end. Loss/duplication apply only during the phase;
  // random delay (reordering) all the time.
  Clock::duration fault_start = 10s, fault_end = 80s;
  int max_faults = 6;
  double max_loss = 0.05, max_dup = 0.05;  // 20 % loss makes Hellos flap constantly
  Clock::duration min_delay = 1ms, max_delay = 40ms, calm_max_delay = 5ms;
  Clock::duration converge = 60s;   // after fault_end: at most one owner per MN
  Clock::duration service = 240s;   // after fault_end: every MN served
  Clock::duration tail = 20s;       // served checked this long past the service bound
  Clock::duration check_every = 250ms;
  Clock::duration mn_retry = 10s;   // MN application: retry this long after an error (BA 133...)
  bool use_codec = true;            // HARP messages through encode/decode
  std::optional<std::uint32_t> trace_mn;  // debugging: log what happens to this MN to stderr
  // When set, this schedule is used instead of a random one.
  std::optional<std::vector<Fault>> schedule;
};

struct SimResult {
  bool ok = true;
  std::string failure;  // first violation, with the time
  std::string report;   // seed, config and schedule: paste into a regression test
  std::uint64_t messages = 0, takeovers = 0, split_brains = 0, switches = 0;
};

// Generates the fault schedule of a config's seed (also used by run()).
std::vector<Fault> make_schedule(const SimConfig& cfg);

class Simulation {
 public:
  explicit Simulation(SimConfig cfg);
  ~Simulation();
  SimResult run();

 private:
  struct Ha;
  struct Packet;

  void start_ha(int i);
  void crash_ha(int i);
  void apply_fault(const Fault& f);

  void send_harp(int from, const harp::SendHarpMessage& m);
  void post(Packet p);
  void deliver(Packet& p);
  void on_bu(int ha, const mip6::SendBindingUpdate& su);
  void apply_ha(int ha, const mip6::Actions& actions);
  void apply_harp(int ha, const harp::HarpActions& actions);
  void mn_actions(const mip6::MnActions& out);
  void after_mn_input(mip6::MnId id);

  std::optional<Clock::time_point> next_time() const;
  WorldView view() const;
  bool blocked(int from_node, int to_node) const;  // node: HA index, or -1 - group for MNs
  int mn_node(mip6::MnId id) const { return -1 - static_cast<int>(id % static_cast<unsigned>(cfg_.mn_groups)); }

  SimConfig cfg_;
  Rng rng_;
  std::vector<Fault> schedule_;
  Clock::time_point t0_, now_;
  std::vector<std::unique_ptr<Ha>> has_;
  mip6::MobileNodeSet mns_;
  std::vector<Ipv6Address> hoas_;
  std::multimap<std::tuple<Clock::time_point, std::uint64_t>, Packet> wire_;
  std::uint64_t packet_serial_ = 0;
  std::set<std::pair<int, int>> cuts_;
  double loss_ = 0, dup_ = 0;
  bool faults_on_ = false;
  std::set<std::pair<Clock::time_point, mip6::MnId>> retries_;
  std::map<mip6::MnId, mip6::SequenceNumber> registered_sequence_;  // of the MN's last accepting BA
  InvariantChecker checker_;
  SimResult result_;
  std::uint64_t restarts_ = 0;
};

// One-line summary of a config + schedule (printed on failure).
std::string describe(const SimConfig& cfg, const std::vector<Fault>& schedule);

}  // namespace sim
