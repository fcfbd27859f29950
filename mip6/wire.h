// Big-endian field access for the codecs in mip6/. Reads take a span and an
// offset that the caller has already bounds-checked (the decoders check each
// length before reading a field); writes append to a std::vector. No
// reinterpret_cast of wire bytes: fields are assembled octet by octet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "mip6/address.h"

namespace mip6::wire {

inline std::uint16_t get16(std::span<const std::uint8_t> b, std::size_t off) {
  return static_cast<std::uint16_t>((b[off] << 8) | b[off + 1]);
}
inline std::uint32_t get32(std::span<const std::uint8_t> b, std::size_t off) {
  return (std::uint32_t{b[off]} << 24) | (std::uint32_t{b[off + 1]} << 16) |
         (std::uint32_t{b[off + 2]} << 8) | std::uint32_t{b[off + 3]};
}
inline Ipv6Address get_address(std::span<const std::uint8_t> b, std::size_t off) {
  return Ipv6Address::from_bytes(b.data() + off);
}

inline void put8(std::vector<std::uint8_t>& out, std::uint8_t v) {
  out.push_back(v);
}
inline void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
inline void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v));
}
inline void put_address(std::vector<std::uint8_t>& out, const Ipv6Address& a) {
  out.insert(out.end(), a.bytes().begin(), a.bytes().end());
}
inline void set16(std::vector<std::uint8_t>& out, std::size_t off, std::uint16_t v) {
  out[off] = static_cast<std::uint8_t>(v >> 8);
  out[off + 1] = static_cast<std::uint8_t>(v);
}

}  // namespace mip6::wire
