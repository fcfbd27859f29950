// Lazy full dumps (issue #6, docs/harp.md "Full dumps are lazy"): a dump start takes
// only the list of HoAs, each part is packed when the window has room from
// the records as they are then, and bindings created, changed or deleted
// while a dump is under way end right on the receiver (no resurrection, no
// prune of a new binding, never an older copy after a newer one).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "harp/replicator.h"
#include "tests/harp/harp_test_net.h"

namespace harp::test {
namespace {

// fd00:2::<i>: more distinct HoAs than hoa() can spell.
Ipv6Address many_hoa(std::uint32_t i) {
  std::uint8_t b[16] = {0xfd, 0x00, 0x00, 0x02};
  b[12] = static_cast<std::uint8_t>(i >> 24);
  b[13] = static_cast<std::uint8_t>(i >> 16);
  b[14] = static_cast<std::uint8_t>(i >> 8);
  b[15] = static_cast<std::uint8_t>(i);
  return Ipv6Address::from_bytes(b);
}

// A bare Replicator sending to one peer, with own records in a map (HoA
// order) and counters of the calls a dump makes into them.
struct Sender : OwnRecordMap {
  explicit Sender(std::uint32_t n) : cfg(config()), rep(cfg) {
    for (std::uint32_t i = 0; i < n; ++i) put(i, 1);
  }
  static GroupConfig config() {
    GroupConfig c;
    c.own_address = ha_addr(0);
    c.peers = {PeerConfig{ha_addr(1), 0}};
    return c;
  }
  const BindingRecord& put(std::uint32_t i, std::uint16_t seq) {
    BindingRecord r;
    r.home_address = many_hoa(i);
    r.care_of_address = coa(static_cast<int>(i % 1000));
    r.sequence = mip6::SequenceNumber(seq);
    r.expires_at = kT0 + 400s;
    return records[r.home_address] = r;
  }
  // One poll; records what went out.
  std::vector<mip6::StateSynchronization> poll() {
    lookups = 0;
    std::vector<mip6::StateSynchronization> msgs;
    for (auto& m : rep.poll(now, callbacks())) {
      auto ss = std::get<mip6::StateSynchronization>(m.message);
      unacked.insert(ss.identifier);
      sent.push_back(ss);
      msgs.push_back(std::move(ss));
    }
    return msgs;
  }
  void ack_all() {
    for (auto id : unacked) EXPECT_TRUE(rep.on_ack(ha_addr(1), id, now));
    unacked.clear();
  }
  // The sequence number of `hoa` in the last message that carried it.
  std::optional<std::uint16_t> last_sent_sequence(const Ipv6Address& hoa) const {
    std::optional<std::uint16_t> seq;
    for (const auto& m : sent)
      for (const auto& b : m.options.binding_cache_information)
        if (b.home_address == hoa) seq = b.sequence.value();
    return seq;
  }

