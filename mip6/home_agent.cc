#include "mip6/home_agent.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace mip6 {
namespace {

// A home or care-of address must be a unicast routable address (RFC 6275
// §9.5.1): not unspecified, multicast, loopback or link-local.
bool is_unicast_routable(const Ipv6Address& a) {
  static constexpr Ipv6Address::Bytes kLoopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return !a.is_unspecified() && !a.is_multicast() && !a.is_link_local() && a.bytes() != kLoopback;
}

std::optional<Ipv6Address> link_local_if(const BindingCacheEntry& e) {
  if (!e.link_local_compat()) return std::nullopt;
  return link_local_of(e.home_address);
}

// Flags whose change makes a refresh an update: everything but A, which
// only asks for an acknowledgement (RFC 6275 §6.1.7).
constexpr std::uint16_t kBindingFlagsMask = static_cast<std::uint16_t>(~BindingUpdate::kAck);

}  // namespace

Result<HomeAgent, PolicyError> HomeAgent::create(HomeAgentPolicy policy) {
  if (auto st = validate_policy(policy); !st) return fail(st.error());
  return HomeAgent(std::move(policy));
}

HomeAgent::HomeAgent(HomeAgentPolicy policy) : policy_(std::move(policy)) {}

Status<PolicyError> HomeAgent::set_policy(HomeAgentPolicy policy) {
  if (auto st = validate_policy(policy); !st) return st;
  policy_ = std::move(policy);
  return Ok{};
}

bool HomeAgent::is_our_address(const Ipv6Address& a) const {
  return std::find(policy_.addresses.begin(), policy_.addresses.end(), a) !=
         policy_.addresses.end();
}

bool HomeAgent::in_home_prefix(const Ipv6Address& a) const {
  return std::any_of(policy_.home_prefixes.begin(), policy_.home_prefixes.end(),
                     [&](const Ipv6Prefix& p) { return p.contains(a); });
}

bool HomeAgent::serves(const Ipv6Address& home_address) const {
  return policy_.serve_any_home_address || policy_.served_home_addresses.count(home_address) != 0;
}

// The entry's one timer: the BRR point while no BRR was sent in this
// lifetime and the lead time fits inside it, else the expiry.
Clock::time_point HomeAgent::timer_for(const BindingCacheEntry& e) const {
  const std::uint32_t lead = policy_.brr_lead_time_s;
  if (lead > 0 && !e.brr_sent && lead < e.granted_lifetime_s) {
    return e.expires_at - std::chrono::seconds(lead);
  }
  return e.expires_at;
}

void HomeAgent::drop(HaDropReason reason) {
  ++counters_.drops[static_cast<std::size_t>(reason)];
}

// RFC 6275 §9.5.4: the BA goes to the source address of the BU, with a Type
// 2 routing header carrying the HoA when that source is not the HoA.
void HomeAgent::send_ba(Actions& out, const BindingUpdateContext& ctx, const Ipv6Address& hoa,
                        BindingAcknowledgement ba) {
  ++counters_.ba_sent[ba.status];
  out.push_back(SendBindingAck{hoa, ctx.source, ctx.destination, std::move(ba)});
}

// A rejection leaves the Binding Cache unchanged (RFC 6275 §10.3.1) and is
// answered with a BA whatever the A flag: §9.5.1 (135, 139) and §10.3.1
// (131) say MUST, §10.3.1/§10.3.2 (132, 133, other reasons) SHOULD.
void HomeAgent::reject(Actions& out, const BindingUpdateContext& ctx, const Ipv6Address& hoa,
                       std::uint8_t status, SequenceNumber sequence) {
  BindingAcknowledgement ba;
  ba.status = status;
  ba.sequence = sequence;
  ba.lifetime = 0;
  send_ba(out, ctx, hoa, std::move(ba));
}

