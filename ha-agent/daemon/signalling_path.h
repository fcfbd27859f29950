// The two straight lines every signalling packet of the daemon goes through
// (BIRD-style: each failed check is a drop with a named reason and a counter).
//
// Receive (DESIGN.md §2): IPv6 framing (Home Address option, Type 2 RH) ->
// must be ESP -> SAD by SPI, replay window, ICV (RFC 4303 §3.4) -> inner Next
// Header must be MH -> SPD check of what this SA may carry, with the HoA as
// source (RFC 3776 §4, RFC 4877 §4) -> MH decode (RFC 6275 §6.1, §9.2) -> MH
// checksum over the HoA pseudo-header (RFC 6275 §6.1.1).
//
// Send: MH encode with checksum (source, final destination = HoA) -> SPD
// selects the outbound SA -> ESP -> IPv6 framing `IPv6 / RH2 / ESP / MH` to the
// care-of address (RFC 6275 §6.1.8, RFC 3776 §3), or plain `IPv6 / ESP / MH`
// when the destination is the final one (HA-to-HA, or an MN at home).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/esp_sa.h"
#include "crypto/sad.h"
#include "crypto/spd.h"
#include "ha-agent/metrics/registry.h"
#include "mip6/address.h"
#include "mip6/harp_numbers.h"
#include "mip6/ipv6_packet.h"
#include "mip6/mh_codec.h"
#include "mip6/mh_error.h"
#include "mip6/rate_limiter.h"
#include "mip6/result.h"

namespace ha_agent {

// A received, authenticated, policy-checked and decoded Mobility Header.
struct InboundMessage {
  mip6::Ipv6Address source;       // outer source (the care-of address of a BU)
  mip6::Ipv6Address destination;  // our address
  std::optional<mip6::Ipv6Address> home_address;  // from the Home Address option
  std::uint32_t spi = 0;                           // inbound SA that opened it
  std::optional<mip6::Ipv6Address> sa_home_address;  // HoA that SA is bound to
  mip6::DecodedMobilityHeader mh;
  int ifindex = 0;
  mip6::Ipv6Address effective_source() const { return home_address ? *home_address : source; }
};

// Why a received packet was dropped (the label of ha_agent_rx_dropped_total).
enum class RxDrop : std::uint8_t {
  kIpv6Malformed,     // framing error (detail: mip6::Ipv6Errc name)
  kNotSignalling,     // upper layer neither ESP nor MH (not ours to handle)
  kUnprotected,       // a Mobility Header without ESP: every signalling message must be protected
  kEsp,               // ESP refused it (detail: crypto::EspError name)
  kNotMobilityHeader, // ESP carried something other than an MH
  kPolicy,            // the SA may not carry this (detail: crypto::EspError name)
  kMhMalformed,       // MH decode error (detail: mip6::MhErrc name)
  kUnknownMhType,     // RFC 6275 §9.2: answer with Binding Error status 2
  kBadChecksum,       // RFC 6275 §6.1.1: silently discarded
  kRateLimited,       // over the source's or peer's rate limit (detail: mip6::RateVerdict name)
};
std::string_view to_string(RxDrop d);

struct Dropped {
  RxDrop reason;
  std::string detail;  // sub-reason name, e.g. "icv mismatch", "option-overrun at offset 14"
  // For kUnknownMhType: who to answer and the type they used.
  mip6::Ipv6Address source, destination;
  std::optional<mip6::Ipv6Address> home_address;
  std::uint8_t mh_type = 0;
};

class ReceivePath {
 public:
  ReceivePath(crypto::SecurityAssociationDatabase& sad, mip6::HarpNumbers harp,
              metrics::Registry& metrics);
  mip6::Result<InboundMessage, Dropped> process(std::span<const std::uint8_t> ipv6_packet,
                                                int ifindex, crypto::SaTime now);
  // The `kernel` backend (daemon_kernel_io.cc): the kernel already removed
  // ESP through the inbound SA `spi` (its XFRM policy for the HoA names that
  // SPI) and verified the MH checksum. The later stages are the same as in
  // process(): rate limit, SPD check of what that SA may carry, MH decode,
  // with the same drop reasons and counters.
  struct KernelDelivered {
    mip6::Ipv6Address source;       // outer source: the care-of address of a BU
    mip6::Ipv6Address destination;  // ours
    std::optional<mip6::Ipv6Address> home_address;  // from the Home Address option
    std::uint32_t spi = 0;  // 0: no ESP was required (dropped as unprotected)
    std::span<const std::uint8_t> mh;
    int ifindex = 0;
  };
  mip6::Result<InboundMessage, Dropped> process_kernel(const KernelDelivered& k, crypto::SaTime now);
  // Rate limits (docs/operations.md "Rate limits"): every ESP or MH packet is
  // admitted by the limiter, keyed on its outer source, before ESP
  // decryption. nullptr (the default): no limit. The limiter must outlive
  // this object.
  void set_rate_limiter(mip6::SourceRateLimiter* limiter) { limiter_ = limiter; }

