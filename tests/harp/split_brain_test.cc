// Split brain after a partition heals (DESIGN.md §2, protocol-notes §5.7):
// highest epoch, then newer MN sequence, then preference, then address; the
// loser releases quietly, the winner re-announces, one owner remains.
#include <gtest/gtest.h>

#include "harp/ownership.h"
#include "tests/harp/harp_test_net.h"

namespace harp::test {
namespace {

using mip6::SequenceNumber;

TEST(SplitBrain, ClaimOrder) {
  const Claim a{2, SequenceNumber(5), 10, ha_addr(0)};
  Claim b{1, SequenceNumber(50), 90, ha_addr(1)};
  EXPECT_TRUE(claim_wins(a, b));  // epoch first
  EXPECT_FALSE(claim_wins(b, a));
  b.epoch = 2;
  EXPECT_TRUE(claim_wins(b, a));  // then sequence (50 newer than 5)
  b.sequence = SequenceNumber(65530);
  EXPECT_FALSE(claim_wins(b, a));  // 5 is newer than 65530 (wrap)
  EXPECT_TRUE(claim_wins(a, b));
  b.sequence = SequenceNumber(5);
  EXPECT_TRUE(claim_wins(b, a));  // then preference (90 > 10)
  b.preference = 10;
  EXPECT_TRUE(claim_wins(b, a));  // then address (::2 > ::1)
  EXPECT_FALSE(claim_wins(a, b));
  EXPECT_FALSE(claim_wins(a, a));
}

TEST(SplitBrain, HigherEpochWinsAfterHeal) {
  TestNet net(2);
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(0, 0, 20), 0);
  net.run_for(1s);
  // Full partition: each declares the other dead; node 1 takes MN 0 over.
  net.blocked = {{ha_addr(0), ha_addr(1)}, {ha_addr(1), ha_addr(0)}};
  net.run_for(5s);
  ASSERT_NE(net.ha(1).bindings().find(hoa(0)), nullptr);
  ASSERT_EQ(net.register_mn(1, 0, 1, 900, coa(7)), 0);  // the MN followed the HA Switch
  EXPECT_EQ(net.h(0).owner_of(hoa(0)), ha_addr(0));     // node 0 still believes it owns it
  net.blocked.clear();
  net.run_for(6s);
  // Node 0 lost (epoch 0 < 1): released quietly, no delete replicated.
  ASSERT_EQ(net.nodes[0].released.size(), 1u);
  EXPECT_EQ(net.nodes[0].released[0], hoa(0));
  EXPECT_EQ(net.h(0).own_bindings(), 0u);
  EXPECT_EQ(net.ha(0).bindings().find(hoa(0)), nullptr);  // HomeAgent::release_binding
  EXPECT_NE(net.ha(1).bindings().find(hoa(0)), nullptr);
  EXPECT_EQ(net.h(0).owner_of(hoa(0)), ha_addr(1));
  EXPECT_EQ(net.h(1).owner_of(hoa(0)), ha_addr(1));
  EXPECT_TRUE(net.h(0).should_refuse(hoa(0)));
  EXPECT_FALSE(net.h(1).should_refuse(hoa(0)));
  EXPECT_EQ(net.h(1).shadows().find(hoa(0)), nullptr);
  EXPECT_EQ(net.h(0).shadows().find(hoa(0))->care_of_address, coa(7));
  auto lost = net.events_of(EventKind::kSplitBrainResolved, 0);
  auto won = net.events_of(EventKind::kSplitBrainResolved, 1);
  ASSERT_GE(lost.size(), 1u);
  EXPECT_EQ(lost[0].second.detail, "lost");
  ASSERT_GE(won.size(), 1u);
  EXPECT_EQ(won[0].second.detail, "won");
  // The loser's binding expiring later is not announced as a delete.
  net.run_for(4000s);
  EXPECT_EQ(net.h(0).counters().split_brain_lost, 1u);
}

TEST(SplitBrain, EqualEpochNewerSequenceWins) {
  TestNet net(3);
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(2, 0, 10), 0);
  net.run_for(1s);
  // Nodes 0 and 1 lose each other first, then node 2 dies: both adopt MN 0
  // with epoch 1 and sequence 10.
  net.blocked = {{ha_addr(0), ha_addr(1)}, {ha_addr(1), ha_addr(0)}};
  net.run_for(5s);
  net.crash(2);
  net.run_for(5s);
  ASSERT_NE(net.ha(0).bindings().find(hoa(0)), nullptr);
  ASSERT_NE(net.ha(1).bindings().find(hoa(0)), nullptr);
  // The MN answers node 1 (lower preference) with sequence 11.
  ASSERT_EQ(net.register_mn(1, 0, 11), 0);
  net.blocked.clear();
  net.run_for(6s);
  EXPECT_EQ(net.h(0).owner_of(hoa(0)), ha_addr(1));
  EXPECT_EQ(net.h(1).owner_of(hoa(0)), ha_addr(1));
  ASSERT_EQ(net.nodes[0].released.size(), 1u);
  EXPECT_TRUE(net.nodes[1].released.empty());
}

}  // namespace
}  // namespace harp::test
