// Tests of mip6/home_agent timers and hooks with a manual clock: expiry
// (HA-07), Binding Refresh Request timing, takeover (protocol-notes §5.6.1
// step 4), shutdown, Binding Errors, and 100 000 bindings (no timing asserts).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "mip6/home_agent.h"
#include "tests/mip6/home_agent_test_util.h"

namespace mip6 {
namespace {

using namespace ha_test;  // NOLINT: test fixtures
using std::chrono::seconds;

// --- Timers: expiry (HA-07) and BRR -------------------------------------------

TEST(HomeAgent, BrrOnceAtLeadTimeThenExpiry) {
  auto ha = make_ha();                                 // lead 30 s
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);  // 400 s
  ASSERT_TRUE(ha.next_expiry());
  EXPECT_EQ(*ha.next_expiry(), kT0 + seconds(370));
  EXPECT_TRUE(ha.on_timer(kT0 + seconds(369)).empty());
  auto out = ha.on_timer(kT0 + seconds(370));
  ASSERT_EQ(out.size(), 1u);
  auto brr = only<SendBindingRefreshRequest>(out);
  EXPECT_EQ(brr.home_address, kHoa);
  EXPECT_EQ(brr.care_of_address, kCoa);
  EXPECT_EQ(brr.our_address, kHa);
  EXPECT_TRUE(ha.bindings().find(kHoa)->brr_sent);
  EXPECT_EQ(ha.counters().brr_sent, 1u);
  // At most once per lifetime.
  EXPECT_EQ(*ha.next_expiry(), kT0 + seconds(400));
  EXPECT_TRUE(ha.on_timer(kT0 + seconds(370)).empty());
  EXPECT_TRUE(ha.on_timer(kT0 + seconds(399)).empty());
  out = ha.on_timer(kT0 + seconds(400));
  ASSERT_EQ(out.size(), 2u);
  auto rm = only<RemoveHomeAddress>(out);
  EXPECT_EQ(rm.home_address, kHoa);
  EXPECT_EQ(rm.care_of_address, kCoa);
  EXPECT_FALSE(rm.link_local);
  auto ev = only<BindingEvent>(out);
  EXPECT_EQ(ev.kind, BindingEvent::Kind::kExpired);
  EXPECT_EQ(ev.entry.home_address, kHoa);
  EXPECT_TRUE(ha.bindings().empty());
  EXPECT_FALSE(ha.next_expiry());
  EXPECT_EQ(ha.counters().expirations, 1u);
  EXPECT_EQ(ha.counters().brr_sent, 1u);
}

TEST(HomeAgent, RefreshRearmsBrrAndExpiry) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);
  (void)ha.on_timer(kT0 + seconds(370));  // BRR
  (void)ha.on_binding_update(bu(2, 100), ctx(), kT0 + seconds(380));
  EXPECT_FALSE(ha.bindings().find(kHoa)->brr_sent);
  EXPECT_EQ(*ha.next_expiry(), kT0 + seconds(380 + 370));
  EXPECT_TRUE(ha.on_timer(kT0 + seconds(400)).empty());  // old expiry is gone
  auto out = ha.on_timer(kT0 + seconds(750));
  EXPECT_EQ(all_of<SendBindingRefreshRequest>(out).size(), 1u);
  EXPECT_EQ(ha.counters().brr_sent, 2u);
  EXPECT_EQ(ha.counters().expirations, 0u);
}

TEST(HomeAgent, LateTimerExpiresWithoutBrr) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);
  auto out = ha.on_timer(kT0 + seconds(1000));
  EXPECT_TRUE(all_of<SendBindingRefreshRequest>(out).empty());
  EXPECT_EQ(only<BindingEvent>(out).kind, BindingEvent::Kind::kExpired);
  EXPECT_EQ(ha.counters().brr_sent, 0u);
}

TEST(HomeAgent, NoBrrWhenLeadDoesNotFitOrIsZero) {
  auto ha = make_ha();                               // lead 30 s
  (void)ha.on_binding_update(bu(1, 5), ctx(), kT0);  // 20 s lifetime
  EXPECT_EQ(*ha.next_expiry(), kT0 + seconds(20));
  auto p = make_policy();
  p.brr_lead_time_s = 0;
  auto never = make_ha(p);
  (void)never.on_binding_update(bu(1, 100), ctx(), kT0);
  EXPECT_EQ(*never.next_expiry(), kT0 + seconds(400));
  auto out = never.on_timer(kT0 + seconds(400));
  EXPECT_TRUE(all_of<SendBindingRefreshRequest>(out).empty());
  EXPECT_EQ(only<BindingEvent>(out).kind, BindingEvent::Kind::kExpired);
}

