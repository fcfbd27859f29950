// Hot-standby replication (protocol-notes §5.5, SY-01..SY-06): batching,
// the 2048-octet split, SS-ACK and retransmission backoff, full dump on join,
// anti-entropy repair, shadow expiry.
#include <gtest/gtest.h>

#include "harp/replicator.h"
#include "harp/shadow_cache.h"
#include "tests/harp/harp_test_net.h"

namespace harp::test {
namespace {

std::size_t bci_count(const Delivery& d) {
  return std::get<mip6::StateSynchronization>(d.message).options.binding_cache_information.size();
}
bool is_rep(const Delivery& d) {
  return std::get<mip6::StateSynchronization>(d.message).sync_type == mip6::SyncType::kReply;
}

// Own records for a bare Replicator, counting the lookups a dump makes.
struct OwnMap : OwnRecordMap {
  explicit OwnMap(int n) {
    for (int i = 0; i < n; ++i) put(i, 1);
  }
  void put(int i, std::uint16_t seq) {
    BindingRecord r;
    r.home_address = hoa(i);
    r.care_of_address = coa(i);
    r.sequence = mip6::SequenceNumber(seq);
    r.expires_at = kT0 + 400s;
    records[r.home_address] = r;
  }
};

TEST(Replication, ChangesAreBatchedIntoOneAckedReply) {
  TestNet net(2);
  net.run_for(3s);  // up, initial (empty) dumps done
  const auto before = net.sent_by<mip6::StateSynchronization>(ha_addr(0), ha_addr(1)).size();
  EXPECT_EQ(net.register_mn(0, 0, 1), 0);
  net.run_for(10ms);
  EXPECT_EQ(net.register_mn(0, 1, 1), 0);
  EXPECT_EQ(net.register_mn(0, 2, 1), 0);
  net.run_for(200ms);
  auto all = net.sent_by<mip6::StateSynchronization>(ha_addr(0), ha_addr(1));
  ASSERT_EQ(all.size(), before + 1);  // one SS-REP for three changes (50 ms window)
  const auto& rep = std::get<mip6::StateSynchronization>(all.back().message);
  EXPECT_EQ(rep.sync_type, mip6::SyncType::kReply);
  EXPECT_NE(rep.flags & mip6::StateSynchronization::kAckRequested, 0);
  EXPECT_EQ(rep.flags & mip6::StateSynchronization::kFullDump, 0);
  EXPECT_EQ(rep.options.binding_cache_information.size(), 3u);
  // Acked, shadows present at node 1, owned by node 0.
  EXPECT_EQ(net.h(1).shadows().count(ha_addr(0)), 3u);
  EXPECT_EQ(net.h(1).owner_of(hoa(1)), ha_addr(0));
  EXPECT_EQ(net.h(0).peers(net.now)[0].replication.unacked_messages, 0u);
  EXPECT_TRUE(net.h(0).peers(net.now)[0].round_trip.has_value());
  EXPECT_EQ(*net.h(0).peers(net.now)[0].round_trip, 2ms);  // 1 ms each way
  const auto* s = net.h(1).shadows().find(hoa(1));
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->care_of_address, coa(1));
  // A deregistration replicates as Lifetime 0 and removes the shadow.
  EXPECT_EQ(net.register_mn(0, 1, 2, 0), 0);
  net.run_for(200ms);
  EXPECT_EQ(net.h(1).shadows().find(hoa(1)), nullptr);
  EXPECT_EQ(net.h(1).shadows().count(ha_addr(0)), 2u);
  // The standby refuses a home registration for an MN owned by a live peer.
  EXPECT_TRUE(net.h(1).should_refuse(hoa(0)));
  EXPECT_EQ(net.register_mn(1, 0, 7), mip6::ba_status::kNotHomeAgentForThisMobileNode);
  EXPECT_FALSE(net.h(0).should_refuse(hoa(0)));
}

TEST(Replication, PackSplitsAt2048Octets) {
  std::vector<mip6::BindingCacheInformation> v;
  for (int i = 0; i < 130; ++i) {
    BindingRecord r;
    r.home_address = hoa(i);
    r.care_of_address = coa(i);
    r.sequence = mip6::SequenceNumber(static_cast<std::uint16_t>(i));
    r.epoch = static_cast<std::uint32_t>(i);
    r.expires_at = kT0 + 100s;
    v.push_back(to_bci(r, kT0));
  }
  auto msgs = pack_sync_replies(v, mip6::StateSynchronization::kFullDump, 7, {});
  ASSERT_GE(msgs.size(), 3u);
  std::size_t total = 0;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    std::vector<std::uint8_t> buf;
    ASSERT_TRUE(mip6::encode_mobility_header(msgs[i], buf).ok());
    EXPECT_LE(buf.size(), 2048u);
    EXPECT_GT(buf.size(), 1500u * (i + 1 < msgs.size()));  // parts are well filled
    EXPECT_NE(msgs[i].flags & mip6::StateSynchronization::kFullDump, 0);
    EXPECT_EQ((msgs[i].flags & mip6::StateSynchronization::kLast) != 0, i + 1 == msgs.size());
    total += msgs[i].options.binding_cache_information.size();
    auto dec = mip6::decode_mobility_header(buf);
    ASSERT_TRUE(dec.ok());
    EXPECT_EQ(std::get<mip6::StateSynchronization>(dec.value().message), msgs[i]);
  }
  EXPECT_EQ(total, 130u);
  // An empty dump is still one message with F and L (the receiver prunes).
  auto empty = pack_sync_replies({}, mip6::StateSynchronization::kFullDump, 7, {});
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_NE(empty[0].flags & mip6::StateSynchronization::kLast, 0);
}

