// Shared keyed ESP contexts (esp_context_cache.h).
#include "crypto/esp_context_cache.h"

namespace crypto {

EspContextCachePtr EspContextCache::make(std::size_t slots) {
  return std::make_shared<EspContextCache>(slots);
}

EspContextCache::EspContextCache(std::size_t slots) : slots_(slots == 0 ? 1 : slots) {}

mip6::Result<EspTransform*, EspError> EspContextCache::get(std::uint64_t id, EspAlgorithm a,
                                                           SaDirection d,
                                                           std::span<const std::uint8_t> key) {
  Slot& s = slot(id);
  if (s.owner == id && s.transform) {
    ++hits_;
    return s.transform.get();
  }
  ++misses_;
  s.owner = 0;
  if (s.transform && s.transform->algorithm() == a && s.transform->direction() == d) {
    if (!s.transform->rekey(key)) {
      s.transform.reset();
      return mip6::fail(EspError::kCryptoFailure);
    }
  } else {
    s.transform.reset();  // frees (and wipes) the other SA's contexts first
    auto t = make_esp_transform(a, key, d);
    if (!t) return mip6::fail(t.error());
    s.transform = std::move(t).value();
  }
  s.owner = id;
  return s.transform.get();
}

void EspContextCache::forget(std::uint64_t id) {
  Slot& s = slot(id);
  if (s.owner != id) return;
  s.owner = 0;
  s.transform.reset();
}

EspContextCacheStats EspContextCache::stats() const {
  EspContextCacheStats st{hits_, misses_, slots_.size(), 0};
  for (const auto& s : slots_)
    if (s.transform) ++st.slots_in_use;
  return st;
}

}  // namespace crypto
