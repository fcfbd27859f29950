// SA lifetime accounting (sa_lifetime.h), RFC 4301 §4.4.2.1.
#include "crypto/sa_lifetime.h"

namespace crypto {

SaLifetimeTracker::SaLifetimeTracker(const SaLifetime& soft, const SaLifetime& hard,
                                     SaTime created)
    : soft_(soft), hard_(hard), created_(created) {}

void SaLifetimeTracker::count(std::uint64_t bytes) {
  bytes_ += bytes;
  ++packets_;
}

bool SaLifetimeTracker::reached(const SaLifetime& l, SaTime now) const {
  if (l.bytes != 0 && bytes_ >= l.bytes) return true;
  if (l.packets != 0 && packets_ >= l.packets) return true;
  if (l.seconds != 0 && now - created_ >= std::chrono::seconds(l.seconds)) return true;
  return false;
}

LifetimeEvents SaLifetimeTracker::poll(SaTime now) {
  LifetimeEvents ev;
  const bool hard = hard_reached(now);
  // A hard expiry implies the soft one: report both if soft was never seen.
  if (!soft_reported_ && (soft_reached(now) || hard)) {
    soft_reported_ = true;
    ev.soft_expired = true;
  }
  if (!hard_reported_ && hard) {
    hard_reported_ = true;
    ev.hard_expired = true;
  }
  return ev;
}

bool SaLifetimeTracker::volume_event_pending() const {
  auto volume = [this](const SaLifetime& l) {
    return (l.bytes != 0 && bytes_ >= l.bytes) || (l.packets != 0 && packets_ >= l.packets);
  };
  return (!soft_reported_ && volume(soft_)) || (!hard_reported_ && volume(hard_));
}

std::optional<SaTime> SaLifetimeTracker::next_deadline() const {
  std::optional<SaTime> d;
  if (!soft_reported_ && soft_.seconds != 0) d = created_ + std::chrono::seconds(soft_.seconds);
  if (!hard_reported_ && hard_.seconds != 0) {
    const SaTime h = created_ + std::chrono::seconds(hard_.seconds);
    if (!d || h < *d) d = h;
  }
  return d;
}

}  // namespace crypto
