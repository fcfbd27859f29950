// Security Policy Database for Mobile IPv6 signalling (RFC 4301 §4.4.1,
// RFC 3776 §5, RFC 4877 §7). Outbound: select() says which outbound SA must
// protect a message (by local address, remote address or prefix, upper-layer
// protocol and MH type) or "no policy". Inbound: check_inbound() verifies
// that a packet a given SA opened is traffic that SA may carry (RFC 4301
// §5.2 step 4) and, for home registrations, that the home address is the
// one the SA is bound to (RFC 4877 §4, Peer Authorization Database). Each
// mismatch has its own named reason. Selectors name the home address, not
// the care-of address (RFC 3776 §4): the caller passes the source after
// Home Address option processing.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "crypto/esp_error.h"
#include "crypto/esp_sa.h"
#include "crypto/sa.h"
#include "mip6/address.h"
#include "mip6/result.h"

namespace crypto {

inline constexpr std::uint8_t kIpProtoMh = 135;

// An outgoing message to protect.
struct OutboundPacketInfo {
  mip6::Ipv6Address source;
  mip6::Ipv6Address destination;  // final destination (the HoA for a BA, RFC 3776 §4)
  std::uint8_t protocol = kIpProtoMh;
  std::optional<std::uint8_t> mh_type;
};

// A received packet after ESP and Home Address option processing.
struct InboundPacketInfo {
  mip6::Ipv6Address source;  // HoA when a Home Address option was present
  mip6::Ipv6Address destination;
  std::uint8_t protocol = kIpProtoMh;            // ESP Next Header
  std::optional<std::uint8_t> mh_type;           // for protocol 135
  std::optional<mip6::Ipv6Address> home_address;  // from the HAO, if any
};

// Inbound policy check of one SA's selector. Checks, in order: protocol,
// local address, home address, remote prefix, MH type. An unspecified
// `local` in the selector matches any destination.
mip6::Status<EspError> check_inbound(const SpdSelector& s, const InboundPacketInfo& p);
inline mip6::Status<EspError> check_inbound(const EspSa& sa, const InboundPacketInfo& p) {
  return check_inbound(sa.selector(), p);
}

// True when the selector selects this outgoing message.
bool selects(const SpdSelector& s, const OutboundPacketInfo& p);

class SecurityPolicyDatabase {
 public:
  // One outbound policy -> SA (by SPI). kDuplicateSpi if the SPI has one.
  mip6::Status<EspError> add(const SpdSelector& selector, std::uint32_t outbound_spi);
  bool remove(std::uint32_t outbound_spi);
  std::size_t size() const { return by_spi_.size(); }

  // The SPI of the most specific matching policy: exact remote address
  // before prefixes (longest first), a specific MH type before "any", then
  // insertion order. kNoPolicy when nothing matches. Exact remote addresses
  // (the per-MN /128 case) are found by hash, not by a scan.
  mip6::Result<std::uint32_t, EspError> select(const OutboundPacketInfo& p) const;

 private:
  struct Entry {
    SpdSelector selector;
    // Insertion order, the last tie-break. 32 bits keep the hash node in a
    // smaller malloc chunk (issue #4); renumber() compacts the numbers
    // before they could wrap.
    std::uint32_t order;
  };
  using Policies = std::unordered_map<std::uint32_t, Entry>;  // by outbound SPI
  static bool before(const Entry& a, const Entry& b);
  // True when `spi`'s policy selects p and comes before `best` (if any).
  static bool better(std::uint32_t spi, const Entry& e, const OutboundPacketInfo& p,
                     const Entry*& best, std::uint32_t& best_spi);
  // Gives the policies orders 0..size()-1, keeping their relative order.
  void renumber();

  // Exact remote addresses (one /128 per mobile node): SPIs in an
  // open-addressing table (linear probing, backward-shift deletion, at
  // most 75 % full) hashed by the policy's remote address, which is read
  // from by_spi_ instead of being stored again (issue #4, memory per
  // mobile node: ≈ 7 octets per policy instead of ≈ 56 for a multimap
  // node and bucket). Several policies may share an address.
  std::size_t exact_home(const mip6::Ipv6Address& a) const;
  std::size_t exact_next(std::size_t i) const { return (i + 1) & (exact_.size() - 1); }
  const mip6::Ipv6Address& remote_of(std::uint32_t spi) const;
  void exact_insert(std::uint32_t spi);
  void exact_erase(std::uint32_t spi);

  // Each selector is stored once (by_spi_); the indexes hold SPIs. Other
  // remote prefixes: a list in before() order.
  Policies by_spi_;
  std::vector<std::uint32_t> exact_;  // SPIs, 0 = empty (SPIs are >= 256); size 0 or 2^k
  std::size_t exact_size_ = 0;
  std::vector<std::uint32_t> prefixes_;
  std::uint32_t next_order_ = 0;
};

}  // namespace crypto
