// Administrative switchover, drain and switch-back (protocol-notes §5.7,
// SW-05..SW-08): final sync before SWO-REQ, HA Switch naming the target,
// every refusal status of §5.3.4, retries without answer, preemption.
#include <gtest/gtest.h>

#include "harp/ownership.h"
#include "tests/harp/harp_test_net.h"

namespace harp::test {
namespace {

std::vector<std::uint8_t> replies_from(const TestNet& net, int from) {
  std::vector<std::uint8_t> out;
  for (const auto& d : net.sent_by<mip6::HaControl>(ha_addr(from))) {
    const auto& c = std::get<mip6::HaControl>(d.message);
    if (c.control_type == mip6::ControlType::kSwitchOverReply) out.push_back(c.status);
  }
  return out;
}

TEST(Switchover, HappyPath) {
  TestNet net(2);
  net.run_for(3s);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(net.register_mn(0, i, 3), 0);
  net.run_for(1s);
  const auto t = net.now;
  net.handle(0, net.h(0).switchover(ha_addr(1), net.now));
  net.run_for(100ms);
  // Final full dump first, then SWO-REQ (SW-06).
  Clock::time_point dump_at{}, req_at{};
  for (const auto& d : net.sent_by<mip6::StateSynchronization>(ha_addr(0), ha_addr(1)))
    if (d.at >= t && (std::get<mip6::StateSynchronization>(d.message).flags &
                      mip6::StateSynchronization::kFullDump))
      dump_at = d.at;
  for (const auto& d : net.sent_by<mip6::HaControl>(ha_addr(0), ha_addr(1))) req_at = d.at;
  ASSERT_NE(dump_at, Clock::time_point{});
  ASSERT_NE(req_at, Clock::time_point{});
  EXPECT_GT(req_at, dump_at);
  EXPECT_EQ(replies_from(net, 1), std::vector<std::uint8_t>{0});
  EXPECT_EQ(net.events_of(EventKind::kSwitchoverAccepted, 1).size(), 1u);
  EXPECT_FALSE(net.ha(0).serving());
  ASSERT_EQ(net.nodes[0].has_sent.size(), 5u);
  for (const auto& s : net.nodes[0].has_sent) EXPECT_EQ(s.has.addresses[0], ha_addr(1));
  EXPECT_EQ(net.h(0).control_phase(), ControlPhase::kMoving);
  // The MNs follow: node 1 accepts them although node 0 is alive.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(net.register_mn(1, i, 4), 0) << i;
  net.run_for(2s);
  auto res = net.events_of(EventKind::kSwitchoverResult, 0);
  ASSERT_EQ(res.size(), 2u);
  EXPECT_EQ(res[0].second.detail, "accepted");
  EXPECT_EQ(res[1].second.detail, "completed");
  EXPECT_EQ(res[1].second.count, 5u);
  EXPECT_EQ(net.h(0).control_phase(), ControlPhase::kIdle);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(net.h(0).owner_of(hoa(i)), ha_addr(1));
    EXPECT_EQ(net.h(1).owner_of(hoa(i)), ha_addr(1));
  }
  EXPECT_EQ(net.h(0).own_bindings(), 0u);
  // Moved MNs are no longer told anything.
  net.run_for(60s);
  EXPECT_EQ(net.nodes[0].has_sent.size(), 5u);
}

TEST(Switchover, TargetFailingMidwayRestoresRoles) {
  TestNet net(2);
  net.run_for(3s);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(net.register_mn(0, i, 3), 0);
  net.run_for(1s);
  net.handle(0, net.h(0).switchover(ha_addr(1), net.now));
  net.run_for(100ms);
  ASSERT_FALSE(net.ha(0).serving());
  const auto told = net.nodes[0].has_sent.size();
  EXPECT_EQ(told, 3u);
  net.crash(1);  // before any MN re-registered there
  net.run_for(10s);
  auto res = net.events_of(EventKind::kSwitchoverResult, 0);
  ASSERT_EQ(res.size(), 2u);
  EXPECT_EQ(res[1].second.detail, "target_failed");
  EXPECT_TRUE(net.ha(0).serving());
  EXPECT_EQ(net.h(0).control_phase(), ControlPhase::kIdle);
  EXPECT_EQ(net.h(0).own_bindings(), 3u);
  for (const auto& [t, s] : net.nodes[0].has_log) {
    if (s.has.addresses[0] == ha_addr(1)) {
      EXPECT_LT(t, net.now - 6s);
    }
  }
}

TEST(Switchover, RefusedWhenProhibited) {
  TestNet net(2, [](int i, GroupConfig& c) { c.accept_switchover = i != 1; });
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(0, 0, 3), 0);
  net.run_for(1s);
  net.handle(0, net.h(0).switchover(ha_addr(1), net.now));
  net.run_for(1s);
  auto res = net.events_of(EventKind::kSwitchoverResult, 0);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].second.detail, "refused");
  EXPECT_EQ(res[0].second.count2, 129u);
  EXPECT_TRUE(net.ha(0).serving());
  EXPECT_TRUE(net.nodes[0].has_sent.empty());
  EXPECT_EQ(net.h(0).control_phase(), ControlPhase::kIdle);
}

