// Invariant checker of the HARP group simulation (sim.h), kept apart from the
// simulation so it can be fed hand-made (also deliberately broken) states.
// The simulation condenses the world into a WorldView after every step: per
// MN, which live HAs hold its binding (HomeAgent cache or HARP shadow), which
// live HAs own it (HomeAgent cache entry = "serving"), and what the MN itself
// believes (registered, with which HA, binding still valid). check() returns
// the first violated invariant as text, or nullopt:
//  - no binding lost while an HA that held it (owner or shadow) lives: the
//    binding is the MN's latest registration (a new accepting BA starts a new
//    one), held = a copy at least that new;
//  - after convergence: at most one owner per MN;
//  - after the service bound: every MN registered with a live HA that owns it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sim {

using HaMask = std::uint32_t;  // bit i = HA i

struct MnView {
  bool binding_valid = false;  // the MN holds a binding whose lifetime (minus a margin) runs
  bool registered = false;     // MN state registered or refreshing
  int current_ha = 0;          // the HA the MN registers with
  // Live HAs with a cache entry or a shadow for the HoA that is as new as
  // the MN's own registration: its expiry is not before the MN's binding
  // expiry (minus a margin). An older copy (a stale entry of an HA the MN
  // left) does not count as holding the MN's binding.
  HaMask holders = 0;
  HaMask owners = 0;              // live HAs with a cache entry (any age) for the HoA
  std::uint64_t registration = 0;  // changes whenever the MN gets a new accepting BA
};

struct WorldView {
  HaMask alive = 0;
  std::vector<MnView> mns;
};

// What the checker remembers between steps: per MN, the HAs that held the
// binding since they last (re)started.
class InvariantChecker {
 public:
  explicit InvariantChecker(std::size_t mns) : ever_held_(mns, 0), registration_(mns, 0) {}
  // An HA crashed: it no longer counts as a holder of anything.
  void forget_ha(int ha);
  // converged: the convergence window after the last fault has passed (one
  // owner); service_due: the service bound has passed (every MN served).
  std::optional<std::string> check(const WorldView& world, bool converged, bool service_due);

 private:
  std::vector<HaMask> ever_held_;
  std::vector<std::uint64_t> registration_;
};

}  // namespace sim
