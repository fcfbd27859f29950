// Recovery of an HA that restarts with no state (B1, docs/harp.md): at first
// contact it asks each peer for its bindings back (SS-REQ with the restore
// marker), adopts what the peers' shadows hold for it (same epoch, same
// confirmation, no HA Switch), and holds its own full dump to a peer until
// that peer's restore has arrived; a peer whose restore is unacknowledged
// merges the restarted HA's dump instead of pruning.
#include <gtest/gtest.h>

#include "tests/harp/harp_test_net.h"

namespace harp::test {
namespace {

bool has_restore(const Delivery& d) {
  const auto* s = std::get_if<mip6::StateSynchronization>(&d.message);
  return s != nullptr && wire::has_restore_marker(s->options);
}
bool is_type(const Delivery& d, mip6::SyncType t) {
  return std::get<mip6::StateSynchronization>(d.message).sync_type == t;
}
bool is_full_dump(const Delivery& d) {
  const auto& s = std::get<mip6::StateSynchronization>(d.message);
  return s.sync_type == mip6::SyncType::kReply &&
         (s.flags & mip6::StateSynchronization::kFullDump) != 0;
}

TEST(Restart, MarkersSurviveTheCodec) {
  mip6::StateSynchronization req;
  req.sync_type = mip6::SyncType::kRequest;
  req.group_id = 7;
  wire::put_restore_marker(req.options);
  std::vector<std::uint8_t> buf;
  ASSERT_TRUE(mip6::encode_mobility_header(mip6::MobilityMessage(req), buf, {}).ok());
  auto dec = mip6::decode_mobility_header(buf, {});
  ASSERT_TRUE(dec.ok());
  const auto& back = std::get<mip6::StateSynchronization>(dec.value().message);
  EXPECT_TRUE(wire::has_restore_marker(back.options));
  EXPECT_TRUE(wire::get_wanted_hoas(back.options).empty());  // still "everything"
  mip6::MobilityOptions none;
  EXPECT_FALSE(wire::has_restore_marker(none));
  EXPECT_FALSE(wire::has_unconfirmed_marker(none));
  // A restore SS-REP: marker on every part, L on the last one only.
  std::vector<mip6::BindingCacheInformation> bcis(120);
  for (std::size_t i = 0; i < bcis.size(); ++i) {
    bcis[i].home_address = hoa(static_cast<int>(i));
    bcis[i].lifetime = 10;
  }
  mip6::MobilityOptions marker;
  wire::put_restore_marker(marker);
  auto parts = pack_sync_replies(bcis, 0, 7, {}, mip6::mh::kMaxLength, marker, /*last=*/true);
  ASSERT_GE(parts.size(), 3u);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    EXPECT_TRUE(wire::has_restore_marker(parts[i].options));
    EXPECT_EQ((parts[i].flags & mip6::StateSynchronization::kLast) != 0, i + 1 == parts.size());
    EXPECT_EQ(parts[i].flags & mip6::StateSynchronization::kFullDump, 0);
  }
}

// The B1 reproducer: node 0 crashes and is back (empty) long before its
// peers' dead interval. Without restore its empty dump wiped the peers'
// shadows and no takeover ever ran. Here its Hello sequence also jumped
// backwards (a random new one), which the restore request makes acceptable.
TEST(Restart, FastRestartGetsItsBindingsBack) {
  TestNet net(3);
  net.run_for(3s);
  constexpr int kMns = 30;
  for (int i = 0; i < kMns; ++i) ASSERT_EQ(net.register_mn(0, i, 100), 0);
  ASSERT_EQ(net.register_mn(0, 0, 101), 0);  // a refresh: sequence 101
  net.run_for(2s);
  ASSERT_EQ(net.h(1).shadows().count(ha_addr(0)), static_cast<std::size_t>(kMns));
  const auto served_before = net.h(1).counters().restores_served;  // start-up requests
  const auto events_before = net.events_of(EventKind::kFullResync, 0).size();
  net.crash(0);
  net.run_for(500ms);
  net.restart(0, [](GroupConfig& c) { c.initial_hello_sequence = 50000; });  // older
  net.run_for(10s);
  EXPECT_EQ(net.ha(0).bindings().size(), static_cast<std::size_t>(kMns));
  EXPECT_EQ(net.h(0).own_bindings(), static_cast<std::size_t>(kMns));
  EXPECT_EQ(net.h(0).counters().bindings_restored, static_cast<std::uint64_t>(kMns));
  for (int n = 1; n <= 2; ++n) {
    EXPECT_EQ(net.h(n).shadows().count(ha_addr(0)), static_cast<std::size_t>(kMns)) << n;
    EXPECT_EQ(net.h(n).counters().restores_served, served_before + 1);
    EXPECT_EQ(net.h(n).own_bindings(), 0u);
    EXPECT_TRUE(net.events_of(EventKind::kPeerDown, n).empty()) << n;
    EXPECT_TRUE(net.h(n).peer_table().is_up(ha_addr(0)));
    EXPECT_TRUE(net.h(n).should_refuse(hoa(0)));
  }
  EXPECT_TRUE(net.events_of(EventKind::kTakeoverStarted).empty());
  EXPECT_TRUE(net.nodes[0].has_sent.empty());  // the MNs never noticed
  const auto* e = net.ha(0).bindings().find(hoa(0));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->last_sequence, mip6::SequenceNumber(101));
  EXPECT_TRUE(net.h(0).own_binding(hoa(0))->confirmed);
  EXPECT_EQ(net.h(0).own_binding(hoa(0))->epoch, 0u);
  // The MN's next refresh is served by node 0 as before.
  EXPECT_EQ(net.register_mn(0, 0, 102), 0);
  EXPECT_FALSE(net.h(0).restoring_from(ha_addr(1)));
  EXPECT_FALSE(net.h(0).restoring_from(ha_addr(2)));
  auto restored = net.events_of(EventKind::kFullResync, 0);
  ASSERT_EQ(restored.size(), events_before + 2);
  EXPECT_EQ(restored.back().second.detail, "restored");
  EXPECT_EQ(restored.back().second.count + restored[restored.size() - 2].second.count,
            static_cast<std::uint32_t>(kMns));  // from whichever peer answered first
}

