#include "mip6/rate_limiter.h"

#include <algorithm>

namespace mip6 {
namespace {

std::int64_t ns_of(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

// Large enough for any real table; keeps slot indices below kNil.
constexpr std::uint32_t kMaxSlots = 1u << 28;

}  // namespace

std::string_view to_string(RateVerdict v) {
  switch (v) {
    case RateVerdict::kPass: return "pass";
    case RateVerdict::kLimitedSource: return "per_source";
    case RateVerdict::kLimitedPeer: return "per_peer";
    case RateVerdict::kLimitedNewSources: return "new_source";
  }
  return "?";
}

std::size_t SourceRateLimiter::KeyedHash::operator()(const Ipv6Address& a) const noexcept {
  std::uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = hi << 8 | a.bytes()[i];
  for (int i = 8; i < 16; ++i) lo = lo << 8 | a.bytes()[i];
  return static_cast<std::size_t>(mix(mix(seed ^ hi) ^ lo));
}

SourceRateLimiter::SourceRateLimiter(const SourceRateLimiterOptions& options)
    : options_(options),
      index_(0, KeyedHash{options.hash_seed}),
      peers_(0, KeyedHash{options.hash_seed ^ 0x9e3779b97f4a7c15ull}) {
  options_.max_sources = std::clamp<std::uint32_t>(options_.max_sources, 1, kMaxSlots);
}

// GCRA (virtual scheduling): a packet conforms when it does not arrive more
// than (burst - 1) emission intervals before its theoretical arrival time;
// that is a token bucket of depth `burst` refilled at `rate` per second.
bool SourceRateLimiter::conform(Bucket& b, const TokenBucketLimit& l, std::int64_t now_ns) {
  if (l.unlimited()) return true;
  const std::int64_t interval = std::max<std::int64_t>(1, 1'000'000'000 / l.rate_per_s);
  const std::int64_t tolerance = interval * (std::max<std::uint32_t>(l.burst, 1) - 1);
  const std::int64_t tat = std::max(b.tat_ns, now_ns);
  if (tat - now_ns > tolerance) {
    b.last_refused_ns = now_ns;
    return false;
  }
  b.tat_ns = tat + interval;
  return true;
}

void SourceRateLimiter::unlink(std::uint32_t i) {
  Slot& s = slots_[i];
  if (s.newer != kNil) slots_[s.newer].older = s.older;
  else newest_ = s.older;
  if (s.older != kNil) slots_[s.older].newer = s.newer;
  else oldest_ = s.newer;
  s.newer = s.older = kNil;
}

void SourceRateLimiter::push_newest(std::uint32_t i) {
  Slot& s = slots_[i];
  s.newer = kNil;
  s.older = newest_;
  if (newest_ != kNil) slots_[newest_].newer = i;
  newest_ = i;
  if (oldest_ == kNil) oldest_ = i;
}

void SourceRateLimiter::remove_slot(std::uint32_t i) {
  unlink(i);
  index_.erase(slots_[i].source);
  free_.push_back(i);
}

std::uint32_t SourceRateLimiter::take_slot(std::int64_t now_ns) {
  if (index_.size() < options_.max_sources) {
    if (!free_.empty()) {
      const std::uint32_t i = free_.back();
      free_.pop_back();
      return i;
    }
    slots_.emplace_back();
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }
  // Full: only the least recently seen source, and only when its bucket has
  // refilled (it is then indistinguishable from a source never seen).
  if (oldest_ == kNil || !full(slots_[oldest_].bucket, now_ns)) return kNil;
  const std::uint32_t i = oldest_;
  remove_slot(i);
  free_.pop_back();
  ++counters_.evictions;
  return i;
}

RateVerdict SourceRateLimiter::admit(const Ipv6Address& source, Clock::time_point now) {
  const std::int64_t now_ns = ns_of(now);
  if (!peers_.empty())
    if (auto p = peers_.find(source); p != peers_.end())
      return conform(p->second, options_.per_peer, now_ns) ? RateVerdict::kPass
                                                           : RateVerdict::kLimitedPeer;
  if (options_.per_source.unlimited()) return RateVerdict::kPass;
  if (auto it = index_.find(source); it != index_.end()) {
    const std::uint32_t i = it->second;
    if (i != newest_) {
      unlink(i);
      push_newest(i);
    }
    return conform(slots_[i].bucket, options_.per_source, now_ns) ? RateVerdict::kPass
                                                                  : RateVerdict::kLimitedSource;
  }
  // Untracked: the shared bucket first, so spoofed sources cannot each bring
  // a fresh bucket of their own.
  if (!conform(new_sources_, options_.per_source, now_ns)) return RateVerdict::kLimitedNewSources;
  const std::uint32_t i = take_slot(now_ns);
  if (i == kNil) {
    ++counters_.table_full;
    return RateVerdict::kPass;
  }
  Slot& s = slots_[i];
  s.source = source;
  s.bucket = Bucket{};
  conform(s.bucket, options_.per_source, now_ns);  // a full bucket: always conforms
  index_.emplace(source, i);
  push_newest(i);
  return RateVerdict::kPass;
}

void SourceRateLimiter::set_peers(std::span<const Ipv6Address> peers) {
  std::unordered_map<Ipv6Address, Bucket, KeyedHash> next(0, peers_.hash_function());
  for (const auto& p : peers) {
    auto old = peers_.find(p);
    next.emplace(p, old != peers_.end() ? old->second : Bucket{});
    if (auto it = index_.find(p); it != index_.end()) remove_slot(it->second);
  }
  peers_ = std::move(next);
}

void SourceRateLimiter::reconfigure(const SourceRateLimiterOptions& options) {
  const std::uint64_t seed = options_.hash_seed;  // the tables stay hashed as they are
  const bool source_limit_changed = options.per_source.rate_per_s != options_.per_source.rate_per_s ||
                                    options.per_source.burst != options_.per_source.burst;
  const bool peer_limit_changed = options.per_peer.rate_per_s != options_.per_peer.rate_per_s ||
                                  options.per_peer.burst != options_.per_peer.burst;
  options_ = options;
  options_.hash_seed = seed;
  options_.max_sources = std::clamp<std::uint32_t>(options_.max_sources, 1, kMaxSlots);
  if (options_.per_source.unlimited()) {
    index_.clear();
    slots_.clear();
    free_.clear();
    newest_ = oldest_ = kNil;
    new_sources_ = Bucket{};
    return;
  }
  while (index_.size() > options_.max_sources) remove_slot(oldest_);
  // A debt measured under the old limit means nothing under the new one:
  // changed buckets start full (one extra burst per reload at most).
  auto refill = [](Bucket& b) { b.tat_ns = INT64_MIN; };
  if (source_limit_changed) {
    for (const auto& [source, i] : index_) refill(slots_[i].bucket);
    refill(new_sources_);
  }
  if (peer_limit_changed)
    for (auto& [peer, b] : peers_) refill(b);
}

std::size_t SourceRateLimiter::limited_sources(Clock::time_point now,
                                               Clock::duration window) const {
  const std::int64_t since =
      ns_of(now) - std::chrono::duration_cast<std::chrono::nanoseconds>(window).count();
  std::size_t n = new_sources_.last_refused_ns >= since ? 1 : 0;
  for (const auto& [source, i] : index_) n += slots_[i].bucket.last_refused_ns >= since;
  for (const auto& [source, b] : peers_) n += b.last_refused_ns >= since;
  return n;
}

}  // namespace mip6
