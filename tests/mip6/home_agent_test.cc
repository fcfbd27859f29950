// Tests of mip6/home_agent: RFC 6275 §9.5.1, §10.3.1 and §10.3.2 processing of
// home registrations: accepts, refreshes, deregistrations, every BA status,
// every drop reason, policy validation. No sleeps, no timing assertions.
#include "mip6/home_agent.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "tests/mip6/home_agent_test_util.h"

namespace mip6 {
namespace {

using namespace ha_test;  // NOLINT: test fixtures
using std::chrono::seconds;

// --- Accepted registrations -------------------------------------------------

TEST(HomeAgent, NewRegistrationInstallsAndAcknowledges) {
  auto ha = make_ha();
  auto out = ha.on_binding_update(bu(7, 100), ctx(), kT0);
  ASSERT_EQ(out.size(), 3u);
  auto install = only<InstallHomeAddress>(out);
  EXPECT_EQ(install.home_address, kHoa);
  EXPECT_EQ(install.care_of_address, kCoa);
  EXPECT_EQ(install.our_address, kHa);
  EXPECT_FALSE(install.link_local);
  auto ev = only<BindingEvent>(out);
  EXPECT_EQ(ev.kind, BindingEvent::Kind::kCreated);
  EXPECT_EQ(ev.entry.home_address, kHoa);
  auto send = only<SendBindingAck>(out);
  EXPECT_EQ(send.home_address, kHoa);
  EXPECT_EQ(send.care_of_address, kCoa);
  EXPECT_EQ(send.our_address, kHa);
  EXPECT_EQ(send.ba.status, ba_status::kAccepted);
  EXPECT_EQ(send.ba.sequence, SequenceNumber(7));
  EXPECT_EQ(send.ba.lifetime, 100);
  EXPECT_EQ(send.ba.flags, 0);
  EXPECT_FALSE(send.ba.options.binding_refresh_advice);

  const BindingCacheEntry* e = ha.bindings().find(kHoa);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->care_of_address, kCoa);
  EXPECT_EQ(e->our_address, kHa);
  EXPECT_EQ(e->last_sequence, SequenceNumber(7));
  EXPECT_EQ(e->granted_lifetime_s, 400u);
  EXPECT_EQ(e->created_at, kT0);
  EXPECT_EQ(e->registered_at, kT0);
  EXPECT_EQ(e->expires_at, kT0 + seconds(400));
  EXPECT_EQ(e->spi, kSpi);
  EXPECT_EQ(e->refresh_count, 0u);
  EXPECT_FALSE(e->brr_sent);
  EXPECT_EQ(ev.entry, *e);
  EXPECT_EQ(ha.counters().bu_received, 1u);
  EXPECT_EQ(ha.counters().bu_accepted_new, 1u);
  EXPECT_EQ(ha.counters().ba(0), 1u);
}

TEST(HomeAgent, GrantedLifetimeIsMinOfRequestAndPolicy) {
  auto ha = make_ha();
  // 0xFFFF units requested (262140 s), policy 3600 s -> 900 units.
  EXPECT_EQ(ba_of(ha.on_binding_update(bu(1, 0xFFFF), ctx(), kT0)).lifetime, 900);
  EXPECT_EQ(ha.bindings().find(kHoa)->expires_at, kT0 + seconds(3600));
  // Never more than requested.
  EXPECT_EQ(ba_of(ha.on_binding_update(bu(2, 3), ctx(), kT0)).lifetime, 3);
  EXPECT_EQ(ha.bindings().find(kHoa)->expires_at, kT0 + seconds(12));
  // A policy max not divisible by 4 is rounded down to whole units.
  auto p = make_policy();
  p.max_lifetime_s = 1001;
  auto ha2 = make_ha(p);
  EXPECT_EQ(ba_of(ha2.on_binding_update(bu(1, 1000), ctx(), kT0)).lifetime, 250);
}

TEST(HomeAgent, RefreshWithSameCareOf) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);
  auto out = ha.on_binding_update(bu(2, 100), ctx(), kT0 + seconds(50));
  EXPECT_TRUE(all_of<InstallHomeAddress>(out).empty());
  EXPECT_TRUE(all_of<UpdateCareOf>(out).empty());
  EXPECT_TRUE(all_of<RemoveHomeAddress>(out).empty());
  auto ev = only<BindingEvent>(out);
  EXPECT_EQ(ev.kind, BindingEvent::Kind::kRefreshed);
  EXPECT_EQ(ev.entry.refresh_count, 1u);
  EXPECT_EQ(ba_of(out).status, 0);
  EXPECT_EQ(ba_of(out).sequence, SequenceNumber(2));
  const auto* e = ha.bindings().find(kHoa);
  EXPECT_EQ(e->created_at, kT0);
  EXPECT_EQ(e->registered_at, kT0 + seconds(50));
  EXPECT_EQ(e->expires_at, kT0 + seconds(450));
  EXPECT_EQ(ha.counters().bu_accepted_refresh, 1u);
  EXPECT_EQ(ha.counters().bu_accepted_new, 1u);
  EXPECT_EQ(ha.counters().ba(0), 2u);
  // A refresh that only toggles A is still a refresh.
  out = ha.on_binding_update(bu(3, 100, BindingUpdate::kHomeRegistration), ctx(), kT0);
  EXPECT_EQ(only<BindingEvent>(out).kind, BindingEvent::Kind::kRefreshed);
}

