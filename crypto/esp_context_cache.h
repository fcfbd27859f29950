// EspContextCache: keyed OpenSSL cipher/HMAC contexts shared by many ESP
// SAs, so that memory per SA is its key octets rather than its key
// schedules (issue #4: RSS per mobile node). An EspSa keeps its key
// material as SecretBytes and, for each packet, asks the cache for a
// transform keyed with it. Slots are direct-mapped by the SA's id (ids are
// handed out by the cache, consecutive SAs get different slots): a hit
// reuses the scheduled key at no cost, a miss re-keys the slot's contexts
// (one key schedule; cost in docs/PERFORMANCE.md), or builds them when the
// slot held another algorithm or direction. forget() frees an SA's slot when
// the SA goes away, so no key schedule outlives its SA. Not thread-safe: the
// SAs sharing a cache are used from one thread (the daemon's io_context).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "crypto/esp_error.h"
#include "crypto/esp_transform.h"
#include "crypto/sa.h"
#include "mip6/result.h"

namespace crypto {

class EspContextCache;
using EspContextCachePtr = std::shared_ptr<EspContextCache>;

struct EspContextCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;  // slot re-keyed or rebuilt
  std::size_t slots = 0;
  std::size_t slots_in_use = 0;  // slots holding contexts
};

class EspContextCache {
 public:
  static constexpr std::size_t kDefaultSlots = 256;
  // slots >= 1; contexts are created on first use, not here.
  static EspContextCachePtr make(std::size_t slots = kDefaultSlots);
  explicit EspContextCache(std::size_t slots);
  EspContextCache(const EspContextCache&) = delete;
  EspContextCache& operator=(const EspContextCache&) = delete;

  // A new id for an SA (never 0, never reused by this cache).
  std::uint64_t register_sa() { return next_id_++; }
  // The transform keyed for SA `id`, valid until the next call on this
  // cache. `key` is the SA's key material (key_material_size(a) octets).
  // kCryptoFailure when OpenSSL refuses the key.
  mip6::Result<EspTransform*, EspError> get(std::uint64_t id, EspAlgorithm a, SaDirection d,
                                            std::span<const std::uint8_t> key);
  // SA `id` is gone: its slot's contexts (and key schedule) are freed.
  void forget(std::uint64_t id);

  EspContextCacheStats stats() const;

 private:
  struct Slot {
    std::uint64_t owner = 0;  // SA id keyed into `transform`, 0 = none
    EspTransformPtr transform;
  };
  Slot& slot(std::uint64_t id) { return slots_[id % slots_.size()]; }

  std::vector<Slot> slots_;
  std::uint64_t next_id_ = 1;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace crypto
