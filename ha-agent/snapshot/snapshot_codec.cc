#include "ha-agent/snapshot/snapshot_codec.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "ha-agent/snapshot/snapshot.pb.h"

namespace ha_agent::snapshot {
namespace {

namespace pb = ::haagent::snapshot;

// RFC 6275 §6.1.7/§6.1.8: sequence, flags and lifetime (4-second units)
// are 16-bit fields on the wire; nothing larger was ever granted.
constexpr std::uint32_t kMaxSequence = 0xFFFF;
constexpr std::uint32_t kMaxFlags = 0xFFFF;
constexpr std::uint32_t kMaxLifetimeS = 0xFFFFu * 4;

using Digest = std::array<std::uint8_t, 32>;

Digest sha256(std::span<const std::uint8_t> data) {
  Digest d{};
  ::SHA256(data.data(), data.size(), d.data());
  return d;
}

std::string bytes_of(const mip6::Ipv6Address& a) { return std::string(a.bytes().begin(), a.bytes().end()); }

std::uint64_t unix_ms(WallTime t) { return static_cast<std::uint64_t>(t.time_since_epoch().count()); }
WallTime wall_from_ms(std::uint64_t ms) {
  return WallTime(std::chrono::milliseconds(static_cast<std::int64_t>(ms)));
}

SnapshotError header_error(std::string field, std::string detail) {
  SnapshotError e;
  e.code = SnapshotError::Code::kBadHeaderField;
  e.field = std::move(field);
  e.detail = std::move(detail);
  return e;
}

SnapshotError binding_error(int index, std::string field, std::string detail) {
  SnapshotError e;
  e.code = SnapshotError::Code::kBadBindingField;
  e.binding_index = index;
  e.field = std::move(field);
  e.detail = std::move(detail);
  return e;
}

std::optional<mip6::Ipv6Address> address_of(const std::string& b) {
  if (b.size() != mip6::Ipv6Address::kSize) return std::nullopt;
  mip6::Ipv6Address::Bytes bytes{};
  std::memcpy(bytes.data(), b.data(), bytes.size());
  return mip6::Ipv6Address(bytes);
}

// Times up to year 9999: anything later is corruption (and would overflow
// the millisecond arithmetic of restore_plan.h).
constexpr std::uint64_t kMaxUnixMs = 253402300799999ull;

mip6::Result<SnapshotHeader, SnapshotError> header_from(const pb::Snapshot& m) {
  if (!m.has_header()) return mip6::fail(header_error("header", "missing"));
  const pb::Header& h = m.header();
  if (!h.has_format_version()) return mip6::fail(header_error("format_version", "missing"));
  if (h.format_version() != kFormatVersion) {
    SnapshotError e;
    e.code = SnapshotError::Code::kUnsupportedVersion;
    e.field = "format_version";
    e.value = h.format_version();
    e.detail = "version " + std::to_string(h.format_version()) + ", this ha-agent reads version " +
               std::to_string(kFormatVersion);
    return mip6::fail(std::move(e));
  }
  SnapshotHeader out;
  out.format_version = h.format_version();
  if (!h.has_written_at_unix_ms() || h.written_at_unix_ms() > kMaxUnixMs)
    return mip6::fail(header_error("written_at_unix_ms", h.has_written_at_unix_ms() ? "out of range" : "missing"));
  out.written_at = wall_from_ms(h.written_at_unix_ms());
  auto ha = address_of(h.ha_address());
  if (!ha) return mip6::fail(header_error("ha_address", "must be 16 octets"));
  out.ha_address = *ha;
  if (h.mn_set_digest().size() != out.mn_set_digest.size())
    return mip6::fail(header_error("mn_set_digest", "must be 32 octets (SHA-256)"));
  std::memcpy(out.mn_set_digest.data(), h.mn_set_digest().data(), out.mn_set_digest.size());
  out.mobile_node_count = h.mobile_node_count();
  return out;
}

mip6::Result<SnapshotEntry, SnapshotError> entry_from(const pb::Binding& b, int i) {
  SnapshotEntry e;
  struct AddressField {
    bool present;
    const std::string* bytes;
    const char* name;
    mip6::Ipv6Address* out;
  };
  const AddressField addresses[] = {
      {b.has_home_address(), &b.home_address(), "home_address", &e.home_address},
      {b.has_care_of_address(), &b.care_of_address(), "care_of_address", &e.care_of_address},
      {b.has_our_address(), &b.our_address(), "our_address", &e.our_address},
  };
  for (const auto& f : addresses) {
    if (!f.present) return mip6::fail(binding_error(i, f.name, "missing"));
    auto a = address_of(*f.bytes);
    if (!a) return mip6::fail(binding_error(i, f.name, "must be 16 octets"));
    if (a->is_unspecified() || a->is_multicast())
      return mip6::fail(binding_error(i, f.name, "must be a unicast address"));
    *f.out = *a;
  }
  if (!b.has_sequence()) return mip6::fail(binding_error(i, "sequence", "missing"));
  if (b.sequence() > kMaxSequence) return mip6::fail(binding_error(i, "sequence", "above 65535"));
  e.sequence = mip6::SequenceNumber(static_cast<std::uint16_t>(b.sequence()));
  if (!b.has_granted_lifetime_s()) return mip6::fail(binding_error(i, "granted_lifetime_s", "missing"));
  if (b.granted_lifetime_s() == 0 || b.granted_lifetime_s() > kMaxLifetimeS)
    return mip6::fail(binding_error(i, "granted_lifetime_s", "outside 1..262140 s (RFC 6275 §6.1.8)"));
  e.granted_lifetime_s = b.granted_lifetime_s();
  if (!b.has_registered_at_unix_ms()) return mip6::fail(binding_error(i, "registered_at_unix_ms", "missing"));
  if (!b.has_expires_at_unix_ms()) return mip6::fail(binding_error(i, "expires_at_unix_ms", "missing"));
  if (b.expires_at_unix_ms() > kMaxUnixMs)
    return mip6::fail(binding_error(i, "expires_at_unix_ms", "out of range"));
  if (b.registered_at_unix_ms() > b.expires_at_unix_ms())
    return mip6::fail(binding_error(i, "registered_at_unix_ms", "later than expires_at_unix_ms"));
  e.registered_at = wall_from_ms(b.registered_at_unix_ms());
  e.expires_at = wall_from_ms(b.expires_at_unix_ms());
  if (b.flags() > kMaxFlags) return mip6::fail(binding_error(i, "flags", "above 0xffff (16-bit flag word)"));
  e.flags = static_cast<std::uint16_t>(b.flags());
  e.spi = b.spi();
  e.refresh_count = b.refresh_count();
  e.epoch = b.epoch();
  e.confirmed = b.has_confirmed() ? b.confirmed() : true;
  if (b.has_owner()) {
    auto o = address_of(b.owner());
    if (!o) return mip6::fail(binding_error(i, "owner", "must be 16 octets"));
    e.owner = *o;
  }
  return e;
}

void put_be64(std::uint8_t* p, std::uint64_t v) {
  for (int k = 7; k >= 0; --k, v >>= 8) p[k] = static_cast<std::uint8_t>(v);
}
std::uint64_t get_be64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int k = 0; k < 8; ++k) v = (v << 8) | p[k];
  return v;
}

}  // namespace