TEST(HomeAgent, CareOfChangeUpdatesTunnel) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);
  auto out = ha.on_binding_update(bu(2, 100), ctx(kCoa2), kT0 + seconds(1));
  auto upd = only<UpdateCareOf>(out);
  EXPECT_EQ(upd.home_address, kHoa);
  EXPECT_EQ(upd.old_care_of_address, kCoa);
  EXPECT_EQ(upd.new_care_of_address, kCoa2);
  EXPECT_EQ(upd.our_address, kHa);
  auto ev = only<BindingEvent>(out);
  EXPECT_EQ(ev.kind, BindingEvent::Kind::kUpdated);
  EXPECT_EQ(ev.entry.care_of_address, kCoa2);
  EXPECT_EQ(only<SendBindingAck>(out).care_of_address, kCoa2);
  EXPECT_EQ(ha.bindings().find(kHoa)->care_of_address, kCoa2);
  EXPECT_EQ(ha.counters().bu_accepted_care_of_change, 1u);
}

TEST(HomeAgent, AlternateCareOfAddressOptionIsTheCareOf) {
  auto ha = make_ha();
  auto b = bu(1, 100);
  b.options.alternate_care_of_address = kCoa2;
  auto out = ha.on_binding_update(b, ctx(kCoa), kT0);
  EXPECT_EQ(only<InstallHomeAddress>(out).care_of_address, kCoa2);
  EXPECT_EQ(ha.bindings().find(kHoa)->care_of_address, kCoa2);
  // RFC 6275 §9.5.4: the BA goes to the BU's source address.
  EXPECT_EQ(only<SendBindingAck>(out).care_of_address, kCoa);
}

TEST(HomeAgent, AcknowledgesEvenWithoutAFlag) {
  // RFC 6275 §10.3.1: "Regardless of the setting of the Acknowledge (A) bit".
  auto ha = make_ha();
  auto out = ha.on_binding_update(bu(1, 100, BindingUpdate::kHomeRegistration), ctx(), kT0);
  EXPECT_EQ(ba_of(out).status, 0);
  // And rejections too (here 132).
  out = ha.on_binding_update(bu(1, 100, BindingUpdate::kHomeRegistration),
                             ctx(kCoa, addr("fd00:9::1")), kT0);
  EXPECT_EQ(ba_of(out).status, ba_status::kNotHomeSubnet);
}

