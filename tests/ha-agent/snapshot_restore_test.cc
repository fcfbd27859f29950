// What a snapshot becomes at the next start (ha-agent/snapshot/
// restore_plan.h), with given clocks: remaining lifetimes across a restart,
// expiry, a wall clock stepped back, entries of an older config, and the
// group's "prefer the peers' copies" decision.
#include <gtest/gtest.h>

#include "ha-agent/snapshot/restore_plan.h"
#include "tests/ha-agent/snapshot_test_util.h"

namespace ha_agent::snapshot::test {
namespace {

using namespace std::chrono_literals;

// Process 1 ran with steady time 1000 s at wall time W; process 2 starts
// with an unrelated steady clock (5 s) some wall time later.
const mip6::Clock::time_point kSteady1{1000s};
const mip6::Clock::time_point kSteady2{5s};
const WallTime kWall = wall_ms(1'700'000'000'000);

mip6::BindingCacheEntry cache_entry(const char* hoa, std::chrono::seconds remaining) {
  mip6::BindingCacheEntry e;
  e.home_address = addr(hoa);
  e.care_of_address = addr("fd00:2::10");
  e.our_address = addr("fd00:1::1");
  e.granted_lifetime_s = 600;
  e.expires_at = kSteady1 + remaining;
  e.registered_at = e.expires_at - 600s;
  e.created_at = e.registered_at - 3600s;
  e.last_sequence = mip6::SequenceNumber(42);
  e.flags = 0xC000;
  e.spi = 0x2001;
  e.ownership_epoch = 9;
  return e;
}

AddressSet set_of(std::initializer_list<const char*> a) {
  AddressSet s;
  for (auto* x : a) s.insert(addr(x));
  return s;
}

TEST(SnapshotRestore, RemainingLifetimeCarriesAcrossARestart) {
  const auto e = cache_entry("fd00:1::1:0:1", 400s);
  const auto s = to_snapshot_entry(e, {kSteady1, kWall});
  EXPECT_EQ(s.expires_at, kWall + 400s);
  EXPECT_EQ(s.registered_at, kWall - 200s);
  EXPECT_EQ(s.epoch, 9u);
  EXPECT_TRUE(s.confirmed);
  // Restarted 30 s later: 370 s left, on the new steady clock.
  auto c = to_cache_entry(s, {kSteady2, kWall + 30s});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->expires_at, kSteady2 + 370s);
  EXPECT_EQ(c->registered_at, kSteady2 + 370s - 600s);
  EXPECT_EQ(c->granted_lifetime_s, 600u);
  EXPECT_EQ(c->last_sequence, mip6::SequenceNumber(42));
  EXPECT_EQ(c->care_of_address, e.care_of_address);
  EXPECT_EQ(c->our_address, e.our_address);
  EXPECT_EQ(c->flags, e.flags);
  EXPECT_EQ(c->spi, e.spi);
  EXPECT_EQ(c->ownership_epoch, 9u);
  EXPECT_FALSE(c->accept_any_sequence);
}

TEST(SnapshotRestore, MillisecondsAreKept) {
  const auto s = to_snapshot_entry(cache_entry("fd00:1::1:0:1", 10s), {kSteady1, kWall});
  auto c = to_cache_entry(s, {kSteady2, kWall + 9999ms});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->expires_at, kSteady2 + 1ms);
}

TEST(SnapshotRestore, ExpiredEntriesAreDropped) {
  const auto s = to_snapshot_entry(cache_entry("fd00:1::1:0:1", 10s), {kSteady1, kWall});
  EXPECT_FALSE(to_cache_entry(s, {kSteady2, kWall + 10s}).has_value());  // exactly at expiry
  EXPECT_FALSE(to_cache_entry(s, {kSteady2, kWall + 1h}).has_value());
}

TEST(SnapshotRestore, ClockSteppedBackNeverExtendsABinding) {
  const auto s = to_snapshot_entry(cache_entry("fd00:1::1:0:1", 100s), {kSteady1, kWall});
  auto c = to_cache_entry(s, {kSteady2, kWall - 24h});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->expires_at, kSteady2 + 600s);  // the granted lifetime, not a day more
}

TEST(SnapshotRestore, UnconfirmedStaysUnconfirmed) {
  auto e = cache_entry("fd00:1::1:0:1", 100s);
  e.accept_any_sequence = true;
  const auto s = to_snapshot_entry(e, {kSteady1, kWall}, addr("fd00:1::1"));
  EXPECT_FALSE(s.confirmed);
  EXPECT_EQ(s.owner, addr("fd00:1::1"));
  EXPECT_TRUE(to_cache_entry(s, {kSteady2, kWall})->accept_any_sequence);
}