TEST(HomeAgent, NextExpiryIsEarliestOverBindings) {
  auto ha = make_ha();
  EXPECT_FALSE(ha.next_expiry());
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);            // BRR at 370
  (void)ha.on_binding_update(bu(1, 10), ctx(kCoa, kHoa2), kT0);  // BRR at 10
  EXPECT_EQ(*ha.next_expiry(), kT0 + seconds(10));
  (void)ha.on_timer(kT0 + seconds(10));
  EXPECT_EQ(*ha.next_expiry(), kT0 + seconds(40));
  (void)ha.on_timer(kT0 + seconds(40));
  EXPECT_EQ(ha.bindings().size(), 1u);
  EXPECT_EQ(*ha.next_expiry(), kT0 + seconds(370));
  // A deregistration removes its timer.
  (void)ha.on_binding_update(bu(2, 0), ctx(), kT0 + seconds(41));
  EXPECT_FALSE(ha.next_expiry());
}

// --- Takeover hooks (protocol-notes §5.6.1 step 4, G10) -------------------------

TEST(HomeAgent, SwitchedBindingAcceptsAnySequenceOnce) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(500, 100), ctx(), kT0);
  EXPECT_FALSE(ha.mark_switched(kHoa2, 3));
  ASSERT_TRUE(ha.mark_switched(kHoa, 3));
  EXPECT_TRUE(ha.bindings().find(kHoa)->accept_any_sequence);
  EXPECT_EQ(ha.bindings().find(kHoa)->ownership_epoch, 3u);
  // MN restarted its counter for the new HA: 1 is "older" than 500.
  auto out = ha.on_binding_update(bu(1, 100), ctx(kCoa2), kT0 + seconds(1));
  EXPECT_EQ(ba_of(out).status, 0);
  EXPECT_EQ(ba_of(out).sequence, SequenceNumber(1));
  const auto* e = ha.bindings().find(kHoa);
  EXPECT_FALSE(e->accept_any_sequence);
  EXPECT_EQ(e->last_sequence, SequenceNumber(1));
  EXPECT_EQ(e->ownership_epoch, 3u);  // kept across refreshes
  // Only once: strict again.
  out = ha.on_binding_update(bu(1, 100), ctx(kCoa2), kT0 + seconds(2));
  EXPECT_EQ(ba_of(out).status, ba_status::kSequenceNumberOutOfWindow);
  EXPECT_EQ(ba_of(out).sequence, SequenceNumber(1));
}

TEST(HomeAgent, SwitchedBindingStillNeedsIpsec) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(500, 100), ctx(), kT0);
  ha.mark_switched(kHoa, 1);
  auto c = ctx();
  c.spi.reset();
  EXPECT_TRUE(ha.on_binding_update(bu(1, 100), c, kT0).empty());
  EXPECT_TRUE(ha.bindings().find(kHoa)->accept_any_sequence);  // still armed
}

TEST(HomeAgent, AdoptBindingAtTakeover) {
  auto ha = make_ha();
  BindingCacheEntry e;
  e.home_address = kHoa;
  e.care_of_address = kCoa;
  e.our_address = kHa;
  e.created_at = kT0 - seconds(100);
  e.registered_at = kT0 - seconds(100);
  e.expires_at = kT0 + seconds(300);
  e.granted_lifetime_s = 400;
  e.flags = kAH | BindingUpdate::kLinkLocal;
  e.last_sequence = SequenceNumber(900);
  e.ownership_epoch = 8;
  auto out = ha.adopt_binding(e, kT0);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(only<InstallHomeAddress>(out).link_local, addr("fe80::100"));
  EXPECT_EQ(only<BindingEvent>(out).kind, BindingEvent::Kind::kCreated);
  EXPECT_TRUE(ha.bindings().find(kHoa)->accept_any_sequence);
  EXPECT_EQ(*ha.next_expiry(), kT0 + seconds(270));  // BRR point of the synced lifetime
  EXPECT_EQ(ha.counters().adopted, 1u);
  // Already present / already expired: nothing.
  EXPECT_TRUE(ha.adopt_binding(e, kT0).empty());
  auto old = e;
  old.home_address = kHoa2;
  old.expires_at = kT0;
  EXPECT_TRUE(ha.adopt_binding(old, kT0).empty());
  EXPECT_EQ(ha.bindings().size(), 1u);
  // The MN's first BU is accepted whatever its sequence.
  EXPECT_EQ(ba_of(ha.on_binding_update(bu(3, 100), ctx(), kT0)).status, 0);
}