  GroupConfig cfg;  // the Replicator keeps a reference
  Replicator rep;
  std::set<std::uint16_t> unacked;
  std::vector<mip6::StateSynchronization> sent;
  Clock::time_point now = kT0;
};

bool has(const mip6::StateSynchronization& m, std::uint8_t flag) {
  return (m.flags & flag) != 0;
}

// A dump of 20,000 records is packed over many polls: each poll looks up
// and packs a bounded number of records, whatever N is.
TEST(FullDump, IsPackedOverManyPollsWithBoundedWork) {
  constexpr std::uint32_t kN = 20000;
  Sender s(kN);
  s.rep.request_full_dump(ha_addr(1), s.now);
  // A part holds at most 2048 / 40 records (a BCI is more than 40 octets);
  // a poll packs at most kDumpPartsPerPoll parts, plus the first one.
  constexpr std::size_t kMaxRecordsPerPoll = (kDumpPartsPerPoll + 1) * (2048 / 40);
  std::set<Ipv6Address> got;
  std::size_t polls = 0, dumps_last = 0;
  bool last_seen = false;
  for (int guard = 0; guard < 100000 && !last_seen; ++guard) {
    const auto msgs = s.poll();
    ++polls;
    EXPECT_LE(msgs.size(), kDumpPartsPerPoll + 1);
    EXPECT_LE(s.lookups, kMaxRecordsPerPoll + kDumpPartsPerPoll + 1);
    std::size_t records = 0;
    for (const auto& m : msgs) {
      EXPECT_TRUE(has(m, mip6::StateSynchronization::kFullDump));
      if (has(m, mip6::StateSynchronization::kLast)) {
        last_seen = true;
        ++dumps_last;
      }
      for (const auto& b : m.options.binding_cache_information)
        EXPECT_TRUE(got.insert(b.home_address).second) << "sent twice";
      records += m.options.binding_cache_information.size();
    }
    EXPECT_LE(records, kMaxRecordsPerPoll);
    // Acks come when the window is full or nothing else goes out.
    if (msgs.empty() || s.unacked.size() == kSyncWindow) s.ack_all();
    // More to send: the node is called back at once (next event-loop turn).
    if (!last_seen) {
      ASSERT_TRUE(s.rep.next_expiry().has_value());
      if (s.unacked.size() < kSyncWindow) {
        EXPECT_LE(*s.rep.next_expiry(), s.now);
      }
    }
    s.now += 1ms;
  }
  EXPECT_EQ(s.snapshots, 1u);  // the HoA list only once, at the start
  EXPECT_EQ(got.size(), kN);
  EXPECT_EQ(dumps_last, 1u);
  EXPECT_GT(polls, kN / kMaxRecordsPerPoll);
  s.ack_all();
  (void)s.poll();
  EXPECT_TRUE(s.rep.idle(ha_addr(1)));
}

// Records changed, deleted or added after the dump began: a part packed
// later carries the current record, a deleted HoA is skipped (its delete
// goes out as an incremental record), a new HoA goes out incrementally.
TEST(FullDump, PacksTheCurrentRecordOfEachHoa) {
  constexpr std::uint32_t kN = 5000;
  Sender s(kN);
  s.rep.request_full_dump(ha_addr(1), s.now);
  const auto first = s.poll();
  ASSERT_FALSE(first.empty());
  const std::uint32_t dump_id = wire::get_dump_id(first[0].options);
  ASSERT_NE(dump_id, 0u);
  ASSERT_GT(s.rep.view(ha_addr(1), s.now).dump_unpacked, 0u);
  // The map is in HoA order: the last HoAs are not packed yet.
  const auto changed = many_hoa(kN - 1), deleted = many_hoa(kN - 2), added = many_hoa(kN + 7);
  ASSERT_FALSE(s.last_sent_sequence(changed).has_value());
  const auto& c = s.put(kN - 1, 2);
  s.rep.enqueue(ha_addr(1), c, false, s.now);
  BindingRecord gone = s.records.at(deleted);
  s.records.erase(deleted);
  s.rep.enqueue(ha_addr(1), gone, true, s.now);
  const auto& a = s.put(kN + 7, 1);
  s.rep.enqueue(ha_addr(1), a, false, s.now);
  // Run to the end: ack everything, poll, repeat.
  for (int guard = 0; guard < 10000 && !s.rep.idle(ha_addr(1)); ++guard) {
    s.now += 1ms;
    s.ack_all();
    (void)s.poll();
  }
  ASSERT_TRUE(s.rep.idle(ha_addr(1)));
  std::set<Ipv6Address> in_dump;
  bool deleted_incrementally = false, added_incrementally = false;
  for (const auto& m : s.sent) {
    const bool full = has(m, mip6::StateSynchronization::kFullDump);
    if (full) {
      EXPECT_EQ(wire::get_dump_id(m.options), dump_id);
    }
    for (const auto& b : m.options.binding_cache_information) {
      if (full) in_dump.insert(b.home_address);
      if (!full && b.home_address == deleted && b.lifetime == 0) deleted_incrementally = true;
      if (!full && b.home_address == added) added_incrementally = true;
    }
  }
  EXPECT_EQ(in_dump.size(), kN - 1);
  EXPECT_EQ(in_dump.count(deleted), 0u);  // gone before its part was packed
  EXPECT_EQ(in_dump.count(added), 0u);    // not in the dump's HoA list
  EXPECT_TRUE(deleted_incrementally);
  EXPECT_TRUE(added_incrementally);
  EXPECT_EQ(s.last_sent_sequence(changed), 2);  // never the older copy after it
  for (const auto& m : s.sent)
    for (const auto& b : m.options.binding_cache_information)
      if (b.home_address == changed) {
        EXPECT_EQ(b.sequence.value(), 2);
      }
}

// A record in the held L part (packed, waiting for the other parts' acks)
// that changes meanwhile: the L part must not carry the older copy after
// the incremental newer one.
TEST(FullDump, HeldLastPartDropsARecordChangedSince) {
  Sender s(200);  // a few parts, all in the window
  s.rep.request_full_dump(ha_addr(1), s.now);
  auto msgs = s.poll();
  ASSERT_GE(msgs.size(), 2u);
  for (const auto& m : msgs) EXPECT_FALSE(has(m, mip6::StateSynchronization::kLast));
  // The L part is packed and held; it holds the last HoAs (map order).
  EXPECT_EQ(s.rep.view(ha_addr(1), s.now).dump_unpacked, 0u);
  const auto hoa_last = many_hoa(199);
  ASSERT_FALSE(s.last_sent_sequence(hoa_last).has_value());
  s.rep.enqueue(ha_addr(1), s.put(199, 9), false, s.now);
  s.now += 100ms;
  msgs = s.poll();  // the incremental record goes out
  ASSERT_EQ(s.last_sent_sequence(hoa_last), 9);
  s.ack_all();
  s.now += 1ms;
  msgs = s.poll();  // now the L part
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_TRUE(has(msgs[0], mip6::StateSynchronization::kLast));
  EXPECT_EQ(s.last_sent_sequence(hoa_last), 9);
  s.ack_all();
  EXPECT_TRUE(s.rep.idle(ha_addr(1)));
}

// A new dump requested while one is under way replaces it: the rest of the
// first is never packed, the second has a new number and every record.
TEST(FullDump, NewDumpReplacesOneUnderWay) {
  constexpr std::uint32_t kN = 5000;
  Sender s(kN);
  s.rep.request_full_dump(ha_addr(1), s.now);
  const auto first = s.poll();
  ASSERT_FALSE(first.empty());
  const auto id1 = wire::get_dump_id(first[0].options);
  s.rep.request_full_dump(ha_addr(1), s.now);
  s.sent.clear();
  s.unacked.clear();  // the first dump's parts are dropped: their acks are unknown
  for (int guard = 0; guard < 10000 && !s.rep.idle(ha_addr(1)); ++guard) {
    s.now += 1ms;
    (void)s.poll();
    s.ack_all();
  }
  std::size_t records = 0, lasts = 0;
  for (const auto& m : s.sent) {
    EXPECT_EQ(wire::get_dump_id(m.options), id1 + 1);
    records += m.options.binding_cache_information.size();
    lasts += has(m, mip6::StateSynchronization::kLast) ? 1 : 0;
  }
  EXPECT_EQ(records, kN);
  EXPECT_EQ(lasts, 1u);
  EXPECT_EQ(s.rep.view(ha_addr(1), s.now).full_dumps, 2u);
}

// An empty dump is still one F|L message (the receiver prunes), and so is
// a dump whose every binding was deleted before its part was packed.
TEST(FullDump, EmptyDumpIsOneLastPart) {
  Sender s(3000);
  s.rep.request_full_dump(ha_addr(1), s.now);
  const auto first = s.poll();
  ASSERT_EQ(first.size(), kDumpPartsPerPoll + 1);
  // Delete everything not packed yet: the next part is an empty L part.
  std::size_t packed = 0;
  for (const auto& m : first) packed += m.options.binding_cache_information.size();
  std::set<Ipv6Address> sent;
  for (const auto& m : first)
    for (const auto& b : m.options.binding_cache_information) sent.insert(b.home_address);
  for (auto it = s.records.begin(); it != s.records.end();)
    it = sent.count(it->first) != 0 ? std::next(it) : s.records.erase(it);
  ASSERT_EQ(s.records.size(), packed);
  s.ack_all();
  s.now += 1ms;
  const auto rest = s.poll();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_TRUE(has(rest[0], mip6::StateSynchronization::kLast));
  EXPECT_TRUE(rest[0].options.binding_cache_information.empty());

  Sender none(0);
  none.rep.request_full_dump(ha_addr(1), none.now);
  const auto only = none.poll();
  ASSERT_EQ(only.size(), 1u);
  EXPECT_TRUE(has(only[0], mip6::StateSynchronization::kFullDump));
  EXPECT_TRUE(has(only[0], mip6::StateSynchronization::kLast));
  EXPECT_TRUE(only[0].options.binding_cache_information.empty());
}

// End to end on a receiver HarpNode: while node 0's dump of 3,000 bindings
// to a joining node 2 is under way, bindings are deleted (one already sent,
// one not yet), changed, added, and deleted then added again. Node 2 ends
// with exactly node 0's bindings, newest copies.
TEST(FullDump, ChangesDuringADumpEndRightOnTheReceiver) {
  TestNet net(3);
  net.latency = 5ms;  // the dump takes a few round trips
  net.crash(2);
  net.run_for(3s);
  constexpr int kN = 3000;
  for (int i = 0; i < kN; ++i) ASSERT_EQ(net.register_mn(0, i, 1), 0);
  net.run_for(2s);
  ASSERT_EQ(net.h(1).shadows().count(ha_addr(0)), static_cast<std::size_t>(kN));
  net.restart(2);
  // Until node 0's dump to node 2 is under way with parts already applied.
  auto view = [&] {
    for (const auto& p : net.h(0).peers(net.now))
      if (p.address == ha_addr(2)) return p.replication;
    return ReplicationView{};
  };
  for (int guard = 0; guard < 5000; ++guard) {
    if (view().dump_unpacked > 0 && net.h(2).shadows().count(ha_addr(0)) > 0) break;
    net.run_for(1ms);
  }
  ASSERT_GT(view().dump_unpacked, 0u);
  const auto at_node2 = net.h(2).shadows().count(ha_addr(0));
  ASSERT_GT(at_node2, 0u);
  ASSERT_LT(at_node2, static_cast<std::size_t>(kN));
  std::vector<int> there, missing;
  for (int i = 0; i < kN; ++i)
    (net.h(2).shadows().find(hoa(i)) != nullptr ? there : missing).push_back(i);
  ASSERT_GE(there.size(), 1u);
  ASSERT_GE(missing.size(), 3u);
  const int sent_one = there[0], unsent_one = missing[0], unsent_two = missing[1],
            changed = missing[2];
  EXPECT_EQ(net.register_mn(0, sent_one, 2, 0), 0);    // deleted, already at node 2
  EXPECT_EQ(net.register_mn(0, unsent_one, 2, 0), 0);  // deleted, not there yet
  EXPECT_EQ(net.register_mn(0, changed, 2, 900, coa(999)), 0);
  EXPECT_EQ(net.register_mn(0, kN + 1, 1), 0);  // new during the dump
  EXPECT_EQ(net.register_mn(0, unsent_two, 2, 0), 0);
  net.run_for(20ms);
  EXPECT_EQ(net.register_mn(0, unsent_two, 3, 900, coa(998)), 0);  // and back
  net.run_for(3s);
  EXPECT_EQ(view().dump_unpacked, 0u);
  EXPECT_EQ(view().unacked_messages, 0u);
  const auto& b = net.h(2);
  EXPECT_EQ(b.shadows().count(ha_addr(0)), static_cast<std::size_t>(kN - 2 + 1));
  EXPECT_EQ(b.shadows().find(hoa(sent_one)), nullptr);    // not resurrected
  EXPECT_EQ(b.shadows().find(hoa(unsent_one)), nullptr);  // not resurrected
  ASSERT_NE(b.shadows().find(hoa(kN + 1)), nullptr);      // not pruned
  ASSERT_NE(b.shadows().find(hoa(changed)), nullptr);
  EXPECT_EQ(b.shadows().find(hoa(changed))->care_of_address, coa(999));
  EXPECT_EQ(b.shadows().find(hoa(changed))->sequence, mip6::SequenceNumber(2));
  ASSERT_NE(b.shadows().find(hoa(unsent_two)), nullptr);
  EXPECT_EQ(b.shadows().find(hoa(unsent_two))->care_of_address, coa(998));
  EXPECT_EQ(b.shadows().digest(ha_addr(0)), net.h(0).own_digest());
  EXPECT_EQ(net.h(2).counters().anti_entropy_requests, 0u);  // right without a repair
  // And it stays so (no late retransmission brings anything back).
  net.run_for(10s);
  EXPECT_EQ(b.shadows().digest(ha_addr(0)), net.h(0).own_digest());
  EXPECT_EQ(b.shadows().count(ha_addr(0)), static_cast<std::size_t>(kN - 1));
}

}  // namespace
}  // namespace harp::test
