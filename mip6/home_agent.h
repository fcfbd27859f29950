// HomeAgent: the RFC 6275 home-agent logic without I/O. The shell feeds it
// what it learned about each Binding Update below the Mobility Header (outer
// addresses, Home Address option, the ESP SA that protected it) and the
// current time; HomeAgent checks the BU as RFC 6275 §9.5.1, §10.3.1 and
// §10.3.2 say, updates its Binding Cache, and returns Actions: the BA to
// send, proxy-ND/tunnel changes, and a BindingEvent for every cache change.
// Timers (expiry, Binding Refresh Request) live here too: next_expiry() says
// when to call on_timer() (ngtcp2 style, STYLE.md). Rules, status codes,
// drop reasons and decisions are listed in docs/home-agent.md.
#pragma once

#include <cstdint>
#include <optional>

#include "mip6/address.h"
#include "mip6/binding_cache.h"
#include "mip6/clock.h"
#include "mip6/ha_actions.h"
#include "mip6/ha_counters.h"
#include "mip6/ha_policy.h"
#include "mip6/mobility_messages.h"
#include "mip6/result.h"

namespace mip6 {

// Binding Acknowledgement status codes used by the HA (RFC 6275 §6.1.8).
namespace ba_status {
inline constexpr std::uint8_t kAccepted = 0;
inline constexpr std::uint8_t kInsufficientResources = 130;
inline constexpr std::uint8_t kHomeRegistrationNotSupported = 131;
inline constexpr std::uint8_t kNotHomeSubnet = 132;
inline constexpr std::uint8_t kNotHomeAgentForThisMobileNode = 133;
inline constexpr std::uint8_t kSequenceNumberOutOfWindow = 135;
inline constexpr std::uint8_t kRegistrationTypeChangeDisallowed = 139;
inline constexpr std::uint8_t kInvalidCareOfAddress = 174;
}  // namespace ba_status

// What the shell learned about a BU below the Mobility Header.
struct BindingUpdateContext {
  Ipv6Address source;       // outer IPv6 source: the CoA unless an Alternate CoA option
  Ipv6Address destination;  // the address the BU was sent to (one of ours)
  std::optional<Ipv6Address> home_address;  // Home Address option; nullopt = source is the HoA
  std::optional<std::uint32_t> spi;         // ESP SA that protected the BU; nullopt = no ESP
  Ipv6Address sa_home_address;              // the HoA that SA is bound to (SPD selector)
};

class HomeAgent {
 public:
  // Refuses a policy validate_policy() rejects.
  static Result<HomeAgent, PolicyError> create(HomeAgentPolicy policy);

  // Processes one Binding Update (RFC 6275 §9.5.1, §10.3.1, §10.3.2).
  Actions on_binding_update(const BindingUpdate& bu, const BindingUpdateContext& ctx,
                            Clock::time_point now);

  // Fires due timers: BRR at expiry - brr_lead_time_s (once per lifetime),
  // removal at expiry (HA-07). Call at next_expiry() or later.
  Actions on_timer(Clock::time_point now);
  std::optional<Clock::time_point> next_expiry() const { return cache_.next_timer(); }

  // A Mobility Header of a type this node does not know: Binding Error
  // status 2 to its source (RFC 6275 §9.2). home_address is the HoA of the
  // packet's Home Address option, if any (§6.1.9).
  Actions on_unknown_mh_type(const Ipv6Address& source, const Ipv6Address& destination,
                             const std::optional<Ipv6Address>& home_address);

  // A packet other than a BU that carries a Home Address option (RFC 6275
  // §9.3.1): allowed only when a binding for home_address has `source` as
  // its CoA. Empty result: process the packet. Otherwise the result holds a
  // Binding Error status 1 to send and the packet must be dropped.
  Actions on_home_address_option(const Ipv6Address& home_address, const Ipv6Address& source,
                                 const Ipv6Address& destination);

  // Clean shutdown: removes the kernel state of every binding and empties the
  // cache. No BA, and no BindingEvent: standbys must keep these bindings to
  // take the MNs over (DESIGN.md §2), so nothing is announced as deleted.
  Actions remove_all(Clock::time_point now);

  // The redundancy layer decided another HA serves this MN (split brain
  // lost, protocol-notes §5.7 [D]): removes the binding and its forwarding
  // state quietly, with no BA and no BindingEvent. Empty when there is none.
  Actions release_binding(const Ipv6Address& home_address);

  // After a takeover: the next authenticated BU for home_address is accepted
  // whatever its sequence (protocol-notes §5.6.1 step 4) and the entry gets
  // `epoch`. False when there is no such binding.
  bool mark_switched(const Ipv6Address& home_address, std::uint32_t epoch);

  // Takes over a binding learned from a peer (hot standby becoming active,
  // protocol-notes §5.6.1 step 2a): the entry is inserted with
  // accept_any_sequence set, its timers armed from expires_at, and its
  // forwarding installed. Empty result (nothing adopted) when it is already
  // expired or the HoA already has a binding here, unless that binding was
  // itself adopted, not refreshed by the MN since, and `entry` carries a
  // newer sequence: then it is replaced (BindingEvent kUpdated).
  Actions adopt_binding(const BindingCacheEntry& entry, Clock::time_point now);

  // Role from the redundancy layer: while not serving (standby), every new
  // home registration gets BA 133 (protocol-notes G13); deregistrations of
  // existing bindings still work.
  void set_serving(bool serving) { serving_ = serving; }
  bool serving() const { return serving_; }

  // Replaces the policy (reload). Existing bindings stay until they are
  // refreshed (then checked against the new policy) or expire.
  Status<PolicyError> set_policy(HomeAgentPolicy policy);

  const HomeAgentPolicy& policy() const { return policy_; }
  const BindingCache& bindings() const { return cache_; }
  const HomeAgentCounters& counters() const { return counters_; }

 private:
  explicit HomeAgent(HomeAgentPolicy policy);

  bool is_our_address(const Ipv6Address& a) const;
  bool in_home_prefix(const Ipv6Address& a) const;
  bool serves(const Ipv6Address& home_address) const;
  Clock::time_point timer_for(const BindingCacheEntry& e) const;

  void drop(HaDropReason reason);
  void send_ba(Actions& out, const BindingUpdateContext& ctx, const Ipv6Address& hoa,
               BindingAcknowledgement ba);
  void reject(Actions& out, const BindingUpdateContext& ctx, const Ipv6Address& hoa,
              std::uint8_t status, SequenceNumber sequence);
  void deregister(Actions& out, const BindingUpdate& bu, const BindingUpdateContext& ctx,
                  const Ipv6Address& hoa);
  void register_binding(Actions& out, const BindingUpdate& bu, const BindingUpdateContext& ctx,
                        const Ipv6Address& hoa, const Ipv6Address& coa, Clock::time_point now);

  HomeAgentPolicy policy_;
  BindingCache cache_;
  HomeAgentCounters counters_;
  bool serving_ = true;
};

}  // namespace mip6
