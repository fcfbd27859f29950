// Hex key material parser (key_text.h). Two passes: the first validates and
// counts digits so the key is written once, straight into SecretBytes, and
// no unwiped copy of it is left behind.
#include "crypto/key_text.h"

#include <optional>

namespace crypto {
namespace {

std::optional<std::uint8_t> hex_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
  return std::nullopt;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Walks the text and calls on_digit(value) for every key digit. Returns the
// error position on a bad character.
template <class Text, class F>
std::optional<KeyTextError> walk(const Text& t, F&& on_digit) {
  std::size_t line = 1, col = 0;
  bool token_start = true;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = static_cast<char>(t[i]);
    ++col;
    if (c == '\n') {
      ++line;
      col = 0;
      token_start = true;
      continue;
    }
    if (is_space(c)) {
      token_start = true;
      continue;
    }
    if (c == '#') {  // comment to end of line
      while (i + 1 < t.size() && static_cast<char>(t[i + 1]) != '\n') ++i;
      continue;
    }
    if (token_start && c == '0' && i + 1 < t.size() &&
        (static_cast<char>(t[i + 1]) == 'x' || static_cast<char>(t[i + 1]) == 'X')) {
      ++i;
      ++col;
      token_start = false;
      continue;
    }
    token_start = false;
    auto v = hex_value(c);
    if (!v) {
      KeyTextError e;
      e.code = KeyTextError::Code::kBadCharacter;
      e.line = line;
      e.column = col;
      return e;
    }
    on_digit(*v);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(KeyTextError::Code c) {
  switch (c) {
    case KeyTextError::Code::kEmpty: return "no key material";
    case KeyTextError::Code::kBadCharacter: return "character that is not a hex digit";
    case KeyTextError::Code::kOddDigitCount: return "odd number of hex digits";
    case KeyTextError::Code::kWrongLength: return "wrong key length";
  }
  return "bad key text";
}

std::string to_string(const KeyTextError& e) {
  switch (e.code) {
    case KeyTextError::Code::kBadCharacter:
      return "key text: character that is not a hex digit at line " + std::to_string(e.line) +
             ", column " + std::to_string(e.column);
    case KeyTextError::Code::kOddDigitCount:
      return "key text: odd number of hex digits (" + std::to_string(e.got) + ")";
    case KeyTextError::Code::kWrongLength:
      return "key text: key has " + std::to_string(e.got) + " octets, need exactly " +
             std::to_string(e.expected);
    case KeyTextError::Code::kEmpty:
      break;
  }
  return "key text: no key material";
}

namespace {

template <class Text>
mip6::Result<SecretBytes, KeyTextError> parse(const Text& text, std::size_t expected_size) {
  std::size_t digits = 0;
  if (auto err = walk(text, [&](std::uint8_t) { ++digits; })) return mip6::fail(*err);
  KeyTextError e;
  if (digits == 0) return mip6::fail(e);
  if (digits % 2 != 0) {
    e.code = KeyTextError::Code::kOddDigitCount;
    e.got = digits;
    return mip6::fail(e);
  }
  if (digits / 2 != expected_size) {
    e.code = KeyTextError::Code::kWrongLength;
    e.expected = expected_size;
    e.got = digits / 2;
    return mip6::fail(e);
  }
  SecretBytes key(expected_size);
  auto out = key.mutable_view();
  std::size_t n = 0;
  (void)walk(text, [&](std::uint8_t v) {
    if (n % 2 == 0)
      out[n / 2] = static_cast<std::uint8_t>(v << 4);
    else
      out[n / 2] = static_cast<std::uint8_t>(out[n / 2] | v);
    ++n;
  });
  return key;
}

}  // namespace

mip6::Result<SecretBytes, KeyTextError> parse_key_text(std::string_view text,
                                                       std::size_t expected_size) {
  return parse(text, expected_size);
}

mip6::Result<SecretBytes, KeyTextError> parse_key_text(std::span<const std::uint8_t> text,
                                                       std::size_t expected_size) {
  return parse(text, expected_size);
}

mip6::Result<SecretBytes, KeyTextError> parse_key_text(std::string_view text,
                                                       EspAlgorithm algorithm) {
  return parse_key_text(text, key_material_size(algorithm));
}

}  // namespace crypto