// B5 (docs/harp.md): an adopted entry the MN has not refreshed yet gives way
// to a newer copy of the registration; an older copy, or any copy once the
// MN's BU was accepted, changes nothing.
TEST(HomeAgent, AdoptedEntryReplacedByNewerCopyUntilRefreshed) {
  auto ha = make_ha();
  BindingCacheEntry e;
  e.home_address = kHoa;
  e.care_of_address = kCoa;
  e.our_address = kHa;
  e.registered_at = kT0 - seconds(100);
  e.expires_at = kT0 + seconds(300);
  e.granted_lifetime_s = 400;
  e.flags = kAH;
  e.last_sequence = SequenceNumber(900);
  ASSERT_FALSE(ha.adopt_binding(e, kT0).empty());
  auto older = e;
  older.last_sequence = SequenceNumber(899);
  EXPECT_TRUE(ha.adopt_binding(older, kT0).empty());
  auto newer = e;
  newer.care_of_address = kCoa2;
  newer.last_sequence = SequenceNumber(901);
  newer.expires_at = kT0 + seconds(350);
  auto out = ha.adopt_binding(newer, kT0);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(only<UpdateCareOf>(out).new_care_of_address, kCoa2);
  EXPECT_EQ(only<BindingEvent>(out).kind, BindingEvent::Kind::kUpdated);
  const auto* b = ha.bindings().find(kHoa);
  EXPECT_EQ(b->care_of_address, kCoa2);
  EXPECT_EQ(b->last_sequence, SequenceNumber(901));
  EXPECT_TRUE(b->accept_any_sequence);
  // The MN refreshes: from now on no restored copy replaces its binding.
  EXPECT_EQ(ba_of(ha.on_binding_update(bu(902, 100), ctx(), kT0)).status, 0);
  auto newest = e;
  newest.last_sequence = SequenceNumber(950);
  EXPECT_TRUE(ha.adopt_binding(newest, kT0).empty());
  EXPECT_EQ(ha.bindings().find(kHoa)->last_sequence, SequenceNumber(902));
}

// --- Shutdown ---------------------------------------------------------------

TEST(HomeAgent, RemoveAllRemovesKernelStateOnly) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(1, 100, kAH | BindingUpdate::kLinkLocal), ctx(), kT0);
  (void)ha.on_binding_update(bu(1, 100), ctx(kCoa2, kHoa2), kT0);
  auto out = ha.remove_all(kT0 + seconds(1));
  ASSERT_EQ(out.size(), 2u);
  auto rms = all_of<RemoveHomeAddress>(out);
  ASSERT_EQ(rms.size(), 2u);
  EXPECT_EQ(rms[0].home_address, kHoa);  // sorted by HoA
  EXPECT_EQ(rms[0].link_local, addr("fe80::100"));
  EXPECT_EQ(rms[1].home_address, kHoa2);
  EXPECT_EQ(rms[1].care_of_address, kCoa2);
  EXPECT_TRUE(ha.bindings().empty());
  EXPECT_FALSE(ha.next_expiry());
  EXPECT_EQ(ha.counters().removed_at_shutdown, 2u);
  EXPECT_TRUE(ha.on_timer(kT0 + seconds(10000)).empty());
  EXPECT_TRUE(ha.remove_all(kT0).empty());
}

TEST(HomeAgent, ReleaseBindingRemovesQuietly) {
  auto ha = make_ha();
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);
  (void)ha.on_binding_update(bu(1, 100), ctx(kCoa2, kHoa2), kT0);
  auto out = ha.release_binding(kHoa);
  ASSERT_EQ(out.size(), 1u);  // no BA, no BindingEvent
  EXPECT_EQ(only<RemoveHomeAddress>(out).home_address, kHoa);
  EXPECT_FALSE(ha.bindings().find(kHoa));
  EXPECT_TRUE(ha.bindings().find(kHoa2));
  EXPECT_EQ(ha.counters().released, 1u);
  EXPECT_TRUE(ha.release_binding(kHoa).empty());
}

