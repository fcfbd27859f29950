#include "mip6/mh_codec.h"

#include "mip6/mh_checksum.h"
#include "mip6/option_codec.h"
#include "mip6/wire.h"

namespace mip6 {
namespace {

using Bytes = std::span<const std::uint8_t>;

MhError err(MhErrc c, std::size_t off) {
  return MhError{c, off};
}

// Fixed part of each message, counted from the MH start (the options follow).
constexpr std::size_t kFixedBrr = 8;       // RFC 6275 §6.1.2
constexpr std::size_t kFixedBu = 12;       // RFC 6275 §6.1.7
constexpr std::size_t kFixedBa = 12;       // RFC 6275 §6.1.8
constexpr std::size_t kFixedBe = 24;       // RFC 6275 §6.1.9
constexpr std::size_t kFixedHas = 8;       // RFC 5142 §4, plus 16 N
constexpr std::size_t kFixedHb = 12;       // RFC 5847 §5.1
constexpr std::size_t kFixedHello = 16;    // protocol-notes §5.3.1 [D]
constexpr std::size_t kFixedSync = 12;     // protocol-notes §5.3.2 [D]
constexpr std::size_t kFixedControl = 12;  // protocol-notes §5.3.4 [D]

// Decodes the options after the fixed part into `m.options`, returns m.
template <class M>
Result<MobilityMessage, MhError> with_options(M m, Bytes mh, std::size_t fixed,
                                              const HarpNumbers& harp) {
  if (auto s = decode_options(mh, fixed, mh.size(), harp, m.options); !s) return fail(s.error());
  return MobilityMessage{std::move(m)};
}

std::size_t fixed_size(std::uint8_t type, const HarpNumbers& harp) {
  switch (type) {
    case mh::kBindingRefreshRequest:
      return kFixedBrr;
    case mh::kBindingUpdate:
      return kFixedBu;
    case mh::kBindingAcknowledgement:
      return kFixedBa;
    case mh::kBindingError:
      return kFixedBe;
    case mh::kHomeAgentSwitch:
      return kFixedHas;
    case mh::kHeartbeat:
      return kFixedHb;
    default:
      break;
  }
  if (type == harp.hello) return kFixedHello;
  if (type == harp.sync) return kFixedSync;
  if (type == harp.control) return kFixedControl;
  return 0;  // unknown type
}

Result<MobilityMessage, MhError> decode_body(std::uint8_t type, Bytes mh, const HarpNumbers& harp) {
  switch (type) {
    case mh::kBindingRefreshRequest:
      return with_options(BindingRefreshRequest{}, mh, kFixedBrr, harp);
    case mh::kBindingUpdate: {
      BindingUpdate m;
      m.sequence = SequenceNumber(wire::get16(mh, 6));
      m.flags = wire::get16(mh, 8);
      m.lifetime = wire::get16(mh, 10);
      return with_options(std::move(m), mh, kFixedBu, harp);
    }
    case mh::kBindingAcknowledgement: {
      BindingAcknowledgement m;
      m.status = mh[6];
      m.flags = mh[7];
      m.sequence = SequenceNumber(wire::get16(mh, 8));
      m.lifetime = wire::get16(mh, 10);
      return with_options(std::move(m), mh, kFixedBa, harp);
    }
    case mh::kBindingError: {
      BindingError m;
      m.status = mh[6];
      m.home_address = wire::get_address(mh, 8);
      return with_options(std::move(m), mh, kFixedBe, harp);
    }
    case mh::kHomeAgentSwitch: {
      // RFC 5142 §4: N addresses must fit in the length Header Len gives (HS-01).
      const std::size_t n = mh[6];
      const std::size_t end = kFixedHas + 16 * n;
      if (end > mh.size()) return fail(err(MhErrc::kHasAddressCountMismatch, 6));
      HomeAgentSwitch m;
      m.addresses.reserve(n);
      for (std::size_t i = 0; i < n; ++i)
        m.addresses.push_back(wire::get_address(mh, kFixedHas + 16 * i));
      return with_options(std::move(m), mh, end, harp);
    }
    case mh::kHeartbeat: {
      Heartbeat m;
      m.flags = mh[7];
      m.sequence = wire::get32(mh, 8);
      return with_options(std::move(m), mh, kFixedHb, harp);
    }
    default:
      break;
  }
  if (type == harp.hello) {
    HaHello m;
    m.sequence = SequenceNumber(wire::get16(mh, 6));
    m.preference = static_cast<std::int16_t>(wire::get16(mh, 8));
    m.lifetime_s = wire::get16(mh, 10);
    m.hello_interval_ms = wire::get16(mh, 12);
    m.group_id = mh[14];
    m.flags = mh[15];
    return with_options(std::move(m), mh, kFixedHello, harp);
  }
  if (type == harp.sync) {
    if (mh[6] > static_cast<std::uint8_t>(SyncType::kAck))
      return fail(err(MhErrc::kBadSyncType, 6));
    StateSynchronization m;
    m.sync_type = static_cast<SyncType>(mh[6]);
    m.flags = mh[7];
    m.identifier = wire::get16(mh, 8);
    m.group_id = mh[10];
    return with_options(std::move(m), mh, kFixedSync, harp);
  }
  // type == harp.control (fixed_size() admitted only known types)
  if (mh[6] < static_cast<std::uint8_t>(ControlType::kSwitchOverRequest) ||
      mh[6] > static_cast<std::uint8_t>(ControlType::kSwitchBackReply))
    return fail(err(MhErrc::kBadControlType, 6));
  HaControl m;
  m.control_type = static_cast<ControlType>(mh[6]);
  m.status = mh[7];
  m.identifier = wire::get16(mh, 8);
  m.group_id = mh[10];
  return with_options(std::move(m), mh, kFixedControl, harp);
}

// Writes the fixed part after the 6-octet header. Returns an error only for
// counts that cannot be represented.
struct BodyWriter {
  std::vector<std::uint8_t>& out;

