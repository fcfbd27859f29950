// EspError: every reason the ESP engine, the SAD, the SPD and the key parser
// can refuse a packet or a request. Each value is a distinct drop reason with
// a stable name (to_string) so the daemon can keep one counter per reason
// (DESIGN.md §5, RFC 4303 §3.4 "audit" requirements).
#pragma once

#include <cstdint>
#include <string_view>

namespace crypto {

enum class EspError : std::uint8_t {
  // Inbound processing (RFC 4303 §3.4), in the order checks are made.
  kTooShort,         // shorter than SPI+Seq+IV+minimal trailer+ICV
  kUnknownSpi,       // no inbound SA with this SPI (§3.4.2)
  kWrongDirection,   // protect on an inbound SA or unprotect on an outbound one
  kSaExpired,        // hard lifetime reached (RFC 4301 §4.4.2.1)
  kTooOld,           // left of the replay window (§3.4.3)
  kReplay,           // inside the window, already received (§3.4.3)
  kNotBlockAligned,  // ciphertext length not a multiple of the block/4 octets (§2.4)
  kIcvMismatch,      // integrity check failed (§3.4.4)
  kBadPadLength,     // Pad Length larger than the decrypted data (§2.4)
  kBadPadding,       // padding bytes not 1,2,3,... (§2.4)
  kDummyPacket,      // Next Header 59: dummy packet, discarded (§2.6)
  kBufferTooSmall,   // caller's output buffer cannot hold the result
  kPayloadTooLarge,  // protect: payload does not fit an ESP packet
  // Outbound state.
  kSequenceExhausted,  // next sequence number would wrap: rekey (§3.3.3)
  kSequenceBackwards,  // a sequence jump that would move the counter back
  // Policy (RFC 4301 §5.1.1 / §5.2, RFC 3776 §5, RFC 4877 §4 PAD).
  kNoPolicy,                   // no SPD entry selects this outbound message
  kPolicyLocalMismatch,        // destination is not the SA's local address
  kPolicySourceOutsideRemote,  // source (HoA after HAO) outside the remote prefix
  kPolicyProtocolMismatch,     // upper-layer protocol not the selector's
  kPolicyMhTypeMismatch,       // MH type excluded by the selector
  kPolicyHomeAddressMismatch,  // home address not the one the SA is bound to
  // SA setup.
  kBadSpi,           // SPI 0 or reserved 1..255 (§2.1)
  kBadKeyLength,     // key material size wrong for the algorithm
  kBadReplayWindow,  // replay window outside 64..4096
  kDuplicateSpi,     // SAD already holds an SA with this SPI and direction
  kCryptoFailure,    // OpenSSL refused an operation (should not happen)
};

// Stable, lower-case names ("icv mismatch", "sequence exhausted, rekey", ...).
std::string_view to_string(EspError e);

}  // namespace crypto
