#include "ha-agent/ctl/decode_json.h"

#include <cctype>
#include <cstdio>

#include "ha-agent/ctl/json_writer.h"
#include "mip6/mh_checksum.h"

namespace ha_agent::ctl {
namespace {

using namespace mip6;

std::string flag_letters(unsigned value, std::initializer_list<std::pair<unsigned, char>> bits) {
  std::string s;
  for (auto [mask, letter] : bits)
    if (value & mask) s += letter;
  return s;
}

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

std::string ipv4(const std::array<std::uint8_t, 4>& a) {
  return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
         std::to_string(a[3]);
}

bool printable(const std::vector<std::uint8_t>& v) {
  for (auto c : v)
    if (c < 0x20 || c >= 0x7f) return false;
  return true;
}

void write_options(JsonWriter& j, const MobilityOptions& o, const HarpNumbers& harp);

void write_bci(JsonWriter& j, const BindingCacheInformation& b, const HarpNumbers& harp) {
  j.begin_object()
      .field("type", harp.bci_option)
      .field("name", "Binding Cache Information")
      .field("flags", bu_flag_letters(b.flags))
      .field("sequence", b.sequence.value())
      .field("lifetime_s", std::uint32_t{b.lifetime} * 4)
      .field("home_address", b.home_address.to_string())
      .field("care_of_address", b.care_of_address.to_string());
  j.key("sub_options");
  write_options(j, b.sub_options, harp);
  j.end_object();
}

void write_options(JsonWriter& j, const MobilityOptions& o, const HarpNumbers& harp) {
  j.begin_array();
  auto head = [&](std::uint8_t type, const char* name) -> JsonWriter& {
    return j.begin_object().field("type", type).field("name", name);
  };
  if (o.binding_refresh_advice)
    head(opt::kBindingRefreshAdvice, "Binding Refresh Advice")
        .field("refresh_interval_s", std::uint32_t{*o.binding_refresh_advice} * 4)
        .end_object();
  if (o.alternate_care_of_address)
    head(opt::kAlternateCareOfAddress, "Alternate Care-of Address")
        .field("address", o.alternate_care_of_address->to_string())
        .end_object();
  if (o.nonce_indices)
    head(opt::kNonceIndices, "Nonce Indices")
        .field("home_nonce_index", o.nonce_indices->home_nonce_index)
        .field("care_of_nonce_index", o.nonce_indices->care_of_nonce_index)
        .end_object();
  for (const auto& p : o.mobile_network_prefixes)
    head(opt::kMobileNetworkPrefix, "Mobile Network Prefix")
        .field("prefix", p.prefix.to_string() + "/" + std::to_string(p.prefix_length))
        .field("prefix_length", p.prefix_length)
        .end_object();
  if (o.mobile_node_identifier) {
    const auto& m = *o.mobile_node_identifier;
    head(opt::kMobileNodeIdentifier, "Mobile Node Identifier")
        .field("subtype", m.subtype)
        .field("identifier", to_hex(m.identifier));
    if (m.subtype == MobileNodeIdentifier::kNai && printable(m.identifier))
      j.field("nai", std::string(m.identifier.begin(), m.identifier.end()));
    j.end_object();
  }
  if (o.ipv4_home_address)
    head(opt::kIpv4HomeAddress, "IPv4 Home Address")
        .field("prefix_length", o.ipv4_home_address->prefix_length)
        .field("p", o.ipv4_home_address->p)
        .field("address", ipv4(o.ipv4_home_address->address))
        .end_object();
  if (o.ipv4_care_of_address)
    head(opt::kIpv4CareOfAddress, "IPv4 Care-of Address")
        .field("address", ipv4(o.ipv4_care_of_address->address))
        .end_object();
  for (const auto& v : o.vendor_specific)
    head(opt::kVendorSpecific, "Vendor Specific")
        .field("vendor_id", v.vendor_id)
        .field("sub_type", v.sub_type)
        .field("data", to_hex(v.data))
        .end_object();
  if (o.restart_counter)
    head(opt::kRestartCounter, "Restart Counter")
        .field("restart_counter", *o.restart_counter)
        .end_object();
  for (const auto& a : o.ipv6_address_prefixes)
    head(opt::kMhIpv6AddressPrefix, "MH IPv6 Address/Prefix")
        .field("option_code", a.option_code)
        .field("prefix_length", a.prefix_length)
        .field("address", a.address.to_string())
        .end_object();
  for (const auto& b : o.binding_cache_information) write_bci(j, b, harp);
  for (const auto& u : o.unknown)
    head(u.type, "Unknown").field("offset", u.offset).field("data", to_hex(u.data)).end_object();
  if (o.binding_authorization_data)
    head(opt::kBindingAuthorizationData, "Binding Authorization Data")
        .field("authenticator", to_hex(*o.binding_authorization_data))
        .end_object();
  j.end_array();
}

const char* sync_type_name(SyncType t) {
  switch (t) {
    case SyncType::kRequest:
      return "SS-REQ";
    case SyncType::kReply:
      return "SS-REP";
    case SyncType::kAck:
      return "SS-ACK";
  }
  return "?";
}

const char* control_type_name(ControlType t) {
  switch (t) {
    case ControlType::kSwitchOverRequest:
      return "SWO-REQ";
    case ControlType::kSwitchOverReply:
      return "SWO-REP";
    case ControlType::kSwitchBackRequest:
      return "SWB-REQ";
    case ControlType::kSwitchBackReply:
      return "SWB-REP";
  }
  return "?";
}

// Message-specific fields (RFC names in snake_case).
struct FieldWriter {
  JsonWriter& j;
  void operator()(const BindingRefreshRequest&) {}
  void operator()(const BindingUpdate& m) {
    j.field("sequence", m.sequence.value())
        .field("flags", bu_flag_letters(m.flags))
        .field("flags_raw", hex16(m.flags))
        .field("lifetime_s", m.lifetime_seconds());
  }
  void operator()(const BindingAcknowledgement& m) {
    j.field("status", m.status)
        .field("accepted", m.status < 128)  // RFC 6275 §6.1.8
        .field("flags", ba_flag_letters(m.flags))
        .field("sequence", m.sequence.value())
        .field("lifetime_s", m.lifetime_seconds());
  }
  void operator()(const BindingError& m) {
    j.field("status", m.status).field("home_address", m.home_address.to_string());
  }
  void operator()(const HomeAgentSwitch& m) {
    j.key("addresses").begin_array();
    for (const auto& a : m.addresses) j.value(a.to_string());
    j.end_array();
  }
  void operator()(const Heartbeat& m) {
    j.field("sequence", m.sequence)
        .field("flags", flag_letters(m.flags, {{Heartbeat::kUnsolicited, 'U'},
                                               {Heartbeat::kResponse, 'R'}}));
  }
  void operator()(const HaHello& m) {
    j.field("sequence", m.sequence.value())
        .field("preference", m.preference)
        .field("lifetime_s", m.lifetime_s)
        .field("hello_interval_ms", m.hello_interval_ms)
        .field("group_id", m.group_id)
        .field("flags", flag_letters(m.flags, {{HaHello::kActive, 'A'},
                                               {HaHello::kReplyRequested, 'R'},
                                               {HaHello::kVirtualMode, 'M'}}));
  }
  void operator()(const StateSynchronization& m) {
    j.field("sync_type", static_cast<unsigned>(m.sync_type))
        .field("sync_type_name", sync_type_name(m.sync_type))
        .field("flags", flag_letters(m.flags, {{StateSynchronization::kAckRequested, 'A'},
                                               {StateSynchronization::kFullDump, 'F'},
                                               {StateSynchronization::kLast, 'L'}}))
        .field("identifier", m.identifier)
        .field("group_id", m.group_id);
  }
  void operator()(const HaControl& m) {
    j.field("control_type", static_cast<unsigned>(m.control_type))
        .field("control_type_name", control_type_name(m.control_type))
        .field("status", m.status)
        .field("identifier", m.identifier)
        .field("group_id", m.group_id);
  }
};

}  // namespace

std::string HexError::to_string() const {
  return std::string(what) + " at offset " + std::to_string(offset);
}

mip6::Result<std::vector<std::uint8_t>, HexError> parse_hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::size_t i = 0;
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) i = 2;
  int hi = -1;
  std::size_t hi_at = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == '-') {
      if (hi >= 0) return mip6::fail(HexError{"odd-hex-length", hi_at});  // split octet
      continue;
    }
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return mip6::fail(HexError{"bad-hex-digit", i});
    const int v =
        std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    if (hi < 0) {
      hi = v;
      hi_at = i;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  if (hi >= 0) return mip6::fail(HexError{"odd-hex-length", hi_at});
  if (out.empty()) return mip6::fail(HexError{"empty-input", 0});
  return out;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    s += d[b >> 4];
    s += d[b & 15];
  }
  return s;
}

