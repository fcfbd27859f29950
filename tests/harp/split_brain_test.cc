// Split brain after a partition heals (DESIGN.md §2, protocol-notes §5.7):
// a registration the MN confirmed with a newer sequence beats a takeover it
// never answered (B3, docs/harp.md [D]); of two registrations the MN made,
// the later one wins (B4); otherwise highest epoch, then newer MN sequence,
// then preference, then address; the loser releases quietly, the winner
// re-announces, one owner remains.
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

// B3 rule: an unconfirmed takeover claim (adopted, no BU from the MN yet)
// loses to a confirmed registration with a newer MN sequence whatever the
// epochs; with the same or an older sequence the epoch order stands.
TEST(SplitBrain, UnconfirmedTakeoverLosesToNewerRegistration) {
  Claim taker{1, SequenceNumber(10), 90, ha_addr(1), /*confirmed=*/false};
  Claim owner{0, SequenceNumber(11), 10, ha_addr(0), /*confirmed=*/true};
  EXPECT_TRUE(claim_wins(owner, taker));
  EXPECT_FALSE(claim_wins(taker, owner));
  taker.epoch = 7;  // however often it was taken over
  EXPECT_TRUE(claim_wins(owner, taker));
  owner.sequence = SequenceNumber(10);  // the takeover copied this registration
  EXPECT_TRUE(claim_wins(taker, owner));
  EXPECT_FALSE(claim_wins(owner, taker));
  owner.sequence = SequenceNumber(65535);  // 10 is newer (wrap): epoch decides
  EXPECT_TRUE(claim_wins(taker, owner));
  // Once the MN registered with the taker, both are confirmed: epoch first.
  taker.confirmed = true;
  owner.sequence = SequenceNumber(11);
  EXPECT_TRUE(claim_wins(taker, owner));
  // Two unconfirmed takeovers: epoch, then sequence.
  owner.confirmed = taker.confirmed = false;
  EXPECT_TRUE(claim_wins(taker, owner));
  owner.epoch = 7;
  EXPECT_TRUE(claim_wins(owner, taker));
}

// B4 rule: of two confirmed claims with known registration times more than
// kRegistrationOrderWindowMs apart the later registration wins whatever the
// epochs and sequences (the MN's sequence numbers are per HA); closer in
// time, the newer sequence wins; unknown times (0) and unconfirmed claims
// fall back to the other rules.
TEST(SplitBrain, LaterConfirmedRegistrationWins) {
  Claim older{5, SequenceNumber(900), 90, ha_addr(1), true, 1'000'000};
  Claim later{0, SequenceNumber(3), 10, ha_addr(0), true, 1'000'000 + kRegistrationOrderWindowMs + 1};
  EXPECT_TRUE(claim_wins(later, older));
  EXPECT_FALSE(claim_wins(older, later));
  later.registered_ms = 1'000'000 + kRegistrationOrderWindowMs;  // within the window:
  EXPECT_TRUE(claim_wins(older, later));  // a delayed BU could invert them: sequence first
  EXPECT_FALSE(claim_wins(later, older));
  later.sequence = SequenceNumber(901);
  EXPECT_TRUE(claim_wins(later, older));
  later.sequence = SequenceNumber(900);  // same sequence: epoch
  EXPECT_TRUE(claim_wins(older, later));
  later.sequence = SequenceNumber(3);
  later.registered_ms = 0;  // a peer that does not send the time: epoch first
  EXPECT_TRUE(claim_wins(older, later));
  later.registered_ms = 2'000'000;
  older.confirmed = false;  // B3 decides between confirmed and unconfirmed
  EXPECT_FALSE(claim_wins(later, older));  // 3 is not newer than 900
  later.sequence = SequenceNumber(901);
  EXPECT_TRUE(claim_wins(later, older));
}