TEST(HomeAgent, KeyManagementFlagOnlyWithIke) {
  const std::uint16_t flags = kAH | BindingUpdate::kKeyManagement;
  auto ha = make_ha();  // manual keying: K never granted
  auto out = ha.on_binding_update(bu(1, 100, flags), ctx(), kT0);
  EXPECT_EQ(ba_of(out).flags & BindingAcknowledgement::kKeyManagement, 0);
  EXPECT_FALSE(ha.bindings().find(kHoa)->key_management());

  auto p = make_policy();
  p.key_management_mobility = true;
  auto ike = make_ha(p);
  out = ike.on_binding_update(bu(1, 100, flags), ctx(), kT0);
  EXPECT_NE(ba_of(out).flags & BindingAcknowledgement::kKeyManagement, 0);
  EXPECT_TRUE(ike.bindings().find(kHoa)->key_management());
  // K is not echoed when the MN did not ask for it.
  out = ike.on_binding_update(bu(1, 100), ctx(kCoa, kHoa2), kT0);
  EXPECT_EQ(ba_of(out).flags, 0);
  // Deregistration echoes K the same way (§10.3.2).
  out = ike.on_binding_update(bu(2, 0, flags), ctx(), kT0);
  EXPECT_NE(ba_of(out).flags & BindingAcknowledgement::kKeyManagement, 0);
}

TEST(HomeAgent, LinkLocalFlagProxiesLinkLocalToo) {
  auto ha = make_ha();
  const std::uint16_t flags = kAH | BindingUpdate::kLinkLocal;
  auto out = ha.on_binding_update(bu(1, 100, flags), ctx(), kT0);
  auto install = only<InstallHomeAddress>(out);
  ASSERT_TRUE(install.link_local);
  EXPECT_EQ(*install.link_local, addr("fe80::100"));
  // Dropping L re-installs without the link-local address.
  out = ha.on_binding_update(bu(2, 100), ctx(kCoa2), kT0);
  auto rm = only<RemoveHomeAddress>(out);
  EXPECT_EQ(rm.care_of_address, kCoa);
  EXPECT_EQ(rm.link_local, addr("fe80::100"));
  install = only<InstallHomeAddress>(out);
  EXPECT_EQ(install.care_of_address, kCoa2);
  EXPECT_FALSE(install.link_local);
  EXPECT_TRUE(all_of<UpdateCareOf>(out).empty());
  EXPECT_EQ(only<BindingEvent>(out).kind, BindingEvent::Kind::kUpdated);
  // Setting L again on the same CoA: flags changed -> updated.
  out = ha.on_binding_update(bu(3, 100, flags), ctx(kCoa2), kT0);
  EXPECT_EQ(only<InstallHomeAddress>(out).link_local, addr("fe80::100"));
  EXPECT_EQ(only<BindingEvent>(out).kind, BindingEvent::Kind::kUpdated);
  // Deregistration removes both.
  out = ha.on_binding_update(bu(4, 0, flags), ctx(kCoa2), kT0);
  EXPECT_EQ(only<RemoveHomeAddress>(out).link_local, addr("fe80::100"));
}

TEST(HomeAgent, BindingRefreshAdviceWhenEnabled) {
  auto p = make_policy();
  p.send_refresh_advice = true;
  auto ha = make_ha(p);
  // 400 s granted, lead 30 s -> advise 370 s = 92 units (rounded down).
  auto out = ha.on_binding_update(bu(1, 100), ctx(), kT0);
  ASSERT_TRUE(ba_of(out).options.binding_refresh_advice);
  EXPECT_EQ(*ba_of(out).options.binding_refresh_advice, 92);
  // Lifetime 8 s < lead: half the lifetime (1 unit).
  out = ha.on_binding_update(bu(2, 2), ctx(), kT0);
  EXPECT_EQ(ba_of(out).options.binding_refresh_advice, std::uint16_t{1});
  // Lifetime 4 s: no interval < lifetime fits -> omitted.
  out = ha.on_binding_update(bu(3, 1), ctx(), kT0);
  EXPECT_FALSE(ba_of(out).options.binding_refresh_advice);
  // Never on a deregistration (§10.3.2).
  out = ha.on_binding_update(bu(4, 0), ctx(), kT0);
  EXPECT_FALSE(ba_of(out).options.binding_refresh_advice);
}

