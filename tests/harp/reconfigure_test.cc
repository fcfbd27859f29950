// HarpNode::reconfigure(): peers added and removed, timers changed in place,
// while the kept peers and the replication towards them go on without a
// blip (no peer down, no takeover, no HA Switch, no stale Hellos).
#include <gtest/gtest.h>

#include <algorithm>

#include "harp/peer_table.h"
#include "tests/harp/harp_test_net.h"

namespace harp::test {
namespace {

GroupConfig without_peer(GroupConfig c, const Ipv6Address& peer) {
  std::erase_if(c.peers, [&](const PeerConfig& p) { return p.address == peer; });
  return c;
}

void reconfigure(TestNet& net, int i, const GroupConfig& next) {
  auto r = net.h(i).reconfigure(next, net.now);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  net.nodes[static_cast<std::size_t>(i)].config = next;
  net.handle(i, std::move(r).value());
}

std::size_t hello_drops(TestNet& net, int i, HelloDrop d) { return net.h(i).peer_table().drops(d); }

TEST(Reconfigure, RemovingAPeerLeavesTheOthersUntouched) {
  TestNet net(3, [](int, GroupConfig& c) { c.hello_interval = 100ms; });
  net.run_for(1s);
  for (int mn = 0; mn < 4; ++mn) ASSERT_EQ(net.register_mn(0, mn, 1), 0);
  ASSERT_EQ(net.register_mn(2, 10, 1), 0);
  net.run_for(1s);
  ASSERT_EQ(net.h(0).shadows().count(ha_addr(2)), 1u);
  ASSERT_EQ(net.h(1).shadows().count(ha_addr(0)), 4u);
  const auto events_before = net.events.size();

  // HA 2 is taken out of the group: both others drop it from their configuration.
  reconfigure(net, 0, without_peer(net.nodes[0].config, ha_addr(2)));
  reconfigure(net, 1, without_peer(net.nodes[1].config, ha_addr(2)));
  EXPECT_EQ(net.h(0).peer_table().find(ha_addr(2)), nullptr);
  EXPECT_EQ(net.h(0).peers(net.now).size(), 1u);
  EXPECT_EQ(net.h(0).shadows().count(ha_addr(2)), 0u);  // no takeover of its MNs either
  EXPECT_FALSE(net.h(0).should_refuse(hoa(10)));

  net.run_for(2s);
  // Node 0 and node 1 never saw each other go down and took nothing over
  // (node 2, still running with the old group, notices them go silent).
  for (std::size_t e = events_before; e < net.events.size(); ++e) {
    const auto& [node, ev] = net.events[e];
    if (node == 2) continue;
    EXPECT_NE(ev.kind, EventKind::kTakeoverStarted) << node;
    EXPECT_NE(ev.kind, EventKind::kPeerDown) << node;
  }
  EXPECT_TRUE(net.nodes[0].has_sent.empty());
  EXPECT_TRUE(net.nodes[1].has_sent.empty());
  EXPECT_EQ(net.h(0).peer_table().find(ha_addr(1))->state, PeerState::kUp);
  EXPECT_EQ(net.h(1).peer_table().find(ha_addr(0))->state, PeerState::kUp);
  EXPECT_EQ(hello_drops(net, 1, HelloDrop::kStaleSequence), 0u);
  // No Hello goes to the removed peer; its Hellos are dropped as unknown.
  const auto last_to_2 = net.sent_by<mip6::HaHello>(ha_addr(0), ha_addr(2)).back().at;
  EXPECT_LE(last_to_2, net.now - 1900ms);
  EXPECT_GT(hello_drops(net, 0, HelloDrop::kUnknownPeer), 0u);
  // Replication to the kept peer goes on.
  ASSERT_EQ(net.register_mn(0, 5, 1), 0);
  net.run_for(500ms);
  EXPECT_EQ(net.h(1).shadows().count(ha_addr(0)), 5u);
}

TEST(Reconfigure, AddedPeerJoinsAndGetsTheDump) {
  // Nodes 0 and 1 do not know node 2 yet; node 2 knows both.
  TestNet net(3, [](int i, GroupConfig& c) {
    c.hello_interval = 100ms;
    if (i != 2) std::erase_if(c.peers, [](const PeerConfig& p) { return p.address == ha_addr(2); });
  });
  net.run_for(1s);
  for (int mn = 0; mn < 3; ++mn) ASSERT_EQ(net.register_mn(0, mn, 1), 0);
  net.run_for(500ms);
  EXPECT_EQ(net.h(2).peer_table().find(ha_addr(0))->state, PeerState::kInit);
  EXPECT_GT(hello_drops(net, 0, HelloDrop::kUnknownPeer), 0u);
  const auto events_before = net.events.size();

  for (int i : {0, 1}) {
    GroupConfig next = net.nodes[static_cast<std::size_t>(i)].config;
    next.peers.push_back({ha_addr(2), 80});
    reconfigure(net, i, next);
    EXPECT_EQ(net.h(i).peer_table().find(ha_addr(2))->state, PeerState::kInit);
  }
  net.run_for(1s);
  EXPECT_EQ(net.h(0).peer_table().find(ha_addr(2))->state, PeerState::kUp);
  EXPECT_EQ(net.h(2).peer_table().find(ha_addr(0))->state, PeerState::kUp);
  EXPECT_EQ(net.h(2).shadows().count(ha_addr(0)), 3u);  // full dump to the new member
  for (std::size_t e = events_before; e < net.events.size(); ++e)
    EXPECT_NE(net.events[e].second.kind, EventKind::kPeerDown);
  EXPECT_EQ(net.h(1).peer_table().find(ha_addr(0))->state, PeerState::kUp);
}

TEST(Reconfigure, HelloIntervalAndTimersChangeInPlace) {
  TestNet net(2, [](int, GroupConfig& c) { c.hello_interval = 100ms; });
  net.run_for(1s);
  const auto events_before = net.events.size();
  GroupConfig next = net.nodes[0].config;
  next.hello_interval = 1000ms;
  next.dead_multiplier = 5;
  next.rise = 4;
  next.preempt = true;
  next.takeover = TakeoverPolicy::kSpread;
  next.preference = 55;
  reconfigure(net, 0, next);
  EXPECT_EQ(net.h(0).config().hello_interval, 1000ms);
  EXPECT_EQ(net.h(0).config().dead_multiplier, 5u);
  EXPECT_EQ(net.h(0).config().rise, 4u);
  EXPECT_TRUE(net.h(0).config().preempt);
  EXPECT_EQ(net.h(0).config().takeover, TakeoverPolicy::kSpread);
  const auto t = net.now;
  net.run_for(5s);
  // Node 1 times node 0 out by the interval node 0 advertises: no blip.
  for (std::size_t e = events_before; e < net.events.size(); ++e)
    EXPECT_NE(net.events[e].second.kind, EventKind::kPeerDown);
  std::vector<Clock::time_point> at;
  for (const auto& d : net.sent_by<mip6::HaHello>(ha_addr(0), ha_addr(1))) {
    if (d.at <= t + 100ms) continue;
    const auto& h = std::get<mip6::HaHello>(d.message);
    EXPECT_EQ(h.hello_interval_ms, 1000);
    EXPECT_EQ(h.preference, 55);
    at.push_back(d.at);
  }
  ASSERT_GE(at.size(), 4u);
  for (std::size_t i = 1; i < at.size(); ++i) EXPECT_EQ(at[i] - at[i - 1], 1000ms);
  EXPECT_EQ(hello_drops(net, 1, HelloDrop::kStaleSequence), 0u);

  // Back to a shorter interval: the next Hello comes within the new one.
  GroupConfig faster = next;
  faster.hello_interval = 50ms;
  reconfigure(net, 0, faster);
  const auto t2 = net.now;
  net.run_for(120ms);
  auto after = net.sent_by<mip6::HaHello>(ha_addr(0), ha_addr(1));
  std::size_t n = 0;
  for (const auto& d : after) n += d.at > t2 ? 1 : 0;
  EXPECT_GE(n, 2u);
}

TEST(Reconfigure, IdentityChangesAndInvalidConfigsAreRefusedUntouched) {
  TestNet net(2);
  net.run_for(1s);
  const GroupConfig base = net.nodes[0].config;
  auto refused = [&](GroupConfig c, ReconfigureError want) {
    auto r = net.h(0).reconfigure(c, net.now);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), want) << to_string(r.error());
  };
  GroupConfig c = base;
  c.group_id = 9;
  c.hello_interval = 50ms;
  refused(c, ReconfigureError::kRestartRequired);
  c = base;
  c.own_address = ha_addr(5);
  refused(c, ReconfigureError::kRestartRequired);
  c = base;
  c.numbers.hello = 210;
  refused(c, ReconfigureError::kRestartRequired);
  c = base;
  c.rise = 0;
  c.peers.clear();
  refused(c, ReconfigureError::kInvalid);
  c = base;
  c.peers.push_back({base.own_address, 1});  // a peer with our address
  refused(c, ReconfigureError::kInvalid);
  // Nothing was applied.
  EXPECT_EQ(net.h(0).config().hello_interval, base.hello_interval);
  EXPECT_EQ(net.h(0).config().rise, base.rise);
  EXPECT_EQ(net.h(0).peers(net.now).size(), 1u);
  EXPECT_EQ(net.h(0).peer_table().find(ha_addr(1))->state, PeerState::kUp);
}

}  // namespace
}  // namespace harp::test
