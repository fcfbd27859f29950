// Thin wrappers over the OpenSSL EVP primitives the ESP transforms use:
// AES-GCM (AEAD), AES-CBC without padding, AES-ECB single block and
// HMAC-SHA-256. Each object schedules its key once and is reused for every
// packet (no allocation per call) until rekey() schedules another key of the
// same size into the same context; objects are move-only and free their
// contexts (OpenSSL wipes key schedules on free). They exist as a seam so the
// known-answer tests exercise exactly the code the ESP path runs.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

namespace crypto {

namespace detail {
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;
}  // namespace detail

class AesGcm {
 public:
  static constexpr std::size_t kNonceSize = 12;
  static constexpr std::size_t kTagSize = 16;
  // key: 16 or 32 octets. encrypt selects the direction of the context.
  static std::optional<AesGcm> create(std::span<const std::uint8_t> key, bool encrypt);
  // Schedules another key of the same size into the context.
  bool rekey(std::span<const std::uint8_t> key);
  // Encrypts `data` in place and writes the 16-octet tag.
  bool seal(std::span<const std::uint8_t, kNonceSize> nonce, std::span<const std::uint8_t> aad,
            std::span<std::uint8_t> data, std::span<std::uint8_t, kTagSize> tag);
  // Decrypts `in` into `out` (same size, may be the same memory); false when
  // the tag does not verify (out is wiped then) or on a library failure.
  bool open(std::span<const std::uint8_t, kNonceSize> nonce, std::span<const std::uint8_t> aad,
            std::span<const std::uint8_t> in, std::span<const std::uint8_t, kTagSize> tag,
            std::span<std::uint8_t> out);

 private:
  detail::CipherCtxPtr ctx_;
};

// AES-CBC, no padding: sizes are multiples of 16 (the caller pads, RFC 4303).
class AesCbc {
 public:
  static std::optional<AesCbc> create(std::span<const std::uint8_t> key, bool encrypt);
  bool rekey(std::span<const std::uint8_t> key);
  bool run(std::span<const std::uint8_t, 16> iv, std::span<const std::uint8_t> in,
           std::span<std::uint8_t> out);

 private:
  detail::CipherCtxPtr ctx_;
};

// The AES block function alone (ECB of one block), for IV derivation.
class AesBlock {
 public:
  static std::optional<AesBlock> create(std::span<const std::uint8_t> key);
  bool rekey(std::span<const std::uint8_t> key);
  bool encrypt(std::span<const std::uint8_t, 16> in, std::span<std::uint8_t, 16> out);

 private:
  detail::CipherCtxPtr ctx_;
};

class HmacSha256 {
 public:
  static constexpr std::size_t kSize = 32;
  static std::optional<HmacSha256> create(std::span<const std::uint8_t> key);
  bool rekey(std::span<const std::uint8_t> key);
  // MAC over the concatenation of `a` and `b` (b may be empty).
  bool compute(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
               std::span<std::uint8_t, kSize> out);

 private:
  detail::MacCtxPtr ctx_;
};

}  // namespace crypto
