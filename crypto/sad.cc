// Security Association Database (sad.h), RFC 4301 §4.4.2.
#include "crypto/sad.h"

namespace crypto {

mip6::Status<EspError> SecurityAssociationDatabase::add(EspSaPtr sa) {
  auto& m = map(sa->direction());
  const std::uint32_t spi = sa->spi();
  if (!m.emplace(spi, std::move(sa)).second) return mip6::fail(EspError::kDuplicateSpi);
  return mip6::Ok{};
}

bool SecurityAssociationDatabase::remove(SaDirection d, std::uint32_t spi) {
  return map(d).erase(spi) != 0;
}

EspSa* SecurityAssociationDatabase::find(SaDirection d, std::uint32_t spi) {
  auto& m = map(d);
  auto it = m.find(spi);
  return it == m.end() ? nullptr : it->second.get();
}

const EspSa* SecurityAssociationDatabase::find(SaDirection d, std::uint32_t spi) const {
  const auto& m = map(d);
  auto it = m.find(spi);
  return it == m.end() ? nullptr : it->second.get();
}

mip6::Result<SadOpened, EspError> SecurityAssociationDatabase::unprotect(
    std::span<const std::uint8_t> esp, std::span<std::uint8_t> out, SaTime now) {
  if (esp.size() < kEspHeaderSize) return mip6::fail(EspError::kTooShort);
  const std::uint32_t spi = (std::uint32_t{esp[0]} << 24) | (std::uint32_t{esp[1]} << 16) |
                            (std::uint32_t{esp[2]} << 8) | std::uint32_t{esp[3]};
  // RFC 4303 §3.4.2: no SA for this SPI -> discard (and audit).
  EspSa* sa = find(SaDirection::kInbound, spi);
  if (!sa) return mip6::fail(EspError::kUnknownSpi);
  auto r = sa->unprotect(esp, out, now);
  if (!r) return mip6::fail(r.error());
  return SadOpened{sa, *r};
}

void SecurityAssociationDatabase::poll_lifetimes(SaTime now,
                                                 std::vector<SadLifetimeEvent>& events) {
  for (auto* m : {&inbound_, &outbound_})
    for (auto& [spi, sa] : *m) {
      auto ev = sa->poll_lifetime(now);
      if (ev.any()) events.push_back({spi, sa->direction(), ev});
    }
}

std::optional<SaTime> SecurityAssociationDatabase::next_lifetime_deadline() const {
  std::optional<SaTime> d;
  for (const auto* m : {&inbound_, &outbound_})
    for (const auto& [spi, sa] : *m) {
      auto t = sa->next_lifetime_deadline();
      if (t && (!d || *t < *d)) d = t;
    }
  return d;
}

}  // namespace crypto
