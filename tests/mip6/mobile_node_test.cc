// MobileNode / MobileNodeSet with a manual clock: backoff, status 135
// resync, refresh timing, deregistration, Home Agent Switch acceptance and
// every ignore reason, Binding Refresh Request answers.
#include "mip6/mobile_node.h"

#include <gtest/gtest.h>

#include "mip6/mobile_node_set.h"

namespace mip6 {
namespace {

using namespace std::chrono_literals;

Ipv6Address addr(const char* s) { return *Ipv6Address::parse(s); }

const Ipv6Address kHoa = addr("fd00:1::100");
const Ipv6Address kCoa = addr("fd00:2::10");
const Ipv6Address kHa1 = addr("fd00:1::1");
const Ipv6Address kHa2 = addr("fd00:1::2");
const Ipv6Address kHa3 = addr("fd00:1::3");

MobileNodeConfig config(bool harp = false) {
  MobileNodeConfig c;
  c.home_address = kHoa;
  c.care_of_address = kCoa;
  c.home_agents = {{kHa1, 11}, {kHa2, 22}};
  c.requested_lifetime_s = 400;
  c.harp = harp;
  c.initial_sequence = SequenceNumber(100);
  return c;
}

BindingAcknowledgement ba(std::uint8_t status, std::uint16_t seq, std::uint16_t lifetime_units) {
  BindingAcknowledgement b;
  b.status = status;
  b.sequence = SequenceNumber(seq);
  b.lifetime = lifetime_units;
  return b;
}

HomeAgentSwitch has(std::vector<Ipv6Address> a) {
  HomeAgentSwitch h;
  h.addresses = std::move(a);
  return h;
}

class MobileNodeTest : public ::testing::Test {
 protected:
  MnTime t0 = MnTime{} + 1000s;
  MnActions out;

