// SecurityAssociationDatabase (RFC 4301 §4.4.2): owns the user-space ESP SAs
// of a node, inbound ones found by SPI in O(1) (hash map) for every received
// packet, outbound ones by the SPI the SPD selected. It also reports the
// lifetime events of its SAs (RFC 4301 §4.4.2.1) to the daemon's timer
// without scanning them: every SA that has a pending lifetime event sits in
// an ordered index under its earliest deadline (a time limit, or the time of
// the packet that reached a byte/packet limit), so next_lifetime_deadline()
// is O(1) and add/remove/packet/poll are O(log N) (docs/crypto.md).
#pragma once

#include <cstdint>
#include <set>
#include <span>
#include <tuple>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "crypto/esp_sa.h"
#include "crypto/spi_table.h"

namespace crypto {

struct SadOpened {
  EspSa* sa = nullptr;  // the inbound SA that opened the packet (for the SPD check)
  EspOpened opened;
};

struct SadLifetimeEvent {
  std::uint32_t spi = 0;
  SaDirection direction = SaDirection::kInbound;
  LifetimeEvents events;
};

class SecurityAssociationDatabase {
 public:
  // kDuplicateSpi if an SA with the same SPI and direction exists.
  mip6::Status<EspError> add(EspSaPtr sa);
  bool remove(SaDirection d, std::uint32_t spi);
  // Direct access to an SA. Packets processed on it this way still count
  // against its limits, but a byte/packet limit reached by them is noticed
  // only at the SA's next packet through protect()/unprotect() below or its
  // next time deadline: route packets through the SAD when limits matter.
  EspSa* find(SaDirection d, std::uint32_t spi);
  const EspSa* find(SaDirection d, std::uint32_t spi) const;
  std::size_t size() const { return inbound_.size() + outbound_.size(); }

  // Reads the SPI of `esp` (SPI..ICV), finds the inbound SA (kTooShort,
  // kUnknownSpi) and unprotects into out (see EspSa::unprotect).
  mip6::Result<SadOpened, EspError> unprotect(std::span<const std::uint8_t> esp,
                                              std::span<std::uint8_t> out, SaTime now);
  // Protects with the outbound SA `spi` (kUnknownSpi; see EspSa::protect).
  mip6::Result<EspSealed, EspError> protect(std::uint32_t spi,
                                            std::span<const std::uint8_t> payload,
                                            std::uint8_t next_header, std::span<std::uint8_t> out,
                                            SaTime now);

  // Lifetime events due at `now` and not reported before, appended to
  // `events` (each reported once). O(k log N) for k due SAs.
  void poll_lifetimes(SaTime now, std::vector<SadLifetimeEvent>& events);
  // When poll_lifetimes() next has something to report: the earliest time
  // limit of any SA, or the time of a packet that reached a volume limit
  // (then already past). nullopt: no SA has a pending lifetime. O(1).
  std::optional<SaTime> next_lifetime_deadline() const;
  // SAs currently in the deadline index (for tests and `stats`).
  std::size_t lifetime_index_size() const { return deadlines_.size(); }

 private:
  using Map = SpiTable;
  using DeadlineKey = std::tuple<SaTime, SaDirection, std::uint32_t>;
  using SaKey = std::pair<SaDirection, std::uint32_t>;
  struct SaKeyHash {
    std::size_t operator()(const SaKey& k) const {
      return std::hash<std::uint64_t>{}((std::uint64_t{static_cast<std::uint8_t>(k.first)} << 32) | k.second);
    }
  };

  Map& map(SaDirection d) { return d == SaDirection::kInbound ? inbound_ : outbound_; }
  const Map& map(SaDirection d) const { return d == SaDirection::kInbound ? inbound_ : outbound_; }
  // Where the SA is filed in deadlines_ (SaTime::max(): not there).
  SaTime indexed_at(const EspSa& sa) const;
  // Puts the SA under `at` in the index (replacing its old key); SaTime::max()
  // takes it out.
  void reindex(const EspSa& sa, SaTime at);
  // After a packet: a byte/packet limit just reached is due at `now`.
  void note_packet(const EspSa& sa, SaTime now);

  // The tables hold only the SA pointers (spi_table.h); the deadline of the few SAs with a
  // lifetime sits in indexed_ (memory per mobile node, issue #4).
  Map inbound_;
  Map outbound_;
  std::set<DeadlineKey> deadlines_;
  std::unordered_map<SaKey, SaTime, SaKeyHash> indexed_;
};

}  // namespace crypto
