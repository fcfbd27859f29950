// Security Association Database (sad.h), RFC 4301 §4.4.2; lifetime index
// for §4.4.2.1.
#include "crypto/sad.h"

namespace crypto {

mip6::Status<EspError> SecurityAssociationDatabase::add(EspSaPtr sa) {
  const SaDirection d = sa->direction();
  EspSa* added = sa.get();
  if (!map(d).insert(sa)) return mip6::fail(EspError::kDuplicateSpi);
  const EspSa& s = *added;
  SaTime at = s.next_lifetime_deadline().value_or(SaTime::max());
  // An SA may arrive having carried traffic already (a limit reached before).
  if (s.lifetime().volume_event_pending()) at = SaTime::min();
  reindex(s, at);
  return mip6::Ok{};
}

bool SecurityAssociationDatabase::remove(SaDirection d, std::uint32_t spi) {
  EspSa* sa = map(d).find(spi);
  if (sa == nullptr) return false;
  reindex(*sa, SaTime::max());
  return map(d).erase(spi);
}

EspSa* SecurityAssociationDatabase::find(SaDirection d, std::uint32_t spi) {
  return map(d).find(spi);
}

const EspSa* SecurityAssociationDatabase::find(SaDirection d, std::uint32_t spi) const {
  return map(d).find(spi);
}

SaTime SecurityAssociationDatabase::indexed_at(const EspSa& sa) const {
  if (indexed_.empty()) return SaTime::max();  // the common case: no SA has a lifetime
  auto it = indexed_.find({sa.direction(), sa.spi()});
  return it == indexed_.end() ? SaTime::max() : it->second;
}

void SecurityAssociationDatabase::reindex(const EspSa& sa, SaTime at) {
  const SaTime was = indexed_at(sa);
  if (was == at) return;
  const SaKey key{sa.direction(), sa.spi()};
  if (was != SaTime::max()) {
    deadlines_.erase({was, key.first, key.second});
    indexed_.erase(key);
  }
  if (at != SaTime::max()) {
    deadlines_.insert({at, key.first, key.second});
    indexed_[key] = at;
  }
}

void SecurityAssociationDatabase::note_packet(const EspSa& sa, SaTime now) {
  // Fast path: no limit reached (the common case costs one call and a test).
  if (!sa.lifetime().volume_event_pending() || indexed_at(sa) <= now) return;
  reindex(sa, now);
}

mip6::Result<SadOpened, EspError> SecurityAssociationDatabase::unprotect(
    std::span<const std::uint8_t> esp, std::span<std::uint8_t> out, SaTime now) {
  if (esp.size() < kEspHeaderSize) return mip6::fail(EspError::kTooShort);
  const std::uint32_t spi = (std::uint32_t{esp[0]} << 24) | (std::uint32_t{esp[1]} << 16) |
                            (std::uint32_t{esp[2]} << 8) | std::uint32_t{esp[3]};
  // RFC 4303 §3.4.2: no SA for this SPI -> discard (and audit).
  EspSa* sa = inbound_.find(spi);
  if (sa == nullptr) return mip6::fail(EspError::kUnknownSpi);
  auto r = sa->unprotect(esp, out, now);
  if (!r) return mip6::fail(r.error());
  note_packet(*sa, now);
  return SadOpened{sa, *r};
}

mip6::Result<EspSealed, EspError> SecurityAssociationDatabase::protect(
    std::uint32_t spi, std::span<const std::uint8_t> payload, std::uint8_t next_header,
    std::span<std::uint8_t> out, SaTime now) {
  EspSa* sa = outbound_.find(spi);
  if (sa == nullptr) return mip6::fail(EspError::kUnknownSpi);
  auto r = sa->protect(payload, next_header, out, now);
  if (!r) return mip6::fail(r.error());
  note_packet(*sa, now);
  return *r;
}

void SecurityAssociationDatabase::poll_lifetimes(SaTime now,
                                                 std::vector<SadLifetimeEvent>& events) {
  while (!deadlines_.empty()) {
    const auto [at, d, spi] = *deadlines_.begin();
    if (at > now) break;
    EspSa& sa = *map(d).find(spi);  // the index only holds SAs of the tables
    auto ev = sa.poll_lifetime(now);
    if (ev.any()) events.push_back({spi, d, ev});
    // What is left: the next time limit (hard after soft), if any. poll()
    // reported every limit reached, so no volume event is pending.
    const SaTime next = sa.next_lifetime_deadline().value_or(SaTime::max());
    // A deadline equal to `now` was just reported; never loop on it.
    reindex(sa, next > now ? next : SaTime::max());
  }
}

std::optional<SaTime> SecurityAssociationDatabase::next_lifetime_deadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return std::get<0>(*deadlines_.begin());
}

}  // namespace crypto
