#include "mip6/option_codec.h"

#include <optional>

#include "mip6/wire.h"

namespace mip6 {
namespace {

using Bytes = std::span<const std::uint8_t>;

MhError err(MhErrc c, std::size_t off) {
  return MhError{c, off};
}

// Fixed Length values (octets after Type/Length).
constexpr std::size_t kLenBra = 2;        // RFC 6275 §6.2.4
constexpr std::size_t kLenAcoa = 16;      // RFC 6275 §6.2.5
constexpr std::size_t kLenNi = 4;         // RFC 6275 §6.2.6
constexpr std::size_t kLenMnp = 18;       // RFC 3963 §4.3
constexpr std::size_t kLenRc = 4;         // RFC 5847 §5.2
constexpr std::size_t kLenIpv4 = 6;       // RFC 5555 §3.1.1, §3.1.3
constexpr std::size_t kLenMhAp = 18;      // RFC 5568 §6.4.1 (IPv6 form)
constexpr std::size_t kLenBciFixed = 38;  // protocol-notes §5.3.3 [D]

// One decoded option's body; returns an error for bad lengths / repeats.
class OptionDecoder {
 public:
  OptionDecoder(Bytes mh, const HarpNumbers& harp, MobilityOptions& out)
      : mh_(mh), harp_(harp), out_(out) {}

  Status<MhError> decode(std::uint8_t type, std::size_t at, Bytes d, bool inside_bci) {
    if (!inside_bci && type == harp_.bci_option) return decode_bci(at, d);
    switch (type) {
      case opt::kBindingRefreshAdvice:
        if (auto s = check(at, d, kLenBra, out_.binding_refresh_advice.has_value()); !s) return s;
        out_.binding_refresh_advice = wire::get16(d, 0);
        return Ok{};
      case opt::kAlternateCareOfAddress:
        if (auto s = check(at, d, kLenAcoa, out_.alternate_care_of_address.has_value()); !s)
          return s;
        out_.alternate_care_of_address = wire::get_address(d, 0);
        return Ok{};
      case opt::kNonceIndices:
        if (auto s = check(at, d, kLenNi, out_.nonce_indices.has_value()); !s) return s;
        out_.nonce_indices = NonceIndices{wire::get16(d, 0), wire::get16(d, 2)};
        return Ok{};
      case opt::kBindingAuthorizationData:
        // Variable: the authenticator (96 bits for RFC 6275 return routability).
        if (out_.binding_authorization_data) return fail(err(MhErrc::kDuplicateOption, at));
        if (d.empty()) return fail(err(MhErrc::kBadOptionLength, at));
        out_.binding_authorization_data.emplace(d.begin(), d.end());
        return Ok{};
      case opt::kMobileNetworkPrefix:  // repeatable: one per prefix (RFC 3963 §6.1.7)
        if (auto s = check(at, d, kLenMnp, false); !s) return s;
        out_.mobile_network_prefixes.push_back({d[1], wire::get_address(d, 2)});
        return Ok{};
      case opt::kMobileNodeIdentifier:
        if (out_.mobile_node_identifier) return fail(err(MhErrc::kDuplicateOption, at));
        if (d.empty()) return fail(err(MhErrc::kBadOptionLength, at));  // RFC 4283 §3: Subtype
        out_.mobile_node_identifier =
            MobileNodeIdentifier{d[0], std::vector<std::uint8_t>(d.begin() + 1, d.end())};
        return Ok{};
      case opt::kVendorSpecific:  // repeatable (RFC 5094 §3)
        if (d.size() < 5) return fail(err(MhErrc::kBadOptionLength, at));
        out_.vendor_specific.push_back(
            {wire::get32(d, 0), d[4], std::vector<std::uint8_t>(d.begin() + 5, d.end())});
        return Ok{};
      case opt::kRestartCounter:
        if (auto s = check(at, d, kLenRc, out_.restart_counter.has_value()); !s) return s;
        out_.restart_counter = wire::get32(d, 0);
        return Ok{};
      case opt::kIpv4HomeAddress: {
        if (auto s = check(at, d, kLenIpv4, out_.ipv4_home_address.has_value()); !s) return s;
        const std::uint16_t w = wire::get16(d, 0);
        out_.ipv4_home_address = Ipv4HomeAddress{
            static_cast<std::uint8_t>(w >> 10), (w & 0x0200) != 0, {d[2], d[3], d[4], d[5]}};
        return Ok{};
      }
      case opt::kIpv4CareOfAddress:
        if (auto s = check(at, d, kLenIpv4, out_.ipv4_care_of_address.has_value()); !s) return s;
        out_.ipv4_care_of_address = Ipv4CareOfAddress{{d[2], d[3], d[4], d[5]}};
        return Ok{};
      case opt::kMhIpv6AddressPrefix:  // repeatable: HARP lists several
        if (auto s = check(at, d, kLenMhAp, false); !s) return s;
        out_.ipv6_address_prefixes.push_back({d[0], d[1], wire::get_address(d, 2)});
        return Ok{};
      default:
        // RFC 6275 §6.2.1: skip options not understood; kept for reporting.
        out_.unknown.push_back({type, std::vector<std::uint8_t>(d.begin(), d.end()), at});
        return Ok{};
    }
  }