mip6::HaControl swo_req(std::uint8_t group, std::uint16_t id, std::optional<wire::OwnerDigest> d) {
  mip6::HaControl c;
  c.control_type = mip6::ControlType::kSwitchOverRequest;
  c.group_id = group;
  c.identifier = id;
  if (d) wire::put_digest(c.options, *d);
  return c;
}

TEST(Switchover, EachRefusalStatus) {
  TestNet net(3);
  net.crash(2);
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(0, 0, 3), 0);
  net.run_for(1s);
  const auto good = net.h(0).own_digest();
  // 130: wrong group.
  net.handle(1, net.h(1).on_message(swo_req(8, 1, good), ha_addr(0), net.now));
  // 131: requester not up here (node 2 is configured but silent).
  net.handle(1, net.h(1).on_message(swo_req(7, 2, wire::OwnerDigest{}), ha_addr(2), net.now));
  // 132: our copy of the requester's bindings differs from its digest.
  net.handle(1, net.h(1).on_message(swo_req(7, 3, wire::OwnerDigest{9, 9}), ha_addr(0), net.now));
  net.handle(1, net.h(1).on_message(swo_req(7, 4, std::nullopt), ha_addr(0), net.now));
  net.run_for(10ms);
  EXPECT_EQ(replies_from(net, 1), (std::vector<std::uint8_t>{130, 131, 132, 132}));
  // 133: node 1 is itself handing over (final sync to node 2 never acked).
  net.restart(2);
  net.run_for(3s);
  net.filter = [](Delivery& d) {
    const auto* s = std::get_if<mip6::StateSynchronization>(&d.message);
    return !(s && s->sync_type == mip6::SyncType::kAck && d.from == ha_addr(2));
  };
  net.handle(1, net.h(1).switchover(ha_addr(2), net.now));
  ASSERT_EQ(net.h(1).control_phase(), ControlPhase::kFinalSync);
  net.handle(1, net.h(1).on_message(swo_req(7, 5, net.h(0).own_digest()), ha_addr(0), net.now));
  net.run_for(10ms);
  EXPECT_EQ(replies_from(net, 1).back(), 133);
  // Its own switchover gives up: the final sync was never acknowledged.
  net.run_for(6s);
  auto res = net.events_of(EventKind::kSwitchoverResult, 1);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].second.detail, "final_sync_timeout");
  // Nothing was accepted, nobody moved.
  EXPECT_TRUE(net.events_of(EventKind::kSwitchoverAccepted).empty());
  EXPECT_EQ(net.h(1).counters().control_drop, 0u);
}

