// ESP transport-mode SA: framing, sequence numbers, anti-replay, lifetimes
// (esp_sa.h). RFC 4303 §2 (format), §3.3 (outbound), §3.4 (inbound).
#include "crypto/esp_sa.h"

#include <openssl/crypto.h>

#include <cstring>
#include <limits>

namespace crypto {
namespace {

void put32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}
std::uint32_t get32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

constexpr std::uint8_t kNoNextHeader = 59;  // dummy packet, RFC 4303 §2.6

}  // namespace

mip6::Result<EspSaPtr, EspError> EspSa::create(SaParams params, SaTime now,
                                               EspContextCachePtr contexts) {
  // SPI 0 is local-only and 1..255 are reserved by IANA (RFC 4303 §2.1).
  if (params.spi < 256) return mip6::fail(EspError::kBadSpi);
  if (params.key.size() != key_material_size(params.algorithm))
    return mip6::fail(EspError::kBadKeyLength);
  if (params.direction == SaDirection::kInbound &&
      (params.replay_window < ReplayWindow::kMinSize ||
       params.replay_window > ReplayWindow::kMaxSize))
    return mip6::fail(EspError::kBadReplayWindow);
  if (!contexts) contexts = EspContextCache::make(1);
  EspSaPtr sa(new EspSa(params, std::move(contexts), now));
  // Key a context once now, so a key OpenSSL refuses fails here.
  if (auto t = sa->transform(); !t) return mip6::fail(t.error());
  return sa;
}

EspSa::EspSa(SaParams& p, EspContextCachePtr contexts, SaTime now)
    : key_(std::move(p.key)),
      contexts_(std::move(contexts)),
      context_id_(contexts_->register_sa()),
      inbound_(p.direction == SaDirection::kInbound
                   ? std::make_unique<InboundState>(InboundState{
                         ReplayWindow(p.replay_window, p.extended_sequence_numbers),
                         std::move(p.selector)})
                   : nullptr),
      lifetime_(p.soft_lifetime, p.hard_lifetime, now),
      spi_(p.spi),
      direction_(p.direction),
      algorithm_(p.algorithm),
      esn_(p.extended_sequence_numbers) {
}

SaParams EspSa::params() const {
  SaParams p;
  p.spi = spi_;
  p.direction = direction_;
  p.algorithm = algorithm_;
  p.extended_sequence_numbers = esn_;
  p.replay_window = inbound_ ? inbound_->window.size() : ReplayWindow::kDefaultSize;
  p.soft_lifetime = lifetime_.soft_limit();
  p.hard_lifetime = lifetime_.hard_limit();
  if (inbound_) p.selector = inbound_->selector;
  return p;
}

const SpdSelector& EspSa::selector() const {
  static const SpdSelector kNone{};  // a constant: outbound SAs keep no selector
  return inbound_ ? inbound_->selector : kNone;
}

bool EspSa::has_key(std::span<const std::uint8_t> key) const {
  const auto mine = key_.view();
  return key.size() == mine.size() && CRYPTO_memcmp(key.data(), mine.data(), key.size()) == 0;
}

// key_ wipes itself; the shared contexts keyed with it are freed here.
EspSa::~EspSa() { contexts_->forget(context_id_); }

mip6::Result<EspTransform*, EspError> EspSa::transform() {
  return contexts_->get(context_id_, algorithm_, direction_, key_.view());
}

std::uint64_t EspSa::max_sequence() const {
  // §2.2 / §2.2.1: 2^32 - 1 without ESN, 2^64 - 1 with; never wraps.
  return esn_ ? std::numeric_limits<std::uint64_t>::max()
                                           : std::uint64_t{0xffffffff};
}

std::size_t EspSa::protected_size(std::size_t payload_size) const {
  // Payload ‖ Padding ‖ Pad Length ‖ Next Header, aligned (§2.4).
  const std::size_t plain = payload_size + 2;
  const EspLayout l = esp_layout(algorithm_);
  const std::size_t padded = (plain + l.alignment - 1) / l.alignment * l.alignment;
  return kEspHeaderSize + l.iv_size + padded + l.icv_size;
}

mip6::Status<EspError> EspSa::jump_sequence(std::uint64_t next) {
  if (direction_ != SaDirection::kOutbound) return mip6::fail(EspError::kWrongDirection);
  if (next <= last_seq_) return mip6::fail(EspError::kSequenceBackwards);
  if (next > max_sequence()) return mip6::fail(EspError::kSequenceExhausted);
  last_seq_ = next - 1;
  return mip6::Ok{};
}