Actions HomeAgent::on_binding_update(const BindingUpdate& bu, const BindingUpdateContext& ctx,
                                     Clock::time_point now) {
  Actions out;
  ++counters_.bu_received;

  if (!is_our_address(ctx.destination)) {
    drop(HaDropReason::kNotOurAddress);
    return out;
  }
  // The HoA comes from the Home Address option; without one the MN is at
  // home and the source is the HoA (RFC 6275 §9.5.1, §11.5.4).
  const Ipv6Address hoa = ctx.home_address.value_or(ctx.source);
  if (!is_unicast_routable(hoa)) {
    drop(HaDropReason::kInvalidHomeAddress);
    return out;
  }
  const bool home_registration = (bu.flags & BindingUpdate::kHomeRegistration) != 0;
  const BindingCacheEntry* existing = cache_.find(hoa);
  // H=0 asks for a correspondent registration (RFC 6275 §9.5.2), which needs
  // return routability; this node is no correspondent node, so without a
  // home registration to protect it drops such a BU silently (§9.5.1).
  if (!home_registration && existing == nullptr) {
    drop(HaDropReason::kNotHomeRegistration);
    return out;
  }
  // Home registrations MUST be protected by IPsec (RFC 6275 §10.3.1, RFC 3776
  // §4) with an SA whose selectors name this HoA; the SPD already checked
  // this, checked again here so a wiring mistake cannot bind a stolen HoA.
  if (!ctx.spi) {
    drop(HaDropReason::kNotIpsecProtected);
    return out;
  }
  if (ctx.sa_home_address != hoa) {
    drop(HaDropReason::kSaHomeAddressMismatch);
    return out;
  }
  // RFC 6275 §9.5.1: a node with a binding accepts only newer sequence
  // numbers (modulo 2^16) and answers 135 with the last accepted one; a node
  // without one accepts any. After a takeover the first BU is accepted
  // whatever its sequence (protocol-notes §5.6.1 step 4, G10).
  if (existing != nullptr && !existing->accept_any_sequence &&
      !bu.sequence.newer_than(existing->last_sequence)) {
    reject(out, ctx, hoa, ba_status::kSequenceNumberOutOfWindow, existing->last_sequence);
    return out;
  }
  // RFC 6275 §9.5.1: a binding exists and H differs from its home
  // registration flag -> 139. Every entry here is a home registration, so
  // only H=0 gets here; the opposite direction cannot occur (we never hold
  // correspondent bindings).
  if (existing != nullptr && !home_registration) {
    reject(out, ctx, hoa, ba_status::kRegistrationTypeChangeDisallowed, bu.sequence);
    return out;
  }
  // The CoA is the Alternate Care-of Address option if present, else the
  // source address (RFC 6275 §6.2.5, §9.5.1).
  const Ipv6Address coa = bu.options.alternate_care_of_address.value_or(ctx.source);
  // Lifetime 0 or CoA == HoA: deregistration (RFC 6275 §9.5.1, §10.3.2).
  if (bu.lifetime == 0 || coa == hoa) {
    deregister(out, bu, ctx, hoa);
    return out;
  }
  // RFC 6275 §10.3.1 checks for a home registration.
  if (!in_home_prefix(hoa)) {
    reject(out, ctx, hoa, ba_status::kNotHomeSubnet, bu.sequence);
    return out;
  }
  if (!serving_ || !serves(hoa)) {
    reject(out, ctx, hoa, ba_status::kNotHomeAgentForThisMobileNode, bu.sequence);
    return out;
  }
  if (!is_unicast_routable(coa)) {
    reject(out, ctx, hoa, ba_status::kInvalidCareOfAddress, bu.sequence);
    return out;
  }
  register_binding(out, bu, ctx, hoa, coa, now);
  return out;
}

