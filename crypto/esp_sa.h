// EspSa: one ESP transport-mode Security Association in user space
// (RFC 4303), used where the kernel has no IPv6 ESP (DESIGN.md §4). It
// produces and consumes the ESP part of a packet, SPI .. ICV; the caller puts
// it after the Destination Options header with the Home Address option
// (RFC 3776 layout) and parses the inner Mobility Header. An outbound SA
// numbers packets from 1 and refuses to wrap ("sequence exhausted, rekey");
// an inbound SA checks the replay window before any crypto and moves it only
// after the ICV verified (§3.4.3). Soft/hard lifetimes are tracked and
// reported by poll_lifetime(); a hard-expired SA refuses every packet.
// Time is an argument, never read from a clock. The SA keeps its key
// material as SecretBytes (wiped on destruction) and borrows keyed OpenSSL
// contexts from an EspContextCache per packet: the SAs of a daemon share
// one cache, so an SA costs its key octets, not its key schedules.
// It keeps only what packet processing needs (no copy of the SaParams it
// was made from: issue #4, memory per mobile node); params() rebuilds a
// view of them. What only one direction needs is kept only there: the
// replay window and the traffic selector (inbound policy check) live in a
// block that only an inbound SA allocates; an outbound SA keeps its
// sequence counter and nothing of the selector (the SPD holds the
// outbound policy).
// Algorithms and the CBC IV construction: see esp_gcm.cc and
// esp_cbc_hmac.cc, or docs/crypto.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "crypto/esp_context_cache.h"
#include "crypto/esp_error.h"
#include "crypto/esp_transform.h"
#include "crypto/replay_window.h"
#include "crypto/sa.h"
#include "crypto/sa_lifetime.h"
#include "mip6/result.h"

namespace crypto {

struct EspSealed {
  std::size_t size = 0;       // octets written to the output buffer
  std::uint64_t sequence = 0;  // full (64-bit) sequence number used
};

struct EspOpened {
  std::uint8_t next_header = 0;  // e.g. 135 = Mobility Header
  std::size_t payload_size = 0;  // the payload is out[0, payload_size)
  std::uint64_t sequence = 0;    // full (64-bit, ESN inferred) sequence number
};

class EspSa;
using EspSaPtr = std::unique_ptr<EspSa>;

class EspSa {
 public:
  // Validates SPI (not 0..255, RFC 4303 §2.1), key size, replay window
  // (64..4096) and keys a context once (kCryptoFailure if OpenSSL refuses
  // the key). The key moves into the SA's private SecretBytes. `contexts`:
  // the cache shared with other SAs
  // used on the same thread; nullptr gives the SA a private one-slot cache
  // (contexts kept for its life, as a standalone SA wants).
  static mip6::Result<EspSaPtr, EspError> create(SaParams params, SaTime now,
                                                 EspContextCachePtr contexts = nullptr);
  ~EspSa();
  EspSa(const EspSa&) = delete;
  EspSa& operator=(const EspSa&) = delete;

  // A view of the parameters, built on each call: key empty (it never
  // leaves the SA), outer source and destination unspecified (not kept: the
  // caller builds the IPv6 header), replay_window the inbound window's size
  // (ReplayWindow::kDefaultSize for an outbound SA).
  SaParams params() const;
  std::uint32_t spi() const { return spi_; }
  SaDirection direction() const { return direction_; }
  EspAlgorithm algorithm() const { return algorithm_; }
  bool extended_sequence_numbers() const { return esn_; }
  // Traffic selector the SA was created with (inbound policy check, RFC 4301
  // §5.2). Kept by inbound SAs only: an outbound SA returns an empty
  // selector (its policy is the SPD's).
  const SpdSelector& selector() const;

  // True when `key` is this SA's key material (constant-time comparison;
  // the key itself never leaves the SA). A reload uses it to tell whether a
  // key file changed without keeping a digest per SA.
  bool has_key(std::span<const std::uint8_t> key) const;

  // Size of the ESP packet that protect() writes for a payload of n octets.
  std::size_t protected_size(std::size_t payload_size) const;

  // Outbound: protects `payload` (an upper-layer message, next_header its
  // protocol) into out, which needs protected_size(payload.size()) octets.
  mip6::Result<EspSealed, EspError> protect(std::span<const std::uint8_t> payload,
                                            std::uint8_t next_header,
                                            std::span<std::uint8_t> out, SaTime now);
  // Inbound: `esp` is SPI..ICV; out needs at least esp.size() octets and
  // receives the payload. Checks in RFC 4303 §3.4 order: length, lifetime,
  // replay pre-check, alignment, ICV, window update, padding, next header.
  mip6::Result<EspOpened, EspError> unprotect(std::span<const std::uint8_t> esp,
                                              std::span<std::uint8_t> out, SaTime now);

  // Outbound: full sequence number of the last packet sent (0: none yet).
  std::uint64_t last_sequence() const { return last_seq_; }
  // Outbound: the next packet will carry `next`. Only forward (a GCM IV must
  // never repeat): used at a virtual-switch takeover (HARP_SEQ_JUMP) and by
  // tests that start an SA near the wrap.
  mip6::Status<EspError> jump_sequence(std::uint64_t next);
  // Inbound: restore replay state from a peer (virtual switch); numbers up
  // to `highest` count as received.
  mip6::Status<EspError> restore_replay_window(std::uint64_t highest);
  // Inbound: the replay window (nullptr for an outbound SA).
  const ReplayWindow* replay_window() const { return inbound_ ? &inbound_->window : nullptr; }

  // Soft/hard expiry events not yet reported, each returned once.
  LifetimeEvents poll_lifetime(SaTime now) { return lifetime_.poll(now); }
  std::optional<SaTime> next_lifetime_deadline() const { return lifetime_.next_deadline(); }
  const SaLifetimeTracker& lifetime() const { return lifetime_; }

 private:
  EspSa(SaParams& params, EspContextCachePtr contexts, SaTime now);
  std::uint64_t max_sequence() const;
  mip6::Result<EspTransform*, EspError> transform();

  // What only an inbound SA needs (RFC 4303 §3.4.3, RFC 4301 §5.2).
  struct InboundState {
    ReplayWindow window;
    SpdSelector selector;
  };

  SecretBytes key_;
  EspContextCachePtr contexts_;
  std::uint64_t context_id_;
  std::uint64_t last_seq_ = 0;            // outbound: last sequence number sent
  std::unique_ptr<InboundState> inbound_;  // inbound SAs only
  SaLifetimeTracker lifetime_;
  std::uint32_t spi_;
  SaDirection direction_;
  EspAlgorithm algorithm_;
  bool esn_;
  // IV, ICV and alignment are not stored: esp_layout(algorithm_) gives
  // them, and 3 octets less make the object fit a smaller malloc chunk.
};

}  // namespace crypto
