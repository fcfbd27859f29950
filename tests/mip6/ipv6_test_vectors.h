// Shared by the tests of mip6/ipv6_packet and mip6/icmpv6_nd: golden
// packets (interop.md §1.3, and packets built offline with scapy 2.5 whose
// bytes are pasted here) and helpers that write packets by hand.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "mip6/address.h"
#include "mip6/ipv6_packet.h"

namespace mip6::ipv6_test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes hex(std::string_view h) {
  Bytes out;
  auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    return static_cast<std::uint8_t>(c - 'a' + 10);
  };
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>((nibble(h[i]) << 4) | nibble(h[i + 1])));
  return out;
}

inline Ipv6Address addr(std::string_view text) {
  return *Ipv6Address::parse(text);
}

inline void append(Bytes& b, std::initializer_list<std::uint8_t> l) {
  b.insert(b.end(), l);
}
inline void append(Bytes& b, const Ipv6Address& a) {
  b.insert(b.end(), a.bytes().begin(), a.bytes().end());
}

// A packet with hand-written extension headers: fixed header from the
// arguments, Payload Length computed.
inline Bytes raw_packet(std::uint8_t first_nh, const Bytes& rest) {
  Bytes b = {0x60,
             0,
             0,
             0,
             static_cast<std::uint8_t>(rest.size() >> 8),
             static_cast<std::uint8_t>(rest.size()),
             first_nh,
             64};
  append(b, addr("fd00:2::10"));
  append(b, addr("fd00:1::1"));
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}

// Destination Options header {PadN(2), HAO(hoa)} followed by next header nh.
inline Bytes hao_destopts(std::uint8_t nh, const Ipv6Address& hoa) {
  Bytes b = {nh, 2, 1, 2, 0, 0, 0xc9, 16};
  append(b, hoa);
  return b;
}

inline Bytes rh2(std::uint8_t nh, const Ipv6Address& hoa, std::uint8_t segleft = 1) {
  Bytes b = {nh, 2, 2, segleft, 0, 0, 0, 0};
  append(b, hoa);
  return b;
}

inline const Bytes kMh8 = {0x3b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

// ---- golden vectors --------------------------------------------------------

// interop.md §1.3: IPv6(src=CoA fd00:2::10, dst=HA fd00:1::1) /
// DestOpt{HAO fd00:1::100} / BU(seq 7, AHK, 150, AltCoA), checksum 0xf28f.
inline constexpr const char* kBuHex =
    "6000000000383c40fd000002000000000000000000000010fd000001000000000000000000000001870201020000"
    "c910fd0000010000000000000000000001003b030500f28f0007d000009601000310fd00000200000000000000000"
    "0000010";
// scapy: IPv6(src=fd00:1::1, dst=fd00:2::10) / IPv6ExtHdrRouting(type=2,
// segleft=1, addresses=[fd00:1::100]) / MIP6MH_BA(status=0, seq=7, mhtime=150).
inline constexpr const char* kBaRh2Hex =
    "6000000000282b40fd000001000000000000000000000001fd0000020000000000000000000000108702020100000"
    "000fd0000010000000000000000000001003b010600c14300800007009601020000";
// scapy: the BA above through AES-GCM ESP transport (spi 0x1001, iv
// 0102030405060708): IPv6 / RH2 / ESP.
inline constexpr const char* kBaRh2EspHex =
    "60000000004c2b40fd000001000000000000000000000001fd0000020000000000000000000000103202020100000"
    "000fd000001000000000000000000000100000010010000000101020304050607080cf6538c71e114f74f43c61837"
    "428f1ee4c7dc7b75fbda673b0129c06f075d1a37f781d7";
// scapy: the BU above through the same SA (iv 1112131415161718): IPv6 /
// DestOpt(HAO) / ESP, the RFC 3776 layout.
inline constexpr const char* kBuHaoEspHex =
    "60000000005c3c40fd000002000000000000000000000010fd000001000000000000000000000001320201020000c"
    "910fd00000100000000000000000000010000001001000000021112131415161718c85b087232a99d5559135fbf89"
    "fafef7bc60abcc0da4037ab83705de68262f0b99256fa72c1c04c4c9f04972a8903c81462e4f3c";
// scapy: IPv6 / HopByHop{RouterAlert, PadN} / DestOpt{HAO} / BU(seq 8, AH, 10).
inline constexpr const char* kHbhHaoBuHex =
    "6000000000300040fd000002000000000000000000000010fd0000010000000000000000000000013c0005020000"
    "0100870201020000c910fd0000010000000000000000000001003b010500034e0008c000000a01020000";

// scapy: IPv6(src=fe80::1, dst=ff02::1, hlim=255) / ICMPv6ND_NA(R=0, S=0,
// O=1, tgt=fd00:1::100) / ICMPv6NDOptDstLLAddr(lladdr=02:00:00:00:00:01).
inline constexpr const char* kUnsolicitedNaHex =
    "6000000000203afffe800000000000000000000000000001ff0200000000000000000000000000018800581b2000"
    "0000fd0000010000000000000000000001000201020000000001";
// scapy: IPv6(src=fd00:1::1, dst=fd00:1::7, hlim=255) / ICMPv6ND_NA(R=1,
// S=1, O=0, tgt=fd00:1::1), no option.
inline constexpr const char* kSolicitedNaHex =
    "6000000000183afffd000001000000000000000000000001fd0000010000000000000000000000078800c09dc000"
    "0000fd000001000000000000000000000001";
// scapy: IPv6(src=fe80::2, dst=ff02::1:ff00:100, hlim=255) /
// ICMPv6ND_NS(tgt=fd00:1::100) / ICMPv6NDOptSrcLLAddr(02:00:00:00:00:02).
inline constexpr const char* kNsHex =
    "6000000000203afffe800000000000000000000000000002ff0200000000000000000001ff00010087007a180000"
    "0000fd0000010000000000000000000001000101020000000002";
// scapy: the same NS from :: without the option (a DAD probe).
inline constexpr const char* kDadNsHex =
    "6000000000183aff00000000000000000000000000000000ff0200000000000000000001ff00010087007ba60000"
    "0000fd000001000000000000000000000100";

}  // namespace mip6::ipv6_test