 private:
  mip6::Result<InboundMessage, Dropped> drop(RxDrop r, std::string detail);
  // Shared tail: SPD check, MH decode, MH checksum check unless
  // checksum_destination is nullopt (the kernel verified it).
  mip6::Result<InboundMessage, Dropped> finish(const crypto::EspSa& sa, std::span<const std::uint8_t> mh,
                                               const mip6::Ipv6Address& source,
                                               const mip6::Ipv6Address& destination,
                                               const std::optional<mip6::Ipv6Address>& home_address,
                                               int ifindex,
                                               const std::optional<mip6::Ipv6Address>& checksum_destination);
  crypto::SecurityAssociationDatabase& sad_;
  mip6::HarpNumbers harp_;
  metrics::Metric& received_;
  metrics::PerReason<RxDrop> drops_;
  metrics::Registry& metrics_;
  std::vector<std::uint8_t> plain_;  // decrypted payload, reused
  mip6::SourceRateLimiter* limiter_ = nullptr;
};

enum class TxError : std::uint8_t { kEncode, kNoPolicy, kNoSa, kEsp, kFraming };
std::string_view to_string(TxError e);
struct TxFailure {
  TxError error;
  std::string detail;
};

// What to send: a message, our address, the final destination (the HoA for
// messages to an MN, or the peer HA) and, when it differs, the address the
// packet travels to (the care-of address; then a Type 2 RH carries the HoA).
struct Outbound {
  const mip6::MobilityMessage* message = nullptr;
  mip6::Ipv6Address source;
  mip6::Ipv6Address final_destination;
  std::optional<mip6::Ipv6Address> care_of_address;
  // With a care-of address: false = Type 2 routing header (the BA, RFC 6275
  // §6.4); true = IPv6-in-IPv6 from us to the care-of address around
  // `IPv6(us -> HoA) / ESP / MH` (the HA-to-MN tunnel, protocol-notes G8;
  // used for the Home Agent Switch, which may not carry an RH2, §6.1).
  bool tunnel = false;
};

class SendPath {
 public:
  SendPath(crypto::SecurityAssociationDatabase& sad, const crypto::SecurityPolicyDatabase& spd,
           mip6::HarpNumbers harp)
      : sad_(sad), spd_(spd), harp_(harp) {}
  // Builds the whole IPv6 packet into `packet` (reused between calls).
  mip6::Status<TxFailure> build(const Outbound& out, std::vector<std::uint8_t>& packet,
                                crypto::SaTime now);

 private:
  crypto::SecurityAssociationDatabase& sad_;
  const crypto::SecurityPolicyDatabase& spd_;
  mip6::HarpNumbers harp_;
  std::vector<std::uint8_t> mh_, esp_, inner_;
};

}  // namespace ha_agent
