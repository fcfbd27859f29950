// Hard switch after a failure (protocol-notes §5.6.1, SW-01, SW-02):
// assignment by preference or spread (HRW) computed identically everywhere,
// adoption with a bumped epoch, paced Home Agent Switch with retransmission,
// stopped by the MN's BU or a Binding Error status 2.
#include <gtest/gtest.h>

#include <map>

#include "harp/ownership.h"
#include "harp/switch_scheduler.h"
#include "tests/harp/harp_test_net.h"

namespace harp::test {
namespace {

std::vector<PeerConfig> members(std::initializer_list<int> idx) {
  std::vector<PeerConfig> v;
  for (int i : idx) v.push_back({ha_addr(i), static_cast<std::int16_t>(100 - 10 * i)});
  return v;
}

TEST(Assignment, PreferencePicksBestThenHighestAddress) {
  auto m = members({1, 2, 3});
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(assign_taker(TakeoverPolicy::kPreference, hoa(i), m), ha_addr(1));
  std::vector<PeerConfig> tie{{ha_addr(1), 50}, {ha_addr(3), 50}, {ha_addr(2), 50}};
  EXPECT_EQ(assign_taker(TakeoverPolicy::kPreference, hoa(0), tie), ha_addr(3));
}

TEST(Assignment, SpreadIsBalancedAndOrderIndependent) {
  auto m = members({1, 2, 3});
  auto reversed = m;
  std::reverse(reversed.begin(), reversed.end());
  std::map<Ipv6Address, int> n;
  for (int i = 0; i < 600; ++i) {
    const auto t = assign_taker(TakeoverPolicy::kSpread, hoa(i), m);
    EXPECT_EQ(t, assign_taker(TakeoverPolicy::kSpread, hoa(i), reversed));
    ++n[t];
  }
  ASSERT_EQ(n.size(), 3u);
  for (const auto& [a, c] : n) EXPECT_GT(c, 120) << a.to_string();  // ~200 each
  // HRW: removing a survivor only moves that survivor's MNs.
  auto two = members({1, 2});
  for (int i = 0; i < 600; ++i) {
    const auto t3 = assign_taker(TakeoverPolicy::kSpread, hoa(i), m);
    if (t3 != ha_addr(3)) {
      EXPECT_EQ(assign_taker(TakeoverPolicy::kSpread, hoa(i), two), t3);
    }
  }
}

void takeover_scenario(TakeoverPolicy policy) {
  TestNet net(3, [&](int, GroupConfig& c) { c.takeover = policy; });
  net.run_for(3s);
  constexpr int kMns = 40;
  for (int i = 0; i < kMns; ++i) ASSERT_EQ(net.register_mn(0, i, 10), 0);
  net.run_for(1s);
  ASSERT_EQ(net.h(1).shadows().count(ha_addr(0)), static_cast<std::size_t>(kMns));
  ASSERT_EQ(net.h(2).shadows().count(ha_addr(0)), static_cast<std::size_t>(kMns));
  net.crash(0);
  net.run_for(5s);
  // Each MN adopted by exactly one survivor, the one the rule names.
  const auto survivors = members({1, 2});
  std::map<int, int> per_node;
  for (int i = 0; i < kMns; ++i) {
    const auto expect = assign_taker(policy, hoa(i), survivors);
    const int taker = net.index_of(expect);
    ASSERT_NE(net.ha(taker).bindings().find(hoa(i)), nullptr) << i;
    EXPECT_EQ(net.ha(3 - taker).bindings().find(hoa(i)), nullptr) << i;
    const auto* e = net.ha(taker).bindings().find(hoa(i));
    EXPECT_EQ(e->ownership_epoch, 1u);
    EXPECT_TRUE(e->accept_any_sequence);
    // Both survivors agree on the owner after the taker re-announced it.
    EXPECT_EQ(net.h(1).owner_of(hoa(i)), expect);
    EXPECT_EQ(net.h(2).owner_of(hoa(i)), expect);
    ++per_node[taker];
  }
  if (policy == TakeoverPolicy::kPreference) {
    EXPECT_EQ(per_node[1], kMns);
  } else {
    EXPECT_GT(per_node[1], 5);
    EXPECT_GT(per_node[2], 5);
  }
  // HA Switch naming the taker itself, to every adopted MN.
  for (int n = 1; n <= 2; ++n) {
    std::set<Ipv6Address> told;
    for (const auto& s : net.nodes[static_cast<std::size_t>(n)].has_sent) {
      ASSERT_EQ(s.has.addresses.size(), 1u);
      EXPECT_EQ(s.has.addresses[0], ha_addr(n));
      EXPECT_EQ(s.our_address, ha_addr(n));
      told.insert(s.home_address);
    }
    EXPECT_EQ(told.size(), static_cast<std::size_t>(per_node[n]));
  }
  auto started = net.events_of(EventKind::kTakeoverStarted);
  ASSERT_EQ(started.size(), 2u);
  // MNs re-register with the new HA with a restarted sequence: accepted (G10).
  for (int i = 0; i < kMns; ++i) {
    const int taker = net.index_of(assign_taker(policy, hoa(i), survivors));
    EXPECT_EQ(net.register_mn(taker, i, 1), 0) << i;
    EXPECT_EQ(net.register_mn(3 - taker, i, 2), mip6::ba_status::kNotHomeAgentForThisMobileNode);
  }
  net.run_for(100s);
  for (int n = 1; n <= 2; ++n) {
    if (per_node[n] == 0) continue;
    auto fin = net.events_of(EventKind::kTakeoverFinished, n);
    ASSERT_EQ(fin.size(), 1u);
    EXPECT_EQ(fin[0].second.count, static_cast<std::uint32_t>(per_node[n]));
    EXPECT_EQ(fin[0].second.count2, 0u);
  }
  // Retransmission stopped: nothing sent after the BUs arrived.
  for (int n = 1; n <= 2; ++n)
    for (const auto& [t, s] : net.nodes[static_cast<std::size_t>(n)].has_log)
      EXPECT_LT(t, kT0 + 10s);
}

TEST(Takeover, PreferencePolicyEndToEnd) {
  takeover_scenario(TakeoverPolicy::kPreference);
}
TEST(Takeover, SpreadPolicyEndToEnd) {
  takeover_scenario(TakeoverPolicy::kSpread);
}

// Issue #6: a large takeover is adopted in steps of at most 256 bindings, one
// step per on_timer() call, so the daemon's loop keeps sending Hellos.
TEST(Takeover, LargeTakeoverIsAdoptedInSteps) {
  TestNet net(3);
  net.run_for(3s);
  constexpr int kMns = 600;
  for (int i = 0; i < kMns; ++i) ASSERT_EQ(net.register_mn(0, i, 10), 0);
  net.run_for(2s);
  ASSERT_EQ(net.h(1).shadows().count(ha_addr(0)), static_cast<std::size_t>(kMns));
  net.crash(0);
  net.run_for(5s);
  for (int i = 0; i < kMns; ++i) ASSERT_NE(net.ha(1).bindings().find(hoa(i)), nullptr) << i;
  const auto& batches = net.nodes[1].adopt_batches;
  ASSERT_GE(batches.size(), 3u);
  std::size_t sum = 0;
  for (auto b : batches) {
    EXPECT_LE(b, 256u);
    sum += b;
  }
  EXPECT_EQ(sum, static_cast<std::size_t>(kMns));
  EXPECT_EQ(net.h(1).counters().bindings_adopted, static_cast<std::uint64_t>(kMns));
  auto started = net.events_of(EventKind::kTakeoverStarted, 1);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].second.count, static_cast<std::uint32_t>(kMns));
  for (int i = 0; i < kMns; ++i) EXPECT_EQ(net.register_mn(1, i, 1), 0) << i;
  net.run_for(100s);
  auto fin = net.events_of(EventKind::kTakeoverFinished, 1);
  ASSERT_EQ(fin.size(), 1u);
  EXPECT_EQ(fin[0].second.count, static_cast<std::uint32_t>(kMns));
  EXPECT_EQ(fin[0].second.count2, 0u);
}

