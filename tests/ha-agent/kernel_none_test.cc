// The "none" KernelState backend: records intended changes, with the same
// idempotency rules as the netlink backend, and touches nothing.
#include <gtest/gtest.h>

#include "ha-agent/kernel/kernel_state.h"
#include "ha-agent/kernel/recording_kernel_state.h"

namespace kernel {
namespace {

mip6::Ipv6Address addr(const char* s) {
  return *mip6::Ipv6Address::parse(s);
}

using Kind = KernelChange::Kind;

TEST(RecordingKernelState, RecordsProxyNdpAddsAndRemovesIdempotently) {
  RecordingKernelState ks;
  const ProxyNdpEntry e{addr("fd00:12::100"), "eth0"};
  auto a1 = ks.add_proxy_ndp(e);
  ASSERT_TRUE(a1) << a1.error().to_string();
  EXPECT_EQ(*a1, ChangeOutcome::kApplied);
  auto a2 = ks.add_proxy_ndp(e);
  ASSERT_TRUE(a2);
  EXPECT_EQ(*a2, ChangeOutcome::kAlreadyPresent);
  EXPECT_EQ(ks.proxy_entries().size(), 1u);

  auto r1 = ks.remove_proxy_ndp(e);
  ASSERT_TRUE(r1);
  EXPECT_EQ(*r1, ChangeOutcome::kApplied);
  auto r2 = ks.remove_proxy_ndp(e);
  ASSERT_TRUE(r2);
  EXPECT_EQ(*r2, ChangeOutcome::kWasAbsent);
  EXPECT_TRUE(ks.proxy_entries().empty());

  ASSERT_EQ(ks.changes().size(), 4u);
  EXPECT_EQ(ks.changes()[0].kind, Kind::kAddProxyNdp);
  EXPECT_EQ(ks.changes()[1].outcome, ChangeOutcome::kAlreadyPresent);
  EXPECT_EQ(ks.changes()[2].kind, Kind::kRemoveProxyNdp);
  EXPECT_EQ(ks.changes()[3].outcome, ChangeOutcome::kWasAbsent);
  EXPECT_EQ(ks.changes()[0].proxy, e);
  EXPECT_EQ(ks.changes()[0].to_string(), "add proxy-ndp fd00:12::100 dev eth0: applied");
  EXPECT_EQ(ks.changes()[3].to_string(), "remove proxy-ndp fd00:12::100 dev eth0: was absent");
}

TEST(RecordingKernelState, RoutesAreKeyedByDestinationAndMetric) {
  RecordingKernelState ks;
  const HostRoute dev{addr("fd00:99::100"), "eth0", std::nullopt, 10};
  const HostRoute gw{addr("fd00:99::100"), "eth0", addr("fd00:12::10"), 20};
  ASSERT_EQ(*ks.add_host_route(dev), ChangeOutcome::kApplied);
  ASSERT_EQ(*ks.add_host_route(gw), ChangeOutcome::kApplied);  // other metric: second route
  EXPECT_EQ(*ks.add_host_route(dev), ChangeOutcome::kAlreadyPresent);

  // Same destination and metric, other next hop: a conflict, as in the kernel.
  HostRoute clash = dev;
  clash.gateway = addr("fd00:12::20");
  auto c = ks.add_host_route(clash);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, KernelErrc::kExists);
  EXPECT_NE(c.error().message.find("conflicts with fd00:99::100/128 dev eth0 metric 10"),
            std::string::npos)
      << c.error().message;