  // Registers with the current HA and returns the node registered at t0.
  MobileNode registered(bool harp = false) {
    MobileNode n(7, config(harp));
    n.start_registration(t0, out);
    EXPECT_EQ(out.size(), 1u);
    EXPECT_FALSE(n.on_binding_ack(ba(0, out.back().bu.sequence.value(), 100), 0, t0, out));
    EXPECT_EQ(n.state(), MnState::kRegistered);
    out.clear();
    return n;
  }
};

TEST_F(MobileNodeTest, FirstBindingUpdateIsHomeRegistration) {
  MobileNode n(7, config());
  EXPECT_EQ(n.state(), MnState::kIdle);
  EXPECT_FALSE(n.next_expiry());
  n.start_registration(t0, out);
  ASSERT_EQ(out.size(), 1u);
  const auto& a = out[0];
  EXPECT_EQ(a.mn, 7u);
  EXPECT_EQ(a.home_agent, 0u);
  EXPECT_EQ(a.ha_address, kHa1);
  EXPECT_EQ(a.sa_handle, 11u);
  EXPECT_FALSE(a.retransmission);
  EXPECT_EQ(a.bu.sequence, SequenceNumber(100));
  // RFC 6275 §11.7.1: A and H set, K clear (manual keying).
  EXPECT_EQ(a.bu.flags, BindingUpdate::kAck | BindingUpdate::kHomeRegistration);
  EXPECT_EQ(a.bu.lifetime, 100);  // 400 s in 4 s units
  ASSERT_TRUE(a.bu.options.alternate_care_of_address);
  EXPECT_EQ(*a.bu.options.alternate_care_of_address, kCoa);
  EXPECT_EQ(n.state(), MnState::kRegistering);
  EXPECT_EQ(n.stats().first_bu_sent, t0);
  EXPECT_EQ(n.next_expiry(), t0 + 1500ms);
}

TEST_F(MobileNodeTest, LifetimeRoundsUpAndCaps) {
  auto c = config();
  c.requested_lifetime_s = 5;
  c.alternate_care_of_address = false;
  MobileNode n(1, c);
  n.start_registration(t0, out);
  EXPECT_EQ(out[0].bu.lifetime, 2);
  EXPECT_FALSE(out[0].bu.options.alternate_care_of_address);
  c.requested_lifetime_s = 1'000'000;
  MobileNode m(2, c);
  m.start_registration(t0, out);
  EXPECT_EQ(out[1].bu.lifetime, 0xFFFF);
}

TEST_F(MobileNodeTest, FirstRegistrationBackoffDoublesAndCapsAt32s) {
  MobileNode n(7, config());
  n.start_registration(t0, out);
  // 1.5, 3, 6, 12, 24, 32, 32 s between transmissions (RFC 6275 §11.8, §12).
  const std::vector<MnDuration> gaps = {1500ms, 3s, 6s, 12s, 24s, 32s, 32s, 32s};
  MnTime t = t0;
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    ASSERT_EQ(n.next_expiry(), t + gaps[i]) << i;
    n.on_timer(t + gaps[i] - 1ms, out);  // not yet
    ASSERT_EQ(out.size(), i + 1);
    t += gaps[i];
    n.on_timer(t, out);
    ASSERT_EQ(out.size(), i + 2);
    EXPECT_TRUE(out.back().retransmission);
    // §11.8: each retransmission uses a new sequence number.
    EXPECT_EQ(out.back().bu.sequence, SequenceNumber(static_cast<std::uint16_t>(101 + i)));
  }
  EXPECT_EQ(n.stats().bus_sent, gaps.size() + 1);
  EXPECT_EQ(n.stats().retransmissions, gaps.size());
  EXPECT_EQ(n.state(), MnState::kRegistering);
}

TEST_F(MobileNodeTest, ConfigurableInitialTimeout) {
  auto c = config();
  c.timers.initial_bindack_timeout = 50ms;
  c.timers.initial_bindack_timeout_first_reg = 100ms;
  c.timers.max_bindack_timeout = 250ms;
  MobileNode n(7, c);
  n.start_registration(t0, out);
  EXPECT_EQ(n.next_expiry(), t0 + 100ms);
  n.on_timer(t0 + 100ms, out);
  EXPECT_EQ(n.next_expiry(), t0 + 300ms);
  n.on_timer(t0 + 300ms, out);
  EXPECT_EQ(n.next_expiry(), t0 + 550ms);  // capped at 250 ms
}

TEST_F(MobileNodeTest, AcceptedBaRegistersAndArmsRefresh) {
  MobileNode n(7, config());
  n.start_registration(t0, out);
  EXPECT_FALSE(n.on_binding_ack(ba(0, 100, 50), 0, t0 + 20ms, out));
  EXPECT_EQ(n.state(), MnState::kRegistered);
  EXPECT_TRUE(n.has_binding());
  EXPECT_EQ(n.granted_lifetime_s(), 200u);  // HA granted less than asked
  EXPECT_EQ(n.binding_expires(), t0 + 20ms + 200s);
  // 85 % of 200 s.
  EXPECT_EQ(n.next_expiry(), t0 + 20ms + 170s);
  EXPECT_EQ(n.stats().first_registered, t0 + 20ms);
  ASSERT_EQ(n.stats().bas_by_status.size(), 1u);
  EXPECT_EQ(n.stats().bas_by_status[0], (std::pair<std::uint8_t, std::uint32_t>(0, 1)));

  // The refresh: a new BU with the normal (1 s) initial timeout.
  n.on_timer(t0 + 20ms + 170s, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].bu.sequence, SequenceNumber(101));
  EXPECT_FALSE(out[1].retransmission);
  EXPECT_EQ(n.state(), MnState::kRefreshing);
  EXPECT_EQ(n.stats().refreshes, 1u);
  const MnTime tr = t0 + 20ms + 170s;
  EXPECT_EQ(n.next_expiry(), tr + 1s);
  n.on_timer(tr + 1s, out);
  EXPECT_EQ(n.next_expiry(), tr + 3s);  // 1, 2, 4 ...
  EXPECT_FALSE(n.on_binding_ack(ba(1, 102, 100), 0, tr + 3s, out));
  EXPECT_EQ(n.state(), MnState::kRegistered);
  EXPECT_EQ(n.stats().last_registered, tr + 3s);
  EXPECT_EQ(n.stats().first_registered, t0 + 20ms);
}

TEST_F(MobileNodeTest, RefreshAdviceMakesRefreshEarlier) {
  MobileNode n(7, config());
  n.start_registration(t0, out);
  auto b = ba(0, 100, 100);  // 400 s
  b.options.binding_refresh_advice = 10;  // 40 s (RFC 6275 §6.2.4)
  EXPECT_FALSE(n.on_binding_ack(b, 0, t0, out));
  EXPECT_EQ(n.next_expiry(), t0 + 40s);
}