// --- Deregistration (HA-05) -------------------------------------------------

TEST(HomeAgent, DeregistrationWithLifetimeZero) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);
  auto out = ha.on_binding_update(bu(2, 0), ctx(), kT0 + seconds(5));
  auto rm = only<RemoveHomeAddress>(out);
  EXPECT_EQ(rm.home_address, kHoa);
  EXPECT_EQ(rm.care_of_address, kCoa);
  auto ev = only<BindingEvent>(out);
  EXPECT_EQ(ev.kind, BindingEvent::Kind::kDeleted);
  EXPECT_EQ(ev.entry.home_address, kHoa);
  auto ba = ba_of(out);
  EXPECT_EQ(ba.status, 0);
  EXPECT_EQ(ba.sequence, SequenceNumber(2));
  EXPECT_EQ(ba.lifetime, 0);
  EXPECT_EQ(ha.bindings().find(kHoa), nullptr);
  EXPECT_FALSE(ha.next_expiry());
  EXPECT_EQ(ha.counters().bu_accepted_deregistration, 1u);
}

TEST(HomeAgent, DeregistrationWhenCareOfIsHomeAddress) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);
  // Back home: no Home Address option, source is the HoA (§11.5.4).
  auto c = ctx(kHoa);
  c.home_address.reset();
  auto out = ha.on_binding_update(bu(2, 100), c, kT0);
  EXPECT_EQ(only<BindingEvent>(out).kind, BindingEvent::Kind::kDeleted);
  auto send = only<SendBindingAck>(out);
  EXPECT_EQ(send.care_of_address, kHoa);  // no RH2 needed
  EXPECT_EQ(send.ba.status, 0);
  EXPECT_EQ(send.ba.lifetime, 0);
  EXPECT_EQ(ha.bindings().size(), 0u);
  // Also via an Alternate CoA option equal to the HoA.
  (void)ha.on_binding_update(bu(3, 100), ctx(), kT0);
  auto b = bu(4, 100);
  b.options.alternate_care_of_address = kHoa;
  out = ha.on_binding_update(b, ctx(), kT0);
  EXPECT_EQ(only<BindingEvent>(out).kind, BindingEvent::Kind::kDeleted);
  EXPECT_EQ(ha.counters().bu_accepted_deregistration, 2u);
}

TEST(HomeAgent, DeregistrationWithoutBindingIs133) {
  auto ha = make_ha();
  auto out = ha.on_binding_update(bu(5, 0), ctx(), kT0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(ba_of(out).status, ba_status::kNotHomeAgentForThisMobileNode);
  EXPECT_EQ(ba_of(out).sequence, SequenceNumber(5));
  EXPECT_EQ(ha.counters().bu_accepted_deregistration, 0u);
}

// --- Sequence numbers (HA-01) -----------------------------------------------

TEST(HomeAgent, StaleSequenceGets135WithLastAccepted) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(100, 100), ctx(), kT0);
  for (std::uint16_t s :
       {std::uint16_t{100}, std::uint16_t{99}, std::uint16_t{0}, std::uint16_t{100 + 32768}}) {
    auto out = ha.on_binding_update(bu(s, 100), ctx(kCoa2), kT0 + seconds(1));
    ASSERT_EQ(out.size(), 1u) << s;
    auto ba = ba_of(out);
    EXPECT_EQ(ba.status, ba_status::kSequenceNumberOutOfWindow);
    EXPECT_EQ(ba.sequence, SequenceNumber(100));
    EXPECT_EQ(ba.lifetime, 0);
  }
  // The cache is unchanged by rejections.
  EXPECT_EQ(ha.bindings().find(kHoa)->care_of_address, kCoa);
  EXPECT_EQ(ha.bindings().find(kHoa)->expires_at, kT0 + seconds(400));
  EXPECT_EQ(ha.counters().ba(ba_status::kSequenceNumberOutOfWindow), 4u);
  // 100 + 32767 is the newest value still "greater".
  EXPECT_EQ(ba_of(ha.on_binding_update(bu(100 + 32767, 100), ctx(), kT0)).status, 0);
}

