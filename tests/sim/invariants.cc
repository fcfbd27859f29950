// Invariants of the HARP group simulation; see invariants.h.
#include "tests/sim/invariants.h"

#include <bit>

namespace sim {

void InvariantChecker::forget_ha(int ha) {
  for (auto& m : ever_held_) m &= ~(HaMask{1} << ha);
}

std::optional<std::string> InvariantChecker::check(const WorldView& world, bool converged,
                                                   bool service_due) {
  if (ever_held_.size() < world.mns.size()) ever_held_.resize(world.mns.size(), 0);
  if (registration_.size() < world.mns.size()) registration_.resize(world.mns.size(), 0);
  for (std::size_t i = 0; i < world.mns.size(); ++i) {
    const MnView& m = world.mns[i];
    const std::string mn = "mn " + std::to_string(i) + ": ";
    HaMask& ever = ever_held_[i];
    if (registration_[i] != m.registration) {
      registration_[i] = m.registration;  // a new registration: older holders do not count
      ever = 0;
    }
    ever = (ever & world.alive) | (m.holders & world.alive);
    // Hot standby (DESIGN.md §2): while the MN's binding is valid and an HA
    // that held it still lives, some live HA must still hold it.
    if (m.binding_valid && ever != 0 && (m.holders & world.alive) == 0)
      return mn + "binding lost although HA mask " + std::to_string(ever) + " held it and lives";
    if (converged && std::popcount(m.owners & world.alive) > 1)
      return mn + "owned by several HAs, mask " + std::to_string(m.owners);
    if (service_due) {
      const HaMask cur = HaMask{1} << m.current_ha;
      if (!m.registered) return mn + "not registered";
      if ((world.alive & cur) == 0) return mn + "registered with dead HA " + std::to_string(m.current_ha);
      if ((m.owners & cur) == 0)
        return mn + "its HA " + std::to_string(m.current_ha) + " has no binding (owners mask " +
               std::to_string(m.owners) + ")";
    }
  }
  return std::nullopt;
}

}  // namespace sim