TEST_F(MobileNodeTest, RefreshPermilleIsConfigurable) {
  auto c = config();
  c.timers.refresh_permille = 500;
  MobileNode n(7, c);
  n.start_registration(t0, out);
  EXPECT_FALSE(n.on_binding_ack(ba(0, 100, 100), 0, t0, out));
  EXPECT_EQ(n.next_expiry(), t0 + 200s);
}

TEST_F(MobileNodeTest, Status135ResynchronisesAndRetriesAtOnce) {
  MobileNode n(7, config());
  n.start_registration(t0, out);
  // RFC 6275 §11.7.3: the BA carries the last accepted sequence number.
  EXPECT_FALSE(n.on_binding_ack(ba(135, 40000, 0), 0, t0 + 10ms, out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].bu.sequence, SequenceNumber(40001));
  EXPECT_FALSE(out[1].retransmission);
  EXPECT_EQ(n.stats().sequence_resyncs, 1u);
  EXPECT_EQ(n.state(), MnState::kRegistering);
  EXPECT_EQ(n.next_expiry(), t0 + 10ms + 1500ms);
  // The old sequence no longer matches; the new one does.
  EXPECT_EQ(n.on_binding_ack(ba(0, 100, 100), 0, t0 + 20ms, out),
            MnIgnoreReason::kSequenceMismatch);
  EXPECT_FALSE(n.on_binding_ack(ba(0, 40001, 100), 0, t0 + 20ms, out));
  EXPECT_EQ(n.state(), MnState::kRegistered);
}

TEST_F(MobileNodeTest, EndlessStatus135EndsInError) {
  auto c = config();
  c.timers.max_sequence_resyncs = 2;
  MobileNode n(7, c);
  n.start_registration(t0, out);
  EXPECT_FALSE(n.on_binding_ack(ba(135, 5, 0), 0, t0, out));
  EXPECT_FALSE(n.on_binding_ack(ba(135, 5, 0), 0, t0, out));
  EXPECT_EQ(n.state(), MnState::kRegistering);
  EXPECT_FALSE(n.on_binding_ack(ba(135, 5, 0), 0, t0, out));
  EXPECT_EQ(n.state(), MnState::kError);
  EXPECT_EQ(n.error(), MnErrorKind::kTooManyResyncs);
  EXPECT_FALSE(n.next_expiry());
}

TEST_F(MobileNodeTest, RejectionEntersErrorWithStatus) {
  MobileNode n(7, config());
  n.start_registration(t0, out);
  EXPECT_FALSE(n.on_binding_ack(ba(133, 100, 0), 0, t0, out));
  EXPECT_EQ(n.state(), MnState::kError);
  EXPECT_EQ(n.error(), MnErrorKind::kRejected);
  EXPECT_EQ(n.error_status(), 133);
  EXPECT_FALSE(n.next_expiry());
  EXPECT_FALSE(n.has_binding());
  // A new start is allowed from kError.
  n.start_registration(t0 + 1s, out);
  EXPECT_EQ(n.state(), MnState::kRegistering);
  EXPECT_EQ(n.error(), MnErrorKind::kNone);
}

TEST_F(MobileNodeTest, ZeroLifetimeGrantIsAnError) {
  MobileNode n(7, config());
  n.start_registration(t0, out);
  EXPECT_FALSE(n.on_binding_ack(ba(0, 100, 0), 0, t0, out));
  EXPECT_EQ(n.state(), MnState::kError);
  EXPECT_EQ(n.error(), MnErrorKind::kZeroLifetime);
}