// Node 1 is driven by hand from the failure on (all three are marked crashed
// so run_for() leaves them alone): returns the AdoptBinding count of the
// first step, already applied.
std::size_t first_takeover_step(TestNet& net, int mns) {
  net.run_for(3s);
  for (int i = 0; i < mns; ++i) EXPECT_EQ(net.register_mn(0, i, 10), 0);
  net.run_for(2s);
  EXPECT_EQ(net.h(1).shadows().count(ha_addr(0)), static_cast<std::size_t>(mns));
  for (int i = 0; i < 3; ++i) net.crash(i);
  net.now += 5s;  // past the dead interval of both peers
  auto first = net.h(1).on_timer(net.now);
  const auto n = all_of<AdoptBinding>(first).size();
  net.handle(1, std::move(first));
  const auto due = net.h(1).next_expiry();
  EXPECT_TRUE(due && *due <= net.now);  // the next step is due at once
  return n;
}

// An MN that registers by itself between two steps is not adopted over its
// fresher binding.
TEST(Takeover, StepSkipsAnMnThatRegisteredMeanwhile) {
  TestNet net(3);
  constexpr int kMns = 600;
  const auto first = first_takeover_step(net, kMns);
  ASSERT_GT(first, 0u);
  ASSERT_LT(first, static_cast<std::size_t>(kMns));
  int late = 0;
  while (net.ha(1).bindings().find(hoa(late)) != nullptr) ++late;
  ASSERT_EQ(net.register_mn(1, late, 77), 0);
  for (int k = 0; k < 10; ++k) net.handle(1, net.h(1).on_timer(net.now));
  EXPECT_EQ(net.h(1).counters().bindings_adopted, static_cast<std::uint64_t>(kMns - 1));
  const auto* e = net.ha(1).bindings().find(hoa(late));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->last_sequence.value(), 77);
  EXPECT_FALSE(e->accept_any_sequence);
  for (int i = 0; i < kMns; ++i) EXPECT_NE(net.ha(1).bindings().find(hoa(i)), nullptr) << i;
}

