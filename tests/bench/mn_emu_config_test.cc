// mn-emu configuration parsing (named errors) and key loading (single and
// multi-key files, permissions, index range).
#include <gtest/gtest.h>

#include "bench/mn-emu/emu_config.h"
#include "bench/mn-emu/key_store.h"
#include "tests/bench/mn_emu_test_util.h"

namespace mnemu {
namespace {

using namespace mnemu::test;

const char* kGood = R"(
lifetime_s: 400
registration_rate_per_s: 5000
timers { initial_bindack_timeout_ms: 50 initial_bindack_timeout_first_reg_ms: 80 max_bindack_timeout_ms: 400 }
mobile_node {
  home_address: "fd00:1::1:0:0"
  care_of_address: "fd00:2::10"
  home_agent { address: "fd00:1::1" spi_out: 4096 spi_in: 8192 algorithm: "aes-gcm-128"
               key_file_out: "keys.txt" key_index_out: 0 key_file_in: "keys.txt" key_index_in: 1 }
  home_agent { address: "fd00:1::2" spi_out: 4097 spi_in: 8193 algorithm: "aes-gcm-256"
               key_file_out: "/abs/out.key" key_file_in: "/abs/in.key" }
}
mobile_node {
  home_address: "fd00:1::1:0:1"
  care_of_address: "fd00:2::10"
  home_agent { address: "fd00:1::1" spi_out: 4098 spi_in: 8194 algorithm: "aes-gcm-128"
               key_file_out: "k" key_file_in: "k" }
}
)";

TEST(MnEmuConfigTest, ParsesAndResolvesKeyPaths) {
  auto c = parse_emu_config(kGood, "t.conf", "/etc/mn");
  ASSERT_TRUE(c) << c.error().front();
  ASSERT_EQ(c->mobile_nodes.size(), 2u);
  EXPECT_EQ(c->lifetime_s, 400u);
  EXPECT_EQ(c->registration_rate_per_s, 5000u);
  EXPECT_EQ(c->timers.initial_bindack_timeout, std::chrono::milliseconds(50));
  EXPECT_EQ(c->timers.initial_bindack_timeout_first_reg, std::chrono::milliseconds(80));
  EXPECT_EQ(c->care_of_addresses.size(), 1u);
  const auto& ha = c->mobile_nodes[0].home_agents;
  ASSERT_EQ(ha.size(), 2u);
  EXPECT_EQ(ha[0].key_out.path, "/etc/mn/keys.txt");
  EXPECT_EQ(ha[0].key_in.index, 1u);
  EXPECT_EQ(ha[1].key_out.path, "/abs/out.key");
  EXPECT_FALSE(ha[1].key_out.index);
  EXPECT_EQ(ha[1].algorithm, crypto::EspAlgorithm::kAesGcm256);
  EXPECT_TRUE(c->harp);
}

TEST(MnEmuConfigTest, NamedErrors) {
  auto syntax = parse_emu_config("mobile_node { home_address: }", "s.conf", "");
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().front().find("s.conf: line 1"), std::string::npos) << syntax.error().front();

  std::string bad = kGood;
  bad.replace(bad.find("spi_in: 8194"), 12, "spi_in: 8192");       // duplicate inbound SPI
  bad.replace(bad.find("fd00:1::1:0:1"), 13, "fd00:1::1:0:0");     // duplicate HoA
  bad.replace(bad.find("aes-gcm-256"), 11, "rot13");
  bad.replace(bad.find("spi_out: 4097"), 13, "spi_out: 255");
  auto c = parse_emu_config(bad, "b.conf", "");
  ASSERT_FALSE(c);
  std::string all;
  for (const auto& e : c.error()) all += e + "\n";
  EXPECT_NE(all.find("mobile_node[1].home_agent[0].spi_in: SPI 8192 is also used by mobile_node[0].home_agent[0]"),
            std::string::npos) << all;
  EXPECT_NE(all.find("mobile_node[1].home_address: fd00:1::1:0:0 is used by another mobile node"),
            std::string::npos) << all;
  EXPECT_NE(all.find("mobile_node[0].home_agent[1].algorithm: unknown ESP algorithm \"rot13\""),
            std::string::npos) << all;
  EXPECT_NE(all.find("mobile_node[0].home_agent[1].spi_out: SPI 255 is below 256"), std::string::npos) << all;

  EXPECT_FALSE(parse_emu_config("lifetime_s: 2", "x", ""));  // and no mobile_node
  auto none = parse_emu_config("", "x", "");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().front().find("at least one mobile node"), std::string::npos);
}

TEST(KeyStoreTest, SingleAndMultiKeyFiles) {
  TempDir d;
  const auto k0 = key_bytes(1, 20), k1 = key_bytes(2, 20);
  const auto multi = d.write("keys.txt", "# keys\n" + hex(k0) + "\n\n  " + hex(k1) + "  # second\n");
  const auto single = d.write("one.key", hex(k1) + "\n");
  KeyStore ks;
  auto a = ks.load({multi, 0}, crypto::EspAlgorithm::kAesGcm128);
  ASSERT_TRUE(a) << a.error();
  EXPECT_TRUE(std::equal(a->view().begin(), a->view().end(), k0.begin(), k0.end()));
  auto b = ks.load({multi, 1}, crypto::EspAlgorithm::kAesGcm128);
  ASSERT_TRUE(b) << b.error();
  EXPECT_TRUE(std::equal(b->view().begin(), b->view().end(), k1.begin(), k1.end()));
  auto s = ks.load({single, std::nullopt}, crypto::EspAlgorithm::kAesGcm128);
  ASSERT_TRUE(s) << s.error();
  EXPECT_TRUE(std::equal(s->view().begin(), s->view().end(), k1.begin(), k1.end()));

  auto out_of_range = ks.load({multi, 2}, crypto::EspAlgorithm::kAesGcm128);
  ASSERT_FALSE(out_of_range);
  EXPECT_NE(out_of_range.error().find("index 2 but the file holds 2 keys"), std::string::npos);
  auto wrong_len = ks.load({multi, 0}, crypto::EspAlgorithm::kAesGcm256);
  ASSERT_FALSE(wrong_len);
  EXPECT_EQ(wrong_len.error().find(hex(k0)), std::string::npos);  // never quotes the key

  const auto open = d.write("open.txt", hex(k0) + "\n", 0644);
  auto insecure = ks.load({open, 0}, crypto::EspAlgorithm::kAesGcm128);
  ASSERT_FALSE(insecure);
  EXPECT_NE(insecure.error().find("chmod 600"), std::string::npos);
  EXPECT_FALSE(ks.load({(d.path / "missing").string(), 0}, crypto::EspAlgorithm::kAesGcm128));
}

}  // namespace
}  // namespace mnemu
