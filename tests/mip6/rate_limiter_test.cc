// SourceRateLimiter (mip6/rate_limiter.h): rate, burst, refill, per-peer
// buckets, the shared "new sources" bucket, a full table, eviction of idle
// sources only, 0 = unlimited, reconfiguration. Manual time, no sleeps.
#include "mip6/rate_limiter.h"

#include <gtest/gtest.h>

#include <vector>

namespace mip6 {
namespace {

using namespace std::chrono_literals;

Ipv6Address addr(unsigned i) {
  Ipv6Address::Bytes b{0xfd, 0, 0, 2};
  b[12] = static_cast<std::uint8_t>(i >> 24);
  b[13] = static_cast<std::uint8_t>(i >> 16);
  b[14] = static_cast<std::uint8_t>(i >> 8);
  b[15] = static_cast<std::uint8_t>(i);
  return Ipv6Address(b);
}

SourceRateLimiterOptions opts(std::uint32_t rate, std::uint32_t burst, std::uint32_t max_sources = 100) {
  SourceRateLimiterOptions o;
  o.per_source = {rate, burst};
  o.per_peer = {1000, 100};
  o.max_sources = max_sources;
  o.hash_seed = 0x1234;
  return o;
}

const Clock::time_point t0 = Clock::time_point{} + 1000s;

// How many of `n` packets from `source`, all at `at`, pass.
int passes(SourceRateLimiter& l, const Ipv6Address& source, Clock::time_point at, int n) {
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += l.admit(source, at) == RateVerdict::kPass;
  return ok;
}

TEST(SourceRateLimiter, BurstThenRefused) {
  SourceRateLimiter l(opts(10, 5));
  EXPECT_EQ(passes(l, addr(1), t0, 5), 5);
  EXPECT_EQ(l.admit(addr(1), t0), RateVerdict::kLimitedSource);
  EXPECT_EQ(l.tracked_sources(), 1u);
}

TEST(SourceRateLimiter, RefillsAtTheRate) {
  SourceRateLimiter l(opts(10, 5));
  EXPECT_EQ(passes(l, addr(1), t0, 10), 5);
  // One token per 100 ms.
  EXPECT_EQ(passes(l, addr(1), t0 + 99ms, 3), 0);
  EXPECT_EQ(passes(l, addr(1), t0 + 100ms, 3), 1);
  EXPECT_EQ(passes(l, addr(1), t0 + 350ms, 3), 2);
  // Idle long enough: the whole burst again, never more.
  EXPECT_EQ(passes(l, addr(1), t0 + 10s, 50), 5);
}

TEST(SourceRateLimiter, SustainedRateIsTheConfiguredRate) {
  SourceRateLimiter l(opts(100, 20));
  int ok = 0;
  // 1,000 packets per second for 10 s.
  for (int ms = 0; ms < 10'000; ++ms) ok += l.admit(addr(1), t0 + std::chrono::milliseconds(ms)) == RateVerdict::kPass;
  // burst + rate x 10 s (the last interval may or may not have come round).
  EXPECT_GE(ok, 20 + 999);
  EXPECT_LE(ok, 20 + 1000);
}

TEST(SourceRateLimiter, ZeroRateIsUnlimitedAndTracksNothing) {
  SourceRateLimiter l(opts(0, 1));
  EXPECT_EQ(passes(l, addr(1), t0, 100'000), 100'000);
  for (unsigned i = 0; i < 1000; ++i) EXPECT_EQ(l.admit(addr(i), t0), RateVerdict::kPass);
  EXPECT_EQ(l.tracked_sources(), 0u);
  EXPECT_EQ(l.limited_sources(t0, 1s), 0u);
}

TEST(SourceRateLimiter, OneFloodingSourceDoesNotLimitAnother) {
  SourceRateLimiter l(opts(10, 5));
  EXPECT_EQ(passes(l, addr(1), t0, 5), 5);
  EXPECT_EQ(passes(l, addr(1), t0, 10'000), 0);
  // A source seen before the flood keeps its own whole burst.
  SourceRateLimiter m(opts(10, 5));
  m.admit(addr(2), t0 - 10s);
  EXPECT_EQ(passes(m, addr(1), t0, 10'000), 5);
  EXPECT_EQ(passes(m, addr(2), t0, 5), 5);
  EXPECT_EQ(m.limited_sources(t0, 1s), 1u);
}

TEST(SourceRateLimiter, PeersHaveTheirOwnLimitAndNoSlot) {
  SourceRateLimiter l(opts(10, 5));
  const std::vector<Ipv6Address> peers{addr(100)};
  l.set_peers(peers);
  EXPECT_EQ(passes(l, addr(100), t0, 1000), 100);  // per_peer burst
  EXPECT_EQ(l.admit(addr(100), t0), RateVerdict::kLimitedPeer);
  EXPECT_EQ(l.tracked_sources(), 0u);
  // MN sources are unaffected by the peer's state, and the other way round.
  EXPECT_EQ(passes(l, addr(1), t0, 1000), 5);
  EXPECT_EQ(passes(l, addr(100), t0 + 10ms, 100), 10);  // 1,000/s for 10 ms
}

TEST(SourceRateLimiter, PeerLimitZeroIsUnlimited) {
  auto o = opts(10, 5);
  o.per_peer = {0, 1};
  SourceRateLimiter l(o);
  const std::vector<Ipv6Address> peers{addr(100)};
  l.set_peers(peers);
  EXPECT_EQ(passes(l, addr(100), t0, 100'000), 100'000);
}

TEST(SourceRateLimiter, SetPeersKeepsStateOfPeersThatStayAndForgetsTheirSourceSlot) {
  SourceRateLimiter l(opts(10, 5));
  l.admit(addr(7), t0);
  EXPECT_EQ(l.tracked_sources(), 1u);
  std::vector<Ipv6Address> peers{addr(100), addr(7)};
  l.set_peers(peers);
  EXPECT_EQ(l.tracked_sources(), 0u);  // addr(7) is a peer now
  EXPECT_EQ(passes(l, addr(100), t0, 1000), 100);
  peers = {addr(100)};
  l.set_peers(peers);
  EXPECT_EQ(l.admit(addr(100), t0), RateVerdict::kLimitedPeer);  // still empty
}

TEST(SourceRateLimiter, SpoofedSourcesShareOneBucket) {
  SourceRateLimiter l(opts(10, 5, 1000));
  l.admit(addr(999'999), t0 - 10s);  // a real source, seen earlier
  int ok = 0;
  for (unsigned i = 0; i < 10'000; ++i) ok += l.admit(addr(i), t0) == RateVerdict::kPass;
  EXPECT_EQ(ok, 5);  // the new-sources burst, in total
  EXPECT_EQ(l.admit(addr(20'000), t0), RateVerdict::kLimitedNewSources);
  EXPECT_EQ(l.tracked_sources(), 6u);  // only admitted sources got a slot
  EXPECT_EQ(passes(l, addr(999'999), t0, 5), 5);  // the real source is untouched
}

TEST(SourceRateLimiter, FullTableKeepsSourcesInDebtAndServesNewOnesFromTheSharedBucket) {
  SourceRateLimiter l(opts(10, 5, 2));
  EXPECT_EQ(passes(l, addr(1), t0, 50), 5);
  EXPECT_EQ(passes(l, addr(2), t0, 50), 5);
  // Both in debt: neither may be evicted. A new source passes (shared
  // bucket) but gets no slot.
  EXPECT_EQ(l.admit(addr(3), t0 + 1ms), RateVerdict::kPass);
  EXPECT_EQ(l.tracked_sources(), 2u);
  EXPECT_EQ(l.counters().table_full, 1u);
  EXPECT_EQ(l.counters().evictions, 0u);
  EXPECT_FALSE(l.tracks(addr(3)));
  // The flooders stay limited by their own buckets.
  EXPECT_EQ(l.admit(addr(1), t0 + 2ms), RateVerdict::kLimitedSource);
  EXPECT_EQ(l.admit(addr(2), t0 + 2ms), RateVerdict::kLimitedSource);
  // Memory stays bounded whatever arrives.
  for (unsigned i = 10; i < 10'000; ++i) l.admit(addr(i), t0 + 3ms);
  EXPECT_EQ(l.tracked_sources(), 2u);
}

TEST(SourceRateLimiter, EvictsOnlyTheLeastRecentlySeenIdleSource) {
  SourceRateLimiter l(opts(10, 5, 2));
  l.admit(addr(1), t0);
  l.admit(addr(2), t0 + 50ms);
  // At t0 + 120 ms addr(1) (oldest) has refilled: it makes room for addr(3).
  EXPECT_EQ(l.admit(addr(3), t0 + 120ms), RateVerdict::kPass);
  EXPECT_EQ(l.counters().evictions, 1u);
  EXPECT_EQ(l.tracked_sources(), 2u);
  // addr(2) was kept: still one token short of full until t0 + 150 ms, so
  // addr(4) finds no idle source to replace.
  EXPECT_EQ(l.admit(addr(4), t0 + 130ms), RateVerdict::kPass);
  EXPECT_EQ(l.counters().evictions, 1u);
  EXPECT_EQ(l.counters().table_full, 1u);
  // addr(2) seen again: now addr(3) is the least recently seen.
  l.admit(addr(2), t0 + 140ms);
  EXPECT_EQ(l.admit(addr(5), t0 + 300ms), RateVerdict::kPass);
  EXPECT_EQ(l.counters().evictions, 2u);
  EXPECT_TRUE(l.tracks(addr(2)));
  EXPECT_TRUE(l.tracks(addr(5)));
  EXPECT_FALSE(l.tracks(addr(3)));
  EXPECT_FALSE(l.tracks(addr(4)));
}

TEST(SourceRateLimiter, ALimitedFlooderCannotBeEvictedByNewSources) {
  SourceRateLimiter l(opts(10, 5, 2));
  EXPECT_EQ(passes(l, addr(1), t0, 1000), 5);  // in debt until t0 + 100 ms
  // addr(1) is the least recently seen source of a full table, but it is in
  // debt: the new sources pass on the shared bucket and find no slot.
  EXPECT_EQ(l.admit(addr(2), t0 + 1ms), RateVerdict::kPass);
  for (unsigned i = 3; i < 100; ++i) l.admit(addr(i), t0 + 2ms);
  EXPECT_EQ(l.counters().evictions, 0u);
  EXPECT_GE(l.counters().table_full, 1u);
  // Had it been forgotten, it would pass again with a fresh bucket.
  EXPECT_EQ(l.admit(addr(1), t0 + 10ms), RateVerdict::kLimitedSource);
  EXPECT_EQ(l.limited_sources(t0 + 10ms, 1s), 2u);  // addr(1) and the shared bucket
}

TEST(SourceRateLimiter, LimitedSourcesGaugeForgetsOldRefusals) {
  SourceRateLimiter l(opts(10, 5));
  passes(l, addr(1), t0, 10);
  passes(l, addr(2), t0, 10);
  passes(l, addr(3), t0, 3);
  EXPECT_EQ(l.limited_sources(t0, 1s), 2u);
  EXPECT_EQ(l.limited_sources(t0 + 2s, 1s), 0u);
}

TEST(SourceRateLimiter, ReconfigureShrinksAndSwitchesOff) {
  SourceRateLimiter l(opts(10, 5, 100));
  for (unsigned i = 0; i < 5; ++i) l.admit(addr(i), t0 + std::chrono::seconds(i));
  EXPECT_EQ(l.tracked_sources(), 5u);
  l.reconfigure(opts(10, 5, 2));
  EXPECT_EQ(l.tracked_sources(), 2u);
  // The two most recent stay (with their state).
  EXPECT_EQ(passes(l, addr(4), t0 + 4s, 10), 4);
  // A changed limit applies at once, from a full bucket.
  l.reconfigure(opts(1000, 5, 2));
  EXPECT_EQ(passes(l, addr(4), t0 + 4s + 1ms, 10), 5);
  EXPECT_EQ(passes(l, addr(4), t0 + 4s + 2ms, 10), 1);
  l.reconfigure(opts(0, 1, 2));
  EXPECT_EQ(l.tracked_sources(), 0u);
  EXPECT_EQ(passes(l, addr(4), t0 + 5s, 1000), 1000);
}

TEST(SourceRateLimiter, VerdictNames) {
  EXPECT_EQ(to_string(RateVerdict::kPass), "pass");
  EXPECT_EQ(to_string(RateVerdict::kLimitedSource), "per_source");
  EXPECT_EQ(to_string(RateVerdict::kLimitedPeer), "per_peer");
  EXPECT_EQ(to_string(RateVerdict::kLimitedNewSources), "new_source");
}

}  // namespace
}  // namespace mip6
