// LoopWatch (ha-agent/daemon/loop_watch.h): holds above the threshold are
// counted per kind of work, the longest hold is kept, holds at or below the
// threshold only update the longest.
#include "ha-agent/daemon/loop_watch.h"

#include <gtest/gtest.h>

namespace ha_agent {
namespace {

using std::chrono::milliseconds;

std::uint64_t value(const metrics::Registry& r, std::string_view name, std::string_view work) {
  for (const auto& m : r.all())
    if (m.name == name && !m.labels.empty() && m.labels[0].second == work) return m.value;
  ADD_FAILURE() << "no metric " << name << "{work=" << work << "}";
  return 0;
}

TEST(LoopWatch, CountsStallsAboveTheThresholdPerWork) {
  metrics::Registry reg;
  auto log = log::channel("daemon");
  LoopWatch w(reg, log);
  w.set_threshold(milliseconds(10));
  const auto t0 = LoopWatch::Clock::time_point{} + std::chrono::hours(1);
  w.record(LoopWatch::Work::kPacket, milliseconds(10), t0);  // at the threshold: no stall
  w.record(LoopWatch::Work::kPacket, milliseconds(3), t0);
  EXPECT_EQ(value(reg, "ha_agent_loop_stalls_total", "packet"), 0u);
  EXPECT_EQ(value(reg, "ha_agent_loop_longest_hold_ms", "packet"), 10u);
  w.record(LoopWatch::Work::kTimer, milliseconds(841), t0);
  w.record(LoopWatch::Work::kTimer, milliseconds(11), t0);
  EXPECT_EQ(value(reg, "ha_agent_loop_stalls_total", "timer"), 2u);
  EXPECT_EQ(value(reg, "ha_agent_loop_longest_hold_ms", "timer"), 841u);
  EXPECT_EQ(value(reg, "ha_agent_loop_stalls_total", "packet"), 0u);
  // Many stalls: every one counted even when the warning is rate-limited.
  for (int i = 0; i < 100; ++i) w.record(LoopWatch::Work::kTimerLateness, milliseconds(50), t0);
  EXPECT_EQ(value(reg, "ha_agent_loop_stalls_total", "timer_lateness"), 100u);
  EXPECT_EQ(value(reg, "ha_agent_loop_stalls_total", "admin"), 0u);
  EXPECT_EQ(value(reg, "ha_agent_loop_stalls_total", "kernel_batch"), 0u);
}

TEST(LoopWatch, NegativeDurationsCountAsZero) {
  metrics::Registry reg;
  auto log = log::channel("daemon");
  LoopWatch w(reg, log);
  w.record(LoopWatch::Work::kTimerLateness, -milliseconds(5), LoopWatch::Clock::time_point{});
  EXPECT_EQ(value(reg, "ha_agent_loop_longest_hold_ms", "timer_lateness"), 0u);
  EXPECT_EQ(value(reg, "ha_agent_loop_stalls_total", "timer_lateness"), 0u);
}

TEST(LoopWatch, NamesEveryWork) {
  for (auto w : {LoopWatch::Work::kPacket, LoopWatch::Work::kTimer, LoopWatch::Work::kAdmin,
                 LoopWatch::Work::kKernelBatch, LoopWatch::Work::kTimerLateness})
    EXPECT_NE(LoopWatch::to_string(w), "unknown");
}

}  // namespace
}  // namespace ha_agent