TEST(Replication, RecordRoundTripKeepsEpochAndRebasesLifetime) {
  BindingRecord r;
  r.home_address = hoa(1);
  r.care_of_address = coa(1);
  r.flags = 0xc000;
  r.sequence = mip6::SequenceNumber(77);
  r.epoch = 0xdeadbeef;
  r.expires_at = kT0 + 103s;
  auto bci = to_bci(r, kT0);
  EXPECT_EQ(bci.lifetime, 25);  // 103 s -> 25 x 4 s, rounded down
  auto back = record_from_bci(bci, kT0 + 50s);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->epoch, 0xdeadbeefu);
  EXPECT_EQ(back->expires_at, kT0 + 50s + 100s);
  EXPECT_TRUE(back->sub_options.vendor_specific.empty());
  EXPECT_EQ(record_hash(*back), record_hash(r));
  // A malformed epoch sub-option is a named rejection, not a crash.
  bci.sub_options.vendor_specific[0].data.pop_back();
  EXPECT_FALSE(record_from_bci(bci, kT0).has_value());
}

TEST(Replication, RetransmitsWithBackoffThenFullResync) {
  TestNet net(2);
  net.run_for(3s);
  // Node 1 stops acknowledging (its SS-ACKs are lost), hellos still flow.
  net.filter = [](Delivery& d) {
    const auto* s = std::get_if<mip6::StateSynchronization>(&d.message);
    return !(s && s->sync_type == mip6::SyncType::kAck);
  };
  const auto t0 = net.now;
  EXPECT_EQ(net.register_mn(0, 0, 1), 0);
  net.run_for(70s);
  std::vector<Clock::time_point> reps;
  for (const auto& d : net.sent_by<mip6::StateSynchronization>(ha_addr(0), ha_addr(1))) {
    if (d.at >= t0 && is_rep(d)) reps.push_back(d.at);
  }
  ASSERT_GE(reps.size(), 7u);
  const auto first = reps[0];
  EXPECT_EQ(first - t0, 50ms);  // HARP_SYNC_DELAY
  // 1 s doubling: +1, +3, +7, +15, +31 s after the first send.
  EXPECT_EQ(reps[1] - first, 1s);
  EXPECT_EQ(reps[2] - first, 3s);
  EXPECT_EQ(reps[3] - first, 7s);
  EXPECT_EQ(reps[4] - first, 15s);
  EXPECT_EQ(reps[5] - first, 31s);
  // After 5 retries unanswered: a full dump (F) instead, and an event.
  const auto& dump = net.sent_by<mip6::StateSynchronization>(ha_addr(0), ha_addr(1));
  bool saw_full = false;
  for (const auto& d : dump)
    if (d.at >= first + 63s && is_rep(d) &&
        (std::get<mip6::StateSynchronization>(d.message).flags &
         mip6::StateSynchronization::kFullDump))
      saw_full = true;
  EXPECT_TRUE(saw_full);
  auto ev = net.events_of(EventKind::kFullResync, 0);
  // "restored" (start-up restore from the peer, B1) and one "max_retries".
  std::erase_if(ev, [](const auto& e) { return e.second.detail == "restored"; });
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].second.detail, "max_retries");
  EXPECT_GE(net.h(0).peers(net.now)[0].replication.retransmissions, 5u);
  EXPECT_EQ(net.h(1).shadows().count(ha_addr(0)), 1u);  // data arrived anyway
}

