#include "harp/binding_record.h"

#include <algorithm>

#include "harp/ownership.h"

namespace harp {

BindingRecord record_from_entry(const mip6::BindingCacheEntry& e) {
  BindingRecord r;
  r.home_address = e.home_address;
  r.care_of_address = e.care_of_address;
  r.flags = e.flags;
  r.sequence = e.last_sequence;
  r.epoch = e.ownership_epoch;
  // An adopted entry accepts any sequence until the MN's first BU arrives
  // (protocol-notes §5.6.1 step 4): until then the claim is unconfirmed.
  r.confirmed = !e.accept_any_sequence;
  r.expires_at = e.expires_at;
  return r;
}

mip6::BindingCacheInformation to_bci(const BindingRecord& r, mip6::Clock::time_point now,
                                     bool deleted) {
  mip6::BindingCacheInformation b;
  b.flags = r.flags;
  b.sequence = r.sequence;
  b.home_address = r.home_address;
  b.care_of_address = r.care_of_address;
  if (!deleted && r.expires_at > now) {
    // Remaining lifetime, 4-s units, rounded down (SY-02); never 0 for a
    // live binding, which would read as a delete.
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(r.expires_at - now).count();
    b.lifetime = static_cast<std::uint16_t>(std::clamp<long long>(s / 4, 1, 0xffff));
  }
  b.sub_options = r.sub_options;
  wire::put_epoch(b.sub_options, r.epoch);
  if (!r.confirmed) wire::put_unconfirmed_marker(b.sub_options);
  if (r.registered_ms != 0) wire::put_registered_ms(b.sub_options, r.registered_ms);
  return b;
}

std::optional<BindingRecord> record_from_bci(const mip6::BindingCacheInformation& b,
                                             mip6::Clock::time_point now) {
  auto epoch = wire::get_epoch(b.sub_options);
  if (!epoch) return std::nullopt;
  auto registered = wire::get_registered_ms(b.sub_options);
  if (!registered) return std::nullopt;
  BindingRecord r;
  r.home_address = b.home_address;
  r.care_of_address = b.care_of_address;
  r.flags = b.flags;
  r.sequence = b.sequence;
  r.epoch = *epoch;
  r.confirmed = !wire::has_unconfirmed_marker(b.sub_options);
  r.registered_ms = *registered;
  r.expires_at = now + std::chrono::seconds(std::uint32_t{b.lifetime} * 4);
  r.sub_options = b.sub_options;
  std::erase_if(r.sub_options.vendor_specific, [](const mip6::VendorSpecific& v) {
    return v.vendor_id == wire::kVendorId &&
           (v.sub_type == wire::kSubTypeEpoch || v.sub_type == wire::kSubTypeUnconfirmed ||
            v.sub_type == wire::kSubTypeRegistered);
  });
  return r;
}

mip6::BindingCacheEntry entry_from_record(const BindingRecord& r,
                                          const mip6::Ipv6Address& our_address,
                                          mip6::Clock::time_point now) {
  mip6::BindingCacheEntry e;
  e.home_address = r.home_address;
  e.care_of_address = r.care_of_address;
  e.our_address = our_address;
  e.created_at = now;
  e.registered_at = now;
  e.expires_at = r.expires_at;
  const auto left = r.expires_at > now ? r.expires_at - now : mip6::Clock::duration::zero();
  e.granted_lifetime_s =
      static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(left).count());
  e.flags = r.flags;
  e.last_sequence = r.sequence;
  e.ownership_epoch = r.epoch;
  e.accept_any_sequence = true;
  return e;
}

std::uint64_t record_hash(const BindingRecord& r) {
  mip6::Ipv6Address::Bytes extra{};
  extra[0] = static_cast<std::uint8_t>(r.flags >> 8);
  extra[1] = static_cast<std::uint8_t>(r.flags);
  extra[2] = static_cast<std::uint8_t>(r.sequence.value() >> 8);
  extra[3] = static_cast<std::uint8_t>(r.sequence.value());
  for (int i = 0; i < 4; ++i) extra[4 + i] = static_cast<std::uint8_t>(r.epoch >> (24 - 8 * i));
  extra[8] = r.confirmed ? 0 : 1;
  return hrw_score(r.home_address, r.care_of_address) ^
         (hrw_score(mip6::Ipv6Address(extra), r.home_address) * 3);
}

}  // namespace harp
