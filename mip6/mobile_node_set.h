// MobileNodeSet: many emulated mobile nodes (mobile_node.h) in one object,
// for mn-emu and simulations with 100 000 MNs in one process. It owns the
// MobileNodes (addressed by MnId, their index), finds them by home address,
// and keeps one timer structure ordered by (deadline, MnId) so that
// next_expiry() is O(1) and on_timer(now) visits only the MNs that are due.
// Every call that may change an MN's deadline goes through the set, which
// re-files the MN; callbacks look MNs up by id, never by pointer. No I/O, no
// clock: time comes in as an argument, Binding Updates to send come out.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mip6/mobile_node.h"

namespace mip6 {

class MobileNodeSet {
 public:
  // Adds an MN; its id is the number of MNs added before it. nullopt when
  // the home address is already used by another MN of the set.
  std::optional<MnId> add(MobileNodeConfig config);

  std::size_t size() const { return nodes_.size(); }
  const MobileNode& at(MnId id) const { return nodes_.at(id); }
  std::optional<MnId> find(const Ipv6Address& home_address) const;

  void start_registration(MnId id, MnTime now, MnActions& out);
  void schedule_registration(MnId id, MnTime at);
  void deregister(MnId id, MnTime now, MnActions& out);
  void schedule_deregistration(MnId id, MnTime at);

  std::optional<MnIgnoreReason> on_binding_ack(MnId id, const BindingAcknowledgement& ba,
                                               std::optional<std::size_t> via, MnTime now,
                                               MnActions& out);
  std::optional<MnIgnoreReason> on_home_agent_switch(MnId id, const HomeAgentSwitch& has,
                                                     std::optional<std::size_t> via, MnTime now,
                                                     MnActions& out);
  std::optional<MnIgnoreReason> on_binding_refresh_request(MnId id, std::optional<std::size_t> via,
                                                           MnTime now, MnActions& out);

  // Earliest deadline over all MNs.
  std::optional<MnTime> next_expiry() const;
  // Runs on_timer(now) of every MN whose deadline is <= now. At most
  // `limit` MNs are visited per call (0 = no limit) so a caller can bound
  // the work per event-loop turn; the rest stay due.
  void on_timer(MnTime now, MnActions& out, std::size_t limit = 0);

  // Number of MNs per state (index = MnState).
  std::array<std::size_t, kMnStateCount> state_counts() const;
  // Sum of every MN's ignore counters (index = MnIgnoreReason).
  std::array<std::uint64_t, kMnIgnoreReasonCount> ignored_totals() const;

 private:
  template <class F>
  auto update(MnId id, F&& f);
  void refile(MnId id);

  std::vector<MobileNode> nodes_;
  std::vector<std::optional<MnTime>> filed_;  // deadline each MN is filed under
  std::set<std::pair<MnTime, MnId>> timers_;
  std::unordered_map<Ipv6Address, MnId> by_home_address_;
};

}  // namespace mip6
