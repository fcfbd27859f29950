// Hellos and failure detection (protocol-notes §5.4, HP-01..HP-04): timing,
// DeadInterval = multiplier x interval + skew with the best survivor first,
// graceful leave, rise hysteresis, drop reasons, one-way partitions.
#include <gtest/gtest.h>

#include "harp/peer_table.h"
#include "tests/harp/harp_test_net.h"

namespace harp::test {
namespace {

TEST(Liveness, HellosEveryIntervalWithFields) {
  TestNet net(2);
  net.run_for(5500ms);
  auto hellos = net.sent_by<mip6::HaHello>(ha_addr(0), ha_addr(1));
  // Periodic hellos at 0,1,...,5 s (+ possibly one R-reply).
  std::vector<mip6::HaHello> periodic;
  std::vector<Clock::time_point> at;
  for (const auto& d : hellos) {
    const auto& h = std::get<mip6::HaHello>(d.message);
    EXPECT_EQ(h.group_id, 7);
    EXPECT_EQ(h.preference, 100);
    EXPECT_EQ(h.hello_interval_ms, 1000);
    EXPECT_EQ(h.lifetime_s, 3);  // ceil(3 x 1 s)
    EXPECT_NE(h.flags & mip6::HaHello::kActive, 0);
    periodic.push_back(h);
    at.push_back(d.at);
  }
  ASSERT_GE(periodic.size(), 6u);
  for (std::size_t i = 1; i < periodic.size(); ++i)
    EXPECT_TRUE(periodic[i].sequence.newer_than(periodic[i - 1].sequence));
  // The regular ones are exactly one interval apart.
  std::size_t regular = 0;
  for (std::size_t i = 1; i < at.size(); ++i)
    if (at[i] - at[i - 1] == 1000ms) ++regular;
  EXPECT_GE(regular, 4u);
  EXPECT_EQ(net.h(0).peer_table().find(ha_addr(1))->state, PeerState::kUp);
  EXPECT_EQ(net.h(1).peer_table().find(ha_addr(0))->state, PeerState::kUp);
}

TEST(Liveness, ReplyRequestedIsAnsweredAtOnce) {
  TestNet net(2);
  net.run_for(1ms);  // both send their first hello (R=1: peer not up yet)
  auto first = net.sent_by<mip6::HaHello>(ha_addr(0), ha_addr(1));
  ASSERT_FALSE(first.empty());
  EXPECT_NE(std::get<mip6::HaHello>(first[0].message).flags & mip6::HaHello::kReplyRequested, 0);
  net.run_for(10ms);
  EXPECT_GE(net.h(1).counters().hello_replies, 1u);
  for (const auto& d : net.sent_by<mip6::HaHello>(ha_addr(1))) {
    if (d.at > kT0) {
      EXPECT_EQ(std::get<mip6::HaHello>(d.message).flags & mip6::HaHello::kReplyRequested, 0);
    }
  }
}

TEST(Liveness, FailureAfterDeadIntervalBestSurvivorFirst) {
  // interval 100 ms, multiplier 3 -> detection in [300, 400] ms (HP-04).
  TestNet net(3, [](int, GroupConfig& c) { c.hello_interval = 100ms; });
  net.run_for(2s);
  const auto crash_at = net.now;
  const auto last_hello = net.sent_by<mip6::HaHello>(ha_addr(0)).back().at;
  net.crash(0);
  net.run_for(1s);
  auto down1 = net.events_of(EventKind::kPeerDown, 1);
  auto down2 = net.events_of(EventKind::kPeerDown, 2);
  ASSERT_EQ(down1.size(), 1u);
  ASSERT_EQ(down2.size(), 1u);
  const auto t1 = down1[0].second.at - last_hello;
  const auto t2 = down2[0].second.at - last_hello;
  EXPECT_GE(t1, 300ms);
  EXPECT_LE(t1, 400ms);
  EXPECT_LE(t2, 400ms);
  // Node 1 (preference 90, rank 255) fires before node 2 (rank 254).
  EXPECT_LT(down1[0].second.at, down2[0].second.at);
  EXPECT_EQ(down1[0].second.detail, "dead_interval");
  EXPECT_GE(down1[0].second.at, crash_at);
}

TEST(Liveness, SkewRankOrdersSurvivors) {
  TestNet net(3);
  net.run_for(3s);
  EXPECT_EQ(net.h(1).peer_table().rank_against(ha_addr(0)), 255u);
  EXPECT_EQ(net.h(2).peer_table().rank_against(ha_addr(0)), 254u);
  EXPECT_EQ(net.h(0).peer_table().rank_against(ha_addr(2)), 255u);
  const Peer* p0 = net.h(1).peer_table().find(ha_addr(0));
  const Peer* p0b = net.h(2).peer_table().find(ha_addr(0));
  EXPECT_LT(*net.h(1).peer_table().deadline(*p0), *net.h(2).peer_table().deadline(*p0b));
}

TEST(Liveness, GracefulLeaveFailsPeerAtOnce) {
  TestNet net(2);
  net.run_for(2500ms);
  const auto t = net.now;
  net.handle(0, net.h(0).leave(net.now));
  net.crash(0);
  net.run_for(50ms);
  auto down = net.events_of(EventKind::kPeerDown, 1);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].second.detail, "graceful_leave");
  EXPECT_LE(down[0].second.at - t, 5ms);
  EXPECT_EQ(net.events_of(EventKind::kTakeoverStarted, 1).size(), 1u);
}

