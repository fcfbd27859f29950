// OpenSSL EVP wrappers (cipher.h).
#include "crypto/cipher.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace crypto {
namespace {

EVP_CIPHER_CTX* cctx(const detail::CipherCtxPtr& p) { return p.get(); }

// Creates a context for `cipher` with `key`; nullptr on any failure.
detail::CipherCtxPtr make_ctx(const EVP_CIPHER* cipher,
                                                      std::span<const std::uint8_t> key,
                                                      int enc, bool no_padding) {
  if (!cipher || static_cast<int>(key.size()) != EVP_CIPHER_get_key_length(cipher)) return nullptr;
  detail::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  auto* c = cctx(ctx);
  if (!c || EVP_CipherInit_ex(c, cipher, nullptr, key.data(), nullptr, enc) != 1) return nullptr;
  if (no_padding && EVP_CIPHER_CTX_set_padding(c, 0) != 1) return nullptr;
  return ctx;
}

}  // namespace

std::optional<AesGcm> AesGcm::create(std::span<const std::uint8_t> key, bool encrypt) {
  const EVP_CIPHER* c = key.size() == 16 ? EVP_aes_128_gcm()
                        : key.size() == 32 ? EVP_aes_256_gcm()
                                           : nullptr;
  AesGcm g;
  g.ctx_ = make_ctx(c, key, encrypt ? 1 : 0, false);  // default IV length is 12
  if (!g.ctx_) return std::nullopt;
  return g;
}

bool AesGcm::seal(std::span<const std::uint8_t, kNonceSize> nonce,
                  std::span<const std::uint8_t> aad, std::span<std::uint8_t> data,
                  std::span<std::uint8_t, kTagSize> tag) {
  auto* c = cctx(ctx_);
  int n = 0, m = 0;
  return EVP_EncryptInit_ex(c, nullptr, nullptr, nullptr, nonce.data()) == 1 &&
         (aad.empty() ||
          EVP_EncryptUpdate(c, nullptr, &n, aad.data(), static_cast<int>(aad.size())) == 1) &&
         EVP_EncryptUpdate(c, data.data(), &n, data.data(), static_cast<int>(data.size())) == 1 &&
         EVP_EncryptFinal_ex(c, data.data() + n, &m) == 1 &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, kTagSize, tag.data()) == 1;
}

bool AesGcm::open(std::span<const std::uint8_t, kNonceSize> nonce,
                  std::span<const std::uint8_t> aad, std::span<const std::uint8_t> in,
                  std::span<const std::uint8_t, kTagSize> tag, std::span<std::uint8_t> out) {
  auto* c = cctx(ctx_);
  int n = 0, m = 0;
  // SET_TAG takes a non-const pointer; OpenSSL copies the tag.
  std::uint8_t t[kTagSize];
  for (std::size_t i = 0; i < kTagSize; ++i) t[i] = tag[i];
  const bool ok =
      EVP_DecryptInit_ex(c, nullptr, nullptr, nullptr, nonce.data()) == 1 &&
      (aad.empty() ||
       EVP_DecryptUpdate(c, nullptr, &n, aad.data(), static_cast<int>(aad.size())) == 1) &&
      EVP_DecryptUpdate(c, out.data(), &n, in.data(), static_cast<int>(in.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, kTagSize, t) == 1 &&
      EVP_DecryptFinal_ex(c, out.data() + n, &m) > 0;
  if (!ok && !out.empty()) OPENSSL_cleanse(out.data(), out.size());  // no unauthenticated plaintext
  return ok;
}

bool AesGcm::rekey(std::span<const std::uint8_t> key) {
  auto* c = cctx(ctx_);
  return static_cast<int>(key.size()) == EVP_CIPHER_CTX_get_key_length(c) &&
         EVP_CipherInit_ex(c, nullptr, nullptr, key.data(), nullptr, -1) == 1;
}

bool AesCbc::rekey(std::span<const std::uint8_t> key) {
  auto* c = cctx(ctx_);
  return static_cast<int>(key.size()) == EVP_CIPHER_CTX_get_key_length(c) &&
         EVP_CipherInit_ex(c, nullptr, nullptr, key.data(), nullptr, -1) == 1;
}

bool AesBlock::rekey(std::span<const std::uint8_t> key) {
  auto* c = cctx(ctx_);
  return static_cast<int>(key.size()) == EVP_CIPHER_CTX_get_key_length(c) &&
         EVP_CipherInit_ex(c, nullptr, nullptr, key.data(), nullptr, -1) == 1;
}

bool HmacSha256::rekey(std::span<const std::uint8_t> key) {
  return !key.empty() && EVP_MAC_init(ctx_.get(), key.data(), key.size(), nullptr) == 1;
}

std::optional<AesCbc> AesCbc::create(std::span<const std::uint8_t> key, bool encrypt) {
  const EVP_CIPHER* c = key.size() == 16 ? EVP_aes_128_cbc()
                        : key.size() == 32 ? EVP_aes_256_cbc()
                                           : nullptr;
  AesCbc a;
  a.ctx_ = make_ctx(c, key, encrypt ? 1 : 0, true);
  if (!a.ctx_) return std::nullopt;
  return a;
}

bool AesCbc::run(std::span<const std::uint8_t, 16> iv, std::span<const std::uint8_t> in,
                 std::span<std::uint8_t> out) {
  if (in.size() % 16 != 0 || out.size() < in.size()) return false;
  auto* c = cctx(ctx_);
  int n = 0, m = 0;
  return EVP_CipherInit_ex(c, nullptr, nullptr, nullptr, iv.data(), -1) == 1 &&
         EVP_CipherUpdate(c, out.data(), &n, in.data(), static_cast<int>(in.size())) == 1 &&
         EVP_CipherFinal_ex(c, out.data() + n, &m) == 1;
}

std::optional<AesBlock> AesBlock::create(std::span<const std::uint8_t> key) {
  const EVP_CIPHER* c = key.size() == 16 ? EVP_aes_128_ecb()
                        : key.size() == 32 ? EVP_aes_256_ecb()
                                           : nullptr;
  AesBlock b;
  b.ctx_ = make_ctx(c, key, 1, true);
  if (!b.ctx_) return std::nullopt;
  return b;
}

bool AesBlock::encrypt(std::span<const std::uint8_t, 16> in, std::span<std::uint8_t, 16> out) {
  int n = 0;
  return EVP_EncryptUpdate(cctx(ctx_), out.data(), &n, in.data(), 16) == 1 && n == 16;
}

std::optional<HmacSha256> HmacSha256::create(std::span<const std::uint8_t> key) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (!mac) return std::nullopt;
  HmacSha256 h;
  h.ctx_.reset(EVP_MAC_CTX_new(mac));
  EVP_MAC_free(mac);  // the context keeps its own reference
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (!h.ctx_ || EVP_MAC_init(h.ctx_.get(), key.data(), key.size(),
                              params) != 1)
    return std::nullopt;
  return h;
}

bool HmacSha256::compute(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                         std::span<std::uint8_t, kSize> out) {
  auto* c = ctx_.get();
  std::size_t len = 0;
  // Re-init without a key restarts from the scheduled key (no allocation).
  return EVP_MAC_init(c, nullptr, 0, nullptr) == 1 && EVP_MAC_update(c, a.data(), a.size()) == 1 &&
         (b.empty() || EVP_MAC_update(c, b.data(), b.size()) == 1) &&
         EVP_MAC_final(c, out.data(), &len, out.size()) == 1 && len == kSize;
}

}  // namespace crypto