mip6::Status<EspError> EspSa::restore_replay_window(std::uint64_t highest) {
  if (!inbound_) return mip6::fail(EspError::kWrongDirection);
  inbound_->window.restore(highest);
  return mip6::Ok{};
}

mip6::Result<EspSealed, EspError> EspSa::protect(std::span<const std::uint8_t> payload,
                                                 std::uint8_t next_header,
                                                 std::span<std::uint8_t> out, SaTime now) {
  if (direction_ != SaDirection::kOutbound) return mip6::fail(EspError::kWrongDirection);
  if (lifetime_.hard_reached(now)) return mip6::fail(EspError::kSaExpired);
  // §3.3.3: the counter MUST NOT cycle; the SA has to be replaced.
  if (last_seq_ >= max_sequence()) return mip6::fail(EspError::kSequenceExhausted);
  if (payload.size() > std::size_t{std::numeric_limits<int>::max()} / 2)
    return mip6::fail(EspError::kPayloadTooLarge);
  const std::size_t total = protected_size(payload.size());
  if (out.size() < total) return mip6::fail(EspError::kBufferTooSmall);

  const std::uint64_t seq = last_seq_ + 1;
  std::uint8_t* p = out.data();
  put32(p, spi_);
  put32(p + 4, static_cast<std::uint32_t>(seq));  // low 32 bits only (§2.2.1)
  const EspLayout l = esp_layout(algorithm_);
  std::uint8_t* plain = p + kEspHeaderSize + l.iv_size;
  if (!payload.empty()) std::memmove(plain, payload.data(), payload.size());
  const std::size_t plain_len = total - kEspHeaderSize - l.iv_size - l.icv_size;
  const std::size_t pad = plain_len - payload.size() - 2;
  for (std::size_t i = 0; i < pad; ++i)  // default padding 1, 2, 3, ... (§2.4)
    plain[payload.size() + i] = static_cast<std::uint8_t>(i + 1);
  plain[plain_len - 2] = static_cast<std::uint8_t>(pad);
  plain[plain_len - 1] = next_header;
  auto t = transform();
  if (!t) return mip6::fail(t.error());
  auto sealed = (*t)->seal(out.first(total), seq, esn_);
  if (!sealed) return mip6::fail(sealed.error());
  last_seq_ = seq;
  lifetime_.count(payload.size());
  return EspSealed{total, seq};
}

mip6::Result<EspOpened, EspError> EspSa::unprotect(std::span<const std::uint8_t> esp,
                                                   std::span<std::uint8_t> out, SaTime now) {
  if (!inbound_) return mip6::fail(EspError::kWrongDirection);
  ReplayWindow& window = inbound_->window;
  const EspLayout l = esp_layout(algorithm_);
  const std::size_t fixed = kEspHeaderSize + l.iv_size + l.icv_size;
  if (esp.size() < fixed + l.alignment) return mip6::fail(EspError::kTooShort);
  if (esp.size() > std::size_t{std::numeric_limits<int>::max()})
    return mip6::fail(EspError::kPayloadTooLarge);
  if (out.size() < esp.size()) return mip6::fail(EspError::kBufferTooSmall);
  if (lifetime_.hard_reached(now)) return mip6::fail(EspError::kSaExpired);

  // Cheap replay pre-check before any crypto (§3.4.3).
  auto seq = window.check(get32(esp.data() + 4));
  if (!seq) return mip6::fail(seq.error());
  const std::size_t ct_len = esp.size() - fixed;
  if (ct_len % l.alignment != 0) return mip6::fail(EspError::kNotBlockAligned);

  auto t = transform();
  if (!t) return mip6::fail(t.error());
  auto opened = (*t)->open(esp, *seq, esn_, out);
  if (!opened) return mip6::fail(opened.error());
  // Only an authenticated packet moves the window (§3.4.3).
  window.accept(*seq);

  // §2.4: Pad Length and padding content 1, 2, 3, ...; §3.4.4.1 padding check.
  const std::uint8_t pad = out[ct_len - 2];
  const std::uint8_t nh = out[ct_len - 1];
  if (std::size_t{pad} + 2 > ct_len) return mip6::fail(EspError::kBadPadLength);
  const std::size_t payload_size = ct_len - 2 - pad;
  for (std::size_t i = 0; i < pad; ++i)
    if (out[payload_size + i] != static_cast<std::uint8_t>(i + 1))
      return mip6::fail(EspError::kBadPadding);
  if (nh == kNoNextHeader) return mip6::fail(EspError::kDummyPacket);
  lifetime_.count(payload_size);
  return EspOpened{nh, payload_size, *seq};
}

}  // namespace crypto
