// HarpNumbers: the Mobility Header type numbers and the mobility option type
// that HARP uses on the wire. The HARP draft left them "TBD" and IANA never
// assigned any, so they are run-time configuration (protocol-notes §5.9, gap
// G2) and every encode/decode call takes them. Defaults: Hello 200, State
// Synchronization 201, HA Control 202, Binding Cache Information option 200.
#pragma once

#include <cstdint>

namespace mip6 {

struct HarpNumbers {
  std::uint8_t hello = 200;       // HARP_MH_HELLO
  std::uint8_t sync = 201;        // HARP_MH_SYNC
  std::uint8_t control = 202;     // HARP_MH_CONTROL
  std::uint8_t bci_option = 200;  // HARP_OPT_BCI

  // True when the three MH types differ from each other and from the
  // standard types this codec decodes (0..23 are IANA-assigned), and the BCI
  // option type is not a standard option type (0..63 are kept clear here).
  constexpr bool valid() const {
    return hello != sync && hello != control && sync != control && hello > 23 && sync > 23 &&
           control > 23 && bci_option > 63;
  }
  bool operator==(const HarpNumbers&) const = default;
};

}  // namespace mip6
