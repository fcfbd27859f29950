// Names of the ESP rejection reasons (esp_error.h).
#include "crypto/esp_error.h"

namespace crypto {

std::string_view to_string(EspError e) {
  switch (e) {
    case EspError::kTooShort: return "malformed: too short";
    case EspError::kUnknownSpi: return "unknown SPI";
    case EspError::kWrongDirection: return "wrong SA direction";
    case EspError::kSaExpired: return "SA expired";
    case EspError::kTooOld: return "too old (left of replay window)";
    case EspError::kReplay: return "replay";
    case EspError::kNotBlockAligned: return "malformed: length not block aligned";
    case EspError::kIcvMismatch: return "ICV mismatch";
    case EspError::kBadPadLength: return "malformed: bad pad length";
    case EspError::kBadPadding: return "malformed: bad padding";
    case EspError::kDummyPacket: return "dummy packet (next header 59)";
    case EspError::kBufferTooSmall: return "output buffer too small";
    case EspError::kPayloadTooLarge: return "payload too large";
    case EspError::kSequenceExhausted: return "sequence exhausted, rekey";
    case EspError::kSequenceBackwards: return "sequence number would move backwards";
    case EspError::kNoPolicy: return "no policy";
    case EspError::kPolicyLocalMismatch: return "policy mismatch: local address";
    case EspError::kPolicySourceOutsideRemote: return "policy mismatch: source outside remote prefix";
    case EspError::kPolicyProtocolMismatch: return "policy mismatch: upper-layer protocol";
    case EspError::kPolicyMhTypeMismatch: return "policy mismatch: MH type";
    case EspError::kPolicyHomeAddressMismatch: return "policy mismatch: home address";
    case EspError::kBadSpi: return "bad SPI (0 or reserved 1..255)";
    case EspError::kBadKeyLength: return "bad key length for algorithm";
    case EspError::kBadReplayWindow: return "replay window outside 64..4096";
    case EspError::kDuplicateSpi: return "duplicate SPI";
    case EspError::kCryptoFailure: return "crypto library failure";
  }
  return "unknown ESP error";
}

}  // namespace crypto
