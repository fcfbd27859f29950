// SA lifetime accounting (sa_lifetime.h), RFC 4301 §4.4.2.1.
#include "crypto/sa_lifetime.h"

namespace crypto {
namespace {

bool unlimited(const SaLifetime& l) { return l.bytes == 0 && l.packets == 0 && l.seconds == 0; }

}  // namespace

SaLifetimeTracker::SaLifetimeTracker(const SaLifetime& soft, const SaLifetime& hard,
                                     SaTime created)
    : limits_(unlimited(soft) && unlimited(hard)
                  ? nullptr
                  : std::make_unique<const Limits>(Limits{soft, hard, created})) {}

void SaLifetimeTracker::count(std::uint64_t bytes) {
  bytes_ += bytes;
  ++packets_;
}

// Called only with limits_ set (soft_reached/hard_reached check it).
bool SaLifetimeTracker::reached(const SaLifetime& l, SaTime now) const {
  if (l.bytes != 0 && bytes_ >= l.bytes) return true;
  if (l.packets != 0 && packets_ >= l.packets) return true;
  if (l.seconds != 0 && now - limits_->created >= std::chrono::seconds(l.seconds)) return true;
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
  if (!limits_) return false;
  auto volume = [this](const SaLifetime& l) {
    return (l.bytes != 0 && bytes_ >= l.bytes) || (l.packets != 0 && packets_ >= l.packets);
  };
  return (!soft_reported_ && volume(limits_->soft)) || (!hard_reported_ && volume(limits_->hard));
}

std::optional<SaTime> SaLifetimeTracker::next_deadline() const {
  std::optional<SaTime> d;
  if (!limits_) return d;
  const Limits& l = *limits_;
  if (!soft_reported_ && l.soft.seconds != 0) d = l.created + std::chrono::seconds(l.soft.seconds);
  if (!hard_reported_ && l.hard.seconds != 0) {
    const SaTime h = l.created + std::chrono::seconds(l.hard.seconds);
    if (!d || h < *d) d = h;
  }
  return d;
}

}  // namespace crypto