TEST_F(MobileNodeTest, BaIgnoreReasons) {
  MobileNode n(7, config());
  EXPECT_EQ(n.on_binding_ack(ba(0, 100, 100), 0, t0, out), MnIgnoreReason::kNoPendingBindingUpdate);
  n.start_registration(t0, out);
  EXPECT_EQ(n.on_binding_ack(ba(0, 100, 100), std::nullopt, t0, out),
            MnIgnoreReason::kUnprotected);
  EXPECT_EQ(n.on_binding_ack(ba(0, 100, 100), 5, t0, out), MnIgnoreReason::kUnknownHomeAgent);
  EXPECT_EQ(n.on_binding_ack(ba(0, 100, 100), 1, t0, out), MnIgnoreReason::kFromOtherHomeAgent);
  EXPECT_EQ(n.on_binding_ack(ba(0, 99, 100), 0, t0, out), MnIgnoreReason::kSequenceMismatch);
  EXPECT_EQ(n.state(), MnState::kRegistering);
  const auto& ig = n.stats().ignored;
  EXPECT_EQ(ig[static_cast<std::size_t>(MnIgnoreReason::kNoPendingBindingUpdate)], 1u);
  EXPECT_EQ(ig[static_cast<std::size_t>(MnIgnoreReason::kUnprotected)], 1u);
  EXPECT_EQ(ig[static_cast<std::size_t>(MnIgnoreReason::kUnknownHomeAgent)], 1u);
  EXPECT_EQ(ig[static_cast<std::size_t>(MnIgnoreReason::kFromOtherHomeAgent)], 1u);
  EXPECT_EQ(ig[static_cast<std::size_t>(MnIgnoreReason::kSequenceMismatch)], 1u);
  // Ignored BAs are not counted by status.
  EXPECT_EQ(n.stats().bas_by_status.size(), 1u);  // only the mismatch reached the status count
}

TEST_F(MobileNodeTest, Deregistration) {
  MobileNode n = registered();
  n.deregister(t0 + 5s, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].bu.lifetime, 0);  // RFC 6275 §11.7.1
  EXPECT_EQ(out[0].bu.flags, BindingUpdate::kAck | BindingUpdate::kHomeRegistration);
  EXPECT_EQ(n.state(), MnState::kDeregistering);
  EXPECT_EQ(n.next_expiry(), t0 + 6s);  // normal initial timeout
  n.on_timer(t0 + 6s, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].bu.lifetime, 0);
  EXPECT_TRUE(out[1].retransmission);
  EXPECT_FALSE(n.on_binding_ack(ba(0, out[1].bu.sequence.value(), 0), 0, t0 + 7s, out));
  EXPECT_EQ(n.state(), MnState::kDeregistered);
  EXPECT_FALSE(n.has_binding());
  EXPECT_EQ(n.stats().deregistered, t0 + 7s);
  EXPECT_FALSE(n.next_expiry());
  // Deregistering again sends nothing.
  n.deregister(t0 + 8s, out);
  EXPECT_EQ(out.size(), 2u);
}

TEST_F(MobileNodeTest, ScheduledStartAndDeregistration) {
  MobileNode n(7, config());
  n.schedule_registration(t0 + 2s);
  EXPECT_EQ(n.next_expiry(), t0 + 2s);
  n.on_timer(t0 + 1s, out);
  EXPECT_TRUE(out.empty());
  n.on_timer(t0 + 2s, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(n.on_binding_ack(ba(0, 100, 100), 0, t0 + 2s, out));
  n.schedule_deregistration(t0 + 10s);
  EXPECT_EQ(n.next_expiry(), t0 + 10s);
  n.on_timer(t0 + 10s, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].bu.lifetime, 0);
}

TEST_F(MobileNodeTest, HomeAgentSwitchFromCurrentHaIsFollowed) {
  MobileNode n = registered();
  EXPECT_FALSE(n.on_home_agent_switch(has({kHa3, kHa2}), 0, t0 + 50s, out));
  ASSERT_EQ(out.size(), 1u);
  // kHa3 has no SA: the first usable one is kHa2 (RFC 5142 §6.2).
  EXPECT_EQ(out[0].ha_address, kHa2);
  EXPECT_EQ(out[0].home_agent, 1u);
  EXPECT_EQ(out[0].sa_handle, 22u);
  EXPECT_EQ(out[0].bu.flags, BindingUpdate::kAck | BindingUpdate::kHomeRegistration);
  EXPECT_EQ(n.current_home_agent(), 1u);
  EXPECT_EQ(n.state(), MnState::kRegistering);
  EXPECT_EQ(n.next_expiry(), t0 + 50s + 1500ms);  // first registration with kHa2
  EXPECT_EQ(n.stats().last_switch_received, t0 + 50s);
  EXPECT_EQ(n.stats().switches_followed, 1u);
  // A BA from the old HA no longer counts.
  EXPECT_EQ(n.on_binding_ack(ba(0, out[0].bu.sequence.value(), 100), 0, t0 + 51s, out),
            MnIgnoreReason::kFromOtherHomeAgent);
  EXPECT_FALSE(n.on_binding_ack(ba(0, out[0].bu.sequence.value(), 100), 1, t0 + 51s, out));
  EXPECT_EQ(n.state(), MnState::kRegistered);
  EXPECT_EQ(n.stats().reregistered_after_switch, t0 + 51s);
}