// RFC 6275 §10.3.2.
void HomeAgent::deregister(Actions& out, const BindingUpdate& bu, const BindingUpdateContext& ctx,
                           const Ipv6Address& hoa) {
  auto removed = cache_.erase(hoa);
  if (!removed) {
    // "no entry marked as a home registration ... 133".
    reject(out, ctx, hoa, ba_status::kNotHomeAgentForThisMobileNode, bu.sequence);
    return;
  }
  ++counters_.bu_accepted_deregistration;
  out.push_back(RemoveHomeAddress{hoa, removed->care_of_address, link_local_if(*removed)});
  out.push_back(BindingEvent{BindingEvent::Kind::kDeleted, *removed});
  // Status 0, sequence copied, lifetime 0, no Binding Refresh Advice; K as
  // for a registration (the HoA becomes the key-management endpoint).
  BindingAcknowledgement ba;
  ba.status = ba_status::kAccepted;
  ba.sequence = bu.sequence;
  ba.lifetime = 0;
  if (policy_.key_management_mobility && (bu.flags & BindingUpdate::kKeyManagement)) {
    ba.flags |= BindingAcknowledgement::kKeyManagement;
  }
  send_ba(out, ctx, hoa, std::move(ba));
}

// RFC 6275 §10.3.1, accepted path.
void HomeAgent::register_binding(Actions& out, const BindingUpdate& bu,
                                 const BindingUpdateContext& ctx, const Ipv6Address& hoa,
                                 const Ipv6Address& coa, Clock::time_point now) {
  BindingCacheEntry* e = cache_.find(hoa);
  if (e == nullptr && policy_.max_bindings != 0 && cache_.size() >= policy_.max_bindings) {
    reject(out, ctx, hoa, ba_status::kInsufficientResources, bu.sequence);
    return;
  }
  // K is granted only when IKE can move its endpoint (§10.3.1, §11.7.1).
  const bool key_mgmt =
      policy_.key_management_mobility && (bu.flags & BindingUpdate::kKeyManagement) != 0;
  std::uint16_t flags = bu.flags;
  if (!key_mgmt) flags &= static_cast<std::uint16_t>(~BindingUpdate::kKeyManagement);
  // Granted lifetime: never more than requested, never more than the policy
  // maximum (§10.3.1); both in 4-s units, so it is exact on the wire.
  const auto max_units = static_cast<std::uint16_t>(policy_.max_lifetime_s / 4);
  const std::uint16_t granted_units = std::min(bu.lifetime, max_units);
  const std::uint32_t granted_s = std::uint32_t{granted_units} * 4;
  const Clock::time_point expires = now + std::chrono::seconds(granted_s);

  if (e == nullptr) {
    BindingCacheEntry n;
    n.home_address = hoa;
    n.care_of_address = coa;
    n.our_address = ctx.destination;
    n.created_at = now;
    n.registered_at = now;
    n.expires_at = expires;
    n.granted_lifetime_s = granted_s;
    n.spi = *ctx.spi;
    n.flags = flags;
    n.last_sequence = bu.sequence;
    cache_.put(n, timer_for(n));
    ++counters_.bu_accepted_new;
    // New registration: proxy ND + unsolicited NAs (§10.4.1), tunnel (§10.4.2).
    out.push_back(InstallHomeAddress{hoa, coa, n.our_address, link_local_if(n)});
    out.push_back(BindingEvent{BindingEvent::Kind::kCreated, n});
  } else {
    const BindingCacheEntry old = *e;
    e->care_of_address = coa;
    e->our_address = ctx.destination;
    e->registered_at = now;
    e->expires_at = expires;
    e->granted_lifetime_s = granted_s;
    e->spi = *ctx.spi;
    e->flags = flags;
    e->last_sequence = bu.sequence;
    e->brr_sent = false;  // a new lifetime: one BRR allowed again
    e->accept_any_sequence = false;
    ++e->refresh_count;
    cache_.reschedule(hoa, timer_for(*e));

    const bool coa_changed = old.care_of_address != coa;
    const bool flags_changed = (old.flags & kBindingFlagsMask) != (flags & kBindingFlagsMask);
    if (old.link_local_compat() != e->link_local_compat()) {
      // L toggled: the set of proxied addresses changes; re-install.
      out.push_back(RemoveHomeAddress{hoa, old.care_of_address, link_local_if(old)});
      out.push_back(InstallHomeAddress{hoa, coa, e->our_address, link_local_if(*e)});
    } else if (coa_changed) {
      out.push_back(UpdateCareOf{hoa, old.care_of_address, coa, e->our_address});
    }
    if (coa_changed) {
      ++counters_.bu_accepted_care_of_change;
    } else {
      ++counters_.bu_accepted_refresh;
    }
    const auto kind = (coa_changed || flags_changed) ? BindingEvent::Kind::kUpdated
                                                     : BindingEvent::Kind::kRefreshed;
    out.push_back(BindingEvent{kind, *e});
  }

  // "Regardless of the setting of the Acknowledge (A) bit in the Binding
  // Update, the home agent MUST return a Binding Acknowledgement" (§10.3.1):
  // status 0, sequence copied, the granted lifetime.
  BindingAcknowledgement ba;
  ba.status = ba_status::kAccepted;
  ba.sequence = bu.sequence;
  ba.lifetime = granted_units;
  if (key_mgmt) ba.flags |= BindingAcknowledgement::kKeyManagement;
  if (policy_.send_refresh_advice) {
    // Binding Refresh Advice (§6.2.4): refresh interval < granted lifetime.
    const std::uint32_t lead = policy_.brr_lead_time_s;
    const std::uint32_t refresh_s =
        (lead > 0 && lead < granted_s) ? granted_s - lead : granted_s / 2;
    const auto refresh_units = static_cast<std::uint16_t>(refresh_s / 4);
    if (refresh_units > 0 && refresh_units < granted_units) {
      ba.options.binding_refresh_advice = refresh_units;
    }
  }
  send_ba(out, ctx, hoa, std::move(ba));
}