TEST(Switchover, NoReplyAfterRetries) {
  TestNet net(2);
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(0, 0, 3), 0);
  net.run_for(1s);
  net.filter = [](Delivery& d) {
    return !std::holds_alternative<mip6::HaControl>(d.message) || d.from != ha_addr(1);
  };
  const auto t = net.now;
  net.handle(0, net.h(0).switchover(ha_addr(1), net.now));
  net.run_for(5s);
  std::size_t reqs = 0;
  for (const auto& d : net.sent_by<mip6::HaControl>(ha_addr(0))) reqs += d.at >= t;
  EXPECT_EQ(reqs, 3u);  // HARP_CONTROL_RETRIES
  auto res = net.events_of(EventKind::kSwitchoverResult, 0);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].second.detail, "no_reply");
  EXPECT_TRUE(net.ha(0).serving());  // SW-08: roles unchanged
  EXPECT_TRUE(net.nodes[0].has_sent.empty());
  EXPECT_EQ(net.h(0).control_phase(), ControlPhase::kIdle);
}

TEST(Switchover, SecondCommandWhileBusyIsRefused) {
  TestNet net(2);
  net.run_for(3s);
  net.handle(0, net.h(0).switchover(ha_addr(1), net.now));
  net.handle(0, net.h(0).switchover(ha_addr(1), net.now));
  auto res = net.events_of(EventKind::kSwitchoverResult, 0);
  ASSERT_GE(res.size(), 1u);
  EXPECT_EQ(res.back().second.detail, "in_progress");
}

TEST(Drain, MovesMnsToAssignedSurvivors) {
  TestNet net(3, [](int, GroupConfig& c) { c.takeover = TakeoverPolicy::kSpread; });
  net.run_for(3s);
  for (int i = 0; i < 30; ++i) ASSERT_EQ(net.register_mn(0, i, 3), 0);
  net.run_for(1s);
  net.handle(0, net.h(0).drain(net.now));
  net.run_for(200ms);
  EXPECT_FALSE(net.ha(0).serving());
  ASSERT_EQ(net.nodes[0].has_sent.size(), 30u);
  std::vector<PeerConfig> survivors{{ha_addr(1), 90}, {ha_addr(2), 80}};
  std::map<int, int> per;
  for (const auto& s : net.nodes[0].has_sent) {
    EXPECT_EQ(s.has.addresses[0], assign_taker(TakeoverPolicy::kSpread, s.home_address, survivors));
    ++per[net.index_of(s.has.addresses[0])];
  }
  EXPECT_GT(per[1], 0);
  EXPECT_GT(per[2], 0);
  for (int i = 0; i < 30; ++i) {
    const int to = net.index_of(assign_taker(TakeoverPolicy::kSpread, hoa(i), survivors));
    EXPECT_EQ(net.register_mn(to, i, 4), 0);
    EXPECT_EQ(net.register_mn(3 - to, i, 5), mip6::ba_status::kNotHomeAgentForThisMobileNode);
  }
  net.run_for(2s);
  EXPECT_EQ(net.h(0).own_bindings(), 0u);
  EXPECT_EQ(net.events_of(EventKind::kSwitchoverResult, 0).back().second.detail, "completed");
  // A drained HA takes no new MNs.
  EXPECT_TRUE(net.h(0).should_refuse(hoa(99)));
}

// A drained standby clears its A flag: when the serving HA then fails, the
// takeover rule leaves it out and the other survivor takes every MN (found
// by tests/netns/harp_admin_test.py: the drained HA was still counted, took
// nothing, and every MN was lost).
TEST(Drain, DrainedStandbyIsLeftOutOfTakeover) {
  TestNet net(3);  // preference policy: node 1 (90) would take before node 2 (80)
  net.run_for(3s);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(net.register_mn(0, i, 3), 0);
  net.run_for(1s);
  net.handle(1, net.h(1).drain(net.now));  // node 1 owns nothing: drained at once
  net.run_for(1s);
  ASSERT_FALSE(net.ha(1).serving());
  net.crash(0);
  net.run_for(5s);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(net.h(2).owner_of(hoa(i)), ha_addr(2)) << i;
    EXPECT_EQ(net.h(1).owner_of(hoa(i)), ha_addr(2)) << i;
  }
  std::set<Ipv6Address> switched;  // HA Switch goes out (and is retried: no MN answers here)
  for (const auto& s : net.nodes[2].has_sent) switched.insert(s.home_address);
  EXPECT_EQ(switched.size(), 10u);
  EXPECT_TRUE(net.nodes[1].has_sent.empty());
}

