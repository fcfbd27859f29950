#include "harp/wire_extensions.h"

namespace harp::wire {
namespace {

void put_be(std::vector<std::uint8_t>& out, std::uint64_t v, int octets) {
  for (int i = octets - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
std::uint64_t get_be(const std::vector<std::uint8_t>& in, std::size_t at, int octets) {
  std::uint64_t v = 0;
  for (int i = 0; i < octets; ++i) v = (v << 8) | in[at + static_cast<std::size_t>(i)];
  return v;
}
const mip6::VendorSpecific* find_vendor(const mip6::MobilityOptions& o, std::uint8_t sub_type) {
  for (const auto& v : o.vendor_specific)
    if (v.vendor_id == kVendorId && v.sub_type == sub_type) return &v;
  return nullptr;
}

}  // namespace

void put_epoch(mip6::MobilityOptions& sub_options, std::uint32_t epoch) {
  mip6::VendorSpecific v{kVendorId, kSubTypeEpoch, {}};
  put_be(v.data, epoch, 4);
  sub_options.vendor_specific.push_back(std::move(v));
}

std::optional<std::uint32_t> get_epoch(const mip6::MobilityOptions& sub_options) {
  const auto* v = find_vendor(sub_options, kSubTypeEpoch);
  if (v == nullptr) return 0u;
  if (v->data.size() != 4) return std::nullopt;
  return static_cast<std::uint32_t>(get_be(v->data, 0, 4));
}

void put_registered_ms(mip6::MobilityOptions& sub_options, std::uint64_t ms) {
  mip6::VendorSpecific v{kVendorId, kSubTypeRegistered, {}};
  put_be(v.data, ms, 8);
  sub_options.vendor_specific.push_back(std::move(v));
}

std::optional<std::uint64_t> get_registered_ms(const mip6::MobilityOptions& sub_options) {
  const auto* v = find_vendor(sub_options, kSubTypeRegistered);
  if (v == nullptr) return std::uint64_t{0};
  if (v->data.size() != 8) return std::nullopt;
  return get_be(v->data, 0, 8);
}

void put_dump_id(mip6::MobilityOptions& options, std::uint32_t id) {
  mip6::VendorSpecific v{kVendorId, kSubTypeDumpId, {}};
  put_be(v.data, id, 4);
  options.vendor_specific.push_back(std::move(v));
}

std::uint32_t get_dump_id(const mip6::MobilityOptions& options) {
  const auto* v = find_vendor(options, kSubTypeDumpId);
  if (v == nullptr || v->data.size() != 4) return 0;
  return static_cast<std::uint32_t>(get_be(v->data, 0, 4));
}

void put_digest(mip6::MobilityOptions& options, const OwnerDigest& d) {
  mip6::VendorSpecific v{kVendorId, kSubTypeDigest, {}};
  put_be(v.data, d.count, 4);
  put_be(v.data, d.digest, 8);
  options.vendor_specific.push_back(std::move(v));
}

std::optional<OwnerDigest> get_digest(const mip6::MobilityOptions& options) {
  const auto* v = find_vendor(options, kSubTypeDigest);
  if (v == nullptr || v->data.size() != 12) return std::nullopt;
  return OwnerDigest{static_cast<std::uint32_t>(get_be(v->data, 0, 4)), get_be(v->data, 4, 8)};
}

void put_drain_marker(mip6::MobilityOptions& options) {
  options.vendor_specific.push_back(mip6::VendorSpecific{kVendorId, kSubTypeDrain, {}});
}

bool has_drain_marker(const mip6::MobilityOptions& options) {
  return find_vendor(options, kSubTypeDrain) != nullptr;
}

void put_unconfirmed_marker(mip6::MobilityOptions& sub_options) {
  sub_options.vendor_specific.push_back(mip6::VendorSpecific{kVendorId, kSubTypeUnconfirmed, {}});
}

bool has_unconfirmed_marker(const mip6::MobilityOptions& sub_options) {
  return find_vendor(sub_options, kSubTypeUnconfirmed) != nullptr;
}

void put_restore_marker(mip6::MobilityOptions& options) {
  options.vendor_specific.push_back(mip6::VendorSpecific{kVendorId, kSubTypeRestore, {}});
}

bool has_restore_marker(const mip6::MobilityOptions& options) {
  return find_vendor(options, kSubTypeRestore) != nullptr;
}

void put_heard_peers(mip6::MobilityOptions& options, const std::vector<mip6::Ipv6Address>& peers) {
  for (const auto& p : peers) options.ipv6_address_prefixes.push_back({kHeardPeerCode, 128, p});
}

std::vector<mip6::Ipv6Address> get_heard_peers(const mip6::MobilityOptions& options) {
  std::vector<mip6::Ipv6Address> out;
  for (const auto& o : options.ipv6_address_prefixes)
    if (o.option_code == kHeardPeerCode && o.prefix_length == 128) out.push_back(o.address);
  return out;
}

void put_wanted_hoas(mip6::MobilityOptions& options, const std::vector<mip6::Ipv6Address>& hoas) {
  for (const auto& h : hoas) options.ipv6_address_prefixes.push_back({kWantedHoaCode, 128, h});
}

std::vector<mip6::Ipv6Address> get_wanted_hoas(const mip6::MobilityOptions& options) {
  std::vector<mip6::Ipv6Address> out;
  for (const auto& o : options.ipv6_address_prefixes)
    if (o.option_code == kWantedHoaCode) out.push_back(o.address);
  return out;
}

}  // namespace harp::wire