TEST(Liveness, ReturningPeerNeedsRiseHellos) {
  TestNet net(2, [](int, GroupConfig& c) { c.rise = 3; });
  net.run_for(2s);
  net.crash(0);
  net.run_for(5500ms);  // restart between node 1's hellos
  EXPECT_EQ(net.h(1).peer_table().find(ha_addr(0))->state, PeerState::kDown);
  net.restart(0);
  net.run_for(10ms);  // first hello + R reply
  EXPECT_EQ(net.h(1).peer_table().find(ha_addr(0))->state, PeerState::kRising);
  EXPECT_EQ(net.events_of(EventKind::kPeerRising, 1).size(), 1u);
  net.run_for(1s);
  EXPECT_EQ(net.h(1).peer_table().find(ha_addr(0))->state, PeerState::kRising);
  net.run_for(1s);
  EXPECT_EQ(net.h(1).peer_table().find(ha_addr(0))->state, PeerState::kUp);
  EXPECT_EQ(net.events_of(EventKind::kPeerUp, 1).size(), 2u);  // start + return
}

mip6::HaHello hello(std::uint16_t seq, std::uint8_t group = 7) {
  mip6::HaHello h;
  h.sequence = mip6::SequenceNumber(seq);
  h.preference = 5;
  h.lifetime_s = 3;
  h.hello_interval_ms = 1000;
  h.group_id = group;
  return h;
}

TEST(Liveness, BadHellosDroppedPerReason) {
  GroupConfig c;
  c.group_id = 7;
  c.own_address = ha_addr(0);
  c.peers = {{ha_addr(1), 5}};
  PeerTable t(c);
  EXPECT_EQ(t.on_hello(hello(1), ha_addr(0), kT0).drop, HelloDrop::kFromSelf);
  EXPECT_EQ(t.on_hello(hello(1), ha_addr(9), kT0).drop, HelloDrop::kUnknownPeer);
  EXPECT_EQ(t.on_hello(hello(1, 8), ha_addr(1), kT0).drop, HelloDrop::kWrongGroup);
  auto zero = hello(1);
  zero.hello_interval_ms = 0;
  EXPECT_EQ(t.on_hello(zero, ha_addr(1), kT0).drop, HelloDrop::kBadInterval);
  EXPECT_FALSE(t.on_hello(hello(10), ha_addr(1), kT0).drop.has_value());
  EXPECT_EQ(t.on_hello(hello(10), ha_addr(1), kT0).drop, HelloDrop::kStaleSequence);
  EXPECT_EQ(t.on_hello(hello(9), ha_addr(1), kT0).drop, HelloDrop::kStaleSequence);
  EXPECT_FALSE(t.on_hello(hello(11), ha_addr(1), kT0).drop.has_value());
  // 16-bit wrap: 65535 -> 0 is newer (RFC 6275 §9.5.1 arithmetic).
  EXPECT_FALSE(t.on_hello(hello(30000), ha_addr(1), kT0).drop.has_value());
  EXPECT_EQ(t.on_hello(hello(11), ha_addr(1), kT0).drop, HelloDrop::kStaleSequence);
  EXPECT_FALSE(t.on_hello(hello(60000), ha_addr(1), kT0).drop.has_value());
  EXPECT_FALSE(t.on_hello(hello(65535), ha_addr(1), kT0).drop.has_value());
  EXPECT_FALSE(t.on_hello(hello(0), ha_addr(1), kT0).drop.has_value());
  EXPECT_EQ(t.drops(HelloDrop::kFromSelf), 1u);
  EXPECT_EQ(t.drops(HelloDrop::kUnknownPeer), 1u);
  EXPECT_EQ(t.drops(HelloDrop::kWrongGroup), 1u);
  EXPECT_EQ(t.drops(HelloDrop::kBadInterval), 1u);
  EXPECT_EQ(t.drops(HelloDrop::kStaleSequence), 3u);
  EXPECT_EQ(t.find(ha_addr(1))->hellos_accepted, 6u);
}