TEST(Replication, LostUpdateIsRetransmitted) {
  TestNet net(2);
  net.run_for(3s);
  int dropped = 0;
  net.filter = [&](Delivery& d) {
    const auto* s = std::get_if<mip6::StateSynchronization>(&d.message);
    if (s && s->sync_type == mip6::SyncType::kReply && dropped == 0) {
      ++dropped;
      return false;
    }
    return true;
  };
  EXPECT_EQ(net.register_mn(0, 3, 1), 0);
  net.run_for(500ms);
  EXPECT_EQ(net.h(1).shadows().find(hoa(3)), nullptr);
  EXPECT_GT(net.h(0).peers(net.now)[0].replication.unacked_records, 0u);
  EXPECT_TRUE(net.h(0).peers(net.now)[0].replication.oldest_unacked_age.has_value());
  net.run_for(1s);
  EXPECT_NE(net.h(1).shadows().find(hoa(3)), nullptr);
  EXPECT_EQ(net.h(0).peers(net.now)[0].replication.unacked_records, 0u);
}

TEST(Replication, JoiningPeerGetsFullDump) {
  TestNet net(3);
  net.crash(2);
  net.run_for(3s);
  for (int i = 0; i < 60; ++i) EXPECT_EQ(net.register_mn(0, i, 1), 0);
  net.run_for(1s);
  EXPECT_EQ(net.h(1).shadows().count(ha_addr(0)), 60u);
  net.restart(2);
  net.run_for(2s);
  EXPECT_EQ(net.h(2).shadows().count(ha_addr(0)), 60u);
  EXPECT_EQ(net.h(2).shadows().digest(ha_addr(0)), net.h(0).own_digest());
  // The dump to node 2 came in several F parts, the last with L.
  std::vector<std::uint8_t> flags;
  for (const auto& d : net.sent_by<mip6::StateSynchronization>(ha_addr(0), ha_addr(2)))
    if (is_rep(d) && bci_count(d) > 0)
      flags.push_back(std::get<mip6::StateSynchronization>(d.message).flags);
  ASSERT_GE(flags.size(), 2u);
  for (auto f : flags) EXPECT_NE(f & mip6::StateSynchronization::kFullDump, 0);
  EXPECT_NE(flags.back() & mip6::StateSynchronization::kLast, 0);
  // Node 2, new, asked for node 1's state with an SS-REQ.
  bool req = false;
  for (const auto& d : net.sent_by<mip6::StateSynchronization>(ha_addr(2), ha_addr(1)))
    req = req ||
          std::get<mip6::StateSynchronization>(d.message).sync_type == mip6::SyncType::kRequest;
  EXPECT_TRUE(req);
}

TEST(Replication, AntiEntropyRepairsASilentlyLostRecord) {
  TestNet net(2);
  net.run_for(3s);
  // The SS-REP arrives without its record but is acknowledged (a receiver
  // bug or corruption the ack cannot see): only the digest can tell.
  bool stripped = false;
  net.filter = [&](Delivery& d) {
    auto* s = std::get_if<mip6::StateSynchronization>(&d.message);
    if (s && s->sync_type == mip6::SyncType::kReply && !stripped &&
        !s->options.binding_cache_information.empty()) {
      s->options.binding_cache_information.clear();
      stripped = true;
    }
    return true;
  };
  EXPECT_EQ(net.register_mn(0, 5, 1), 0);
  net.run_for(500ms);
  ASSERT_TRUE(stripped);
  EXPECT_EQ(net.h(1).shadows().find(hoa(5)), nullptr);
  EXPECT_EQ(net.h(0).peers(net.now)[0].replication.unacked_records, 0u);
  net.run_for(4s);  // two mismatching digests, SS-REQ, full dump
  EXPECT_NE(net.h(1).shadows().find(hoa(5)), nullptr);
  EXPECT_EQ(net.h(1).counters().anti_entropy_requests, 1u);
  EXPECT_EQ(net.h(1).shadows().digest(ha_addr(0)), net.h(0).own_digest());
  net.run_for(10s);
  EXPECT_EQ(net.h(1).counters().anti_entropy_requests, 1u);  // converged: no more
}