 private:
  static Status<MhError> check(std::size_t at, Bytes d, std::size_t len, bool seen) {
    if (seen) return fail(err(MhErrc::kDuplicateOption, at));
    if (d.size() != len) return fail(err(MhErrc::kBadOptionLength, at));
    return Ok{};
  }

  Status<MhError> decode_bci(std::size_t at, Bytes d) {
    if (d.size() < kLenBciFixed) return fail(err(MhErrc::kBadOptionLength, at));
    BindingCacheInformation b;
    b.flags = wire::get16(d, 0);
    b.sequence = SequenceNumber(wire::get16(d, 2));
    b.lifetime = wire::get16(d, 4);
    b.home_address = wire::get_address(d, 6);
    b.care_of_address = wire::get_address(d, 22);
    const std::size_t sub_begin = at + 2 + kLenBciFixed;
    const std::size_t sub_end = at + 2 + d.size();
    if (auto s = decode_options(mh_, sub_begin, sub_end, harp_, b.sub_options, true); !s) return s;
    out_.binding_cache_information.push_back(std::move(b));
    return Ok{};
  }

  Bytes mh_;
  const HarpNumbers& harp_;
  MobilityOptions& out_;
};

// Writes Type and a Length placeholder at the option's alignment; finish()
// fills in Length once the data is written.
class OptionWriter {
 public:
  OptionWriter(std::vector<std::uint8_t>& out, std::size_t mh_start, std::uint8_t type,
               OptionAlignment a)
      : out_(out), mh_start_(mh_start) {
    pad_to_alignment(out, mh_start, a.x, a.y);
    start_ = out.size();
    out.push_back(type);
    out.push_back(0);
  }
  Status<MhError> finish() {
    const std::size_t len = out_.size() - start_ - 2;
    if (len > 255) return fail(err(MhErrc::kOptionTooLong, start_ - mh_start_));
    out_[start_ + 1] = static_cast<std::uint8_t>(len);
    return Ok{};
  }

