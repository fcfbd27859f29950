// Packet building and opening for mn-emu (mn_packets.h).
#include "bench/mn-emu/mn_packets.h"

#include "mip6/ipv6_packet.h"
#include "mip6/mh_checksum.h"
#include "mip6/mh_codec.h"

namespace mnemu {
namespace {

constexpr std::uint8_t kIpv6InIpv6 = 41;  // IANA protocol number of IPv6 encapsulation

std::string ipv6_reason(const mip6::Ipv6Error& e) { return "ipv6: " + std::string(mip6::to_string(e.code)); }

}  // namespace

std::string_view to_string(PacketForm f) {
  switch (f) {
    case PacketForm::kType2Routing: return "rh2";
    case PacketForm::kPlain: return "plain";
    case PacketForm::kTunnelled: return "tunnelled";
  }
  return "unknown";
}

mip6::Status<std::string> build_binding_update_packet(const mip6::BindingUpdate& bu,
                                                      const mip6::Ipv6Address& home_address,
                                                      const mip6::Ipv6Address& care_of_address,
                                                      const mip6::Ipv6Address& ha_address,
                                                      crypto::EspSa& sa, crypto::SaTime now,
                                                      std::vector<std::uint8_t>& scratch,
                                                      std::vector<std::uint8_t>& packet) {
  // RFC 6275 §6.1.1/§6.3: the checksum uses the HoA (the HAO's address) as
  // source, since that is what the HA sees after processing the option.
  scratch.clear();
  if (auto st = mip6::encode_mobility_header(bu, home_address, ha_address, scratch); !st)
    return mip6::fail("mh encode: " + st.error().to_string());
  std::vector<std::uint8_t> esp(sa.protected_size(scratch.size()));
  auto sealed = sa.protect(scratch, mip6::ipproto::kMobility, esp, now);
  if (!sealed) return mip6::fail("esp: " + std::string(crypto::to_string(sealed.error())));
  esp.resize(sealed->size);
  // RFC 3776 §3 / RFC 6275 §6.3: the HAO goes before ESP.
  mip6::Ipv6PacketSpec spec;
  spec.source = care_of_address;
  spec.destination = ha_address;
  spec.home_address = home_address;
  spec.upper_protocol = mip6::ipproto::kEsp;
  spec.payload = esp;
  if (auto st = mip6::build_ipv6_packet(spec, packet); !st) return mip6::fail(ipv6_reason(st.error()));
  return mip6::Ok{};
}

mip6::Result<ReceivedMessage, std::string> open_packet(std::span<const std::uint8_t> bytes,
                                                       const InboundSaLookup& lookup,
                                                       crypto::SaTime now,
                                                       std::vector<std::uint8_t>& scratch) {
  auto outer = mip6::parse_ipv6_packet(bytes);
  if (!outer) return mip6::fail(ipv6_reason(outer.error()));
  mip6::Ipv6Packet pkt = *outer;
  const mip6::Ipv6Address arrived_at = outer->destination;  // one of our CoAs
  PacketForm form = pkt.type2_routing ? PacketForm::kType2Routing : PacketForm::kPlain;
  if (pkt.upper_protocol == kIpv6InIpv6) {
    // The HA's tunnel to the CoA (RFC 6275 §10.4.1; gap G8): the inner
    // packet is addressed to the HoA.
    auto inner = mip6::parse_ipv6_packet(pkt.upper_layer);
    if (!inner) return mip6::fail("tunnelled " + ipv6_reason(inner.error()));
    if (inner->upper_protocol == kIpv6InIpv6) return mip6::fail(std::string("nested tunnel"));
    pkt = *inner;
    form = PacketForm::kTunnelled;
  }
  if (pkt.home_address) return mip6::fail(std::string("home address option towards mn"));  // RFC 6275 §6.1
  if (pkt.upper_protocol != mip6::ipproto::kEsp) {
    if (pkt.upper_protocol == mip6::ipproto::kMobility) return mip6::fail(std::string("mh without esp"));
    if (pkt.upper_protocol == mip6::ipproto::kIcmpv6) return mip6::fail(std::string("not esp: icmpv6"));
    return mip6::fail("not esp: protocol " + std::to_string(pkt.upper_protocol));
  }
  const auto esp = pkt.upper_layer;
  if (esp.size() < 8) return mip6::fail("esp: " + std::string(crypto::to_string(crypto::EspError::kTooShort)));
  const std::uint32_t spi = std::uint32_t{esp[0]} << 24 | std::uint32_t{esp[1]} << 16 |
                            std::uint32_t{esp[2]} << 8 | esp[3];
  auto in = lookup(spi);
  if (!in || !in->sa) return mip6::fail("esp: " + std::string(crypto::to_string(crypto::EspError::kUnknownSpi)));

  // The SA must belong to the MN and HA the packet claims (RFC 4301 §5.2:
  // selectors are checked after ESP processing; RFC 3776 §5 selectors are
  // HA <-> HoA). Checked before the crypto so a misdirected packet does not
  // move the replay window.
  const auto& o = in->owner;
  if (arrived_at != o.care_of_address) return mip6::fail(std::string("wrong care-of address"));
  if (pkt.effective_source() != o.ha_address) return mip6::fail(std::string("wrong source"));
  const auto dst = pkt.effective_destination();
  const bool dst_ok = dst == o.home_address ||
                      (form == PacketForm::kPlain && dst == o.care_of_address);
  if (!dst_ok) return mip6::fail(std::string("wrong destination"));

  scratch.resize(esp.size());
  auto opened = in->sa->unprotect(esp, scratch, now);
  if (!opened) return mip6::fail("esp: " + std::string(crypto::to_string(opened.error())));
  if (opened->next_header != mip6::ipproto::kMobility) return mip6::fail(std::string("esp payload not mh"));
  std::span<const std::uint8_t> mh(scratch.data(), opened->payload_size);
  auto decoded = mip6::decode_mobility_header(mh);
  if (!decoded) return mip6::fail("mh: " + std::string(mip6::to_string(decoded.error().code)));
  // RFC 6275 §6.1.1: MH inside ESP is not checked by the kernel; verify it
  // over the addresses the end hosts see (RH2 -> the HoA).
  if (!mip6::verify_mh_checksum(mh, pkt.effective_source(), dst)) return mip6::fail(std::string("bad mh checksum"));
  return ReceivedMessage{o, form, std::move(decoded->message)};
}

}  // namespace mnemu