TEST(Replication, ShadowExpiresBySyncedLifetime) {
  TestNet net(3);
  net.crash(2);
  net.run_for(3s);
  // Node 2 (configured, silent: no digest, no takeover) replicated a binding
  // with 3 x 4 s left; its delete never comes.
  mip6::StateSynchronization rep;
  rep.sync_type = mip6::SyncType::kReply;
  rep.group_id = 7;
  BindingRecord r;
  r.home_address = hoa(9);
  r.care_of_address = coa(9);
  r.expires_at = net.now + 12s;
  rep.options.binding_cache_information.push_back(to_bci(r, net.now));
  const auto t = net.now;
  net.handle(1, net.h(1).on_message(rep, ha_addr(2), net.now));
  ASSERT_NE(net.h(1).shadows().find(hoa(9)), nullptr);
  net.run_until(t + 15s);
  EXPECT_NE(net.h(1).shadows().find(hoa(9)), nullptr);  // 12 s + 4 s rounding grace
  net.run_until(t + 16s + 1ms);
  EXPECT_EQ(net.h(1).shadows().find(hoa(9)), nullptr);
  EXPECT_EQ(net.h(1).counters().shadows_expired, 1u);
}

TEST(Replication, SyncFromStrangersIsDropped) {
  TestNet net(2);
  mip6::StateSynchronization rep;
  rep.sync_type = mip6::SyncType::kReply;
  rep.group_id = 7;
  net.handle(1, net.h(1).on_message(rep, addr("fd00:9::9"), net.now));
  rep.group_id = 8;
  net.handle(1, net.h(1).on_message(rep, ha_addr(0), net.now));
  EXPECT_EQ(net.h(1).counters().sync_drop_unknown_peer, 1u);
  EXPECT_EQ(net.h(1).counters().sync_drop_wrong_group, 1u);
}

// Flow control and the L part (docs/harp.md "Flow control", B6): a full
// dump of 5,000 bindings leaves at most kSyncWindow messages unacknowledged,
// each ack lets the next one out, and the L part goes out only once every
// other part was acknowledged, whatever order the acks come in.
TEST(Replication, FullDumpIsWindowedAndLastPartWaitsForTheOthers) {
  GroupConfig cfg;
  cfg.own_address = ha_addr(0);
  cfg.peers = {PeerConfig{ha_addr(1), 0}};
  Replicator rep(cfg);
  OwnMap own(5000);
  auto t = kT0;
  rep.request_full_dump(ha_addr(1), t);
  // The first parts go out over a few polls at the same time (at most
  // kDumpPartsPerPoll each, next_expiry() says "now"), up to the window.
  std::vector<SendHarpMessage> out;
  for (int i = 0; i < 100 && rep.next_expiry() && *rep.next_expiry() <= t; ++i) {
    const auto part = rep.poll(t, own.callbacks());
    EXPECT_LE(part.size(), kDumpPartsPerPoll + 1);
    out.insert(out.end(), part.begin(), part.end());
  }
  ASSERT_EQ(out.size(), kSyncWindow);
  auto view = rep.view(ha_addr(1), t);
  EXPECT_EQ(view.unacked_messages, kSyncWindow);
  EXPECT_EQ(view.queued_messages, 0u);   // the rest is not even packed yet
  ASSERT_GT(view.dump_unpacked, 2000u);  // 5,000 minus 64 parts of ~32
  EXPECT_EQ(own.snapshots, 1u);
  std::vector<std::uint16_t> unacked;
  std::size_t records = 0, parts = 0;
  bool last_seen = false;
  auto take = [&](const std::vector<SendHarpMessage>& msgs) {
    for (const auto& m : msgs) {
      const auto& ss = std::get<mip6::StateSynchronization>(m.message);
      EXPECT_NE(ss.flags & mip6::StateSynchronization::kFullDump, 0);
      if ((ss.flags & mip6::StateSynchronization::kLast) != 0) {
        EXPECT_TRUE(unacked.empty()) << "L part sent while other parts are unacknowledged";
        last_seen = true;
      }
      unacked.push_back(ss.identifier);
      records += ss.options.binding_cache_information.size();
      ++parts;
    }
  };
  take(out);
  // Acknowledge newest first (the reverse of sending order), one at a time.
  while (!unacked.empty()) {
    const auto id = unacked.back();
    unacked.pop_back();
    ASSERT_TRUE(rep.on_ack(ha_addr(1), id, t));
    t += 1ms;
    const auto more = rep.poll(t, own.callbacks());
    EXPECT_LE(rep.view(ha_addr(1), t).unacked_messages, kSyncWindow);
    take(more);
  }
  EXPECT_TRUE(last_seen);
  EXPECT_EQ(records, own.records.size());
  EXPECT_GT(parts, kSyncWindow);
  EXPECT_TRUE(rep.idle(ha_addr(1)));
}