TEST(Liveness, OneWayPartitionIsVisible) {
  TestNet net(2);
  net.run_for(3s);
  auto peers0 = net.h(0).peers(net.now);
  EXPECT_TRUE(peers0[0].i_hear);
  EXPECT_TRUE(peers0[0].hears_me);
  // Node 1's hellos no longer reach node 0; node 0's still reach node 1.
  net.blocked.insert({ha_addr(1), ha_addr(0)});
  net.run_for(6s);
  peers0 = net.h(0).peers(net.now);
  auto peers1 = net.h(1).peers(net.now);
  EXPECT_EQ(peers0[0].state, PeerState::kDown);
  EXPECT_FALSE(peers0[0].i_hear);
  EXPECT_EQ(peers1[0].state, PeerState::kUp);
  EXPECT_TRUE(peers1[0].i_hear);
  EXPECT_FALSE(peers1[0].hears_me);  // node 0 no longer lists node 1
  net.blocked.clear();
  net.run_for(5s);
  EXPECT_TRUE(net.h(1).peers(net.now)[0].hears_me);
  EXPECT_EQ(net.h(0).peers(net.now)[0].state, PeerState::kUp);
}

TEST(Liveness, ConfigValidation) {
  GroupConfig c;
  c.own_address = ha_addr(0);
  EXPECT_TRUE(validate_group_config(c).ok());
  auto bad = c;
  bad.group_id = 0;
  EXPECT_EQ(validate_group_config(bad).error(), ConfigError::kBadGroupId);
  bad = c;
  bad.hello_interval = 5ms;
  EXPECT_EQ(validate_group_config(bad).error(), ConfigError::kHelloIntervalOutOfRange);
  bad = c;
  bad.hello_interval = 66s;
  EXPECT_EQ(validate_group_config(bad).error(), ConfigError::kHelloIntervalOutOfRange);
  bad = c;
  bad.peers = {{ha_addr(0), 1}};
  EXPECT_EQ(validate_group_config(bad).error(), ConfigError::kPeerIsSelf);
  bad = c;
  bad.peers = {{ha_addr(1), 1}, {ha_addr(1), 2}};
  EXPECT_EQ(validate_group_config(bad).error(), ConfigError::kDuplicatePeer);
  bad = c;
  bad.rise = 0;
  EXPECT_EQ(validate_group_config(bad).error(), ConfigError::kBadRise);
  bad = c;
  bad.switch_rate_per_s = 0;
  EXPECT_EQ(validate_group_config(bad).error(), ConfigError::kBadSwitchRate);
  EXPECT_FALSE(HarpNode::create(bad, kT0).ok());
  EXPECT_EQ(hello_lifetime_s(100ms), 1);
  EXPECT_EQ(hello_lifetime_s(1000ms), 3);
}

}  // namespace
}  // namespace harp::test