// The restarted HA's full dump to a peer goes out only after that peer's
// restore reply (L) arrived; the restore request is repeated with backoff
// while the replies are lost.
TEST(Restart, DumpHeldUntilRestoreArrives) {
  TestNet net(2);
  net.run_for(3s);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(net.register_mn(0, i, 7), 0);
  net.run_for(2s);
  net.crash(0);
  net.run_for(300ms);
  net.restart(0);
  const auto restart_at = net.now;
  // Restore replies from node 1 are lost for a while.
  net.filter = [](Delivery& d) { return !(d.from == ha_addr(1) && has_restore(d)); };
  net.run_for(6s);
  EXPECT_TRUE(net.h(0).restoring_from(ha_addr(1)));
  std::vector<Clock::time_point> asks;
  for (const auto& d : net.sent_by<mip6::StateSynchronization>(ha_addr(0), ha_addr(1))) {
    if (d.at < restart_at) continue;
    EXPECT_FALSE(is_full_dump(d)) << "dump sent before the restore arrived";
    if (is_type(d, mip6::SyncType::kRequest) && has_restore(d)) asks.push_back(d.at);
  }
  ASSERT_GE(asks.size(), 3u);
  EXPECT_EQ(asks[1] - asks[0], 1s);
  EXPECT_EQ(asks[2] - asks[1], 2s);
  // Meanwhile node 1 kept node 0's shadows.
  EXPECT_EQ(net.h(1).shadows().count(ha_addr(0)), 5u);
  net.filter = {};
  net.run_for(10s);
  EXPECT_FALSE(net.h(0).restoring_from(ha_addr(1)));
  EXPECT_EQ(net.ha(0).bindings().size(), 5u);
  bool dumped = false;
  for (const auto& d : net.sent_by<mip6::StateSynchronization>(ha_addr(0), ha_addr(1)))
    if (d.at >= restart_at && is_full_dump(d)) {
      dumped = true;
      EXPECT_EQ(std::get<mip6::StateSynchronization>(d.message)
                    .options.binding_cache_information.size(),
                5u);
    }
  EXPECT_TRUE(dumped);
  EXPECT_EQ(net.h(1).shadows().count(ha_addr(0)), 5u);
}