TEST_F(MobileNodeTest, HomeAgentSwitchFromStandbyNeedsHarp) {
  {
    MobileNode n = registered(/*harp=*/false);
    EXPECT_EQ(n.on_home_agent_switch(has({kHa2}), 1, t0, out),
              MnIgnoreReason::kFromOtherHomeAgent);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(n.current_home_agent(), 0u);
  }
  {
    MobileNode n = registered(/*harp=*/true);
    EXPECT_FALSE(n.on_home_agent_switch(has({kHa2}), 1, t0, out));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].ha_address, kHa2);
  }
}

TEST_F(MobileNodeTest, HomeAgentSwitchIgnoreReasons) {
  MobileNode idle(1, config(true));
  EXPECT_EQ(idle.on_home_agent_switch(has({kHa2}), 0, t0, out), MnIgnoreReason::kNoBinding);
  MobileNode registering(2, config(true));
  registering.start_registration(t0, out);
  out.clear();
  EXPECT_EQ(registering.on_home_agent_switch(has({kHa2}), 0, t0, out), MnIgnoreReason::kNoBinding);

  MobileNode n = registered(true);
  EXPECT_EQ(n.on_home_agent_switch(has({kHa2}), std::nullopt, t0, out),
            MnIgnoreReason::kUnprotected);
  EXPECT_EQ(n.on_home_agent_switch(has({kHa2}), 9, t0, out), MnIgnoreReason::kUnknownHomeAgent);
  EXPECT_EQ(n.on_home_agent_switch(has({}), 0, t0, out), MnIgnoreReason::kEmptyHomeAgentList);
  EXPECT_EQ(n.on_home_agent_switch(has({kHa3}), 0, t0, out), MnIgnoreReason::kNoUsableHomeAgent);
  EXPECT_EQ(n.on_home_agent_switch(has({kHa1}), 1, t0, out),
            MnIgnoreReason::kAlreadyWithNamedHomeAgent);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(n.state(), MnState::kRegistered);
  EXPECT_EQ(n.current_home_agent(), 0u);
  EXPECT_EQ(n.stats().switches_followed, 0u);
  // Follow it once; a retransmitted HAS from the new HA is a duplicate.
  EXPECT_FALSE(n.on_home_agent_switch(has({kHa2}), 1, t0 + 1s, out));
  EXPECT_EQ(n.on_home_agent_switch(has({kHa2}), 1, t0 + 2s, out),
            MnIgnoreReason::kAlreadyWithNamedHomeAgent);
  EXPECT_EQ(out.size(), 1u);
  const auto& ig = n.stats().ignored;
  for (auto r : {MnIgnoreReason::kUnprotected, MnIgnoreReason::kUnknownHomeAgent,
                 MnIgnoreReason::kEmptyHomeAgentList, MnIgnoreReason::kNoUsableHomeAgent})
    EXPECT_EQ(ig[static_cast<std::size_t>(r)], 1u) << to_string(r);
  EXPECT_EQ(ig[static_cast<std::size_t>(MnIgnoreReason::kAlreadyWithNamedHomeAgent)], 2u);
}

TEST_F(MobileNodeTest, HomeAgentSwitchAfterDeregistrationIgnored) {
  MobileNode n = registered(true);
  n.deregister(t0, out);
  EXPECT_EQ(n.on_home_agent_switch(has({kHa2}), 1, t0, out), MnIgnoreReason::kNoBinding);
}