// With no active survivor left, a drained HA still takes the MNs: serving
// them beats losing them ([D], docs/harp.md).
TEST(Drain, DrainedHaTakesOverWhenNoActiveSurvivor) {
  TestNet net(2);
  net.run_for(3s);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(net.register_mn(0, i, 3), 0);
  net.run_for(1s);
  net.handle(1, net.h(1).drain(net.now));
  net.run_for(1s);
  ASSERT_FALSE(net.ha(1).serving());
  net.crash(0);
  net.run_for(5s);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(net.h(1).owner_of(hoa(i)), ha_addr(1)) << i;
  std::set<Ipv6Address> switched;
  for (const auto& s : net.nodes[1].has_sent) switched.insert(s.home_address);
  EXPECT_EQ(switched.size(), 5u);
}

void preemption_scenario(bool preempt) {
  TestNet net(2, [&](int, GroupConfig& c) { c.preempt = preempt; });
  net.run_for(3s);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(net.register_mn(0, i, 3), 0);
  net.run_for(1s);
  net.crash(0);
  net.run_for(5s);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(net.register_mn(1, i, 1), 0);
  net.run_for(2s);
  net.restart(0);  // recovers empty, preference 100 > 90
  net.run_for(10s);
  const auto swb = net.events_of(EventKind::kSwitchbackRequested, 0);
  if (!preempt) {
    EXPECT_TRUE(swb.empty());
    for (const auto& s : net.nodes[1].has_sent) EXPECT_EQ(s.has.addresses[0], ha_addr(1));
    for (int i = 0; i < 4; ++i) EXPECT_EQ(net.h(0).owner_of(hoa(i)), ha_addr(1));
    EXPECT_TRUE(net.h(0).should_refuse(hoa(0)));
    return;
  }
  ASSERT_EQ(swb.size(), 1u);
  // Node 1 told the 4 MNs to go back to node 0.
  std::set<Ipv6Address> back;
  for (const auto& s : net.nodes[1].has_sent)
    if (s.has.addresses[0] == ha_addr(0)) back.insert(s.home_address);
  EXPECT_EQ(back.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(net.register_mn(0, i, 2), 0) << i;
  net.run_for(2s);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(net.h(0).owner_of(hoa(i)), ha_addr(0));
    EXPECT_EQ(net.h(1).owner_of(hoa(i)), ha_addr(0));
  }
  auto res = net.events_of(EventKind::kSwitchoverResult, 1);
  ASSERT_FALSE(res.empty());
  EXPECT_EQ(res.back().second.detail, "switchback_completed");
  EXPECT_EQ(res.back().second.count, 4u);
  EXPECT_TRUE(net.ha(1).serving());  // switch-back does not drain the giver
}

TEST(Preemption, OnTakesMnsBack) {
  preemption_scenario(true);
}
TEST(Preemption, OffStaysPut) {
  preemption_scenario(false);
}

TEST(Preemption, SwitchBackRefusedWhenPeerDisallows) {
  TestNet net(2, [](int i, GroupConfig& c) { c.preempt = i == 0; });
  net.run_for(3s);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(net.register_mn(0, i, 3), 0);
  net.run_for(1s);
  net.crash(0);
  net.run_for(5s);
  net.restart(0);
  net.run_for(10s);
  auto res = net.events_of(EventKind::kSwitchoverResult, 0);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].second.detail, "switchback_refused");
  EXPECT_EQ(res[0].second.count2, 129u);
  EXPECT_TRUE(net.nodes[1].has_sent.size() >= 2u);  // only its takeover HAS
  for (const auto& s : net.nodes[1].has_sent) EXPECT_EQ(s.has.addresses[0], ha_addr(1));
}

}  // namespace
}  // namespace harp::test
