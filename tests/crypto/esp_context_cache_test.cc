// EspContextCache: SAs sharing keyed OpenSSL contexts must produce exactly
// the bytes of SAs with contexts of their own, whatever else used the
// shared slots in between (re-key, rebuild for another algorithm or
// direction); forget() frees an SA's contexts when it goes away.
#include "crypto/esp_context_cache.h"

#include <gtest/gtest.h>

#include <vector>

#include "crypto/esp_sa.h"
#include "tests/crypto/test_util.h"

namespace crypto {
namespace {

using test::kAllAlgorithms;
using test::params;
using test::t0;

EspSaPtr make_shared_sa(SaParams p, const EspContextCachePtr& cache) {
  auto r = EspSa::create(std::move(p), t0(), cache);
  return r ? std::move(r).value() : nullptr;
}

std::vector<std::uint8_t> seal(EspSa& sa, std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> pl(n);
  for (std::size_t i = 0; i < n; ++i) pl[i] = static_cast<std::uint8_t>(seed + 3 * i);
  std::vector<std::uint8_t> esp(sa.protected_size(n));
  auto r = sa.protect(pl, 135, esp, t0());
  EXPECT_TRUE(r) << to_string(r.error());
  return esp;
}

// Reference: every SA with its own contexts (the behaviour before sharing).
// Shared: the same SAs (same keys: seeds differ per SA) in one cache of
// `slots` slots, used in an interleaving that forces misses.
TEST(EspContextCache, SharedContextsGiveTheSameBytesAsPrivateOnes) {
  for (std::size_t slots : {1u, 2u, 3u, 64u}) {
    auto cache = EspContextCache::make(slots);
    std::vector<EspSaPtr> ref_out, ref_in, sh_out, sh_in;
    std::uint32_t spi = 0x2000;
    for (int round = 0; round < 2; ++round)
      for (auto a : kAllAlgorithms) {
        ++spi;
        auto po = params(a, SaDirection::kOutbound, round == 1, spi);
        po.key = test::test_key(a, static_cast<std::uint8_t>(spi));
        auto pi = params(a, SaDirection::kInbound, round == 1, spi);
        pi.key = test::test_key(a, static_cast<std::uint8_t>(spi));
        auto po2 = params(a, SaDirection::kOutbound, round == 1, spi);
        po2.key = test::test_key(a, static_cast<std::uint8_t>(spi));
        auto pi2 = params(a, SaDirection::kInbound, round == 1, spi);
        pi2.key = test::test_key(a, static_cast<std::uint8_t>(spi));
        ref_out.push_back(test::make_sa(std::move(po)));
        ref_in.push_back(test::make_sa(std::move(pi)));
        sh_out.push_back(make_shared_sa(std::move(po2), cache));
        sh_in.push_back(make_shared_sa(std::move(pi2), cache));
        ASSERT_TRUE(ref_out.back() && ref_in.back() && sh_out.back() && sh_in.back());
      }
    for (int k = 0; k < 5; ++k)
      for (std::size_t i = 0; i < sh_out.size(); ++i) {
        const auto n = static_cast<std::size_t>(10 + 7 * k + i);
        auto a = seal(*ref_out[i], n, static_cast<std::uint8_t>(i));
        auto b = seal(*sh_out[i], n, static_cast<std::uint8_t>(i));
        ASSERT_EQ(a, b) << "slots " << slots << " sa " << i << " packet " << k;
        // Opened by the shared inbound SA of the same key; the next SA
        // (other key, maybe other algorithm) must refuse it.
        std::vector<std::uint8_t> out(b.size());
        auto r = sh_in[i]->unprotect(b, out, t0());
        ASSERT_TRUE(r) << to_string(r.error()) << " slots " << slots << " sa " << i;
        EXPECT_EQ(r->payload_size, n);
        const std::size_t j = (i + 1) % sh_in.size();
        auto wrong = sh_in[j]->unprotect(b, out, t0());
        EXPECT_FALSE(wrong) << "another SA's key must not open it";
      }
    const auto st = cache->stats();
    EXPECT_EQ(st.slots, slots);
    EXPECT_GT(st.misses, 0u);
    if (slots >= sh_out.size() * 2) {
      EXPECT_GT(st.hits, 0u);
    }
  }
}

TEST(EspContextCache, HitsWhileOneSaIsHot) {
  auto cache = EspContextCache::make(8);
  auto out = make_shared_sa(params(EspAlgorithm::kAesGcm128, SaDirection::kOutbound), cache);
  ASSERT_TRUE(out);
  const auto before = cache->stats();
  for (int i = 0; i < 10; ++i) seal(*out, 20, 1);
  const auto after = cache->stats();
  EXPECT_EQ(after.hits - before.hits, 10u);
  EXPECT_EQ(after.misses, before.misses);
}

TEST(EspContextCache, ForgetFreesTheSlotOfADestroyedSa) {
  auto cache = EspContextCache::make(4);
  auto a =
      make_shared_sa(params(EspAlgorithm::kAesCbc128HmacSha256, SaDirection::kOutbound), cache);
  auto b = make_shared_sa(params(EspAlgorithm::kAesGcm256, SaDirection::kInbound), cache);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(cache->stats().slots_in_use, 2u);
  a.reset();
  EXPECT_EQ(cache->stats().slots_in_use, 1u);
  b.reset();
  EXPECT_EQ(cache->stats().slots_in_use, 0u);
  // Ids are never reused: a forgotten id does not free a newer SA's slot.
  auto c = make_shared_sa(params(EspAlgorithm::kAesGcm128, SaDirection::kOutbound), cache);
  ASSERT_TRUE(c);
  cache->forget(1);
  EXPECT_EQ(cache->stats().slots_in_use, 1u);
  seal(*c, 16, 2);
}

TEST(EspContextCache, BadKeyIsACryptoFailureNotACrash) {
  auto cache = EspContextCache::make(2);
  std::vector<std::uint8_t> short_key(5, 1);
  auto r =
      cache->get(cache->register_sa(), EspAlgorithm::kAesGcm128, SaDirection::kOutbound, short_key);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), EspError::kBadKeyLength);
  // A slot holding GCM-128 contexts refuses a key of another size on re-key.
  std::vector<std::uint8_t> key(key_material_size(EspAlgorithm::kAesGcm128), 7);
  const auto id = cache->register_sa();
  ASSERT_TRUE(cache->get(id, EspAlgorithm::kAesGcm128, SaDirection::kOutbound, key));
  auto again = cache->get(id + 2, EspAlgorithm::kAesGcm128, SaDirection::kOutbound, short_key);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), EspError::kCryptoFailure);
  EXPECT_EQ(cache->stats().slots_in_use, 0u) << "a failed re-key leaves no half-keyed context";
}

}  // namespace
}  // namespace crypto