TEST(SnapshotRestore, PlanCountsExpiredUnknownForeign) {
  Snapshot snap;
  snap.header.written_at = kWall;
  snap.header.mn_set_digest = mn_set_digest({addr("fd00:1::1:0:1"), addr("fd00:1::1:0:2"), addr("fd00:1::1:0:3"),
                                             addr("fd00:1::1:0:4")});
  const ClockPair then{kSteady1, kWall};
  snap.entries.push_back(to_snapshot_entry(cache_entry("fd00:1::1:0:1", 300s), then));  // kept
  snap.entries.push_back(to_snapshot_entry(cache_entry("fd00:1::1:0:2", 20s), then));   // expired
  snap.entries.push_back(to_snapshot_entry(cache_entry("fd00:1::1:0:3", 300s), then));  // not configured
  auto foreign = cache_entry("fd00:1::1:0:4", 300s);
  foreign.our_address = addr("fd00:1::9");
  snap.entries.push_back(to_snapshot_entry(foreign, then));
  snap.entries.push_back(to_snapshot_entry(cache_entry("fd00:1::1:0:5", 300s), then));  // kept

  const auto configured = set_of({"fd00:1::1:0:1", "fd00:1::1:0:2", "fd00:1::1:0:4", "fd00:1::1:0:5"});
  const auto digest = mn_set_digest({addr("fd00:1::1:0:1"), addr("fd00:1::1:0:2"), addr("fd00:1::1:0:4"),
                                     addr("fd00:1::1:0:5")});
  const auto p = plan_restore(snap, configured, set_of({"fd00:1::1"}), digest, {kSteady2, kWall + 60s});
  ASSERT_EQ(p.adopt.size(), 2u);
  EXPECT_EQ(p.adopt[0].home_address, addr("fd00:1::1:0:1"));
  EXPECT_EQ(p.adopt[0].expires_at, kSteady2 + 240s);
  EXPECT_EQ(p.adopt[1].home_address, addr("fd00:1::1:0:5"));
  EXPECT_EQ(p.expired, 1u);
  EXPECT_EQ(p.unknown, 1u);
  EXPECT_EQ(p.foreign, 1u);
  EXPECT_TRUE(p.digest_mismatch);
  EXPECT_FALSE(p.written_in_future);

  const auto same = plan_restore(snap, configured, set_of({"fd00:1::1"}), snap.header.mn_set_digest,
                                 {kSteady2, kWall - 1s});
  EXPECT_FALSE(same.digest_mismatch);
  EXPECT_TRUE(same.written_in_future);
}

TEST(SnapshotRestore, DigestIgnoresOrderAndDuplicates) {
  const auto a = mn_set_digest({addr("fd00::1"), addr("fd00::2")});
  EXPECT_EQ(a, mn_set_digest({addr("fd00::2"), addr("fd00::1"), addr("fd00::2")}));
  EXPECT_NE(a, mn_set_digest({addr("fd00::1")}));
  EXPECT_NE(a, mn_set_digest({addr("fd00::1"), addr("fd00::3")}));
}

TEST(SnapshotGroup, RestoreWaitFollowsTheTimers) {
  const mip6::Clock::time_point t{100s};
  auto d = group_restore_deadlines(t, 1000ms, 3, 3);
  EXPECT_EQ(d.down_peers, t + 8s);
  EXPECT_EQ(d.answering_peers, t + 40s);
  d = group_restore_deadlines(t, 100ms, 1, 2);
  EXPECT_EQ(d.down_peers, t + 2300ms);
}

TEST(SnapshotGroup, SettledWhenEveryPeerAnsweredOrTheWaitIsOver) {
  const mip6::Clock::time_point t{100s};
  const GroupRestoreDeadlines d{t + 8s, t + 40s};
  EXPECT_TRUE(peers_settled({}, t, d));
  EXPECT_TRUE(peers_settled({{true, false}, {true, false}}, t, d));
  // A peer still owes us the restore: waited for while it is up (it may
  // still drop our packets as replays of our previous life).
  EXPECT_FALSE(peers_settled({{true, false}, {true, true}}, t, d));
  EXPECT_FALSE(peers_settled({{true, false}, {true, true}}, t + 8s, d));
  EXPECT_TRUE(peers_settled({{true, false}, {true, true}}, t + 40s, d));
  // A peer not heard (rising, or dead): waited for until down_peers only.
  EXPECT_FALSE(peers_settled({{true, false}, {false, false}}, t, d));
  EXPECT_TRUE(peers_settled({{true, false}, {false, false}}, t + 8s, d));
  EXPECT_FALSE(peers_settled({{true, true}, {false, false}}, t + 8s, d));
}

TEST(SnapshotGroup, PeersCopiesWinTheSnapshotFillsTheGaps) {
  std::vector<mip6::BindingCacheEntry> held;
  for (const char* h : {"fd00:1::1:0:1", "fd00:1::1:0:2", "fd00:1::1:0:3", "fd00:1::1:0:4"}) {
    auto e = cache_entry(h, 0s);
    e.expires_at = kSteady2 + 100s;
    held.push_back(e);
  }
  held[3].expires_at = kSteady2 + 1s;
  // :1 restored by a peer (we own it now), :2 owned by a live peer.
  const auto claimed = set_of({"fd00:1::1:0:1", "fd00:1::1:0:2"});
  const auto g = select_unclaimed(held, [&](const mip6::Ipv6Address& a) { return claimed.count(a) != 0; },
                                  kSteady2 + 5s);
  ASSERT_EQ(g.adopt.size(), 1u);
  EXPECT_EQ(g.adopt[0].home_address, addr("fd00:1::1:0:3"));
  EXPECT_EQ(g.claimed, 2u);
  EXPECT_EQ(g.expired, 1u);
}

}  // namespace
}  // namespace ha_agent::snapshot::test
