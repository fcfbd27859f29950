// Many mobile nodes with one timer structure (mobile_node_set.h).
#include "mip6/mobile_node_set.h"

namespace mip6 {

std::optional<MnId> MobileNodeSet::add(MobileNodeConfig config) {
  const auto id = static_cast<MnId>(nodes_.size());
  if (!by_home_address_.emplace(config.home_address, id).second) return std::nullopt;
  nodes_.emplace_back(id, std::move(config));
  filed_.emplace_back();
  return id;
}

std::optional<MnId> MobileNodeSet::find(const Ipv6Address& home_address) const {
  auto it = by_home_address_.find(home_address);
  if (it == by_home_address_.end()) return std::nullopt;
  return it->second;
}

void MobileNodeSet::refile(MnId id) {
  const auto next = nodes_[id].next_expiry();
  auto& filed = filed_[id];
  if (filed == next) return;
  if (filed) timers_.erase({*filed, id});
  if (next) timers_.emplace(*next, id);
  filed = next;
}

template <class F>
auto MobileNodeSet::update(MnId id, F&& f) {
  if constexpr (std::is_void_v<decltype(f(nodes_.at(id)))>) {
    f(nodes_.at(id));
    refile(id);
  } else {
    auto r = f(nodes_.at(id));
    refile(id);
    return r;
  }
}

void MobileNodeSet::start_registration(MnId id, MnTime now, MnActions& out) {
  update(id, [&](MobileNode& n) { n.start_registration(now, out); });
}
void MobileNodeSet::schedule_registration(MnId id, MnTime at) {
  update(id, [&](MobileNode& n) { n.schedule_registration(at); });
}
void MobileNodeSet::deregister(MnId id, MnTime now, MnActions& out) {
  update(id, [&](MobileNode& n) { n.deregister(now, out); });
}
void MobileNodeSet::schedule_deregistration(MnId id, MnTime at) {
  update(id, [&](MobileNode& n) { n.schedule_deregistration(at); });
}

std::optional<MnIgnoreReason> MobileNodeSet::on_binding_ack(MnId id,
                                                            const BindingAcknowledgement& ba,
                                                            std::optional<std::size_t> via,
                                                            MnTime now, MnActions& out) {
  return update(id, [&](MobileNode& n) { return n.on_binding_ack(ba, via, now, out); });
}
std::optional<MnIgnoreReason> MobileNodeSet::on_home_agent_switch(MnId id,
                                                                  const HomeAgentSwitch& has,
                                                                  std::optional<std::size_t> via,
                                                                  MnTime now, MnActions& out) {
  return update(id, [&](MobileNode& n) { return n.on_home_agent_switch(has, via, now, out); });
}
std::optional<MnIgnoreReason> MobileNodeSet::on_binding_refresh_request(
    MnId id, std::optional<std::size_t> via, MnTime now, MnActions& out) {
  return update(id, [&](MobileNode& n) { return n.on_binding_refresh_request(via, now, out); });
}

std::optional<MnTime> MobileNodeSet::next_expiry() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first;
}

void MobileNodeSet::on_timer(MnTime now, MnActions& out, std::size_t limit) {
  // Take the due MNs first: an MN re-filed during this call (its new
  // deadline is after `now`) is not visited twice.
  std::vector<MnId> due;
  for (auto it = timers_.begin(); it != timers_.end() && it->first <= now; ++it) {
    due.push_back(it->second);
    if (limit != 0 && due.size() >= limit) break;
  }
  for (MnId id : due) update(id, [&](MobileNode& n) { n.on_timer(now, out); });
}

std::array<std::size_t, kMnStateCount> MobileNodeSet::state_counts() const {
  std::array<std::size_t, kMnStateCount> c{};
  for (const auto& n : nodes_) ++c[static_cast<std::size_t>(n.state())];
  return c;
}

std::array<std::uint64_t, kMnIgnoreReasonCount> MobileNodeSet::ignored_totals() const {
  std::array<std::uint64_t, kMnIgnoreReasonCount> c{};
  for (const auto& n : nodes_)
    for (std::size_t i = 0; i < kMnIgnoreReasonCount; ++i) c[i] += n.stats().ignored[i];
  return c;
}

}  // namespace mip6