// Seed 101305 / TenThousandPartitionHeal mn 171 in miniature (B4): during
// a partition the MN registers with node 1 (which took it over, epoch 1) and
// then again with node 0 (epoch 0, its counter for node 0). After the heal
// the MN's last registration, node 0's, wins; node 1 releases quietly.
TEST(SplitBrain, LaterRegistrationBeatsHigherEpoch) {
  TestNet net(2);
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(0, 0, 10), 0);
  net.run_for(1s);
  net.blocked = {{ha_addr(0), ha_addr(1)}, {ha_addr(1), ha_addr(0)}};
  net.run_for(5s);
  ASSERT_NE(net.ha(1).bindings().find(hoa(0)), nullptr);
  ASSERT_EQ(net.register_mn(1, 0, 1), 0);  // followed node 1's HA Switch
  EXPECT_EQ(net.h(1).own_binding(hoa(0))->epoch, 1u);
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(0, 0, 11), 0);  // then registered with node 0 again
  EXPECT_EQ(net.h(0).own_binding(hoa(0))->epoch, 0u);
  EXPECT_GT(net.h(0).own_binding(hoa(0))->registered_ms,
            net.h(1).own_binding(hoa(0))->registered_ms);
  net.blocked.clear();
  net.run_for(6s);
  EXPECT_EQ(net.h(0).owner_of(hoa(0)), ha_addr(0));
  EXPECT_EQ(net.h(1).owner_of(hoa(0)), ha_addr(0));
  EXPECT_NE(net.ha(0).bindings().find(hoa(0)), nullptr);
  EXPECT_EQ(net.ha(1).bindings().find(hoa(0)), nullptr);
  ASSERT_EQ(net.nodes[1].released.size(), 1u);
  EXPECT_TRUE(net.nodes[0].released.empty());
}

// The registration time travels in the BCI (Vendor Specific sub-type 6): a
// takeover keeps the copied time, a BU stamps a new one.
TEST(SplitBrain, RegistrationTimeRoundTrip) {
  BindingRecord r;
  r.home_address = hoa(0);
  r.care_of_address = coa(0);
  r.sequence = SequenceNumber(10);
  r.registered_ms = 1'764'500'000'123ull;
  r.expires_at = kT0 + 400s;
  auto bci = to_bci(r, kT0);
  auto back = record_from_bci(bci, kT0);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->registered_ms, r.registered_ms);
  EXPECT_TRUE(back->sub_options.vendor_specific.empty());
  for (auto& v : bci.sub_options.vendor_specific)
    if (v.sub_type == wire::kSubTypeRegistered) v.data.pop_back();
  EXPECT_FALSE(record_from_bci(bci, kT0));  // malformed: a bad record
  r.registered_ms = 0;
  EXPECT_EQ(record_from_bci(to_bci(r, kT0), kT0)->registered_ms, 0u);

  TestNet net(2);
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(0, 0, 10), 0);
  const auto stamped = net.h(0).own_binding(hoa(0))->registered_ms;
  EXPECT_NE(stamped, 0u);
  net.run_for(1s);
  EXPECT_EQ(net.h(1).shadows().find(hoa(0))->registered_ms, stamped);
  net.crash(0);
  net.run_for(5s);
  ASSERT_NE(net.h(1).own_binding(hoa(0)), nullptr);
  EXPECT_EQ(net.h(1).own_binding(hoa(0))->registered_ms, stamped);  // adopted copy
  ASSERT_EQ(net.register_mn(1, 0, 11), 0);
  EXPECT_GT(net.h(1).own_binding(hoa(0))->registered_ms, stamped);
}