// B7: a full dump carries a growing dump number (Vendor Specific sub-type
// 7). A retransmitted part of a dump the receiver has already pruned (its
// ack was lost), or a late part of an older dump, is acknowledged and
// ignored: before, its L flag pruned with only its own records kept,
// removing every other shadow of the owner.
TEST(Replication, RetransmittedLastPartOfAPrunedDumpIsIgnored) {
  TestNet net(2);
  net.run_for(3s);
  auto part = [&](std::vector<int> mns, std::uint32_t dump_id, bool last) {
    mip6::StateSynchronization m;
    m.sync_type = mip6::SyncType::kReply;
    m.group_id = 7;
    m.identifier = static_cast<std::uint16_t>(900 + (dump_id & 0xff) + (last ? 1 : 0));
    m.flags =
        mip6::StateSynchronization::kFullDump | (last ? mip6::StateSynchronization::kLast : 0);
    wire::put_dump_id(m.options, dump_id);
    for (int i : mns) {
      BindingRecord r;
      r.home_address = hoa(i);
      r.care_of_address = coa(i);
      r.sequence = mip6::SequenceNumber(5);
      r.expires_at = net.now + 400s;
      m.options.binding_cache_information.push_back(to_bci(r, net.now));
    }
    return mip6::MobilityMessage(std::move(m));
  };
  auto& b = net.h(1);
  // Dump numbers above the ones node 0 really sent (its Hello sequence << 16).
  const std::uint32_t d = 0x70000000;
  (void)b.on_message(part({1, 2, 3}, d, false), ha_addr(0), net.now);
  (void)b.on_message(part({4}, d, true), ha_addr(0), net.now);
  ASSERT_EQ(b.shadows().count(ha_addr(0)), 4u);
  (void)b.on_message(part({4}, d, true), ha_addr(0), net.now);  // the L part again
  EXPECT_EQ(b.shadows().count(ha_addr(0)), 4u);
  EXPECT_EQ(b.counters().sync_duplicate_dump_parts, 1u);
  // The next dump (a higher number) replaces: MN 1 is gone, MN 5 is new. A
  // late L part of an older dump in between is ignored (seed 105917).
  (void)b.on_message(part({2, 3}, d + 1, false), ha_addr(0), net.now);
  (void)b.on_message(part({9}, d - 3, true), ha_addr(0), net.now);
  EXPECT_EQ(b.counters().sync_duplicate_dump_parts, 2u);
  EXPECT_EQ(b.shadows().find(hoa(9)), nullptr);
  (void)b.on_message(part({4, 5}, d + 1, true), ha_addr(0), net.now);
  EXPECT_EQ(b.shadows().count(ha_addr(0)), 4u);
  EXPECT_EQ(b.shadows().find(hoa(1)), nullptr);
  EXPECT_NE(b.shadows().find(hoa(5)), nullptr);
}

}  // namespace
}  // namespace harp::test