std::string_view to_string(SnapshotError::Code c) {
  switch (c) {
    case SnapshotError::Code::kBadMagic: return "bad magic (not a snapshot file)";
    case SnapshotError::Code::kTruncated: return "truncated";
    case SnapshotError::Code::kTrailingData: return "trailing data after the payload";
    case SnapshotError::Code::kTooLarge: return "payload too large";
    case SnapshotError::Code::kChecksumMismatch: return "checksum mismatch";
    case SnapshotError::Code::kUnparsable: return "payload is not a snapshot message";
    case SnapshotError::Code::kUnsupportedVersion: return "unsupported format version";
    case SnapshotError::Code::kBadHeaderField: return "bad header field";
    case SnapshotError::Code::kBadBindingField: return "bad binding field";
    case SnapshotError::Code::kDuplicateBinding: return "duplicate binding";
    case SnapshotError::Code::kEncodeFailed: return "cannot encode";
  }
  return "unknown snapshot error";
}

std::string to_string(const SnapshotError& e) {
  std::string s(to_string(e.code));
  std::string where;
  if (e.binding_index >= 0) where = "binding[" + std::to_string(e.binding_index) + "]";
  if (!e.field.empty()) where += (where.empty() ? "" : ".") + e.field;
  if (!where.empty()) s += ": " + where;
  if (!e.detail.empty()) s += ": " + e.detail;
  return s;
}

