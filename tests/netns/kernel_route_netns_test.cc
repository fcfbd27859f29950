// NetlinkKernelState against the real kernel in a private namespace with a
// veth pair: proxy NDP entries (NTF_PROXY), /128 routes via a device or a
// gateway, the proxy_ndp sysctl, idempotency and remove_all_installed().
#include <gtest/gtest.h>

#include <algorithm>

#include "ha-agent/kernel/netlink_kernel_state.h"
#include "netns_fixture.h"

namespace kernel {
namespace {

mip6::Ipv6Address addr(const char* s) {
  return *mip6::Ipv6Address::parse(s);
}

class RouteNetnsTest : public netns::NetnsTest {
 protected:
  void SetUp() override {
    netns::NetnsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(netns::create_veth("ha0", "mn0"), "");
    ASSERT_EQ(netns::add_address("ha0", "fd00:12::1/64"), "");
    auto ks = NetlinkKernelState::open();
    ASSERT_TRUE(ks) << ks.error().to_string();
    ks_ = std::move(*ks);
  }

  std::vector<ProxyNdpEntry> proxies() {
    auto d = ks_->dump_proxy_ndp();
    EXPECT_TRUE(d) << d.error().to_string();
    return d ? *d : std::vector<ProxyNdpEntry>{};
  }
  std::vector<HostRoute> routes() {
    auto d = ks_->dump_host_routes();
    EXPECT_TRUE(d) << d.error().to_string();
    return d ? *d : std::vector<HostRoute>{};
  }
  template <class V, class T>
  static bool contains(const V& v, const T& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }

  std::unique_ptr<NetlinkKernelState> ks_;
};

TEST_F(RouteNetnsTest, ProxyNdpEntryIsAddedVisibleAndRemoved) {
  const ProxyNdpEntry e{addr("fd00:12::100"), "ha0"};
  ASSERT_FALSE(contains(proxies(), e));
  auto a = ks_->add_proxy_ndp(e);
  ASSERT_TRUE(a) << a.error().to_string();
  EXPECT_EQ(*a, ChangeOutcome::kApplied);
  EXPECT_TRUE(contains(proxies(), e));
  if (netns::have_ip_tool()) {
    const std::string out = netns::run("ip -6 neigh show proxy");
    EXPECT_NE(out.find("fd00:12::100 dev ha0 proxy"), std::string::npos) << out;
  }

  auto again = ks_->add_proxy_ndp(e);  // double add is fine
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(*again, ChangeOutcome::kAlreadyPresent);
  const auto after = proxies();
  EXPECT_EQ(std::count(after.begin(), after.end(), e), 1);

  auto r = ks_->remove_proxy_ndp(e);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, ChangeOutcome::kApplied);
  EXPECT_FALSE(contains(proxies(), e));
  auto r2 = ks_->remove_proxy_ndp(e);  // reported, harmless
  ASSERT_TRUE(r2) << r2.error().to_string();
  EXPECT_EQ(*r2, ChangeOutcome::kWasAbsent);
}

TEST_F(RouteNetnsTest, HostRoutesViaDeviceAndGatewayAreAddedVisibleAndRemoved) {
  const HostRoute dev{addr("fd00:99::100"), "ha0", std::nullopt, 10};
  const HostRoute via{addr("fd00:99::200"), "ha0", addr("fd00:12::10"), 20};
  auto a = ks_->add_host_route(dev);
  ASSERT_TRUE(a) << a.error().to_string();
  EXPECT_EQ(*a, ChangeOutcome::kApplied);
  auto b = ks_->add_host_route(via);
  ASSERT_TRUE(b) << b.error().to_string();
  auto all = routes();
  EXPECT_TRUE(contains(all, dev));
  EXPECT_TRUE(contains(all, via));
  if (netns::have_ip_tool()) {
    const std::string out = netns::run("ip -6 route show");
    EXPECT_NE(out.find("fd00:99::100 dev ha0 proto static metric 10"), std::string::npos) << out;
    EXPECT_NE(out.find("fd00:99::200 via fd00:12::10 dev ha0 proto static metric 20"),
              std::string::npos)
        << out;
  }

  auto again = ks_->add_host_route(via);  // EEXIST from the kernel -> ok
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(*again, ChangeOutcome::kAlreadyPresent);

  HostRoute clash = via;  // same destination and metric, other gateway
  clash.gateway = addr("fd00:12::20");
  auto c = ks_->add_host_route(clash);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, KernelErrc::kExists);
  EXPECT_NE(c.error().message.find("conflicts with"), std::string::npos) << c.error().message;

  ASSERT_EQ(*ks_->remove_host_route(dev), ChangeOutcome::kApplied);
  ASSERT_EQ(*ks_->remove_host_route(via), ChangeOutcome::kApplied);
  all = routes();
  EXPECT_FALSE(contains(all, dev));
  EXPECT_FALSE(contains(all, via));
  auto gone = ks_->remove_host_route(dev);
  ASSERT_TRUE(gone) << gone.error().to_string();
  EXPECT_EQ(*gone, ChangeOutcome::kWasAbsent);
}