// The confirmation travels in the BCI (Vendor Specific sub-type 4) and is
// part of the digest.
TEST(SplitBrain, UnconfirmedMarkerRoundTrip) {
  BindingRecord r;
  r.home_address = hoa(0);
  r.care_of_address = coa(0);
  r.sequence = SequenceNumber(10);
  r.epoch = 3;
  r.confirmed = false;
  r.expires_at = kT0 + 400s;
  const auto bci = to_bci(r, kT0);
  EXPECT_TRUE(wire::has_unconfirmed_marker(bci.sub_options));
  auto back = record_from_bci(bci, kT0);
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->confirmed);
  EXPECT_EQ(back->epoch, 3u);
  EXPECT_TRUE(back->sub_options.vendor_specific.empty());  // markers stripped
  BindingRecord c = r;
  c.confirmed = true;
  EXPECT_NE(record_hash(c), record_hash(r));
  auto bci2 = to_bci(c, kT0);
  EXPECT_FALSE(wire::has_unconfirmed_marker(bci2.sub_options));
  EXPECT_TRUE(record_from_bci(bci2, kT0)->confirmed);
}

// Seed 20048 in miniature (B3): node 1 takes MN 0 over from a partitioned
// node 0 but its HA Switch never reaches the MN, which keeps refreshing with
// node 0 (sequence 11). After the heal node 0's registration wins although
// node 1's takeover has the higher epoch; node 1 releases and stops its HA
// Switch; both agree node 0 owns the MN.
TEST(SplitBrain, StaleTakeoverDoesNotBeatNewerRegistration) {
  TestNet net(2);
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(0, 0, 10), 0);
  net.run_for(1s);
  net.blocked = {{ha_addr(0), ha_addr(1)}, {ha_addr(1), ha_addr(0)}};
  net.run_for(5s);
  const auto* taken = net.ha(1).bindings().find(hoa(0));
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(taken->ownership_epoch, 1u);
  ASSERT_NE(net.h(1).own_binding(hoa(0)), nullptr);
  EXPECT_FALSE(net.h(1).own_binding(hoa(0))->confirmed);
  ASSERT_EQ(net.register_mn(0, 0, 11), 0);  // the MN never heard node 1
  ASSERT_TRUE(net.h(0).own_binding(hoa(0))->confirmed);
  net.blocked.clear();
  net.run_for(6s);
  EXPECT_EQ(net.h(0).owner_of(hoa(0)), ha_addr(0));
  EXPECT_EQ(net.h(1).owner_of(hoa(0)), ha_addr(0));
  EXPECT_NE(net.ha(0).bindings().find(hoa(0)), nullptr);
  EXPECT_EQ(net.ha(1).bindings().find(hoa(0)), nullptr);
  ASSERT_EQ(net.nodes[1].released.size(), 1u);
  EXPECT_TRUE(net.nodes[0].released.empty());
  EXPECT_TRUE(net.h(1).should_refuse(hoa(0)));
  EXPECT_EQ(net.h(1).shadows().find(hoa(0))->sequence, SequenceNumber(11));
  // The taker's HA Switch job ended with the lost split brain.
  const auto sent = net.nodes[1].has_sent.size();
  net.run_for(60s);
  EXPECT_EQ(net.nodes[1].has_sent.size(), sent);
}

// Once the MN follows the HA Switch, the taker's claim is confirmed (and
// replicated as such) and wins over the old owner's older registration.
TEST(SplitBrain, TakeoverConfirmedByBuWins) {
  TestNet net(2);
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(0, 0, 10), 0);
  net.run_for(1s);
  net.blocked = {{ha_addr(0), ha_addr(1)}, {ha_addr(1), ha_addr(0)}};
  net.run_for(5s);
  ASSERT_EQ(net.register_mn(1, 0, 11), 0);
  EXPECT_TRUE(net.h(1).own_binding(hoa(0))->confirmed);
  EXPECT_FALSE(net.ha(1).bindings().find(hoa(0))->accept_any_sequence);
  net.blocked.clear();
  net.run_for(6s);
  EXPECT_EQ(net.h(0).owner_of(hoa(0)), ha_addr(1));
  EXPECT_EQ(net.h(1).owner_of(hoa(0)), ha_addr(1));
  EXPECT_TRUE(net.h(0).shadows().find(hoa(0))->confirmed);
}

}  // namespace
}  // namespace harp::test
