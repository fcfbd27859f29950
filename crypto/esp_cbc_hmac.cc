// AES-CBC (RFC 3602) with HMAC-SHA-256-128 (RFC 4868) for ESP.
// Wire: SPI | Seq | IV(16) | ciphertext (multiple of 16) | ICV(16).
//  - key material = AES key ‖ 32-octet HMAC key;
//  - ICV = first 16 octets of HMAC-SHA-256 over SPI ‖ Seq ‖ IV ‖ ciphertext,
//    with the high 32 ESN bits appended (not sent) when ESN is on
//    (RFC 4303 §2.2.1, §3.3.2.1); encrypt-then-MAC, so the ICV is checked
//    before anything is decrypted;
//  - IV (RFC 3602 §2.3 wants it unpredictable): NIST SP 800-38A Appendix C,
//    first method: IV = AES-ECB_K(nonce) under the SA's own cipher key, with
//    nonce = 64-bit sequence number ‖ SPI ‖ 0x00000000. The sequence number
//    never repeats on an SA, so the nonce is unique per packet; without the
//    key the IV cannot be predicted. No RNG is needed and crypto/ stays free
//    of global random state.
#include <openssl/crypto.h>

#include <array>
#include <cstring>
#include <optional>

#include "crypto/cipher.h"
#include "crypto/esp_transform.h"

namespace crypto {
namespace {

constexpr std::size_t kIvSize = 16;
constexpr std::size_t kIcvSize = 16;  // HMAC-SHA-256-128 (RFC 4868 §2.3)
constexpr std::size_t kHmacKeySize = 32;

void put32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

class CbcHmacTransform final : public EspTransform {
 public:
  CbcHmacTransform(AesCbc cbc, std::optional<AesBlock> iv_gen, HmacSha256 mac, EspAlgorithm a,
                   SaDirection d)
      : cbc_(std::move(cbc)),
        iv_gen_(std::move(iv_gen)),
        mac_(std::move(mac)),
        algorithm_(a),
        direction_(d) {}

  std::size_t iv_size() const override { return kIvSize; }
  std::size_t icv_size() const override { return kIcvSize; }
  std::size_t alignment() const override { return 16; }
  EspAlgorithm algorithm() const override { return algorithm_; }
  SaDirection direction() const override { return direction_; }

  bool rekey(std::span<const std::uint8_t> key) override {
    if (key.size() != key_material_size(algorithm_)) return false;
    const auto aes = key.first(key.size() - kHmacKeySize);
    return cbc_.rekey(aes) && (!iv_gen_ || iv_gen_->rekey(aes)) &&
           mac_.rekey(key.last(kHmacKeySize));
  }

  mip6::Status<EspError> seal(std::span<std::uint8_t> packet, std::uint64_t seq,
                              bool esn) override {
    const std::size_t ct_len = packet.size() - kEspHeaderSize - kIvSize - kIcvSize;
    auto iv = packet.subspan<kEspHeaderSize, kIvSize>();
    auto ct = packet.subspan(kEspHeaderSize + kIvSize, ct_len);
    // IV = AES-ECB_K(seq64 ‖ SPI ‖ 0) (NIST SP 800-38A App. C).
    std::array<std::uint8_t, 16> nonce{};
    put32(nonce.data(), static_cast<std::uint32_t>(seq >> 32));
    put32(nonce.data() + 4, static_cast<std::uint32_t>(seq));
    std::memcpy(nonce.data() + 8, packet.data(), 4);
    if (!iv_gen_ || !iv_gen_->encrypt(nonce, iv) || !cbc_.run(iv, ct, ct))
      return mip6::fail(EspError::kCryptoFailure);
    std::array<std::uint8_t, HmacSha256::kSize> full;
    if (!icv(packet.first(packet.size() - kIcvSize), seq, esn, full))
      return mip6::fail(EspError::kCryptoFailure);
    std::memcpy(packet.data() + packet.size() - kIcvSize, full.data(), kIcvSize);
    return mip6::Ok{};
  }

  mip6::Status<EspError> open(std::span<const std::uint8_t> packet, std::uint64_t seq, bool esn,
                              std::span<std::uint8_t> out) override {
    const std::size_t ct_len = packet.size() - kEspHeaderSize - kIvSize - kIcvSize;
    std::array<std::uint8_t, HmacSha256::kSize> full;
    if (!icv(packet.first(packet.size() - kIcvSize), seq, esn, full))
      return mip6::fail(EspError::kCryptoFailure);
    if (CRYPTO_memcmp(full.data(), packet.data() + packet.size() - kIcvSize, kIcvSize) != 0)
      return mip6::fail(EspError::kIcvMismatch);
    if (!cbc_.run(packet.subspan<kEspHeaderSize, kIvSize>(),
                  packet.subspan(kEspHeaderSize + kIvSize, ct_len), out.first(ct_len)))
      return mip6::fail(EspError::kCryptoFailure);
    return mip6::Ok{};
  }

 private:
  bool icv(std::span<const std::uint8_t> data, std::uint64_t seq, bool esn,
           std::span<std::uint8_t, HmacSha256::kSize> out) {
    std::array<std::uint8_t, 4> hi;
    put32(hi.data(), static_cast<std::uint32_t>(seq >> 32));
    return mac_.compute(data, esn ? std::span<const std::uint8_t>(hi) : std::span<const std::uint8_t>(),
                        out);
  }

  AesCbc cbc_;
  std::optional<AesBlock> iv_gen_;  // outbound only
  HmacSha256 mac_;
  EspAlgorithm algorithm_;
  SaDirection direction_;
};

}  // namespace

mip6::Result<EspTransformPtr, EspError> make_cbc_hmac_transform(
    EspAlgorithm a, std::span<const std::uint8_t> key, SaDirection d) {
  const std::size_t aes_len = a == EspAlgorithm::kAesCbc256HmacSha256 ? 32 : 16;
  if (key.size() != aes_len + kHmacKeySize) return mip6::fail(EspError::kBadKeyLength);
  const bool enc = d == SaDirection::kOutbound;
  auto cbc = AesCbc::create(key.first(aes_len), enc);
  auto mac = HmacSha256::create(key.subspan(aes_len));
  std::optional<AesBlock> iv_gen;
  if (enc) {
    iv_gen = AesBlock::create(key.first(aes_len));
    if (!iv_gen) return mip6::fail(EspError::kCryptoFailure);
  }
  if (!cbc || !mac) return mip6::fail(EspError::kCryptoFailure);
  return EspTransformPtr(
      new CbcHmacTransform(std::move(*cbc), std::move(iv_gen), std::move(*mac), a, d));
}

}  // namespace crypto
