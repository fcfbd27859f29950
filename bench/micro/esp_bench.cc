// ESP protect+unprotect of a 64-octet Mobility Header per algorithm, next to
// OpenSSL's bare cipher on the same 64 octets with reused contexts, measured
// in the same run (DESIGN.md §7: ratios against an in-run baseline).
//   BM_EspRoundTrip/<alg>   crypto::EspSa protect + unprotect (framing,
//                           padding, sequence, replay window, lifetimes)
//   BM_EspRoundTripMiss/<alg>  the same through a shared EspContextCache
//                           where every packet misses (two SA pairs taking
//                           turns on the same slots): each protect and each
//                           unprotect re-keys the slot first, the daemon's
//                           case when more MNs are active than the cache has
//                           slots (docs/PERFORMANCE.md)
//   BM_BareGcm/<bits>       EVP AES-GCM encrypt + decrypt/verify, 8-octet AAD
//   BM_BareCbcHmac/<bits>   EVP AES-CBC encrypt + HMAC-SHA-256, then HMAC
//                           verify + CBC decrypt (random-free fixed IV)
#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstdlib>
#include <vector>

#include "crypto/esp_context_cache.h"
#include "crypto/esp_sa.h"

namespace {

constexpr std::size_t kMhSize = 64;

crypto::SaParams params(crypto::EspAlgorithm a, crypto::SaDirection d) {
  crypto::SaParams p;
  p.spi = 0x1001;
  p.direction = d;
  p.algorithm = a;
  crypto::SecretBytes k(crypto::key_material_size(a));
  auto v = k.mutable_view();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>(i * 7 + 1);
  p.key = std::move(k);
  return p;
}

void BM_EspRoundTrip(benchmark::State& state) {
  const auto a = static_cast<crypto::EspAlgorithm>(state.range(0));
  state.SetLabel(std::string(crypto::to_string(a)));
  const auto now = crypto::SaTime{};
  auto out = crypto::EspSa::create(params(a, crypto::SaDirection::kOutbound), now);
  auto in = crypto::EspSa::create(params(a, crypto::SaDirection::kInbound), now);
  if (!out || !in) return state.SkipWithError("SA setup failed");
  std::vector<std::uint8_t> mh(kMhSize, 0x5a);
  std::vector<std::uint8_t> esp((*out)->protected_size(kMhSize)), back(esp.size());
  for (auto _ : state) {
    auto s = (*out)->protect(mh, 135, esp, now);
    auto r = (*in)->unprotect(esp, back, now);
    if (!s || !r) return state.SkipWithError("ESP round trip failed");
    benchmark::DoNotOptimize(back.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EspRoundTrip)
    ->Arg(static_cast<int>(crypto::EspAlgorithm::kAesGcm128))
    ->Arg(static_cast<int>(crypto::EspAlgorithm::kAesGcm256))
    ->Arg(static_cast<int>(crypto::EspAlgorithm::kAesCbc128HmacSha256))
    ->Arg(static_cast<int>(crypto::EspAlgorithm::kAesCbc256HmacSha256));

void BM_EspRoundTripMiss(benchmark::State& state) {
  const auto a = static_cast<crypto::EspAlgorithm>(state.range(0));
  state.SetLabel(std::string(crypto::to_string(a)));
  const auto now = crypto::SaTime{};
  // Ids 1..4 in 2 slots: pair 0 (ids 1, 2) and pair 1 (ids 3, 4) share them.
  auto cache = crypto::EspContextCache::make(2);
  crypto::EspSaPtr out[2], in[2];
  for (int k = 0; k < 2; ++k) {
    auto po = params(a, crypto::SaDirection::kOutbound);
    auto pi = params(a, crypto::SaDirection::kInbound);
    po.key.mutable_view()[0] = pi.key.mutable_view()[0] = static_cast<std::uint8_t>(k);
    auto o = crypto::EspSa::create(std::move(po), now, cache);
    auto i = crypto::EspSa::create(std::move(pi), now, cache);
    if (!o || !i) return state.SkipWithError("SA setup failed");
    out[k] = std::move(o).value();
    in[k] = std::move(i).value();
  }
  std::vector<std::uint8_t> mh(kMhSize, 0x5a);
  std::vector<std::uint8_t> esp(out[0]->protected_size(kMhSize)), back(esp.size());
  int k = 0;
  for (auto _ : state) {
    auto s = out[k]->protect(mh, 135, esp, now);
    auto r = in[k]->unprotect(esp, back, now);
    if (!s || !r) return state.SkipWithError("ESP round trip failed");
    benchmark::DoNotOptimize(back.data());
    k ^= 1;
  }
  const auto st = cache->stats();
  if (st.hits != 0) return state.SkipWithError("expected every packet to miss");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EspRoundTripMiss)
    ->Arg(static_cast<int>(crypto::EspAlgorithm::kAesGcm128))
    ->Arg(static_cast<int>(crypto::EspAlgorithm::kAesGcm256))
    ->Arg(static_cast<int>(crypto::EspAlgorithm::kAesCbc128HmacSha256))
    ->Arg(static_cast<int>(crypto::EspAlgorithm::kAesCbc256HmacSha256));

void BM_BareGcm(benchmark::State& state) {
  const bool aes256 = state.range(0) == 256;
  const EVP_CIPHER* c = aes256 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
  std::array<std::uint8_t, 32> key{};
  std::array<std::uint8_t, 12> nonce{};
  std::array<std::uint8_t, 8> aad{};
  std::array<std::uint8_t, 16> tag{};
  std::vector<std::uint8_t> pt(kMhSize, 0x5a), ct(kMhSize), back(kMhSize);
  EVP_CIPHER_CTX* enc = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(enc, c, nullptr, key.data(), nullptr);
  EVP_DecryptInit_ex(dec, c, nullptr, key.data(), nullptr);
  std::uint64_t seq = 0;
  for (auto _ : state) {
    ++seq;
    for (int i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(seq >> (56 - 8 * i));
    int n = 0, m = 0;
    EVP_EncryptInit_ex(enc, nullptr, nullptr, nullptr, nonce.data());
    EVP_EncryptUpdate(enc, nullptr, &n, aad.data(), 8);
    EVP_EncryptUpdate(enc, ct.data(), &n, pt.data(), kMhSize);
    EVP_EncryptFinal_ex(enc, ct.data() + n, &m);
    EVP_CIPHER_CTX_ctrl(enc, EVP_CTRL_GCM_GET_TAG, 16, tag.data());
    EVP_DecryptInit_ex(dec, nullptr, nullptr, nullptr, nonce.data());
    EVP_DecryptUpdate(dec, nullptr, &n, aad.data(), 8);
    EVP_DecryptUpdate(dec, back.data(), &n, ct.data(), kMhSize);
    EVP_CIPHER_CTX_ctrl(dec, EVP_CTRL_GCM_SET_TAG, 16, tag.data());
    if (EVP_DecryptFinal_ex(dec, back.data() + n, &m) <= 0) {
      state.SkipWithError("GCM tag failed");
      break;
    }
    benchmark::DoNotOptimize(back.data());
  }
  EVP_CIPHER_CTX_free(enc);
  EVP_CIPHER_CTX_free(dec);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareGcm)->Arg(128)->Arg(256);

void BM_BareCbcHmac(benchmark::State& state) {
  const bool aes256 = state.range(0) == 256;
  const EVP_CIPHER* c = aes256 ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
  std::array<std::uint8_t, 32> key{}, mac_key{}, mac{}, mac2{};
  std::array<std::uint8_t, 16> iv{};
  // header(8) ‖ IV(16) ‖ ciphertext(64), as the ICV covers in ESP.
  std::vector<std::uint8_t> pt(kMhSize, 0x5a), wire(8 + 16 + kMhSize), back(kMhSize);
  EVP_CIPHER_CTX* enc = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(enc, c, nullptr, key.data(), nullptr);
  EVP_DecryptInit_ex(dec, c, nullptr, key.data(), nullptr);
  EVP_CIPHER_CTX_set_padding(enc, 0);
  EVP_CIPHER_CTX_set_padding(dec, 0);
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* mctx = EVP_MAC_CTX_new(hmac);
  char digest[] = "SHA256";
  OSSL_PARAM prm[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                      OSSL_PARAM_construct_end()};
  EVP_MAC_init(mctx, mac_key.data(), mac_key.size(), prm);
  for (auto _ : state) {
    int n = 0, m = 0;
    std::size_t len = 0;
    ++iv[15];
    EVP_EncryptInit_ex(enc, nullptr, nullptr, nullptr, iv.data());
    EVP_EncryptUpdate(enc, wire.data() + 24, &n, pt.data(), kMhSize);
    EVP_EncryptFinal_ex(enc, wire.data() + 24 + n, &m);
    EVP_MAC_init(mctx, nullptr, 0, nullptr);
    EVP_MAC_update(mctx, wire.data(), wire.size());
    EVP_MAC_final(mctx, mac.data(), &len, mac.size());
    EVP_MAC_init(mctx, nullptr, 0, nullptr);
    EVP_MAC_update(mctx, wire.data(), wire.size());
    EVP_MAC_final(mctx, mac2.data(), &len, mac2.size());
    if (CRYPTO_memcmp(mac.data(), mac2.data(), 16) != 0) {
      state.SkipWithError("HMAC mismatch");
      break;
    }
    EVP_DecryptInit_ex(dec, nullptr, nullptr, nullptr, iv.data());
    EVP_DecryptUpdate(dec, back.data(), &n, wire.data() + 24, kMhSize);
    EVP_DecryptFinal_ex(dec, back.data() + n, &m);
    benchmark::DoNotOptimize(back.data());
  }
  EVP_MAC_CTX_free(mctx);
  EVP_MAC_free(hmac);
  EVP_CIPHER_CTX_free(enc);
  EVP_CIPHER_CTX_free(dec);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareCbcHmac)->Arg(128)->Arg(256);

}  // namespace

BENCHMARK_MAIN();