TEST(HomeAgent, StaleDeregistrationGets135) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(10, 100), ctx(), kT0);
  auto out = ha.on_binding_update(bu(9, 0), ctx(), kT0);
  EXPECT_EQ(ba_of(out).status, ba_status::kSequenceNumberOutOfWindow);
  EXPECT_NE(ha.bindings().find(kHoa), nullptr);
}

TEST(HomeAgent, SequenceWrapsAround) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(65535, 100), ctx(), kT0);
  auto out = ha.on_binding_update(bu(0, 100), ctx(), kT0);
  EXPECT_EQ(ba_of(out).status, 0);
  EXPECT_EQ(ha.bindings().find(kHoa)->last_sequence, SequenceNumber(0));
  out = ha.on_binding_update(bu(65535, 100), ctx(), kT0);
  EXPECT_EQ(ba_of(out).status, ba_status::kSequenceNumberOutOfWindow);
  EXPECT_EQ(ba_of(out).sequence, SequenceNumber(0));
  // protocol-notes §2.8 example: L = 15 -> 32783 stale, 32782 newer.
  auto ha2 = make_ha();
  (void)ha2.on_binding_update(bu(15, 100), ctx(), kT0);
  EXPECT_EQ(ba_of(ha2.on_binding_update(bu(32783, 100), ctx(), kT0)).status, 135);
  EXPECT_EQ(ba_of(ha2.on_binding_update(bu(32782, 100), ctx(), kT0)).status, 0);
}

TEST(HomeAgent, NoBindingAcceptsAnySequence) {
  for (std::uint16_t s : {std::uint16_t{0}, std::uint16_t{40000}, std::uint16_t{65535}}) {
    auto ha = make_ha();
    EXPECT_EQ(ba_of(ha.on_binding_update(bu(s, 100), ctx(), kT0)).status, 0) << s;
  }
}

// --- Rejections -------------------------------------------------------------

TEST(HomeAgent, NotHomeSubnetIs132) {
  auto ha = make_ha();
  const auto foreign = addr("fd00:9::100");
  auto out = ha.on_binding_update(bu(3, 100), ctx(kCoa, foreign), kT0);
  ASSERT_EQ(out.size(), 1u);
  auto send = only<SendBindingAck>(out);
  EXPECT_EQ(send.ba.status, ba_status::kNotHomeSubnet);
  EXPECT_EQ(send.ba.sequence, SequenceNumber(3));
  EXPECT_EQ(send.home_address, foreign);
  EXPECT_EQ(send.care_of_address, kCoa);
  EXPECT_TRUE(ha.bindings().empty());
  EXPECT_EQ(ha.counters().ba(132), 1u);
}

TEST(HomeAgent, NotServedIs133) {
  auto ha = make_ha();
  auto out = ha.on_binding_update(bu(1, 100), ctx(kCoa, addr("fd00:1::999")), kT0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(ba_of(out).status, ba_status::kNotHomeAgentForThisMobileNode);
  EXPECT_TRUE(ha.bindings().empty());
  // serve_any_home_address accepts any HoA inside a home prefix.
  auto p = make_policy();
  p.serve_any_home_address = true;
  auto any = make_ha(p);
  EXPECT_EQ(ba_of(any.on_binding_update(bu(1, 100), ctx(kCoa, addr("fd00:1::999")), kT0)).status,
            0);
}

TEST(HomeAgent, StandbyAnswers133ButStillDeregisters) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);
  ha.set_serving(false);
  EXPECT_FALSE(ha.serving());
  // protocol-notes G13: a standby refuses home registrations.
  auto out = ha.on_binding_update(bu(1, 100), ctx(kCoa, kHoa2), kT0);
  EXPECT_EQ(ba_of(out).status, ba_status::kNotHomeAgentForThisMobileNode);
  out = ha.on_binding_update(bu(2, 100), ctx(), kT0);
  EXPECT_EQ(ba_of(out).status, ba_status::kNotHomeAgentForThisMobileNode);
  out = ha.on_binding_update(bu(3, 0), ctx(), kT0);
  EXPECT_EQ(ba_of(out).status, 0);
  EXPECT_TRUE(ha.bindings().empty());
  ha.set_serving(true);
  EXPECT_EQ(ba_of(ha.on_binding_update(bu(1, 100), ctx(kCoa, kHoa2), kT0)).status, 0);
}