// A peer removed by a reload (or back up: same path) before all its MNs
// were adopted keeps the rest.
TEST(Takeover, RemovedPeerKeepsWhatWasNotAdoptedYet) {
  TestNet net(3);
  constexpr int kMns = 600;
  const auto first = first_takeover_step(net, kMns);
  ASSERT_GT(first, 0u);
  GroupConfig next = net.nodes[1].config;
  std::erase_if(next.peers, [](const PeerConfig& p) { return p.address == ha_addr(0); });
  auto r = net.h(1).reconfigure(next, net.now);
  ASSERT_TRUE(r.ok());
  net.handle(1, std::move(r).value());
  std::size_t later = 0;
  for (int k = 0; k < 10; ++k) later += all_of<AdoptBinding>(net.h(1).on_timer(net.now)).size();
  EXPECT_EQ(later, 0u);
  EXPECT_EQ(net.h(1).counters().bindings_adopted, first);
}

GroupConfig sched_config() {
  GroupConfig c;
  c.own_address = ha_addr(1);
  c.switch_rate_per_s = 10;
  c.switch_burst = 2;
  return c;
}

TEST(SwitchScheduler, PacedByTokenBucket) {
  auto c = sched_config();
  SwitchScheduler s(c);
  for (int i = 0; i < 5; ++i) s.add(hoa(i), coa(i), ha_addr(1), kT0 + 1h, ha_addr(0), kT0);
  std::vector<SwitchFinished> fin;
  EXPECT_EQ(s.poll(kT0, fin).size(), 2u);  // the burst
  ASSERT_TRUE(s.next_expiry().has_value());
  EXPECT_GT(*s.next_expiry(), kT0 + 99ms);
  EXPECT_LE(*s.next_expiry(), kT0 + 101ms);
  EXPECT_EQ(s.poll(kT0 + 50ms, fin).size(), 0u);
  EXPECT_EQ(s.poll(kT0 + 100ms, fin).size(), 1u);
  EXPECT_EQ(s.poll(kT0 + 300ms, fin).size(), 2u);
  EXPECT_TRUE(fin.empty());
}

