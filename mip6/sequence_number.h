// SequenceNumber: the 16-bit free-running sequence counter of Mobile IPv6
// (Binding Update / Acknowledgement, RFC 6275 §6.1.7, §9.5.1) and of the
// daemon's HARP messages (Hello, Binding Cache Information). Values compare
// modulo 2^16: `s.newer_than(last)` is true when s lies in the 32 767 values
// after `last`; everything in [last-32767 .. last] is "less than or equal"
// (protocol-notes §2.8). There is deliberately no operator<: the relation is
// not a total order.
#pragma once

#include <cstdint>

namespace mip6 {

class SequenceNumber {
 public:
  constexpr SequenceNumber() = default;
  constexpr explicit SequenceNumber(std::uint16_t v) : v_(v) {}

  constexpr std::uint16_t value() const { return v_; }

  // RFC 6275 §9.5.1: s is newer than L when (s - L) mod 2^16 is in [1, 32767].
  constexpr bool newer_than(SequenceNumber last) const {
    const auto d = static_cast<std::uint16_t>(v_ - last.v_);
    return d != 0 && d < 32768;
  }
  // The complement: "less than or equal to" the last accepted value (stale).
  constexpr bool stale_against(SequenceNumber last) const { return !newer_than(last); }

  constexpr SequenceNumber next() const {
    return SequenceNumber(static_cast<std::uint16_t>(v_ + 1));
  }

  constexpr bool operator==(const SequenceNumber&) const = default;

 private:
  std::uint16_t v_ = 0;
};

}  // namespace mip6