std::string bu_flag_letters(std::uint16_t flags) {
  return flag_letters(flags, {{BindingUpdate::kAck, 'A'},
                              {BindingUpdate::kHomeRegistration, 'H'},
                              {BindingUpdate::kLinkLocal, 'L'},
                              {BindingUpdate::kKeyManagement, 'K'},
                              {BindingUpdate::kMapRegistration, 'M'},
                              {BindingUpdate::kMobileRouter, 'R'},
                              {BindingUpdate::kProxy, 'P'},
                              {BindingUpdate::kForcedUdp, 'F'},
                              {BindingUpdate::kTlvFormat, 'T'},
                              {BindingUpdate::kBulk, 'B'}});
}

std::string ba_flag_letters(std::uint8_t flags) {
  return flag_letters(flags, {{BindingAcknowledgement::kKeyManagement, 'K'},
                              {BindingAcknowledgement::kMobileRouter, 'R'},
                              {BindingAcknowledgement::kProxy, 'P'},
                              {BindingAcknowledgement::kTlvFormat, 'T'},
                              {BindingAcknowledgement::kBulk, 'B'}});
}

std::string decoded_to_json(const DecodedMobilityHeader& decoded,
                            std::span<const std::uint8_t> wire,
                            const std::optional<PseudoHeader>& pseudo, const HarpNumbers& harp) {
  JsonWriter j;
  j.begin_object()
      .field("mh_type", decoded.header.mh_type)
      .field("message", message_name(decoded.message))
      .field("payload_proto", decoded.header.payload_proto)
      .field("header_len", decoded.header.header_len)
      .field("length", decoded.header.length())
      .field("checksum", hex16(decoded.header.checksum));
  if (pseudo) {
    j.field("checksum_ok", verify_mh_checksum(wire, pseudo->source, pseudo->destination))
        .field("checksum_expected", hex16(mh_checksum(wire, pseudo->source, pseudo->destination)));
  }
  std::visit(FieldWriter{j}, decoded.message);
  j.key("options");
  write_options(j,
                std::visit([](const auto& m) -> const MobilityOptions& { return m.options; },
                           decoded.message),
                harp);
  j.end_object();
  return j.str();
}

}  // namespace ha_agent::ctl