TEST(SwitchScheduler, RetransmitScheduleAndGiveUp) {
  auto c = sched_config();
  SwitchScheduler s(c);
  s.add(hoa(0), coa(0), ha_addr(1), kT0 + 1h, ha_addr(0), kT0);
  std::vector<SwitchFinished> fin;
  std::vector<Clock::time_point> sends;
  auto t = kT0;
  for (int guard = 0; guard < 20 && fin.empty(); ++guard) {
    for (const auto& m : s.poll(t, fin)) {
      sends.push_back(t);
      EXPECT_EQ(m.attempt, sends.size());
      EXPECT_EQ(m.has.addresses, std::vector<Ipv6Address>{ha_addr(1)});
      EXPECT_EQ(m.care_of_address, coa(0));
    }
    if (!s.next_expiry()) break;
    t = *s.next_expiry();
  }
  ASSERT_EQ(sends.size(), 5u);  // HARP_SWITCH_MAX_RETRIES
  EXPECT_EQ(sends[1] - sends[0], 1s);
  EXPECT_EQ(sends[2] - sends[1], 2s);
  EXPECT_EQ(sends[3] - sends[2], 4s);
  EXPECT_EQ(sends[4] - sends[3], 8s);
  ASSERT_EQ(fin.size(), 1u);
  EXPECT_EQ(fin[0].outcome, SwitchOutcome::kNoAnswer);
  EXPECT_EQ(t - sends[4], 16s);
}

TEST(SwitchScheduler, StopsOnBindingUpdateOrBindingErrorTwo) {
  auto c = sched_config();
  SwitchScheduler s(c);
  s.add(hoa(0), coa(0), ha_addr(1), kT0 + 1h, ha_addr(0), kT0);
  s.add(hoa(1), coa(1), ha_addr(1), kT0 + 1h, ha_addr(0), kT0);
  s.add(hoa(2), coa(2), ha_addr(1), kT0 + 3s, ha_addr(0), kT0);
  std::vector<SwitchFinished> fin;
  (void)s.poll(kT0, fin);
  auto moved = s.on_bu_accepted(hoa(0));
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->outcome, SwitchOutcome::kMoved);
  EXPECT_FALSE(s.on_binding_error(hoa(1), 1).has_value());  // only status 2 stops
  auto refused = s.on_binding_error(hoa(1), 2);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->outcome, SwitchOutcome::kRefused);
  EXPECT_EQ(s.active(), 1u);
  (void)s.poll(kT0 + 1s, fin);
  (void)s.poll(kT0 + 3s, fin);
  ASSERT_EQ(fin.size(), 1u);
  EXPECT_EQ(fin[0].outcome, SwitchOutcome::kExpired);
  EXPECT_EQ(s.active(), 0u);
  EXPECT_FALSE(s.next_expiry().has_value());
}

TEST(Takeover, BindingErrorStopsSwitchAndIsCounted) {
  TestNet net(2);
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(0, 0, 10), 0);
  ASSERT_EQ(net.register_mn(0, 1, 10), 0);
  net.run_for(1s);
  net.crash(0);
  net.run_for(4s);
  ASSERT_EQ(net.events_of(EventKind::kTakeoverStarted, 1).size(), 1u);
  net.handle(1, net.h(1).on_binding_error(hoa(0), 2, net.now));
  net.handle(1, net.h(1).on_bu_accepted(hoa(1), net.now));
  auto fin = net.events_of(EventKind::kTakeoverFinished, 1);
  ASSERT_EQ(fin.size(), 1u);
  EXPECT_EQ(fin[0].second.count, 1u);
  EXPECT_EQ(fin[0].second.count2, 1u);
}

}  // namespace
}  // namespace harp::test
