// Parsing of ESP key material written as text: hexadecimal digits, any
// whitespace or newlines between them, an optional "0x"/"0X" at the start of
// each whitespace-separated group, and "#" comments to the end of a line.
// The length must be exactly what the algorithm needs (sa.h,
// key_material_size). The result is SecretBytes; errors never quote the key
// text, only where the problem is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crypto/sa.h"
#include "crypto/secret_bytes.h"
#include "mip6/result.h"

namespace crypto {

struct KeyTextError {
  enum class Code : std::uint8_t {
    kEmpty,           // no hex digits at all
    kBadCharacter,    // a character that is not hex, whitespace or a comment
    kOddDigitCount,   // hex digits do not make whole octets
    kWrongLength,     // octet count differs from the algorithm's key size
  };
  Code code = Code::kEmpty;
  std::size_t line = 0;    // 1-based, for kBadCharacter
  std::size_t column = 0;  // 1-based, for kBadCharacter
  std::size_t expected = 0;  // octets, for kWrongLength
  std::size_t got = 0;       // octets (kWrongLength) or digits (kOddDigitCount)
};

std::string_view to_string(KeyTextError::Code c);
// A full message, e.g. "key has 19 octets, aes-gcm-128 needs 20" (never the key).
std::string to_string(const KeyTextError& e);

// Exactly `expected_size` octets.
mip6::Result<SecretBytes, KeyTextError> parse_key_text(std::string_view text,
                                                       std::size_t expected_size);
// The same for text held as octets (e.g. a key file read into SecretBytes).
mip6::Result<SecretBytes, KeyTextError> parse_key_text(std::span<const std::uint8_t> text,
                                                       std::size_t expected_size);
// Exactly key_material_size(algorithm) octets.
mip6::Result<SecretBytes, KeyTextError> parse_key_text(std::string_view text,
                                                       EspAlgorithm algorithm);

}  // namespace crypto
