// SaLifetimeTracker: soft and hard SA lifetimes in bytes, packets and
// seconds (RFC 4301 §4.4.2.1). It counts what an SA has processed and, with
// the time passed in by the caller (no clock is read here), reports the soft
// and the hard expiry once each through poll(). A hard-expired SA must refuse
// every packet ("SA expired"); a soft expiry only asks for a rekey.
// Byte counts are of the protected payload (what the SA carried).
// An SA without limits (all zero, the case of every configured SA today)
// keeps one null pointer: the limits, the creation time, the counters and
// what was reported live in a block allocated only when some limit is set
// (issue #4, memory per mobile node). Without limits nothing is counted
// (the counters exist to find limits; bytes()/packets() then read 0).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "crypto/sa.h"

namespace crypto {

using SaClock = std::chrono::steady_clock;
using SaTime = SaClock::time_point;

struct LifetimeEvents {
  bool soft_expired = false;  // reported once, by the first poll() after it happened
  bool hard_expired = false;  // reported once
  bool any() const { return soft_expired || hard_expired; }
};

class SaLifetimeTracker {
 public:
  SaLifetimeTracker(const SaLifetime& soft, const SaLifetime& hard, SaTime created);

  // One packet of `bytes` payload octets processed.
  void count(std::uint64_t bytes);
  bool soft_reached(SaTime now) const { return state_ && reached(state_->soft, now); }
  bool hard_reached(SaTime now) const { return state_ && reached(state_->hard, now); }
  // Events not reported before; each is returned by exactly one call.
  LifetimeEvents poll(SaTime now);
  // Earliest time-based expiry not yet reported (for the caller's timer).
  std::optional<SaTime> next_deadline() const;
  // True when a byte or packet limit has been reached but not yet reported by
  // poll(): the SAD uses it to schedule a poll right after the packet.
  bool volume_event_pending() const;

  // Payload octets and packets counted so far; 0 for an SA without limits.
  std::uint64_t bytes() const { return state_ ? state_->bytes : 0; }
  std::uint64_t packets() const { return state_ ? state_->packets : 0; }
  // The limits given at construction (all zero: none).
  SaLifetime soft_limit() const { return state_ ? state_->soft : SaLifetime{}; }
  SaLifetime hard_limit() const { return state_ ? state_->hard : SaLifetime{}; }

 private:
  struct State {
    SaLifetime soft;
    SaLifetime hard;
    SaTime created;
    std::uint64_t bytes = 0;
    std::uint64_t packets = 0;
    bool soft_reported = false;
    bool hard_reported = false;
  };
  bool reached(const SaLifetime& l, SaTime now) const;

  std::unique_ptr<State> state_;  // null: no limit at all
};

}  // namespace crypto
