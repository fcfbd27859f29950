#include "ha-agent/daemon/loop_watch.h"

#include <algorithm>

namespace ha_agent {

std::string_view LoopWatch::to_string(Work w) {
  switch (w) {
    case Work::kPacket: return "packet";
    case Work::kTimer: return "timer";
    case Work::kAdmin: return "admin";
    case Work::kKernelBatch: return "kernel_batch";
    case Work::kTimerLateness: return "timer_lateness";
    case Work::kCount: break;
  }
  return "unknown";
}

LoopWatch::LoopWatch(metrics::Registry& metrics, log::Logger& log) : metrics_(metrics), log_(log) {
  for (std::size_t i = 0; i < stalls_.size(); ++i) {
    const std::string work(to_string(static_cast<Work>(i)));
    stalls_[i] = &metrics_.counter(
        "ha_agent_loop_stalls_total", {{"work", work}},
        "Times one piece of work held the event loop (or the timer fired late) longer than the "
        "stall threshold (half the HARP Hello interval, else 100 ms), by work");
    longest_ms_[i] = &metrics_.gauge("ha_agent_loop_longest_hold_ms", {{"work", work}},
                                     "Longest time one piece of work held the event loop "
                                     "(timer_lateness: latest timer firing), by work, ms");
  }
}

void LoopWatch::record(Work w, Clock::duration held, Clock::time_point now) {
  const auto i = static_cast<std::size_t>(w);
  const auto ms = static_cast<std::uint64_t>(
      std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(held).count()));
  if (ms > longest_ms_[i]->value) longest_ms_[i]->set(ms);
  if (held <= threshold_) return;
  stalls_[i]->inc();
  std::uint64_t suppressed = 0;
  if (!log_limit_.allow(now, suppressed)) return;
  HA_LOG(log_, kWarning) << "event loop " << (w == Work::kTimerLateness ? "timer fired " : "held ")
                         << ms << " ms " << (w == Work::kTimerLateness ? "late" : "by " + std::string(to_string(w)))
                         << (note_.empty() || w == Work::kTimerLateness ? "" : ": " + std::string(note_))
                         << " (stall threshold "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(threshold_).count()
                         << " ms; HARP peers may miss Hellos)"
                         << (suppressed ? " [" + std::to_string(suppressed) + " more suppressed]" : "");
}

}  // namespace ha_agent
