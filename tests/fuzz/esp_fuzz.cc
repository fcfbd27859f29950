// libFuzzer target: arbitrary bytes into ESP input processing (RFC 4303
// §3.4) on fixed SAs of every algorithm, through the SAD (SPI lookup).
// Byte 0 chooses: bit 0 = extended sequence numbers; bit 1 = round-trip mode
// (the rest is sealed as a payload with an outbound SA, then opened; a
// mismatch aborts). Otherwise bytes 1.. are an ESP packet (SPI..ICV).
// Inbound SPIs 0x1001..0x1004 = aes-gcm-128, aes-gcm-256,
// aes-cbc-128-hmac-sha256, aes-cbc-256-hmac-sha256; key octet i = i*7+1
// (tests/crypto/test_util.h). Seeds in tests/fuzz/corpus/esp were made with
// esp_tool seal (valid packets, sequence 1 and 5) and a leading mode byte.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "crypto/esp_sa.h"
#include "crypto/sad.h"

namespace {

constexpr crypto::EspAlgorithm kAlgs[] = {
    crypto::EspAlgorithm::kAesGcm128, crypto::EspAlgorithm::kAesGcm256,
    crypto::EspAlgorithm::kAesCbc128HmacSha256, crypto::EspAlgorithm::kAesCbc256HmacSha256};

crypto::SaParams params(int i, crypto::SaDirection d, bool esn) {
  crypto::SaParams p;
  p.spi = 0x1001 + static_cast<std::uint32_t>(i);
  p.direction = d;
  p.algorithm = kAlgs[i];
  p.extended_sequence_numbers = esn;
  p.replay_window = 64;
  crypto::SecretBytes k(crypto::key_material_size(kAlgs[i]));
  auto v = k.mutable_view();
  for (std::size_t j = 0; j < v.size(); ++j) v[j] = static_cast<std::uint8_t>(j * 7 + 1);
  p.key = std::move(k);
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool esn = data[0] & 1;
  const bool round_trip = data[0] & 2;
  std::span<const std::uint8_t> rest(data + 1, size - 1);
  const auto now = crypto::SaTime{};

  if (round_trip) {
    const int i = (data[0] >> 2) & 3;
    auto out = crypto::EspSa::create(params(i, crypto::SaDirection::kOutbound, esn), now);
    auto in = crypto::EspSa::create(params(i, crypto::SaDirection::kInbound, esn), now);
    if (!out || !in) std::abort();
    std::vector<std::uint8_t> esp((*out)->protected_size(rest.size()));
    auto s = (*out)->protect(rest, 135, esp, now);
    if (!s) std::abort();
    std::vector<std::uint8_t> back(esp.size());
    auto r = (*in)->unprotect(esp, back, now);
    if (!r || r->payload_size != rest.size() || r->next_header != 135 ||
        (!rest.empty() && std::memcmp(back.data(), rest.data(), rest.size()) != 0))
      std::abort();
    return 0;
  }

  crypto::SecurityAssociationDatabase sad;
  for (int i = 0; i < 4; ++i) {
    auto sa = crypto::EspSa::create(params(i, crypto::SaDirection::kInbound, esn), now);
    if (!sa || !sad.add(std::move(sa).value())) std::abort();
  }
  std::vector<std::uint8_t> out(rest.size());
  auto r = sad.unprotect(rest, out, now);
  if (r && r->opened.payload_size > rest.size()) std::abort();
  // A second delivery of the same bytes is a replay if the first was accepted.
  if (r) {
    auto again = sad.unprotect(rest, out, now);
    if (again || again.error() != crypto::EspError::kReplay) std::abort();
  }
  return 0;
}
