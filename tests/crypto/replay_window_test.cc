// ReplayWindow: RFC 4303 §3.4.3 and Appendix A (ESN inference).
#include "crypto/replay_window.h"

#include <gtest/gtest.h>

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