Actions HomeAgent::on_timer(Clock::time_point now) {
  Actions out;
  while (auto hoa = cache_.first_due(now)) {
    BindingCacheEntry* e = cache_.find(*hoa);
    if (now >= e->expires_at) {
      // HA-07: the binding expires at accept time + granted lifetime and is
      // removed with its proxy-ND and tunnel state (§10.3.1, §9.1).
      auto removed = cache_.erase(*hoa);
      ++counters_.expirations;
      out.push_back(RemoveHomeAddress{*hoa, removed->care_of_address, link_local_if(*removed)});
      out.push_back(BindingEvent{BindingEvent::Kind::kExpired, *removed});
      continue;
    }
    // The BRR point: ask the MN for a fresh BU once per lifetime (§10.3.1,
    // §6.1.2), then wait for the expiry.
    e->brr_sent = true;
    ++counters_.brr_sent;
    out.push_back(SendBindingRefreshRequest{*hoa, e->care_of_address, e->our_address});
    cache_.reschedule(*hoa, e->expires_at);
  }
  return out;
}

Actions HomeAgent::on_unknown_mh_type(const Ipv6Address& source, const Ipv6Address& destination,
                                      const std::optional<Ipv6Address>& home_address) {
  Actions out;
  drop(HaDropReason::kUnknownMhType);
  // RFC 6275 §9.2: Binding Error status 2 to the source; never to a
  // multicast or unspecified source.
  if (source.is_multicast() || source.is_unspecified()) return out;
  BindingError be;
  be.status = BindingError::kUnrecognizedMhType;
  be.home_address = home_address.value_or(Ipv6Address{});  // §6.1.9: unspecified if none
  ++counters_.be_sent[be.status];
  out.push_back(SendBindingError{source, destination, std::move(be)});
  return out;
}

