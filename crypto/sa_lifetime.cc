// SA lifetime accounting (sa_lifetime.h), RFC 4301 §4.4.2.1.
#include "crypto/sa_lifetime.h"

namespace crypto {
namespace {

bool unlimited(const SaLifetime& l) { return l.bytes == 0 && l.packets == 0 && l.seconds == 0; }

}  // namespace

SaLifetimeTracker::SaLifetimeTracker(const SaLifetime& soft, const SaLifetime& hard,
                                     SaTime created)
    : state_(unlimited(soft) && unlimited(hard)
                 ? nullptr
                 : std::make_unique<State>(State{soft, hard, created})) {}

void SaLifetimeTracker::count(std::uint64_t bytes) {
  if (!state_) return;  // no limit to reach: nothing to count
  state_->bytes += bytes;
  ++state_->packets;
}

// Called only with state_ set (soft_reached/hard_reached check it).
bool SaLifetimeTracker::reached(const SaLifetime& l, SaTime now) const {
  if (l.bytes != 0 && state_->bytes >= l.bytes) return true;
  if (l.packets != 0 && state_->packets >= l.packets) return true;
  if (l.seconds != 0 && now - state_->created >= std::chrono::seconds(l.seconds)) return true;
  return false;
}

LifetimeEvents SaLifetimeTracker::poll(SaTime now) {
  LifetimeEvents ev;
  if (!state_) return ev;
  State& s = *state_;
  const bool hard = hard_reached(now);
  // A hard expiry implies the soft one: report both if soft was never seen.
  if (!s.soft_reported && (soft_reached(now) || hard)) {
    s.soft_reported = true;
    ev.soft_expired = true;
  }
  if (!s.hard_reported && hard) {
    s.hard_reported = true;
    ev.hard_expired = true;
  }
  return ev;
}

bool SaLifetimeTracker::volume_event_pending() const {
  if (!state_) return false;
  const State& s = *state_;
  auto volume = [&s](const SaLifetime& l) {
    return (l.bytes != 0 && s.bytes >= l.bytes) || (l.packets != 0 && s.packets >= l.packets);
  };
  return (!s.soft_reported && volume(s.soft)) || (!s.hard_reported && volume(s.hard));
}

std::optional<SaTime> SaLifetimeTracker::next_deadline() const {
  std::optional<SaTime> d;
  if (!state_) return d;
  const State& l = *state_;
  if (!l.soft_reported && l.soft.seconds != 0) d = l.created + std::chrono::seconds(l.soft.seconds);
  if (!l.hard_reported && l.hard.seconds != 0) {
    const SaTime h = l.created + std::chrono::seconds(l.hard.seconds);
    if (!d || h < *d) d = h;
  }
  return d;
}

}  // namespace crypto
