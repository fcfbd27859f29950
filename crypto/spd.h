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
    std::uint64_t order;  // insertion order, the last tie-break
  };
  using Policies = std::unordered_map<std::uint32_t, Entry>;  // by outbound SPI
  static bool before(const Entry& a, const Entry& b);
  // True when `spi`'s policy selects p and comes before `best` (if any).
  bool better(std::uint32_t spi, const OutboundPacketInfo& p, const Entry*& best,
              std::uint32_t& best_spi) const;

  // Each selector is stored once (issue #4, memory per mobile node); the
  // indexes hold SPIs. Exact remote addresses (one /128 per mobile node):
  // a hash multimap; other remote prefixes: a list in before() order.
  Policies by_spi_;
  std::unordered_multimap<mip6::Ipv6Address, std::uint32_t> exact_;
  std::vector<std::uint32_t> prefixes_;
  std::uint64_t next_order_ = 0;
};

}  // namespace crypto