Actions HomeAgent::on_home_address_option(const Ipv6Address& home_address,
                                          const Ipv6Address& source,
                                          const Ipv6Address& destination) {
  Actions out;
  const BindingCacheEntry* e = cache_.find(home_address);
  if (e != nullptr && e->care_of_address == source) return out;
  // RFC 6275 §9.3.1: no binding with this CoA -> discard, Binding Error 1.
  drop(HaDropReason::kHomeAddressWithoutBinding);
  if (source.is_multicast() || source.is_unspecified()) return out;
  BindingError be;
  be.status = BindingError::kUnknownBindingForHao;
  be.home_address = home_address;
  ++counters_.be_sent[be.status];
  out.push_back(SendBindingError{source, destination, std::move(be)});
  return out;
}

Actions HomeAgent::remove_all(Clock::time_point /*now*/) {
  std::vector<RemoveHomeAddress> removals;
  removals.reserve(cache_.size());
  cache_.for_each([&](const BindingCacheEntry& e) {
    removals.push_back(RemoveHomeAddress{e.home_address, e.care_of_address, link_local_if(e)});
  });
  // Deterministic order for logs and tests.
  std::sort(removals.begin(), removals.end(),
            [](const auto& a, const auto& b) { return a.home_address < b.home_address; });
  counters_.removed_at_shutdown += removals.size();
  cache_.clear();
  Actions out;
  out.reserve(removals.size());
  for (auto& r : removals) out.push_back(std::move(r));
  return out;
}

Actions HomeAgent::release_binding(const Ipv6Address& home_address) {
  auto e = cache_.erase(home_address);
  if (!e) return {};
  ++counters_.released;
  Actions out;
  out.push_back(RemoveHomeAddress{e->home_address, e->care_of_address, link_local_if(*e)});
  return out;
}

bool HomeAgent::mark_switched(const Ipv6Address& home_address, std::uint32_t epoch) {
  BindingCacheEntry* e = cache_.find(home_address);
  if (e == nullptr) return false;
  e->accept_any_sequence = true;
  e->ownership_epoch = epoch;
  return true;
}

Actions HomeAgent::adopt_binding(const BindingCacheEntry& entry, Clock::time_point now) {
  Actions out;
  if (now >= entry.expires_at) return out;
  if (BindingCacheEntry* e = cache_.find(entry.home_address); e != nullptr) {
    // An adopted entry the MN has not refreshed yet gives way to a newer copy
    // of the same registration (a restarted HA getting its bindings back
    // from several peers, docs/harp.md B5); anything else stays.
    if (!e->accept_any_sequence || !entry.last_sequence.newer_than(e->last_sequence)) return out;
    const BindingCacheEntry old = *e;
    *e = entry;
    e->accept_any_sequence = true;
    cache_.reschedule(e->home_address, timer_for(*e));
    if (old.link_local_compat() != e->link_local_compat() || old.our_address != e->our_address) {
      out.push_back(RemoveHomeAddress{old.home_address, old.care_of_address, link_local_if(old)});
      out.push_back(InstallHomeAddress{e->home_address, e->care_of_address, e->our_address,
                                       link_local_if(*e)});
    } else if (old.care_of_address != e->care_of_address) {
      out.push_back(
          UpdateCareOf{e->home_address, old.care_of_address, e->care_of_address, e->our_address});
    }
    ++counters_.adopted;
    out.push_back(BindingEvent{BindingEvent::Kind::kUpdated, *e});
    return out;
  }
  BindingCacheEntry n = entry;
  n.accept_any_sequence = true;
  // A takeover must not lose an MN: max_bindings does not apply here.
  cache_.put(n, timer_for(n));
  ++counters_.adopted;
  out.push_back(
      InstallHomeAddress{n.home_address, n.care_of_address, n.our_address, link_local_if(n)});
  out.push_back(BindingEvent{BindingEvent::Kind::kCreated, n});
  return out;
}

}  // namespace mip6
