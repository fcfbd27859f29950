// ReplayWindow: RFC 4303 §3.4.3 and Appendix A (ESN inference).
#include "crypto/replay_window.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace crypto {
namespace {

// Pre-check then accept, as EspSa does after a good ICV.
mip6::Result<std::uint64_t, EspError> receive(ReplayWindow& w, std::uint32_t low) {
  auto r = w.check(low);
  if (r) w.accept(*r);
  return r;
}

class WindowSize : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(WindowSize, EdgesDuplicatesAndTooOld) {
  const std::uint32_t W = GetParam();
  ReplayWindow w(W, false);
  EXPECT_EQ(w.check(0).error(), EspError::kTooOld) << "0 is never sent";
  ASSERT_TRUE(receive(w, 10 * W));
  EXPECT_EQ(w.highest(), 10u * W);
  EXPECT_EQ(receive(w, 10 * W).error(), EspError::kReplay);
  // Rightmost-but-one .. leftmost edge of the window are acceptable once.
  const std::uint32_t left = 10 * W - W + 1;
  EXPECT_TRUE(receive(w, left));
  EXPECT_EQ(receive(w, left).error(), EspError::kReplay);
  EXPECT_EQ(w.check(left - 1).error(), EspError::kTooOld);
  EXPECT_EQ(w.check(1).error(), EspError::kTooOld);
  for (std::uint32_t s = left + 1; s < 10 * W; ++s) ASSERT_TRUE(receive(w, s)) << s;
  for (std::uint32_t s = left; s <= 10 * W; ++s) ASSERT_EQ(w.check(s).error(), EspError::kReplay);
  // One step right: the old left edge becomes too old, the new number fits.
  ASSERT_TRUE(receive(w, 10 * W + 1));
  EXPECT_EQ(w.check(left).error(), EspError::kTooOld);
  EXPECT_EQ(w.check(left + 1).error(), EspError::kReplay);
}

TEST_P(WindowSize, FarAheadJumpForgetsOldBits) {
  const std::uint32_t W = GetParam();
  ReplayWindow w(W, false);
  for (std::uint32_t s = 1; s <= W; ++s) ASSERT_TRUE(receive(w, s));
  // Jump by less than the window: numbers that were received stay replays,
  // the gap is open.
  ASSERT_TRUE(receive(w, W + W / 2));
  EXPECT_EQ(w.check(W).error(), EspError::kReplay);
  EXPECT_TRUE(w.check(W + 1));
  EXPECT_TRUE(w.check(W + W / 2 - 1));
  // Jump far ahead (more than the bitmap): everything in the new window is new.
  const std::uint32_t far = 100 * W + 7;
  ASSERT_TRUE(receive(w, far));
  for (std::uint32_t s = far - W + 1; s < far; ++s) ASSERT_TRUE(w.check(s)) << s;
  EXPECT_EQ(w.check(far - W).error(), EspError::kTooOld);
  // Jumps of every size around the bitmap capacity keep bits exact.
  ReplayWindow v(W, false);
  std::uint64_t top = 0;
  for (std::uint32_t step : {1u, 63u, 64u, 65u, W - 1, W, W + 1, 2 * W, 127u, 3u}) {
    top += step;
    ASSERT_TRUE(receive(v, static_cast<std::uint32_t>(top)));
    for (std::uint64_t s = top > W ? top - W + 1 : 1; s < top; ++s) {
      auto r = v.check(static_cast<std::uint32_t>(s));
      // Only numbers we actually received earlier may be replays.
      if (!r) {
        ASSERT_EQ(r.error(), EspError::kReplay);
      }
    }
  }
}


// The window against a plain model (highest number + set of received
// numbers), over random in-order runs, losses, reordering and jumps: the
// lazily built bitmap must never change an answer.
TEST_P(WindowSize, MatchesAReferenceModel) {
  const std::uint32_t W = GetParam();
  std::mt19937_64 rng(W);
  for (int run = 0; run < 20; ++run) {
    ReplayWindow w(W, false);
    std::uint64_t top = 0;
    std::set<std::uint64_t> got;
    auto model = [&](std::uint64_t s) -> mip6::Result<std::uint64_t, EspError> {
      if (s == 0) return mip6::fail(EspError::kTooOld);
      if (s > top) return s;
      if (top - s >= W) return mip6::fail(EspError::kTooOld);
      if (got.count(s)) return mip6::fail(EspError::kReplay);
      return s;
    };
    const int loss_per_mille = run < 5 ? 0 : run * 10;
    std::uint64_t next = 1;
    for (int i = 0; i < 3000; ++i) {
      std::uint64_t s = next++;
      const auto r = rng() % 1000;
      if (r < static_cast<std::uint64_t>(loss_per_mille)) continue;  // lost
      if (run >= 5 && r % 97 == 0) next += rng() % (2 * W + 130);              // sender jumps ahead
      if (run >= 5 && r % 89 == 0 && s > 1) s -= 1 + rng() % std::min<std::uint64_t>(s - 1, W + 70);  // late or replayed
      const auto want = model(s);
      const auto have = w.check(static_cast<std::uint32_t>(s));
      ASSERT_EQ(static_cast<bool>(have), static_cast<bool>(want)) << "run " << run << " seq " << s;
      if (!want) {
        ASSERT_EQ(have.error(), want.error()) << "run " << run << " seq " << s;
        continue;
      }
      w.accept(s);
      got.insert(s);
      top = std::max(top, s);
      ASSERT_EQ(w.highest(), top);
    }
    if (run < 5 && W > 64) {
      EXPECT_FALSE(w.has_bitmap()) << "no gap seen: no reason for a bitmap";
    }
  }
}

TEST(ReplayWindow, InOrderTrafficNeedsNoBitmapAndALossBuildsIt) {
  ReplayWindow w(1024, false);
  for (std::uint32_t s = 1; s <= 5000; ++s) ASSERT_TRUE(receive(w, s));
  EXPECT_FALSE(w.has_bitmap());
  EXPECT_EQ(w.check(5000 - 1000).error(), EspError::kReplay);
  EXPECT_EQ(w.check(5000 - 1024).error(), EspError::kTooOld);
  // 5001 lost: once it is 64 behind the top, the bitmap has to remember it.
  for (std::uint32_t s = 5002; s <= 5100; ++s) ASSERT_TRUE(receive(w, s));
  EXPECT_TRUE(w.has_bitmap());
  EXPECT_TRUE(w.check(5001));
  EXPECT_EQ(w.check(5000).error(), EspError::kReplay);
  w.restore(6000);
  EXPECT_FALSE(w.has_bitmap());
  EXPECT_EQ(w.check(5500).error(), EspError::kReplay);
  EXPECT_EQ(w.check(6000 - 1024).error(), EspError::kTooOld);
  EXPECT_TRUE(w.check(6001));
}

INSTANTIATE_TEST_SUITE_P(Sizes, WindowSize, ::testing::Values(64u, 100u, 1024u, 4096u));

TEST(ReplayWindow, ReorderedWithinWindowAllAcceptedOnce) {
  ReplayWindow w(64, false);
  for (std::uint32_t s : {5u, 3u, 64u, 1u, 2u, 4u, 63u, 10u}) ASSERT_TRUE(receive(w, s)) << s;
  for (std::uint32_t s : {5u, 3u, 64u, 1u, 2u, 4u, 63u, 10u})
    EXPECT_EQ(w.check(s).error(), EspError::kReplay) << s;
  EXPECT_TRUE(w.check(6));
  EXPECT_TRUE(w.check(65));
}

TEST(ReplayWindow, CheckAloneNeverMovesTheWindow) {
  ReplayWindow w(64, false);
  ASSERT_TRUE(receive(w, 100));
  EXPECT_TRUE(w.check(1000));  // a forged packet would stop here (bad ICV)
  EXPECT_EQ(w.highest(), 100u);
  EXPECT_TRUE(w.check(99));
}

TEST(ReplayWindow, EsnInfersHighBitsAcrossTheWrap) {
  ReplayWindow w(64, true);
  ASSERT_TRUE(receive(w, 1000));
  // Case A (Tl >= W-1): small low numbers are the next subspace.
  auto r = w.check(5);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0x100000005ull);
  ASSERT_TRUE(receive(w, 0xfffffff0u));
  EXPECT_EQ(w.highest(), 0xfffffff0ull);
  ASSERT_TRUE(receive(w, 3));  // wraps: 2^32 + 3
  EXPECT_EQ(w.highest(), 0x100000003ull);
  // Case B (Tl < W-1): numbers near 2^32 belong to the previous subspace.
  r = w.check(0xfffffff5u);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0xfffffff5ull);
  EXPECT_EQ(w.check(0xfffffff0u).error(), EspError::kReplay);
  // Below the window's low edge in case B means "this subspace, ahead"
  // (Appendix A2.2), not "previous subspace".
  r = w.check(0xffffffc0u);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0x1ffffffc0ull);
  r = w.check(0);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0x100000000ull) << "low 0 is valid with ESN once high > 0";
  r = w.check(200);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0x1000000c8ull);
}

TEST(ReplayWindow, EsnFirstSubspaceHasNoPredecessor) {
  ReplayWindow w(64, true);
  ASSERT_TRUE(receive(w, 3));
  // Case B with Th = 0: 2^32-1 would be in subspace -1, which does not exist.
  EXPECT_EQ(w.check(0xffffffffu).error(), EspError::kTooOld);
  EXPECT_EQ(w.check(0).error(), EspError::kTooOld);
}

}  // namespace
}  // namespace crypto
