// XfrmBackend against the real kernel, in a private network namespace:
// allow/block policies, the ESP capability probe, refusal of ESP-requiring
// policies without kernel ESP, and clean SA failures (interop.md §4). Each
// ESP test has two branches: this project's kernels lack IPv6 ESP, a stock
// kernel (interop.md §7) has it; the probe decides which one is asserted.
#include <gtest/gtest.h>

#include <algorithm>

#include "ha-agent/kernel/xfrm_backend.h"
#include "netns_fixture.h"

namespace kernel {
namespace {

mip6::Ipv6Address addr(const char* s) {
  return *mip6::Ipv6Address::parse(s);
}
mip6::Ipv6Prefix host(const char* s) {
  return {addr(s), 128};
}

class XfrmNetnsTest : public netns::NetnsTest {
 protected:
  void SetUp() override {
    netns::NetnsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto b = XfrmBackend::open();
    ASSERT_TRUE(b) << b.error().to_string();
    backend_.emplace(std::move(*b));
  }

  std::vector<InstalledPolicy> policies() {
    auto d = backend_->dump_policies();
    EXPECT_TRUE(d) << d.error().to_string();
    return d ? *d : std::vector<InstalledPolicy>{};
  }
  std::vector<InstalledSa> sas() {
    auto d = backend_->dump_sas();
    EXPECT_TRUE(d) << d.error().to_string();
    return d ? *d : std::vector<InstalledSa>{};
  }
  const InstalledPolicy* find(const std::vector<InstalledPolicy>& all, const XfrmSelector& s,
                              PolicyDirection d) {
    auto it = std::find_if(all.begin(), all.end(), [&](const InstalledPolicy& p) {
      return p.selector == s && p.direction == d;
    });
    return it == all.end() ? nullptr : &*it;
  }

  static XfrmPolicy mh_policy(PolicyDirection d, PolicyAction a, std::optional<std::uint8_t> type) {
    XfrmPolicy p;
    p.selector.source = d == PolicyDirection::kOut ? host("fd00:12::1") : host("fd00:12::10");
    p.selector.destination = d == PolicyDirection::kOut ? host("fd00:12::10") : host("fd00:12::1");
    p.selector.mh_type = type;
    p.direction = d;
    p.action = a;
    return p;
  }

  static crypto::SaParams sa(crypto::EspAlgorithm alg, std::uint32_t spi) {
    crypto::SaParams p;
    p.spi = spi;
    p.algorithm = alg;
    p.source = addr("fd00:12::10");
    p.destination = addr("fd00:12::1");
    p.key = crypto::SecretBytes(esp_transform(alg).key_octets());
    return p;
  }

