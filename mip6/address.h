// Ipv6Address: a 16-octet IPv6 address as a value type, with text conversion
// (RFC 4291 / RFC 5952 via inet_pton/inet_ntop) and ordering, used by every
// module for home addresses, care-of addresses and HA addresses.
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mip6 {

class Ipv6Address {
 public:
  static constexpr std::size_t kSize = 16;
  using Bytes = std::array<std::uint8_t, kSize>;

  constexpr Ipv6Address() = default;
  constexpr explicit Ipv6Address(const Bytes& b) : bytes_(b) {}
  static Ipv6Address from_bytes(const std::uint8_t* p) {
    Ipv6Address a;
    std::memcpy(a.bytes_.data(), p, kSize);
    return a;
  }

  // Parses textual IPv6 ("fd00:1::100"); nullopt when not an IPv6 address.
  static std::optional<Ipv6Address> parse(std::string_view text);
  std::string to_string() const;

  const Bytes& bytes() const { return bytes_; }
  const std::uint8_t* data() const { return bytes_.data(); }
  bool is_unspecified() const { return bytes_ == Bytes{}; }
  bool is_multicast() const { return bytes_[0] == 0xff; }
  bool is_link_local() const { return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80; }
  // True when the first prefix_len bits equal those of `prefix`.
  bool in_prefix(const Ipv6Address& prefix, unsigned prefix_len) const;

  // Equality and order of the 16 octets (order: as unsigned big-endian
  // numbers, as memcmp) through two 64-bit words: addresses are compared
  // several times per packet (binding cache, SPD, rate limiter), and the
  // defaulted array comparison compiled to a memcmp call (issue #4).
  friend bool operator==(const Ipv6Address& a, const Ipv6Address& b) {
    return ((a.word(0) ^ b.word(0)) | (a.word(1) ^ b.word(1))) == 0;
  }
  friend std::strong_ordering operator<=>(const Ipv6Address& a, const Ipv6Address& b) {
    if (const auto c = a.big_endian_word(0) <=> b.big_endian_word(0); c != 0) return c;
    return a.big_endian_word(1) <=> b.big_endian_word(1);
  }

 private:
  std::uint64_t word(std::size_t i) const {
    std::uint64_t w;
    std::memcpy(&w, bytes_.data() + 8 * i, 8);
    return w;
  }
  std::uint64_t big_endian_word(std::size_t i) const {
    if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(word(i));
    return word(i);
  }

  Bytes bytes_{};
};

// An IPv6 prefix such as a home subnet prefix (RFC 6275 §10.3.1).
struct Ipv6Prefix {
  Ipv6Address address;
  unsigned length = 0;  // 0..128

  // Parses "fd00:1::/64"; nullopt on bad text or length > 128.
  static std::optional<Ipv6Prefix> parse(std::string_view text);
  std::string to_string() const;
  bool contains(const Ipv6Address& a) const { return a.in_prefix(address, length); }
  auto operator<=>(const Ipv6Prefix&) const = default;
};

struct Ipv6AddressHash {
  std::size_t operator()(const Ipv6Address& a) const noexcept {
    // FNV-1a over the 16 octets: cheap and well spread for addresses that
    // differ only in their low bits (typical home addresses).
    std::uint64_t h = 1469598103934665603ull;
    for (auto b : a.bytes()) {
      h ^= b;
      h *= 1099511628211ull;
    }
    return static_cast<std::size_t>(h);
  }
};

}  // namespace mip6

template <>
struct std::hash<mip6::Ipv6Address> : mip6::Ipv6AddressHash {};