  Status<MhError> operator()(const BindingRefreshRequest&) {
    wire::put16(out, 0);  // Reserved
    return Ok{};
  }
  Status<MhError> operator()(const BindingUpdate& m) {
    wire::put16(out, m.sequence.value());
    wire::put16(out, m.flags);
    wire::put16(out, m.lifetime);
    return Ok{};
  }
  Status<MhError> operator()(const BindingAcknowledgement& m) {
    wire::put8(out, m.status);
    wire::put8(out, m.flags);
    wire::put16(out, m.sequence.value());
    wire::put16(out, m.lifetime);
    return Ok{};
  }
  Status<MhError> operator()(const BindingError& m) {
    wire::put8(out, m.status);
    wire::put8(out, 0);  // Reserved
    wire::put_address(out, m.home_address);
    return Ok{};
  }
  Status<MhError> operator()(const HomeAgentSwitch& m) {
    if (m.addresses.size() > 255) return fail(err(MhErrc::kTooManyAddresses, 6));
    wire::put8(out, static_cast<std::uint8_t>(m.addresses.size()));
    wire::put8(out, 0);  // Reserved
    for (const auto& a : m.addresses) wire::put_address(out, a);
    return Ok{};
  }
  Status<MhError> operator()(const Heartbeat& m) {
    wire::put8(out, 0);  // Reserved
    wire::put8(out, m.flags);
    wire::put32(out, m.sequence);
    return Ok{};
  }
  Status<MhError> operator()(const HaHello& m) {
    wire::put16(out, m.sequence.value());
    wire::put16(out, static_cast<std::uint16_t>(m.preference));
    wire::put16(out, m.lifetime_s);
    wire::put16(out, m.hello_interval_ms);
    wire::put8(out, m.group_id);
    wire::put8(out, m.flags);
    return Ok{};
  }
  Status<MhError> operator()(const StateSynchronization& m) {
    wire::put8(out, static_cast<std::uint8_t>(m.sync_type));
    wire::put8(out, m.flags);
    wire::put16(out, m.identifier);
    wire::put8(out, m.group_id);
    wire::put8(out, 0);  // Reserved
    return Ok{};
  }
  Status<MhError> operator()(const HaControl& m) {
    wire::put8(out, static_cast<std::uint8_t>(m.control_type));
    wire::put8(out, m.status);
    wire::put16(out, m.identifier);
    wire::put8(out, m.group_id);
    wire::put8(out, 0);  // Reserved
    return Ok{};
  }
};

}  // namespace

std::uint8_t mh_type_of(const MobilityMessage& message, const HarpNumbers& harp) {
  switch (message.index()) {
    case 0:
      return mh::kBindingRefreshRequest;
    case 1:
      return mh::kBindingUpdate;
    case 2:
      return mh::kBindingAcknowledgement;
    case 3:
      return mh::kBindingError;
    case 4:
      return mh::kHomeAgentSwitch;
    case 5:
      return mh::kHeartbeat;
    case 6:
      return harp.hello;
    case 7:
      return harp.sync;
    default:
      return harp.control;
  }
}

std::string_view message_name(const MobilityMessage& message) {
  static constexpr std::string_view kNames[] = {
      "Binding Refresh Request", "Binding Update",
      "Binding Acknowledgement", "Binding Error",
      "Home Agent Switch",       "Heartbeat",
      "HARP HA-Hello",           "HARP State Synchronization",
      "HARP HA Control"};
  static_assert(std::size(kNames) == std::variant_size_v<MobilityMessage>);
  return kNames[message.index()];
}

Result<DecodedMobilityHeader, MhError> decode_mobility_header(Bytes mh, const HarpNumbers& harp) {
  // RFC 6275 §6.1.1 / §9.2, as a straight line of checks.
  if (mh.size() < 8) return fail(err(MhErrc::kTruncated, mh.size()));
  if (mh.size() % 8 != 0)
    return fail(err(MhErrc::kLengthNotMultipleOf8, mh.size() & ~std::size_t{7}));
  if (mh.size() > mh::kMaxLength) return fail(err(MhErrc::kTooLong, mh::kMaxLength));
  if (mh[0] != mh::kPayloadProtoNone) return fail(err(MhErrc::kBadPayloadProto, 0));
  MhHeader h{mh[0], mh[1], mh[2], wire::get16(mh, 4)};
  if (h.length() > mh.size()) return fail(err(MhErrc::kHeaderLenBeyondData, 1));
  if (h.length() < mh.size()) return fail(err(MhErrc::kDataBeyondHeaderLen, h.length()));
  const std::size_t fixed = fixed_size(h.mh_type, harp);
  if (fixed == 0) return fail(err(MhErrc::kUnknownMhType, 2));              // §9.2: BE status 2
  if (h.length() < fixed) return fail(err(MhErrc::kHeaderLenTooSmall, 1));  // MH-06
  auto body = decode_body(h.mh_type, mh, harp);
  if (!body) return fail(body.error());
  return DecodedMobilityHeader{h, std::move(body).value()};
}

Status<MhError> encode_mobility_header(const MobilityMessage& message,
                                       std::vector<std::uint8_t>& out, const HarpNumbers& harp) {
  const std::size_t start = out.size();
  auto undo = [&](const MhError& e) -> Status<MhError> {
    out.resize(start);
    return fail(e);
  };
  // RFC 6275 §6.1.1 header; Header Len and Checksum are filled in below.
  wire::put8(out, mh::kPayloadProtoNone);
  wire::put8(out, 0);
  wire::put8(out, mh_type_of(message, harp));
  wire::put8(out, 0);  // Reserved
  wire::put16(out, 0);
  if (auto s = std::visit(BodyWriter{out}, message); !s) return undo(s.error());
  const MobilityOptions& options =
      std::visit([](const auto& m) -> const MobilityOptions& { return m.options; }, message);
  if (auto s = encode_options(options, harp, out, start); !s) return undo(s.error());
  pad_to_alignment(out, start, 8, 0);  // MH-01: a multiple of 8 octets
  const std::size_t length = out.size() - start;
  if (length > mh::kMaxLength) return undo(err(MhErrc::kTooLong, mh::kMaxLength));  // MH-09
  out[start + 1] = static_cast<std::uint8_t>(length / 8 - 1);
  return Ok{};
}

Status<MhError> encode_mobility_header(const MobilityMessage& message, const Ipv6Address& src,
                                       const Ipv6Address& dst, std::vector<std::uint8_t>& out,
                                       const HarpNumbers& harp) {
  const std::size_t start = out.size();
  if (auto s = encode_mobility_header(message, out, harp); !s) return s;
  write_mh_checksum(std::span<std::uint8_t>(out).subspan(start), src, dst);
  return Ok{};
}

}  // namespace mip6