  EXPECT_EQ(ks.host_routes().size(), 2u);
  EXPECT_EQ(ks.changes().back().to_string(),
            "add route fd00:99::100/128 dev eth0 metric 10: already present");
  EXPECT_EQ(*ks.remove_host_route(gw), ChangeOutcome::kApplied);
  EXPECT_EQ(*ks.remove_host_route(gw), ChangeOutcome::kWasAbsent);
  EXPECT_EQ(ks.changes().back().to_string(),
            "remove route fd00:99::100/128 via fd00:12::10 dev eth0 metric 20: was absent");
}

TEST(RecordingKernelState, RemoveAllInstalledUndoesEverythingAndRecordsIt) {
  RecordingKernelState ks;
  ASSERT_EQ(*ks.enable_proxy_ndp("eth0"), ChangeOutcome::kApplied);
  EXPECT_EQ(*ks.enable_proxy_ndp("eth0"), ChangeOutcome::kAlreadyPresent);
  ASSERT_TRUE(ks.add_proxy_ndp({addr("fd00:12::100"), "eth0"}));
  ASSERT_TRUE(ks.add_proxy_ndp({addr("fd00:12::101"), "eth0"}));
  ASSERT_TRUE(ks.add_host_route({addr("fd00:12::100"), "eth1", addr("fe80::1"), 5}));
  ks.clear_log();

  ASSERT_TRUE(ks.remove_all_installed());
  EXPECT_TRUE(ks.proxy_entries().empty());
  EXPECT_TRUE(ks.host_routes().empty());
  EXPECT_TRUE(ks.proxy_ndp_interfaces().empty());
  ASSERT_EQ(ks.changes().size(), 4u);
  EXPECT_EQ(ks.changes()[0].kind, Kind::kRemoveHostRoute);
  EXPECT_EQ(ks.changes()[1].kind, Kind::kRemoveProxyNdp);
  EXPECT_EQ(ks.changes()[2].kind, Kind::kRemoveProxyNdp);
  EXPECT_EQ(ks.changes()[3].to_string(), "restore net.ipv6.conf.eth0.proxy_ndp: applied");
  for (const auto& c : ks.changes()) EXPECT_EQ(c.outcome, ChangeOutcome::kApplied);

  // Nothing left: a second call records nothing.
  ks.clear_log();
  ASSERT_TRUE(ks.remove_all_installed());
  EXPECT_TRUE(ks.changes().empty());
}

TEST(RecordingKernelState, BadInputGetsNamedErrorsAndIsNotRecorded) {
  RecordingKernelState ks;
  auto bad_if = ks.add_proxy_ndp({addr("fd00::1"), "../etc"});
  ASSERT_FALSE(bad_if);
  EXPECT_EQ(bad_if.error().code, KernelErrc::kInvalidArgument);
  EXPECT_FALSE(ks.add_proxy_ndp({addr("fd00::1"), ""}));
  EXPECT_FALSE(ks.add_proxy_ndp({addr("fd00::1"), "a-very-long-interface-name"}));
  auto mc = ks.add_proxy_ndp({addr("ff02::1"), "eth0"});
  ASSERT_FALSE(mc);
  EXPECT_EQ(mc.error().code, KernelErrc::kInvalidArgument);
  EXPECT_FALSE(ks.add_host_route({mip6::Ipv6Address{}, "eth0", std::nullopt, 1}));
  EXPECT_FALSE(ks.add_host_route({addr("fd00::1"), "eth0", addr("ff02::2"), 1}));
  EXPECT_FALSE(ks.enable_proxy_ndp("eth0/../../x"));
  EXPECT_TRUE(ks.changes().empty());
}

TEST(KernelStateFactory, ParsesBackendNamesAndBuildsNone) {
  EXPECT_EQ(parse_kernel_state_backend("none"), KernelStateBackend::kNone);
  EXPECT_EQ(parse_kernel_state_backend("netlink"), KernelStateBackend::kNetlink);
  EXPECT_EQ(parse_kernel_state_backend("kernel"), std::nullopt);
  auto ks = make_kernel_state(KernelStateBackend::kNone);
  ASSERT_TRUE(ks);
  EXPECT_EQ((*ks)->backend_name(), "none");
  EXPECT_EQ(*(*ks)->add_proxy_ndp({addr("fd00::5"), "eth0"}), ChangeOutcome::kApplied);
}

}  // namespace
}  // namespace kernel
