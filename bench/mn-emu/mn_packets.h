// Packet building and opening for mn-emu, without I/O. A Binding Update
// leaves as `IPv6(src=CoA, dst=HA) / DestOpt(HAO=HoA) / ESP / MH(BU)` (RFC
// 3776 layout, protocol-notes §6.2), its MH checksum computed over the HoA
// and the HA (RFC 6275 §6.1.1, §6.3: the addresses the end hosts see).
// Received packets are accepted in three forms: `IPv6 / RH2(HoA) / ESP / MH`
// (the BA form, RFC 6275 §6.1.8), plain `IPv6(dst=CoA) / ESP / MH`, and
// tunnelled `IPv6(HA->CoA) / IPv6(HA->HoA) / ESP / MH` (the daemon's default
// Home Agent Switch path, protocol-notes gap G8). open_packet() finds the SA
// by SPI, opens ESP, checks the MH checksum and that the SA belongs to the
// MN and HA the packet claims; every failure is a named drop reason.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/esp_sa.h"
#include "mip6/address.h"
#include "mip6/mobile_node.h"
#include "mip6/mobility_messages.h"
#include "mip6/result.h"

namespace mnemu {

// Builds the whole IPv6 packet of a Binding Update into `packet`, using
// `scratch` for the MH. Errors are drop-reason names ("esp: ...").
mip6::Status<std::string> build_binding_update_packet(const mip6::BindingUpdate& bu,
                                                      const mip6::Ipv6Address& home_address,
                                                      const mip6::Ipv6Address& care_of_address,
                                                      const mip6::Ipv6Address& ha_address,
                                                      crypto::EspSa& sa, crypto::SaTime now,
                                                      std::vector<std::uint8_t>& scratch,
                                                      std::vector<std::uint8_t>& packet);

// Who an inbound SA belongs to.
struct SaOwner {
  mip6::MnId mn = 0;
  std::size_t home_agent = 0;  // index into the MN's HA list
  mip6::Ipv6Address ha_address;
  mip6::Ipv6Address home_address;
  mip6::Ipv6Address care_of_address;
};

struct InboundSa {
  crypto::EspSa* sa = nullptr;
  SaOwner owner;
};

// Finds the inbound SA for an SPI (nullopt: unknown SPI).
using InboundSaLookup = std::function<std::optional<InboundSa>(std::uint32_t spi)>;

enum class PacketForm : std::uint8_t { kType2Routing, kPlain, kTunnelled };
std::string_view to_string(PacketForm f);

struct ReceivedMessage {
  SaOwner owner;
  PacketForm form = PacketForm::kPlain;
  mip6::MobilityMessage message;
};

// Opens one received IPv6 packet (from the IPv6 header on). `scratch`
// receives the decrypted payload. Errors are drop-reason names such as
// "ipv6: truncated-header", "not esp", "esp: icv mismatch", "bad mh checksum",
// "wrong source", "wrong destination".
mip6::Result<ReceivedMessage, std::string> open_packet(std::span<const std::uint8_t> packet,
                                                       const InboundSaLookup& lookup,
                                                       crypto::SaTime now,
                                                       std::vector<std::uint8_t>& scratch);

}  // namespace mnemu