// A peer whose restore to a restarted HA is not acknowledged merges that
// HA's full dump instead of pruning (the dump may lack bindings only because
// the HA lost them).
TEST(Restart, PeerDoesNotPruneWhileRestoreUnacknowledged) {
  TestNet net(2);
  net.run_for(3s);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(net.register_mn(0, i, 7), 0);
  net.run_for(2s);
  net.crash(0);
  net.run_for(300ms);
  net.restart(0);
  // Node 1's restore never arrives, and an empty full dump from node 0
  // reaches node 1 (here injected directly, as an HA without the hold
  // would send it).
  net.filter = [](Delivery& d) { return !(d.from == ha_addr(1) && has_restore(d)); };
  net.run_for(2s);
  mip6::StateSynchronization dump;
  dump.sync_type = mip6::SyncType::kReply;
  dump.flags = mip6::StateSynchronization::kFullDump | mip6::StateSynchronization::kLast;
  dump.group_id = 7;
  dump.identifier = 999;
  net.handle(1, net.h(1).on_message(mip6::MobilityMessage(dump), ha_addr(0), net.now));
  EXPECT_EQ(net.h(1).shadows().count(ha_addr(0)), 4u);
  EXPECT_EQ(net.h(1).counters().restore_prune_skipped, 1u);
  // Once the restore is through and acknowledged, an (honest) dump prunes.
  net.filter = {};
  net.run_for(10s);
  EXPECT_EQ(net.ha(0).bindings().size(), 4u);
  dump.identifier = 1000;  // node 0 lists only 3 of the 4
  for (int i = 0; i < 3; ++i) {
    BindingRecord r = *net.h(0).own_binding(hoa(i));
    dump.options.binding_cache_information.push_back(to_bci(r, net.now));
  }
  net.handle(1, net.h(1).on_message(mip6::MobilityMessage(dump), ha_addr(0), net.now));
  EXPECT_EQ(net.h(1).shadows().count(ha_addr(0)), 3u);
}

// After a peer_down the taker named by the rule lacked the MN's shadow (its
// sync was lost), so nobody took it over; when the owner comes back the
// peer that still holds the shadow gives it back (part of B1).
TEST(Restart, OrphanedShadowReturnsToRestartedOwner) {
  TestNet net(3);
  net.run_for(3s);
  // Node 1 (the preferred taker) never gets node 0's sync.
  net.filter = [](Delivery& d) {
    return !(d.from == ha_addr(0) && d.to == ha_addr(1) &&
             std::holds_alternative<mip6::StateSynchronization>(d.message));
  };
  ASSERT_EQ(net.register_mn(0, 0, 40), 0);
  net.run_for(1s);
  ASSERT_EQ(net.h(1).shadows().count(ha_addr(0)), 0u);
  ASSERT_EQ(net.h(2).shadows().count(ha_addr(0)), 1u);
  net.crash(0);
  net.run_for(6s);
  EXPECT_EQ(net.ha(1).bindings().find(hoa(0)), nullptr);  // the taker had nothing
  EXPECT_EQ(net.ha(2).bindings().find(hoa(0)), nullptr);  // not node 2's to take
  ASSERT_NE(net.h(2).shadows().find(hoa(0)), nullptr);
  net.filter = {};
  net.restart(0);
  net.run_for(8s);
  ASSERT_NE(net.ha(0).bindings().find(hoa(0)), nullptr);
  EXPECT_EQ(net.ha(0).bindings().find(hoa(0))->last_sequence, mip6::SequenceNumber(40));
  EXPECT_EQ(net.h(2).owner_of(hoa(0)), ha_addr(0));
  EXPECT_EQ(net.h(1).owner_of(hoa(0)), ha_addr(0));  // replicated on again
  EXPECT_EQ(net.register_mn(0, 0, 41), 0);
}

// A binding registered again with the restarted HA before the restore
// arrives is newer: the restored copy must not replace it.
TEST(Restart, NewerRegistrationIsKeptOverRestoredCopy) {
  TestNet net(2);
  net.run_for(3s);
  ASSERT_EQ(net.register_mn(0, 0, 50, 900, coa(1)), 0);
  net.run_for(2s);
  net.crash(0);
  net.run_for(300ms);
  net.restart(0);
  net.filter = [](Delivery& d) { return !(d.from == ha_addr(1) && has_restore(d)); };
  net.run_for(1500ms);
  ASSERT_EQ(net.register_mn(0, 0, 51, 900, coa(9)), 0);
  net.filter = {};
  net.run_for(10s);
  EXPECT_FALSE(net.h(0).restoring_from(ha_addr(1)));
  const auto* e = net.ha(0).bindings().find(hoa(0));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->care_of_address, coa(9));
  EXPECT_EQ(e->last_sequence, mip6::SequenceNumber(51));
  EXPECT_EQ(net.h(0).counters().bindings_restored, 0u);
  EXPECT_EQ(net.h(1).shadows().find(hoa(0))->care_of_address, coa(9));
}

}  // namespace
}  // namespace harp::test