 private:
  std::vector<std::uint8_t>& out_;
  std::size_t mh_start_;
  std::size_t start_ = 0;
};

}  // namespace

OptionAlignment option_alignment(std::uint8_t type, const HarpNumbers& harp) {
  if (type == harp.bci_option) return {4, 0};  // protocol-notes §5.3.3 [D]
  switch (type) {
    case opt::kBindingRefreshAdvice:
      return {2, 0};  // RFC 6275 §6.2.4
    case opt::kAlternateCareOfAddress:
      return {8, 6};  // RFC 6275 §6.2.5
    case opt::kNonceIndices:
      return {2, 0};  // RFC 6275 §6.2.6
    case opt::kBindingAuthorizationData:
      return {8, 2};  // RFC 6275 §6.2.7
    case opt::kMobileNetworkPrefix:
      return {8, 4};  // RFC 3963 §4.3
    case opt::kVendorSpecific:
      return {4, 2};  // RFC 5094 §3: Vendor ID on 4n
    case opt::kRestartCounter:
      return {4, 2};  // RFC 5847 §5.2
    case opt::kIpv4HomeAddress:
      return {4, 0};  // RFC 5555 §3.1.1
    case opt::kIpv4CareOfAddress:
      return {4, 0};  // RFC 5555 §3.1.3
    case opt::kMhIpv6AddressPrefix:
      return {8, 4};  // [D] puts the address on 8n
    default:
      return {1, 0};  // MN-ID (RFC 4283), unknown: none
  }
}

void pad_to_alignment(std::vector<std::uint8_t>& out, std::size_t mh_start, unsigned x,
                      unsigned y) {
  if (x <= 1) return;
  const std::size_t off = (out.size() - mh_start) % x;
  const std::size_t k = (y + x - off) % x;
  if (k == 1) {
    out.push_back(opt::kPad1);
  } else if (k >= 2) {
    out.push_back(opt::kPadN);
    out.push_back(static_cast<std::uint8_t>(k - 2));
    out.insert(out.end(), k - 2, 0);  // RFC 6275 §6.2.3: PadN data is zero
  }
}

Status<MhError> decode_options(std::span<const std::uint8_t> mh, std::size_t begin, std::size_t end,
                               const HarpNumbers& harp, MobilityOptions& out, bool inside_bci) {
  OptionDecoder dec(mh, harp, out);
  std::optional<std::size_t> auth_data_at;
  std::size_t off = begin;
  while (off < end) {
    const std::uint8_t type = mh[off];
    if (type == opt::kPad1) {  // RFC 6275 §6.2.2: a single octet, no Length
      ++off;
      continue;
    }
    if (off + 1 >= end) return fail(err(MhErrc::kOptionTruncated, off));
    const std::size_t len = mh[off + 1];
    if (off + 2 + len > end) return fail(err(MhErrc::kOptionOverrun, off));  // §6.2.1
    const std::size_t at = off;
    off += 2 + len;
    if (type == opt::kPadN) continue;
    if (auth_data_at) {
      if (type == opt::kBindingAuthorizationData) return fail(err(MhErrc::kDuplicateOption, at));
      // RFC 6275 §6.2.7: BAD is the last option; only padding may follow [D].
      return fail(err(MhErrc::kAuthDataNotLast, *auth_data_at));
    }
    if (type == opt::kBindingAuthorizationData) auth_data_at = at;
    if (auto s = dec.decode(type, at, mh.subspan(at + 2, len), inside_bci); !s) return s;
  }
  return Ok{};
}

Status<MhError> encode_options(const MobilityOptions& o, const HarpNumbers& harp,
                               std::vector<std::uint8_t>& out, std::size_t mh_start,
                               bool inside_bci) {
  auto begin = [&](std::uint8_t type) {
    return OptionWriter(out, mh_start, type, option_alignment(type, harp));
  };
  if (o.binding_refresh_advice) {
    auto w = begin(opt::kBindingRefreshAdvice);
    wire::put16(out, *o.binding_refresh_advice);
    if (auto s = w.finish(); !s) return s;
  }
  if (o.alternate_care_of_address) {
    auto w = begin(opt::kAlternateCareOfAddress);
    wire::put_address(out, *o.alternate_care_of_address);
    if (auto s = w.finish(); !s) return s;
  }
  if (o.nonce_indices) {
    auto w = begin(opt::kNonceIndices);
    wire::put16(out, o.nonce_indices->home_nonce_index);
    wire::put16(out, o.nonce_indices->care_of_nonce_index);
    if (auto s = w.finish(); !s) return s;
  }
  for (const auto& p : o.mobile_network_prefixes) {
    auto w = begin(opt::kMobileNetworkPrefix);
    wire::put8(out, 0);  // Reserved
    wire::put8(out, p.prefix_length);
    wire::put_address(out, p.prefix);
    if (auto s = w.finish(); !s) return s;
  }
  if (o.mobile_node_identifier) {
    auto w = begin(opt::kMobileNodeIdentifier);
    wire::put8(out, o.mobile_node_identifier->subtype);
    out.insert(out.end(), o.mobile_node_identifier->identifier.begin(),
               o.mobile_node_identifier->identifier.end());
    if (auto s = w.finish(); !s) return s;
  }
  if (o.ipv4_home_address) {
    auto w = begin(opt::kIpv4HomeAddress);
    const auto& h = *o.ipv4_home_address;  // prefix_length is 6 bits on the wire
    wire::put16(out,
                static_cast<std::uint16_t>(((h.prefix_length & 0x3f) << 10) | (h.p ? 0x0200 : 0)));
    out.insert(out.end(), h.address.begin(), h.address.end());
    if (auto s = w.finish(); !s) return s;
  }
  if (o.ipv4_care_of_address) {
    auto w = begin(opt::kIpv4CareOfAddress);
    wire::put16(out, 0);  // Reserved
    out.insert(out.end(), o.ipv4_care_of_address->address.begin(),
               o.ipv4_care_of_address->address.end());
    if (auto s = w.finish(); !s) return s;
  }
  for (const auto& v : o.vendor_specific) {
    auto w = begin(opt::kVendorSpecific);
    wire::put32(out, v.vendor_id);
    wire::put8(out, v.sub_type);
    out.insert(out.end(), v.data.begin(), v.data.end());
    if (auto s = w.finish(); !s) return s;
  }
  if (o.restart_counter) {
    auto w = begin(opt::kRestartCounter);
    wire::put32(out, *o.restart_counter);
    if (auto s = w.finish(); !s) return s;
  }
  for (const auto& a : o.ipv6_address_prefixes) {
    auto w = begin(opt::kMhIpv6AddressPrefix);
    wire::put8(out, a.option_code);
    wire::put8(out, a.prefix_length);
    wire::put_address(out, a.address);
    if (auto s = w.finish(); !s) return s;
  }
  if (inside_bci && !o.binding_cache_information.empty())
    return fail(err(MhErrc::kNestedBindingCacheInfo, out.size() - mh_start));
  for (const auto& b : o.binding_cache_information) {
    auto w = begin(harp.bci_option);
    wire::put16(out, b.flags);
    wire::put16(out, b.sequence.value());
    wire::put16(out, b.lifetime);
    wire::put_address(out, b.home_address);
    wire::put_address(out, b.care_of_address);
    if (auto s = encode_options(b.sub_options, harp, out, mh_start, true); !s) return s;
    if (auto s = w.finish(); !s) return s;
  }
  for (const auto& u : o.unknown) {
    OptionWriter w(out, mh_start, u.type, OptionAlignment{});
    out.insert(out.end(), u.data.begin(), u.data.end());
    if (auto s = w.finish(); !s) return s;
  }
  if (o.binding_authorization_data) {  // RFC 6275 §6.2.7: last
    if (o.binding_authorization_data->empty())
      return fail(err(MhErrc::kBadOptionLength, out.size() - mh_start));
    auto w = begin(opt::kBindingAuthorizationData);
    out.insert(out.end(), o.binding_authorization_data->begin(),
               o.binding_authorization_data->end());
    if (auto s = w.finish(); !s) return s;
  }
  return Ok{};
}

}  // namespace mip6
