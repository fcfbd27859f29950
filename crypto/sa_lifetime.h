// SaLifetimeTracker: soft and hard SA lifetimes in bytes, packets and
// seconds (RFC 4301 §4.4.2.1). It counts what an SA has processed and, with
// the time passed in by the caller (no clock is read here), reports the soft
// and the hard expiry once each through poll(). A hard-expired SA must refuse
// every packet ("SA expired"); a soft expiry only asks for a rekey.
// Byte counts are of the protected payload (what the SA carried).
// An SA without limits (all zero, the case of every configured SA today)
// keeps only its two counters: the limits and the creation time live in a
// separate block allocated only when some limit is set (issue #4, memory
// per mobile node).
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
  bool soft_reached(SaTime now) const { return limits_ && reached(limits_->soft, now); }
  bool hard_reached(SaTime now) const { return limits_ && reached(limits_->hard, now); }
  // Events not reported before; each is returned by exactly one call.
  LifetimeEvents poll(SaTime now);
  // Earliest time-based expiry not yet reported (for the caller's timer).
  std::optional<SaTime> next_deadline() const;
  // True when a byte or packet limit has been reached but not yet reported by
  // poll(): the SAD uses it to schedule a poll right after the packet.
  bool volume_event_pending() const;

  std::uint64_t bytes() const { return bytes_; }
  std::uint64_t packets() const { return packets_; }
  // The limits given at construction (all zero: none).
  SaLifetime soft_limit() const { return limits_ ? limits_->soft : SaLifetime{}; }
  SaLifetime hard_limit() const { return limits_ ? limits_->hard : SaLifetime{}; }

 private:
  struct Limits {
    SaLifetime soft;
    SaLifetime hard;
    SaTime created;
  };
  bool reached(const SaLifetime& l, SaTime now) const;

  std::unique_ptr<const Limits> limits_;  // null: no limit at all
  std::uint64_t bytes_ = 0;
  std::uint64_t packets_ = 0;
  bool soft_reported_ = false;
  bool hard_reported_ = false;
};

}  // namespace crypto