  std::optional<XfrmBackend> backend_;
};

TEST_F(XfrmNetnsTest, AllowAndBlockPoliciesAreInstalledDumpedUpdatedAndRemoved) {
  const XfrmPolicy allow_out = mh_policy(PolicyDirection::kOut, PolicyAction::kAllow, std::nullopt);
  const XfrmPolicy block_in = mh_policy(PolicyDirection::kIn, PolicyAction::kBlock, 5);
  ASSERT_TRUE(policies().empty());
  auto a = backend_->install_policy(allow_out);
  ASSERT_TRUE(a) << a.error().to_string();
  auto b = backend_->install_policy(block_in);
  ASSERT_TRUE(b) << b.error().to_string();

  auto all = policies();
  ASSERT_EQ(all.size(), 2u);
  const InstalledPolicy* pa = find(all, allow_out.selector, PolicyDirection::kOut);
  ASSERT_NE(pa, nullptr);
  EXPECT_EQ(pa->action, PolicyAction::kAllow);
  EXPECT_EQ(pa->templates, 0);
  EXPECT_EQ(pa->selector.protocol, 135);
  EXPECT_FALSE(pa->selector.mh_type);
  const InstalledPolicy* pb = find(all, block_in.selector, PolicyDirection::kIn);
  ASSERT_NE(pb, nullptr);
  EXPECT_EQ(pb->action, PolicyAction::kBlock);
  EXPECT_EQ(pb->selector.mh_type, 5);  // MH type carried in the sport field

  if (netns::have_ip_tool()) {  // independent view of the same SPD
    const std::string out = netns::run("ip -6 xfrm policy");
    EXPECT_NE(out.find("src fd00:12::10/128 dst fd00:12::1/128 proto mobility-header type 5"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("action block"), std::string::npos) << out;
  }

  // A second install of the same selector and direction is a named error.
  auto dup = backend_->install_policy(allow_out);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, KernelErrc::kExists) << dup.error().to_string();

  // Update: the out policy becomes a block with another priority.
  XfrmPolicy changed = allow_out;
  changed.action = PolicyAction::kBlock;
  changed.priority = 7;
  auto u = backend_->update_policy(changed);
  ASSERT_TRUE(u) << u.error().to_string();
  all = policies();
  ASSERT_EQ(all.size(), 2u);
  pa = find(all, allow_out.selector, PolicyDirection::kOut);
  ASSERT_NE(pa, nullptr);
  EXPECT_EQ(pa->action, PolicyAction::kBlock);
  EXPECT_EQ(pa->priority, 7u);

  auto r1 = backend_->remove_policy(allow_out.selector, PolicyDirection::kOut);
  ASSERT_TRUE(r1) << r1.error().to_string();
  EXPECT_EQ(*r1, ChangeOutcome::kApplied);
  auto r2 = backend_->remove_policy(block_in.selector, PolicyDirection::kIn);
  ASSERT_TRUE(r2) << r2.error().to_string();
  EXPECT_EQ(*r2, ChangeOutcome::kApplied);
  EXPECT_TRUE(policies().empty());
  auto again = backend_->remove_policy(block_in.selector, PolicyDirection::kIn);
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ(*again, ChangeOutcome::kWasAbsent);
}

TEST_F(XfrmNetnsTest, RemoveAllInstalledLeavesNoPolicyBehind) {
  ASSERT_TRUE(backend_->install_policy(mh_policy(PolicyDirection::kOut, PolicyAction::kAllow, 6)));
  ASSERT_TRUE(backend_->install_policy(mh_policy(PolicyDirection::kIn, PolicyAction::kAllow, 5)));
  ASSERT_TRUE(backend_->install_policy(mh_policy(PolicyDirection::kIn, PolicyAction::kBlock, 7)));
  ASSERT_EQ(policies().size(), 3u);
  auto st = backend_->remove_all_installed();
  ASSERT_TRUE(st) << st.error().to_string();
  EXPECT_TRUE(policies().empty());
}

TEST_F(XfrmNetnsTest, ProbeReportsWhichEspPathThisKernelTakes) {
  const EspCapability& cap = backend_->probe_esp();
  ASSERT_EQ(cap.algorithms.size(), 2u);
  EXPECT_EQ(cap.algorithms[0].kernel_name, "rfc4106(gcm(aes))");
  EXPECT_EQ(cap.algorithms[1].kernel_name, "cbc(aes)+hmac(sha256)");
  EXPECT_TRUE(sas().empty()) << "the throwaway probe SA must not stay";
  if (!cap.kernel_esp) {
    // This project's kernels: no CONFIG_CRYPTO_GCM, no esp6 (interop.md §0).
    EXPECT_EQ(cap.message.rfind("user-space ESP: kernel refused rfc4106(gcm(aes)): ", 0), 0u)
        << cap.message;
    EXPECT_FALSE(cap.algorithms[0].accepted);
    EXPECT_FALSE(cap.algorithms[0].detail.empty());
    EXPECT_NE(cap.message.find(cap.algorithms[0].detail), std::string::npos);
  } else {
    EXPECT_EQ(cap.message.rfind("kernel ESP: kernel accepted rfc4106(gcm(aes))", 0), 0u)
        << cap.message;
    // A real SA: installed, visible, removed.
    auto p = sa(crypto::EspAlgorithm::kAesGcm128, 0x1001);
    auto st = backend_->install_sa(p);
    ASSERT_TRUE(st) << st.error().to_string();
    auto list = sas();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].spi, 0x1001u);
    EXPECT_EQ(list[0].destination, p.destination);
    EXPECT_TRUE(list[0].transport_mode);
    auto r = backend_->remove_sa(p.spi, p.destination);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(*r, ChangeOutcome::kApplied);
    EXPECT_TRUE(sas().empty());
  }
  ASSERT_TRUE(backend_->capability().has_value());
  EXPECT_EQ(backend_->capability()->kernel_esp, cap.kernel_esp);
}

