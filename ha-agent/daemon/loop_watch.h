// LoopWatch: how long each piece of work held the daemon's one event loop,
// and how late its timer fired (DESIGN.md §2: one thread for all protocol
// state). A HARP peer declares us dead after dead_multiplier Hellos missed,
// so a loop held for longer than a Hello interval is an outage in the
// making; the operator sees it as a warning naming the work that held the
// loop ("event loop held 312 ms by timer"), in `ha_agent_loop_stalls_total`
// and in the longest hold per kind of work. Clock readings come in from the
// caller; this class reads no clock.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "ha-agent/log/log.h"
#include "ha-agent/metrics/registry.h"

namespace ha_agent {

class LoopWatch {
 public:
  using Clock = std::chrono::steady_clock;
  // What held the loop: one received packet, one timer round (bindings,
  // HARP, NA repeats, SA lifetimes), one admin request, deferred kernel
  // work (routes, proxy entries, NAs of adopted bindings), and the lateness
  // of the timer itself (the loop or the process was busy elsewhere: CPU
  // starvation or work not measured here).
  enum class Work : std::uint8_t { kPacket, kTimer, kAdmin, kKernelBatch, kTimerLateness, kCount };
  static std::string_view to_string(Work w);

  LoopWatch(metrics::Registry& metrics, log::Logger& log);
  // A hold longer than `threshold` counts as a stall (HARP: half the Hello
  // interval; without HARP 100 ms).
  void set_threshold(Clock::duration threshold) { threshold_ = threshold; }
  Clock::duration threshold() const { return threshold_; }

  void record(Work w, Clock::duration held, Clock::time_point now);
  // What the current piece of work is about, named in its stall warning
  // ("packet: State Synchronization"). A static name: no string per packet.
  void note(std::string_view what) { note_ = what; }

  // RAII: measures from construction to destruction.
  class Scope {
   public:
    Scope(LoopWatch& w, Work what) : watch_(w), what_(what), start_(Clock::now()) {
      w.note_ = {};
    }
    ~Scope() {
      const auto end = Clock::now();
      watch_.record(what_, end - start_, end);
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    LoopWatch& watch_;
    Work what_;
    Clock::time_point start_;
  };

 private:
  metrics::Registry& metrics_;
  log::Logger& log_;
  Clock::duration threshold_ = std::chrono::milliseconds(100);
  std::string_view note_;
  std::array<metrics::Metric*, static_cast<std::size_t>(Work::kCount)> stalls_{};
  std::array<metrics::Metric*, static_cast<std::size_t>(Work::kCount)> longest_ms_{};
  log::RateLimiter log_limit_{5, std::chrono::seconds(10)};
};

}  // namespace ha_agent