TEST(HomeAgent, RegistrationTypeChangeIs139) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);
  auto out = ha.on_binding_update(bu(2, 100, BindingUpdate::kAck), ctx(kCoa2), kT0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(ba_of(out).status, ba_status::kRegistrationTypeChangeDisallowed);
  EXPECT_EQ(ba_of(out).sequence, SequenceNumber(2));
  EXPECT_EQ(ha.bindings().find(kHoa)->care_of_address, kCoa);
  // The sequence check comes first (§9.5.1 order).
  out = ha.on_binding_update(bu(1, 100, BindingUpdate::kAck), ctx(kCoa2), kT0);
  EXPECT_EQ(ba_of(out).status, ba_status::kSequenceNumberOutOfWindow);
  EXPECT_EQ(ha.counters().ba(139), 1u);
}

TEST(HomeAgent, InvalidCareOfIs174) {
  auto ha = make_ha();
  auto b = bu(1, 100);
  b.options.alternate_care_of_address = addr("ff02::1");
  EXPECT_EQ(ba_of(ha.on_binding_update(b, ctx(), kT0)).status, ba_status::kInvalidCareOfAddress);
  EXPECT_EQ(ba_of(ha.on_binding_update(bu(1, 100), ctx(addr("fe80::1")), kT0)).status,
            ba_status::kInvalidCareOfAddress);
  b.options.alternate_care_of_address = Ipv6Address{};
  EXPECT_EQ(ba_of(ha.on_binding_update(b, ctx(), kT0)).status, ba_status::kInvalidCareOfAddress);
  EXPECT_TRUE(ha.bindings().empty());
  EXPECT_EQ(ha.counters().ba(174), 3u);
}

TEST(HomeAgent, InsufficientResourcesIs130) {
  auto p = make_policy();
  p.max_bindings = 1;
  auto ha = make_ha(p);
  EXPECT_EQ(ba_of(ha.on_binding_update(bu(1, 100), ctx(), kT0)).status, 0);
  EXPECT_EQ(ba_of(ha.on_binding_update(bu(1, 100), ctx(kCoa, kHoa2), kT0)).status,
            ba_status::kInsufficientResources);
  // Refreshing an existing binding is not limited.
  EXPECT_EQ(ba_of(ha.on_binding_update(bu(2, 100), ctx(), kT0)).status, 0);
  EXPECT_EQ(ha.bindings().size(), 1u);
}

// --- Silent drops -------------------------------------------------------------