// --- Binding Errors ----------------------------------------------------------

TEST(HomeAgent, UnknownMhTypeGetsBindingError2) {
  auto ha = make_ha();
  auto out = ha.on_unknown_mh_type(kCoa, kHa, kHoa);
  auto be = only<SendBindingError>(out);
  EXPECT_EQ(be.destination, kCoa);
  EXPECT_EQ(be.source, kHa);
  EXPECT_EQ(be.be.status, BindingError::kUnrecognizedMhType);
  EXPECT_EQ(be.be.home_address, kHoa);
  out = ha.on_unknown_mh_type(kCoa, kHa, std::nullopt);
  EXPECT_TRUE(only<SendBindingError>(out).be.home_address.is_unspecified());
  EXPECT_TRUE(ha.on_unknown_mh_type(addr("ff02::1"), kHa, std::nullopt).empty());
  EXPECT_EQ(ha.counters().be_sent[2], 2u);
  EXPECT_EQ(ha.counters().drop(HaDropReason::kUnknownMhType), 3u);
}

TEST(HomeAgent, HomeAddressOptionNeedsBinding) {
  auto ha = make_ha();
  auto out = ha.on_home_address_option(kHoa, kCoa, kHa);
  auto be = only<SendBindingError>(out);
  EXPECT_EQ(be.be.status, BindingError::kUnknownBindingForHao);
  EXPECT_EQ(be.be.home_address, kHoa);
  EXPECT_EQ(be.destination, kCoa);
  (void)ha.on_binding_update(bu(1, 100), ctx(), kT0);
  EXPECT_TRUE(ha.on_home_address_option(kHoa, kCoa, kHa).empty());
  // Wrong source for the binding.
  EXPECT_EQ(all_of<SendBindingError>(ha.on_home_address_option(kHoa, kCoa2, kHa)).size(), 1u);
  EXPECT_EQ(ha.counters().be_sent[1], 2u);
  EXPECT_EQ(ha.counters().drop(HaDropReason::kHomeAddressWithoutBinding), 2u);
}

// --- Scale sanity: 100 000 bindings (no timing assertions) -------------------

TEST(HomeAgent, HundredThousandBindingsRegisterAndExpire) {
  constexpr std::uint32_t kN = 100000;
  auto p = make_policy();
  p.serve_any_home_address = true;
  auto ha = make_ha(p);
  auto base = addr("fd00:1::").bytes();
  std::uint64_t bas = 0;
  for (std::uint32_t i = 0; i < kN; ++i) {
    auto b = base;
    b[12] = static_cast<std::uint8_t>(i >> 24);
    b[13] = static_cast<std::uint8_t>(i >> 16);
    b[14] = static_cast<std::uint8_t>(i >> 8);
    b[15] = static_cast<std::uint8_t>(i);
    b[11] = 1;  // fd00:1::1:xxxx:xxxx, never the subnet-router anycast
    const Ipv6Address hoa(b);
    // Spread lifetimes over 100..1099 units so expiries interleave.
    auto out = ha.on_binding_update(bu(1, static_cast<std::uint16_t>(100 + i % 1000)),
                                    ctx(kCoa, hoa), kT0 + seconds(i % 7));
    bas += all_of<SendBindingAck>(out).size();
  }
  EXPECT_EQ(bas, kN);
  EXPECT_EQ(ha.bindings().size(), kN);
  EXPECT_EQ(ha.counters().bu_accepted_new, kN);
  // Fire in coarse steps: each binding expires; it sends a BRR only when a
  // step falls between its BRR point and its expiry.
  std::uint64_t removed = 0, brrs = 0;
  for (auto t = kT0; ha.next_expiry(); t += seconds(600)) {
    EXPECT_LE(*ha.next_expiry(), t + seconds(600));
    auto out = ha.on_timer(t + seconds(600));
    removed += all_of<RemoveHomeAddress>(out).size();
    brrs += all_of<SendBindingRefreshRequest>(out).size();
  }
  EXPECT_EQ(removed, kN);
  EXPECT_EQ(ha.counters().expirations, kN);
  EXPECT_EQ(ha.counters().brr_sent, brrs);
  EXPECT_TRUE(ha.bindings().empty());
}

}  // namespace
}  // namespace mip6