mip6::Result<std::vector<std::uint8_t>, SnapshotError> encode(const Snapshot& s) {
  pb::Snapshot m;
  pb::Header* h = m.mutable_header();
  h->set_format_version(s.header.format_version);
  h->set_written_at_unix_ms(unix_ms(s.header.written_at));
  h->set_ha_address(bytes_of(s.header.ha_address));
  h->set_mn_set_digest(std::string(s.header.mn_set_digest.begin(), s.header.mn_set_digest.end()));
  h->set_mobile_node_count(s.header.mobile_node_count);
  m.mutable_binding()->Reserve(static_cast<int>(s.entries.size()));
  for (const auto& e : s.entries) {
    pb::Binding* b = m.add_binding();
    b->set_home_address(bytes_of(e.home_address));
    b->set_care_of_address(bytes_of(e.care_of_address));
    b->set_our_address(bytes_of(e.our_address));
    b->set_sequence(e.sequence.value());
    b->set_granted_lifetime_s(e.granted_lifetime_s);
    b->set_registered_at_unix_ms(unix_ms(e.registered_at));
    b->set_expires_at_unix_ms(unix_ms(e.expires_at));
    b->set_flags(e.flags);
    b->set_spi(e.spi);
    b->set_refresh_count(e.refresh_count);
    b->set_epoch(e.epoch);
    b->set_confirmed(e.confirmed);
    if (e.owner) b->set_owner(bytes_of(*e.owner));
  }
  const std::size_t size = m.ByteSizeLong();
  if (size > kMaxPayloadSize) {
    SnapshotError e;
    e.code = SnapshotError::Code::kTooLarge;
    e.value = size;
    return mip6::fail(std::move(e));
  }
  std::vector<std::uint8_t> out(kContainerHeaderSize + size);
  if (!m.SerializeToArray(out.data() + kContainerHeaderSize, static_cast<int>(size))) {
    SnapshotError e;
    e.code = SnapshotError::Code::kEncodeFailed;
    return mip6::fail(std::move(e));
  }
  std::memcpy(out.data(), kMagic, sizeof kMagic);
  put_be64(out.data() + 8, size);
  const Digest d = sha256(std::span(out).subspan(kContainerHeaderSize));
  std::memcpy(out.data() + 16, d.data(), d.size());
  return out;
}

mip6::Result<Snapshot, SnapshotError> decode(std::span<const std::uint8_t> file) {
  SnapshotError e;
  if (file.size() < sizeof kMagic || std::memcmp(file.data(), kMagic, sizeof kMagic) != 0) {
    // A file cut inside the magic is truncated, not foreign.
    const bool prefix = file.size() < sizeof kMagic && std::memcmp(file.data(), kMagic, file.size()) == 0;
    e.code = prefix ? SnapshotError::Code::kTruncated : SnapshotError::Code::kBadMagic;
    return mip6::fail(std::move(e));
  }
  if (file.size() < kContainerHeaderSize) {
    e.code = SnapshotError::Code::kTruncated;
    e.detail = std::to_string(file.size()) + " octets, the container header alone has " +
               std::to_string(kContainerHeaderSize);
    return mip6::fail(std::move(e));
  }
  const std::uint64_t length = get_be64(file.data() + 8);
  e.value = length;
  if (length > kMaxPayloadSize) {
    e.code = SnapshotError::Code::kTooLarge;
    e.detail = "declared payload of " + std::to_string(length) + " octets";
    return mip6::fail(std::move(e));
  }
  const auto payload = file.subspan(kContainerHeaderSize);
  if (payload.size() != length) {
    e.code = payload.size() < length ? SnapshotError::Code::kTruncated : SnapshotError::Code::kTrailingData;
    e.detail = "payload has " + std::to_string(payload.size()) + " octets, header declares " +
               std::to_string(length);
    return mip6::fail(std::move(e));
  }
  const Digest d = sha256(payload);
  if (std::memcmp(d.data(), file.data() + 16, d.size()) != 0) {
    e.code = SnapshotError::Code::kChecksumMismatch;
    e.detail = "the payload's SHA-256 differs from the one stored in the file";
    return mip6::fail(std::move(e));
  }
  return decode_payload(payload);
}

mip6::Result<Snapshot, SnapshotError> decode_payload(std::span<const std::uint8_t> payload) {
  pb::Snapshot m;
  if (payload.size() > kMaxPayloadSize || !m.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    SnapshotError e;
    e.code = SnapshotError::Code::kUnparsable;
    return mip6::fail(std::move(e));
  }
  auto header = header_from(m);
  if (!header) return mip6::fail(header.error());
  Snapshot out;
  out.header = *header;
  out.entries.reserve(static_cast<std::size_t>(m.binding_size()));
  std::unordered_set<mip6::Ipv6Address, mip6::Ipv6AddressHash> seen;
  seen.reserve(static_cast<std::size_t>(m.binding_size()));
  for (int i = 0; i < m.binding_size(); ++i) {
    auto e = entry_from(m.binding(i), i);
    if (!e) return mip6::fail(e.error());
    if (!seen.insert(e->home_address).second) {
      SnapshotError d;
      d.code = SnapshotError::Code::kDuplicateBinding;
      d.binding_index = i;
      d.field = "home_address";
      d.detail = e->home_address.to_string() + " appears twice";
      return mip6::fail(std::move(d));
    }
    out.entries.push_back(std::move(e).value());
  }
  return out;
}

}  // namespace ha_agent::snapshot