TEST(HomeAgent, DropsWithNamedReasons) {
  auto ha = make_ha();
  auto c = ctx();
  c.destination = addr("fd00:1::77");
  EXPECT_TRUE(ha.on_binding_update(bu(1, 100), c, kT0).empty());
  EXPECT_EQ(ha.counters().drop(HaDropReason::kNotOurAddress), 1u);

  c = ctx();
  c.spi.reset();
  EXPECT_TRUE(ha.on_binding_update(bu(1, 100), c, kT0).empty());
  EXPECT_EQ(ha.counters().drop(HaDropReason::kNotIpsecProtected), 1u);

  c = ctx();
  c.sa_home_address = kHoa2;
  EXPECT_TRUE(ha.on_binding_update(bu(1, 100), c, kT0).empty());
  EXPECT_EQ(ha.counters().drop(HaDropReason::kSaHomeAddressMismatch), 1u);

  for (const char* bad : {"ff02::1", "::", "::1", "fe80::100"}) {
    EXPECT_TRUE(ha.on_binding_update(bu(1, 100), ctx(kCoa, addr(bad)), kT0).empty()) << bad;
  }
  EXPECT_EQ(ha.counters().drop(HaDropReason::kInvalidHomeAddress), 4u);

  EXPECT_TRUE(ha.on_binding_update(bu(1, 100, BindingUpdate::kAck), ctx(), kT0).empty());
  EXPECT_EQ(ha.counters().drop(HaDropReason::kNotHomeRegistration), 1u);

  EXPECT_TRUE(ha.bindings().empty());
  EXPECT_EQ(ha.counters().bu_received, 8u);
  std::uint64_t bas = 0;
  for (auto n : ha.counters().ba_sent) bas += n;
  EXPECT_EQ(bas, 0u);
}

TEST(HomeAgent, SecondHaAddressIsAccepted) {
  auto ha = make_ha();
  auto c = ctx();
  c.destination = kHa2;
  auto out = ha.on_binding_update(bu(1, 100), c, kT0);
  EXPECT_EQ(only<SendBindingAck>(out).our_address, kHa2);
  EXPECT_EQ(ha.bindings().find(kHoa)->our_address, kHa2);
}

// --- Policy, names ------------------------------------------------------------

TEST(HomeAgent, PolicyIsValidated) {
  auto p = make_policy();
  p.addresses.clear();
  ASSERT_FALSE(HomeAgent::create(p).ok());
  EXPECT_EQ(HomeAgent::create(p).error(), PolicyError::kNoAddresses);
  p = make_policy();
  p.home_prefixes.clear();
  EXPECT_EQ(validate_policy(p).error(), PolicyError::kNoHomePrefixes);
  p = make_policy();
  p.home_prefixes[0].length = 129;
  EXPECT_EQ(validate_policy(p).error(), PolicyError::kBadHomePrefix);
  p = make_policy();
  p.max_lifetime_s = 3;
  EXPECT_EQ(validate_policy(p).error(), PolicyError::kMaxLifetimeOutOfRange);
  p.max_lifetime_s = kMaxBindingLifetimeSeconds + 1;
  EXPECT_EQ(validate_policy(p).error(), PolicyError::kMaxLifetimeOutOfRange);
  p = make_policy();
  p.brr_lead_time_s = kMaxBindingLifetimeSeconds + 1;
  EXPECT_EQ(validate_policy(p).error(), PolicyError::kBrrLeadOutOfRange);
  p.max_lifetime_s = kMaxBindingLifetimeSeconds;
  p.brr_lead_time_s = 0;
  EXPECT_TRUE(validate_policy(p).ok());

  auto ha = make_ha();
  p = make_policy();
  p.addresses.clear();
  EXPECT_FALSE(ha.set_policy(p).ok());
  EXPECT_EQ(ha.policy().addresses.size(), 2u);  // kept the old one
  p = make_policy();
  p.served_home_addresses.clear();
  ASSERT_TRUE(ha.set_policy(p).ok());
  EXPECT_EQ(ba_of(ha.on_binding_update(bu(1, 100), ctx(), kT0)).status, 133);
}

TEST(HomeAgent, NamesAreDistinct) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < static_cast<std::size_t>(HaDropReason::kCount); ++i) {
    auto n = std::string(to_string(static_cast<HaDropReason>(i)));
    EXPECT_NE(n, "unknown");
    names.insert(n);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(HaDropReason::kCount));
  EXPECT_EQ(to_string(BindingEvent::Kind::kExpired), "expired");
  EXPECT_EQ(to_string(BindingEvent::Kind::kCreated), "created");
  EXPECT_EQ(to_string(PolicyError::kNoAddresses), "no_addresses");
}

}  // namespace
}  // namespace mip6