TEST_F(MobileNodeTest, BindingRefreshRequestIsAnswered) {
  MobileNode n = registered();
  EXPECT_FALSE(n.on_binding_refresh_request(0, t0 + 30s, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ha_address, kHa1);
  EXPECT_EQ(out[0].bu.lifetime, 100);
  EXPECT_EQ(n.state(), MnState::kRefreshing);
  EXPECT_EQ(n.next_expiry(), t0 + 31s);
  EXPECT_EQ(n.stats().refresh_requests_answered, 1u);
  EXPECT_EQ(n.on_binding_refresh_request(0, t0 + 30s, out), MnIgnoreReason::kRefreshInProgress);
  EXPECT_EQ(out.size(), 1u);
}

TEST_F(MobileNodeTest, BindingRefreshRequestIgnoreReasons) {
  MobileNode idle(1, config());
  EXPECT_EQ(idle.on_binding_refresh_request(0, t0, out), MnIgnoreReason::kNoBinding);
  MobileNode n = registered(true);
  EXPECT_EQ(n.on_binding_refresh_request(std::nullopt, t0, out), MnIgnoreReason::kUnprotected);
  EXPECT_EQ(n.on_binding_refresh_request(1, t0, out), MnIgnoreReason::kFromOtherHomeAgent);
  EXPECT_EQ(n.on_binding_refresh_request(4, t0, out), MnIgnoreReason::kUnknownHomeAgent);
  EXPECT_TRUE(out.empty());
}

TEST_F(MobileNodeTest, SequenceWrapsModulo65536) {
  auto c = config();
  c.initial_sequence = SequenceNumber(65535);
  MobileNode n(1, c);
  n.start_registration(t0, out);
  n.on_timer(t0 + 1500ms, out);
  EXPECT_EQ(out[0].bu.sequence, SequenceNumber(65535));
  EXPECT_EQ(out[1].bu.sequence, SequenceNumber(0));
}

TEST(MobileNodeSetTest, TimersAcrossManyNodes) {
  MobileNodeSet set;
  const MnTime t0 = MnTime{} + 100s;
  for (int i = 0; i < 1000; ++i) {
    auto c = config();
    auto b = kHoa.bytes();
    b[14] = static_cast<std::uint8_t>(i >> 8);
    b[15] = static_cast<std::uint8_t>(i);
    c.home_address = Ipv6Address(b);
    auto id = set.add(c);
    ASSERT_TRUE(id);
    EXPECT_EQ(*id, static_cast<MnId>(i));
    // Pacing: one MN per millisecond.
    set.schedule_registration(*id, t0 + std::chrono::milliseconds(i));
  }
  EXPECT_FALSE(set.add(config()));  // kHoa is MN 256's... duplicate home address
  EXPECT_EQ(set.next_expiry(), t0);
  MnActions out;
  set.on_timer(t0 + 99ms, out);
  EXPECT_EQ(out.size(), 100u);
  EXPECT_EQ(set.next_expiry(), t0 + 100ms);
  // A bounded visit.
  set.on_timer(t0 + 999ms, out, 50);
  EXPECT_EQ(out.size(), 150u);
  set.on_timer(t0 + 999ms, out);
  EXPECT_EQ(out.size(), 1000u);
  // MNs 0..99 were sent at t0 + 99 ms: first retransmission 1.5 s later.
  EXPECT_EQ(set.next_expiry(), t0 + 99ms + 1500ms);

  // Acknowledge everything but MN 3.
  for (const auto& a : out) {
    if (a.mn == 3) continue;
    EXPECT_FALSE(set.on_binding_ack(a.mn, ba(0, a.bu.sequence.value(), 100), 0, t0 + 1s, out));
  }
  auto counts = set.state_counts();
  EXPECT_EQ(counts[static_cast<std::size_t>(MnState::kRegistered)], 999u);
  EXPECT_EQ(counts[static_cast<std::size_t>(MnState::kRegistering)], 1u);
  EXPECT_EQ(set.next_expiry(), t0 + 99ms + 1500ms);
  MnActions more;
  set.on_timer(t0 + 99ms + 1500ms, more);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].mn, 3u);
  // Refreshes are due at t0 + 1 s + 340 s.
  EXPECT_EQ(set.at(0).next_expiry(), t0 + 1s + 340s);

  EXPECT_EQ(set.find(set.at(42).config().home_address), 42u);
  EXPECT_FALSE(set.find(addr("fd00:9::1")));
  EXPECT_EQ(set.on_home_agent_switch(5, has({}), 0, t0, more), MnIgnoreReason::kEmptyHomeAgentList);
  EXPECT_EQ(set.ignored_totals()[static_cast<std::size_t>(MnIgnoreReason::kEmptyHomeAgentList)], 1u);
}

}  // namespace
}  // namespace mip6
