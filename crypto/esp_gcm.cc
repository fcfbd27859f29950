// AES-GCM for ESP, RFC 4106. Wire: SPI | Seq | IV(8) | ciphertext | ICV(16).
//  - key material = AES key ‖ 4-octet salt (§8.1);
//  - explicit IV = the 64-bit sequence number, which never repeats under one
//    key (§3.1 allows any unique value; a counter is the usual choice);
//  - nonce = salt ‖ IV (§4);
//  - AAD = SPI ‖ Seq (8 octets) or, with ESN, SPI ‖ Seq high ‖ Seq low (§5).
#include <openssl/crypto.h>

#include <array>
#include <cstring>

#include "crypto/cipher.h"
#include "crypto/esp_transform.h"

namespace crypto {
namespace {

constexpr std::size_t kIvSize = 8;
constexpr std::size_t kIcvSize = AesGcm::kTagSize;
constexpr std::size_t kSaltSize = 4;

void put32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

class GcmTransform final : public EspTransform {
 public:
  GcmTransform(AesGcm gcm, std::span<const std::uint8_t> salt, EspAlgorithm a, SaDirection d)
      : gcm_(std::move(gcm)), algorithm_(a), direction_(d) {
    std::memcpy(nonce_.data(), salt.data(), kSaltSize);
  }
  ~GcmTransform() override { OPENSSL_cleanse(nonce_.data(), nonce_.size()); }

  std::size_t iv_size() const override { return kIvSize; }
  std::size_t icv_size() const override { return kIcvSize; }
  std::size_t alignment() const override { return 4; }
  EspAlgorithm algorithm() const override { return algorithm_; }
  SaDirection direction() const override { return direction_; }

  bool rekey(std::span<const std::uint8_t> key) override {
    if (key.size() != key_material_size(algorithm_)) return false;
    const std::size_t aes_len = key.size() - kSaltSize;
    std::memcpy(nonce_.data(), key.data() + aes_len, kSaltSize);
    return gcm_.rekey(key.first(aes_len));
  }

  mip6::Status<EspError> seal(std::span<std::uint8_t> packet, std::uint64_t seq,
                              bool esn) override {
    std::uint8_t* iv = packet.data() + kEspHeaderSize;
    put32(iv, static_cast<std::uint32_t>(seq >> 32));
    put32(iv + 4, static_cast<std::uint32_t>(seq));
    const std::size_t ct_len = packet.size() - kEspHeaderSize - kIvSize - kIcvSize;
    std::array<std::uint8_t, 12> aad;
    const auto a = make_aad(aad, packet.data(), seq, esn);
    set_iv(iv);
    if (!gcm_.seal(nonce_, a, packet.subspan(kEspHeaderSize + kIvSize, ct_len),
                   packet.last<kIcvSize>()))
      return mip6::fail(EspError::kCryptoFailure);
    return mip6::Ok{};
  }

  mip6::Status<EspError> open(std::span<const std::uint8_t> packet, std::uint64_t seq, bool esn,
                              std::span<std::uint8_t> out) override {
    const std::size_t ct_len = packet.size() - kEspHeaderSize - kIvSize - kIcvSize;
    std::array<std::uint8_t, 12> aad;
    const auto a = make_aad(aad, packet.data(), seq, esn);
    set_iv(packet.data() + kEspHeaderSize);
    if (!gcm_.open(nonce_, a, packet.subspan(kEspHeaderSize + kIvSize, ct_len),
                   packet.last<kIcvSize>(), out.first(ct_len)))
      return mip6::fail(EspError::kIcvMismatch);
    return mip6::Ok{};
  }

 private:
  void set_iv(const std::uint8_t* iv) { std::memcpy(nonce_.data() + kSaltSize, iv, kIvSize); }

  static std::span<const std::uint8_t> make_aad(std::array<std::uint8_t, 12>& aad,
                                                const std::uint8_t* header, std::uint64_t seq,
                                                bool esn) {
    std::memcpy(aad.data(), header, 4);  // SPI
    if (!esn) {
      std::memcpy(aad.data() + 4, header + 4, 4);
      return std::span<const std::uint8_t>(aad).first(8);
    }
    put32(aad.data() + 4, static_cast<std::uint32_t>(seq >> 32));
    std::memcpy(aad.data() + 8, header + 4, 4);
    return aad;
  }

  AesGcm gcm_;
  EspAlgorithm algorithm_;
  SaDirection direction_;
  std::array<std::uint8_t, AesGcm::kNonceSize> nonce_{};  // salt ‖ IV
};

}  // namespace

mip6::Result<EspTransformPtr, EspError> make_gcm_transform(EspAlgorithm a,
                                                           std::span<const std::uint8_t> key,
                                                           SaDirection d) {
  const std::size_t aes_len = a == EspAlgorithm::kAesGcm256 ? 32 : 16;
  if (key.size() != aes_len + kSaltSize) return mip6::fail(EspError::kBadKeyLength);
  auto gcm = AesGcm::create(key.first(aes_len), d == SaDirection::kOutbound);
  if (!gcm) return mip6::fail(EspError::kCryptoFailure);
  return EspTransformPtr(new GcmTransform(std::move(*gcm), key.subspan(aes_len), a, d));
}

}  // namespace crypto
