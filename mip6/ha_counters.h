// Counters of the home-agent logic (home_agent.h): every received Binding
// Update, every accepted one by kind, every Binding Acknowledgement and
// Binding Error sent by status, and every silent drop by a named reason
// (keepalived/BIRD style: one counter per rejection cause). Plain uint64
// values the shell exports as they are (admin `stats`, Prometheus).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mip6 {

// Why a message was discarded without a Binding Acknowledgement.
enum class HaDropReason : std::uint8_t {
  kNotOurAddress,              // BU not addressed to one of this HA's addresses
  kNotIpsecProtected,          // home registration without ESP (RFC 6275 §10.3.1, RFC 3776 §4)
  kSaHomeAddressMismatch,      // SA bound to another HoA (RFC 3776 §4, RFC 4877 §4.3)
  kInvalidHomeAddress,         // HoA not a unicast routable address (RFC 6275 §9.5.1)
  kNotHomeRegistration,        // H=0 and no binding: we are no correspondent node (§9.5.1)
  kUnknownMhType,              // answered with Binding Error 2 (RFC 6275 §9.2)
  kHomeAddressWithoutBinding,  // HAO with no binding: Binding Error 1 (§9.3.1)
  kCount,
};

std::string_view to_string(HaDropReason reason);

struct HomeAgentCounters {
  std::uint64_t bu_received = 0;
  std::uint64_t bu_accepted_new = 0;
  std::uint64_t bu_accepted_refresh = 0;
  std::uint64_t bu_accepted_care_of_change = 0;
  std::uint64_t bu_accepted_deregistration = 0;
  std::array<std::uint64_t, 256> ba_sent{};  // indexed by BA status (RFC 6275 §6.1.8)
  std::array<std::uint64_t, 3> be_sent{};    // indexed by BE status 1, 2 (§6.1.9)
  std::array<std::uint64_t, static_cast<std::size_t>(HaDropReason::kCount)> drops{};
  std::uint64_t expirations = 0;
  std::uint64_t brr_sent = 0;
  std::uint64_t adopted = 0;              // bindings taken over (adopt_binding)
  std::uint64_t removed_at_shutdown = 0;  // remove_all
  std::uint64_t released = 0;             // release_binding (another HA serves the MN)

  std::uint64_t drop(HaDropReason r) const { return drops[static_cast<std::size_t>(r)]; }
  std::uint64_t ba(std::uint8_t status) const { return ba_sent[status]; }
};

}  // namespace mip6
