// Helpers shared by the Mobility Header codec tests: hex <-> bytes, address
// literals, and a seeded generator of random messages for round-trip tests.
#pragma once

#include <cctype>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "mip6/address.h"
#include "mip6/harp_numbers.h"
#include "mip6/mobility_messages.h"

namespace mip6::test {

// "3b 03 05..." -> bytes; spaces, '|' and newlines are ignored.
inline std::vector<std::uint8_t> hex(std::string_view s) {
  std::vector<std::uint8_t> out;
  int hi = -1;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) continue;
    int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

inline std::string to_hex(const std::vector<std::uint8_t>& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}

inline Ipv6Address addr(std::string_view text) {
  return *Ipv6Address::parse(text);
}

// Random values for round-trip property tests (fixed seeds in the tests).
class RandomMessages {
 public:
  explicit RandomMessages(std::uint32_t seed) : rng_(seed) {}

  std::uint32_t u(std::uint32_t max) {
    return std::uniform_int_distribution<std::uint32_t>(0, max)(rng_);
  }
  bool coin() { return u(1) == 1; }
  std::uint8_t u8() { return static_cast<std::uint8_t>(u(255)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u(65535)); }
  std::vector<std::uint8_t> bytes(std::size_t max) {
    std::vector<std::uint8_t> v(u(static_cast<std::uint32_t>(max)));
    for (auto& b : v) b = u8();
    return v;
  }
  Ipv6Address address() {
    Ipv6Address::Bytes b{};
    for (auto& x : b) x = u8();
    return Ipv6Address(b);
  }

  MobilityOptions options(const HarpNumbers& harp, bool inside_bci = false) {
    MobilityOptions o;
    if (coin()) o.binding_refresh_advice = u16();
    if (coin()) o.alternate_care_of_address = address();
    if (coin()) o.nonce_indices = NonceIndices{u16(), u16()};
    for (auto n = u(2); n > 0; --n) o.mobile_network_prefixes.push_back({u8(), address()});
    if (coin()) o.mobile_node_identifier = MobileNodeIdentifier{u8(), bytes(40)};
    if (coin())
      o.ipv4_home_address =
          Ipv4HomeAddress{static_cast<std::uint8_t>(u(63)), coin(), {u8(), u8(), u8(), u8()}};
    if (coin()) o.ipv4_care_of_address = Ipv4CareOfAddress{{u8(), u8(), u8(), u8()}};
    for (auto n = u(2); n > 0; --n) o.vendor_specific.push_back({u(0xffffffffu), u8(), bytes(20)});
    if (coin()) o.restart_counter = u(0xffffffffu);
    for (auto n = u(2); n > 0; --n) o.ipv6_address_prefixes.push_back({u8(), u8(), address()});
    if (!inside_bci) {
      for (auto n = u(3); n > 0; --n) {
        BindingCacheInformation b{u16(), SequenceNumber(u16()), u16(), address(), address(), {}};
        if (coin()) b.sub_options = small_sub_options();
        o.binding_cache_information.push_back(std::move(b));
      }
    }
    for (auto n = u(2); n > 0; --n) {
      // Types this codec does not know (and not the HARP BCI type).
      std::uint8_t t = static_cast<std::uint8_t>(100 + u(90));
      if (t == harp.bci_option) ++t;
      o.unknown.push_back({t, bytes(16), 0});
    }
    if (coin()) {
      auto a = bytes(20);
      if (a.empty()) a.push_back(1);
      o.binding_authorization_data = a;
    }
    return o;
  }

  MobilityMessage message(const HarpNumbers& harp) {
    MobilityOptions o = coin() ? options(harp) : MobilityOptions{};
    switch (u(8)) {
      case 0:
        return BindingRefreshRequest{o};
      case 1:
        return BindingUpdate{SequenceNumber(u16()), u16(), u16(), o};
      case 2:
        return BindingAcknowledgement{u8(), u8(), SequenceNumber(u16()), u16(), o};
      case 3:
        return BindingError{u8(), address(), o};
      case 4: {
        HomeAgentSwitch m{{}, o};
        for (auto n = u(6); n > 0; --n) m.addresses.push_back(address());
        return m;
      }
      case 5:
        return Heartbeat{u8(), u(0xffffffffu), o};
      case 6:
        return HaHello{
            SequenceNumber(u16()), static_cast<std::int16_t>(u16()), u16(), u16(), u8(), u8(), o};
      case 7:
        return StateSynchronization{static_cast<SyncType>(u(2)), u8(), u16(), u8(), o};
      default:
        return HaControl{static_cast<ControlType>(1 + u(3)), u8(), u16(), u8(), o};
    }
  }

 private:
  MobilityOptions small_sub_options() {
    MobilityOptions o;
    for (auto n = u(2); n > 0; --n) o.mobile_network_prefixes.push_back({u8(), address()});
    if (coin()) o.mobile_node_identifier = MobileNodeIdentifier{1, bytes(20)};
    if (coin())
      o.ipv4_home_address =
          Ipv4HomeAddress{static_cast<std::uint8_t>(u(32)), coin(), {10, 0, 0, u8()}};
    if (coin()) o.ipv4_care_of_address = Ipv4CareOfAddress{{192, 0, 2, u8()}};
    return o;
  }

  std::mt19937 rng_;
};

}  // namespace mip6::test
