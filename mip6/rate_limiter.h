// SourceRateLimiter: admission control for inbound signalling, keyed by the
// outer IPv6 source address, so that a flood from one address cannot starve
// the others (issue #7, docs/operations.md "Rate limits"). Each tracked
// source has a token bucket (rate, burst), kept as a GCRA "theoretical
// arrival time" (ITU-T I.371): one integer per source, O(1) per packet, no
// floating point. Configured HARP peers have their own buckets with their own
// (higher) limit; they never share the source table and are never evicted.
// The source table is bounded (max_sources). A packet from a source without a
// bucket is first charged to one shared "new sources" bucket (per-source
// rate and burst), so a flood of spoofed addresses gets no more than one
// source's budget in total; if admitted, the source gets a bucket when a slot
// is free or when the least recently seen source's bucket has refilled
// completely (an idle, full bucket carries no state, so evicting it loses
// nothing). A source still in debt is never evicted: a limited flooder
// cannot escape its debt by being forgotten. When the table is full of such
// sources, new sources keep being served by the shared bucket alone. Time
// comes in as an argument (no clock reads); the hash is keyed with a seed the
// caller chooses at random, so colliding addresses cannot be precomputed.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "mip6/address.h"
#include "mip6/clock.h"

namespace mip6 {

// A token bucket: `rate_per_s` tokens per second, at most `burst` saved up.
struct TokenBucketLimit {
  std::uint32_t rate_per_s = 0;  // 0 = unlimited
  std::uint32_t burst = 1;       // >= 1 when limited
  bool unlimited() const { return rate_per_s == 0; }
};

struct SourceRateLimiterOptions {
  TokenBucketLimit per_source;   // every non-peer source, and the "new sources" bucket
  TokenBucketLimit per_peer;     // each configured HARP peer
  std::uint32_t max_sources = 65536;  // tracked non-peer sources, >= 1
  std::uint64_t hash_seed = 0;        // random per process
};

enum class RateVerdict : std::uint8_t {
  kPass,
  kLimitedSource,      // the source's own bucket is empty
  kLimitedPeer,        // the peer's bucket is empty
  kLimitedNewSources,  // an untracked source, and the shared bucket is empty
};
std::string_view to_string(RateVerdict v);  // "pass", "per_source", "per_peer", "new_source"

struct RateLimiterCounters {
  std::uint64_t evictions = 0;   // idle sources forgotten to make room
  std::uint64_t table_full = 0;  // admitted new sources that found no slot
};

class SourceRateLimiter {
 public:
  explicit SourceRateLimiter(const SourceRateLimiterOptions& options);

  // The verdict for one packet from `source` at `now`. Limited packets do not
  // consume tokens.
  RateVerdict admit(const Ipv6Address& source, Clock::time_point now);

  // Replaces the peer set; peers that stay keep their buckets. A new peer's
  // entry in the source table is removed.
  void set_peers(std::span<const Ipv6Address> peers);
  // New limits (reload). Buckets whose limit changed start full again, the
  // others keep their state; a smaller max_sources forgets the least
  // recently seen sources; per-source "unlimited" forgets them all. The hash
  // seed stays the one given at construction.
  void reconfigure(const SourceRateLimiterOptions& options);

  std::size_t tracked_sources() const { return index_.size(); }
  bool tracks(const Ipv6Address& source) const { return index_.contains(source); }
  // Sources (peers included, the "new sources" bucket counting as one) that
  // had a packet refused within `window` before `now`: the gauge of who is
  // being limited right now. O(tracked sources).
  std::size_t limited_sources(Clock::time_point now, Clock::duration window) const;
  const RateLimiterCounters& counters() const { return counters_; }
  const SourceRateLimiterOptions& options() const { return options_; }

 private:
  static constexpr std::uint32_t kNil = 0xffffffffu;
  struct Bucket {
    std::int64_t tat_ns = INT64_MIN;        // GCRA theoretical arrival time
    std::int64_t last_refused_ns = INT64_MIN;
  };
  struct Slot {
    Ipv6Address source;
    Bucket bucket;
    std::uint32_t newer = kNil, older = kNil;  // LRU list
  };
  struct KeyedHash {
    std::uint64_t seed;
    std::size_t operator()(const Ipv6Address& a) const noexcept;
  };

  static bool conform(Bucket& b, const TokenBucketLimit& l, std::int64_t now_ns);
  static bool full(const Bucket& b, std::int64_t now_ns) { return b.tat_ns <= now_ns; }
  void unlink(std::uint32_t i);
  void push_newest(std::uint32_t i);
  void remove_slot(std::uint32_t i);
  // A slot for a newly admitted source, or kNil when the table is full of
  // sources still in debt.
  std::uint32_t take_slot(std::int64_t now_ns);

  SourceRateLimiterOptions options_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::unordered_map<Ipv6Address, std::uint32_t, KeyedHash> index_;
  std::uint32_t newest_ = kNil, oldest_ = kNil;
  std::unordered_map<Ipv6Address, Bucket, KeyedHash> peers_;
  Bucket new_sources_;
  RateLimiterCounters counters_;
};

}  // namespace mip6
