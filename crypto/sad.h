// SecurityAssociationDatabase (RFC 4301 §4.4.2): owns the user-space ESP SAs
// of a node, inbound ones found by SPI in O(1) (hash map) for every received
// packet, outbound ones by the SPI the SPD selected. It also collects
// lifetime events of all SAs for the daemon's timer.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "crypto/esp_sa.h"

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
  EspSa* find(SaDirection d, std::uint32_t spi);
  const EspSa* find(SaDirection d, std::uint32_t spi) const;
  std::size_t size() const { return inbound_.size() + outbound_.size(); }

  // Reads the SPI of `esp` (SPI..ICV), finds the inbound SA (kTooShort,
  // kUnknownSpi) and unprotects into out (see EspSa::unprotect).
  mip6::Result<SadOpened, EspError> unprotect(std::span<const std::uint8_t> esp,
                                              std::span<std::uint8_t> out, SaTime now);

  // Lifetime events of every SA not reported before (appended to `events`).
  void poll_lifetimes(SaTime now, std::vector<SadLifetimeEvent>& events);
  // Earliest time-based lifetime deadline over all SAs.
  std::optional<SaTime> next_lifetime_deadline() const;

 private:
  using Map = std::unordered_map<std::uint32_t, EspSaPtr>;
  Map& map(SaDirection d) { return d == SaDirection::kInbound ? inbound_ : outbound_; }
  const Map& map(SaDirection d) const { return d == SaDirection::kInbound ? inbound_ : outbound_; }

  Map inbound_;
  Map outbound_;
};

}  // namespace crypto