TEST_F(RouteNetnsTest, ProxyNdpSysctlIsEnabledAndRestored) {
  auto before = ks_->proxy_ndp_value("ha0");
  ASSERT_TRUE(before) << before.error().to_string();
  ASSERT_EQ(*before, 0);
  auto e = ks_->enable_proxy_ndp("ha0");
  ASSERT_TRUE(e) << e.error().to_string();
  EXPECT_EQ(*e, ChangeOutcome::kApplied);
  EXPECT_EQ(*ks_->proxy_ndp_value("ha0"), 1);
  EXPECT_EQ(*ks_->enable_proxy_ndp("ha0"), ChangeOutcome::kAlreadyPresent);
  ASSERT_TRUE(ks_->remove_all_installed());
  EXPECT_EQ(*ks_->proxy_ndp_value("ha0"), 0);
}

TEST_F(RouteNetnsTest, RemoveAllInstalledLeavesNothingBehind) {
  // Someone else's route: must survive our cleanup.
  const HostRoute foreign{addr("fd00:99::999"), "ha0", std::nullopt, 5};
  {
    auto other = NetlinkKernelState::open();
    ASSERT_TRUE(other);
    ASSERT_TRUE((*other)->add_host_route(foreign));
  }
  ASSERT_TRUE(ks_->enable_proxy_ndp("ha0"));
  std::vector<ProxyNdpEntry> mine_p;
  std::vector<HostRoute> mine_r;
  for (int i = 1; i <= 5; ++i) {
    auto a = addr("fd00:12::100");
    auto bytes = a.bytes();
    bytes[15] = static_cast<std::uint8_t>(i);
    mine_p.push_back({mip6::Ipv6Address(bytes), "ha0"});
    mine_r.push_back({mip6::Ipv6Address(bytes), "ha0", addr("fd00:12::10"), 100});
    ASSERT_TRUE(ks_->add_proxy_ndp(mine_p.back()));
    ASSERT_TRUE(ks_->add_host_route(mine_r.back()));
  }
  EXPECT_EQ(*ks_->add_host_route(foreign), ChangeOutcome::kAlreadyPresent);  // not ours
  EXPECT_EQ(proxies().size(), 5u);

  auto st = ks_->remove_all_installed();
  ASSERT_TRUE(st) << st.error().to_string();
  EXPECT_TRUE(proxies().empty());
  auto all = routes();
  for (const auto& r : mine_r) EXPECT_FALSE(contains(all, r)) << r.to_string();
  EXPECT_TRUE(contains(all, foreign));
  EXPECT_EQ(*ks_->proxy_ndp_value("ha0"), 0);
  EXPECT_TRUE(ks_->installed_proxy_entries().empty());
  EXPECT_TRUE(ks_->installed_routes().empty());
  if (netns::have_ip_tool()) {
    EXPECT_EQ(netns::run("ip -6 neigh show proxy"), "");
  }
}

TEST_F(RouteNetnsTest, UnknownInterfaceIsANamedError) {
  auto p = ks_->add_proxy_ndp({addr("fd00:12::100"), "nosuch0"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, KernelErrc::kNoSuchInterface) << p.error().to_string();
  auto r = ks_->add_host_route({addr("fd00:12::100"), "nosuch0", std::nullopt, 1});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, KernelErrc::kNoSuchInterface);
  auto s = ks_->enable_proxy_ndp("nosuch0");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, KernelErrc::kNoSuchInterface) << s.error().to_string();
  // A gateway that is not on-link: the kernel's reason comes back.
  auto g = ks_->add_host_route({addr("fd00:99::1"), "ha0", addr("fd00:77::1"), 1});
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().sys_errno, 0);
  EXPECT_NE(g.error().message.find("add route fd00:99::1/128 via fd00:77::1"), std::string::npos)
      << g.error().message;
}

TEST_F(RouteNetnsTest, ReCreatedInterfaceIsResolvedAgain) {
  // The interface index is cached per name; a re-created interface has a
  // new index and the kernel answers ENODEV for the old one.
  if (!netns::have_ip_tool()) GTEST_SKIP() << "needs ip(8) to delete the interface";
  auto a = ks_->add_host_route({addr("fd00:99::100"), "ha0", std::nullopt, 10});
  ASSERT_TRUE(a) << a.error().to_string();
  (void)netns::run("ip link del ha0");
  ASSERT_EQ(netns::create_veth("ha0", "mn0"), "");
  ASSERT_EQ(netns::add_address("ha0", "fd00:12::1/64"), "");
  const HostRoute again{addr("fd00:99::200"), "ha0", std::nullopt, 10};
  auto b = ks_->add_host_route(again);
  ASSERT_TRUE(b) << b.error().to_string();
  EXPECT_EQ(*b, ChangeOutcome::kApplied);
  EXPECT_TRUE(contains(routes(), again));
  const ProxyNdpEntry e{addr("fd00:12::100"), "ha0"};
  auto p = ks_->add_proxy_ndp(e);
  ASSERT_TRUE(p) << p.error().to_string();
  EXPECT_TRUE(contains(proxies(), e));
}

}  // namespace
}  // namespace kernel