TEST_F(XfrmNetnsTest, EspRequiringPolicyIsRefusedUnlessTheKernelDoesEsp) {
  const XfrmPolicy esp_out =
      mh_policy(PolicyDirection::kOut, PolicyAction::kRequireEsp, std::nullopt);
  // Before the probe nothing is known: refused.
  auto early = backend_->install_policy(esp_out);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, KernelErrc::kEspUnavailable);
  EXPECT_NE(early.error().message.find("not probed"), std::string::npos);

  const EspCapability& cap = backend_->probe_esp();
  auto st = backend_->install_policy(esp_out);
  if (!cap.kernel_esp) {
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, KernelErrc::kEspUnavailable);
    EXPECT_NE(st.error().message.find("black-hole"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find(cap.message), std::string::npos);
    auto upd = backend_->update_policy(esp_out);  // no back door through update
    ASSERT_FALSE(upd);
    EXPECT_EQ(upd.error().code, KernelErrc::kEspUnavailable);
    EXPECT_TRUE(policies().empty()) << "nothing may reach the kernel";
  } else {
    ASSERT_TRUE(st) << st.error().to_string();
    auto all = policies();
    const InstalledPolicy* p = find(all, esp_out.selector, PolicyDirection::kOut);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->action, PolicyAction::kRequireEsp);
    EXPECT_EQ(p->templates, 1);
    ASSERT_TRUE(backend_->remove_all_installed());
    EXPECT_TRUE(policies().empty());
  }
}

TEST_F(XfrmNetnsTest, SaInstallFailsCleanlyAndNamesTheAlgorithm) {
  const EspCapability& cap = backend_->probe_esp();
  auto gcm = sa(crypto::EspAlgorithm::kAesGcm128, 0x2001);
  auto cbc = sa(crypto::EspAlgorithm::kAesCbc128HmacSha256, 0x2002);
  cbc.replay_window = 1024;  // needs the ESN-style replay attribute
  auto g = backend_->install_sa(gcm);
  auto c = backend_->install_sa(cbc);
  if (!cap.kernel_esp) {
    ASSERT_FALSE(g);
    EXPECT_NE(g.error().message.find("rfc4106(gcm(aes))"), std::string::npos) << g.error().message;
    EXPECT_NE(g.error().sys_errno, 0);
    EXPECT_TRUE(g.error().code == KernelErrc::kAlgorithmUnavailable ||
                g.error().code == KernelErrc::kProtocolUnavailable)
        << g.error().to_string();
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("cbc(aes)+hmac(sha256)"), std::string::npos)
        << c.error().message;
    // Not EINVAL: the request itself (replay state, lengths) was well formed.
    EXPECT_NE(c.error().code, KernelErrc::kInvalidArgument) << c.error().to_string();
    EXPECT_TRUE(sas().empty());
    EXPECT_TRUE(backend_->remove_all_installed());
  } else {
    ASSERT_TRUE(g) << g.error().to_string();
    ASSERT_TRUE(c) << c.error().to_string();
    EXPECT_EQ(sas().size(), 2u);
    auto u = backend_->update_sa(gcm);
    EXPECT_TRUE(u) << u.error().to_string();
    ASSERT_TRUE(backend_->remove_all_installed());
    EXPECT_TRUE(sas().empty());
  }
  // Invalid parameters never reach the kernel, whatever it can do.
  auto bad = sa(crypto::EspAlgorithm::kAesGcm128, 7);
  auto r = backend_->install_sa(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, KernelErrc::kInvalidArgument);
  EXPECT_EQ(r.error().sys_errno, 0);
}

TEST_F(XfrmNetnsTest, InvalidPolicyIsRejectedBeforeTheKernel) {
  XfrmPolicy p = mh_policy(PolicyDirection::kOut, PolicyAction::kAllow, 5);
  p.selector.protocol = 17;
  auto st = backend_->install_policy(p);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, KernelErrc::kInvalidArgument);
  EXPECT_TRUE(policies().empty());
}

}  // namespace
}  // namespace kernel
