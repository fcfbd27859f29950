// The mn-emu engine in-process with a fake PacketIo: two MNs register with
// HA1 (the test plays the HA with HA-side ESP SAs), HA2 sends one of them a
// tunnelled Home Agent Switch, it re-registers with HA2, and a deregistration
// at the end empties the set. Waits for events, never asserts timings.
#include "bench/mn-emu/emulator.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "tests/bench/mn_emu_test_util.h"

namespace mnemu {
namespace {

using namespace mnemu::test;

class FakePacketIo final : public ha_agent::io::PacketIo {
 public:
  void start(Handler h) override { handler = std::move(h); }
  void stop() override { stopped = true; }
  std::error_code send(std::span<const std::uint8_t> p, int) override {
    sent.emplace_back(p.begin(), p.end());
    ++counters_.sent;
    return {};
  }
  const ha_agent::io::PacketIoCounters& counters() const override { return counters_; }
  std::string describe() const override { return "fake"; }
  Handler handler;
  bool stopped = false;
  std::vector<std::vector<std::uint8_t>> sent;

 private:
  ha_agent::io::PacketIoCounters counters_;
};

const auto kCoa = addr("fd00:2::10");
const auto kHa1 = addr("fd00:1::1");
const auto kHa2 = addr("fd00:1::2");
mip6::Ipv6Address hoa(int i) { return addr(i == 0 ? "fd00:1::1:0:0" : "fd00:1::1:0:1"); }
// SPIs: MN i -> HA h: 0x1000 + 16h + i; HA h -> MN i: 0x2000 + 16h + i.
std::uint32_t spi_to_ha(int h, int i) { return 0x1000u + 16u * h + i; }
std::uint32_t spi_from_ha(int h, int i) { return 0x2000u + 16u * h + i; }
std::uint8_t seed_to_ha(int h, int i) { return static_cast<std::uint8_t>(10 + 4 * h + i); }
std::uint8_t seed_from_ha(int h, int i) { return static_cast<std::uint8_t>(100 + 4 * h + i); }

class MnEmulatorTest : public ::testing::Test {
 protected:
  TempDir dir;
  boost::asio::io_context io;
  FakePacketIo fake;
  // HA-side SAs [h][i].
  crypto::EspSaPtr ha_in[2][2], ha_out[2][2];
  std::size_t consumed = 0;

  EmuConfig config() {
    // Keys: one multi-key file for the MN->HA direction, single files back.
    std::string multi;
    for (int h = 0; h < 2; ++h)
      for (int i = 0; i < 2; ++i) multi += hex(key_bytes(seed_to_ha(h, i), 20)) + "\n";
    const auto multi_path = dir.write("to-ha.keys", multi);
    EmuConfig c;
    c.timers.initial_bindack_timeout = std::chrono::milliseconds(200);
    c.timers.initial_bindack_timeout_first_reg = std::chrono::milliseconds(300);
    c.timers.max_bindack_timeout = std::chrono::milliseconds(1000);
    c.lifetime_s = 400;
    c.registration_rate_per_s = 1000;
    c.deregistration_rate_per_s = 1000;
    c.care_of_addresses = {kCoa};
    for (int i = 0; i < 2; ++i) {
      MnConfig m;
      m.home_address = hoa(i);
      m.care_of_address = kCoa;
      for (int h = 0; h < 2; ++h) {
        HaSaConfig s;
        s.address = h == 0 ? kHa1 : kHa2;
        s.spi_out = spi_to_ha(h, i);
        s.spi_in = spi_from_ha(h, i);
        s.key_out = {multi_path, static_cast<std::uint32_t>(2 * h + i)};
        s.key_in = {dir.write("from-ha-" + std::to_string(h) + "-" + std::to_string(i) + ".key",
                              hex(key_bytes(seed_from_ha(h, i), 20)) + "\n"),
                    std::nullopt};
        m.home_agents.push_back(s);
        ha_in[h][i] = make_sa(spi_to_ha(h, i), crypto::SaDirection::kInbound, seed_to_ha(h, i));
        ha_out[h][i] = make_sa(spi_from_ha(h, i), crypto::SaDirection::kOutbound, seed_from_ha(h, i));
      }
      c.mobile_nodes.push_back(m);
    }
    return c;
  }

  // Runs the loop until `n` packets were sent in total (bounded wait).
  bool wait_sent(std::size_t n) {
    for (int k = 0; k < 500 && fake.sent.size() < n; ++k) io.run_one_for(std::chrono::milliseconds(20));
    return fake.sent.size() >= n;
  }

  // Plays the HA: opens a BU the emulator sent; returns (ha, mn, BU).
  struct SeenBu {
    int ha = -1, mn = -1;
    mip6::BindingUpdate bu;
  };
  SeenBu open_bu(const std::vector<std::uint8_t>& pkt) {
    SeenBu s;
    auto p = mip6::parse_ipv6_packet(pkt);
    if (!p || !p->home_address || p->upper_layer.size() < 4) return s;
    const std::uint32_t spi = std::uint32_t{p->upper_layer[0]} << 24 | std::uint32_t{p->upper_layer[1]} << 16 |
                              std::uint32_t{p->upper_layer[2]} << 8 | p->upper_layer[3];
    const int h = (spi - 0x1000) / 16, i = (spi - 0x1000) % 16;
    if (h < 0 || h > 1 || i < 0 || i > 1) return s;
    std::vector<std::uint8_t> plain(p->upper_layer.size());
    auto o = ha_in[h][i]->unprotect(p->upper_layer, plain, std::chrono::steady_clock::now());
    if (!o) return s;
    std::span<const std::uint8_t> mh(plain.data(), o->payload_size);
    if (!mip6::verify_mh_checksum(mh, *p->home_address, p->destination)) return s;
    auto d = mip6::decode_mobility_header(mh);
    if (!d || !std::holds_alternative<mip6::BindingUpdate>(d->message)) return s;
    if (*p->home_address != hoa(i) || p->destination != (h == 0 ? kHa1 : kHa2) || p->source != kCoa) return s;
    return SeenBu{h, i, std::get<mip6::BindingUpdate>(d->message)};
  }

  void answer(const SeenBu& s, std::uint8_t status = 0) {
    mip6::BindingAcknowledgement ba;
    ba.status = status;
    ba.sequence = s.bu.sequence;
    ba.lifetime = s.bu.lifetime;
    auto pkt = ha_packet(ba, s.ha == 0 ? kHa1 : kHa2, hoa(s.mn), kCoa, *ha_out[s.ha][s.mn], HaForm::kRh2);
    fake.handler(pkt, 1);
  }
};

TEST_F(MnEmulatorTest, RegisterSwitchDeregister) {
  RunOptions ro;
  ro.register_all = true;
  ro.deregister_at_end = true;
  auto e = Emulator::create(io, config(), fake, ro);
  ASSERT_TRUE(e) << e.error();
  Emulator& emu = **e;
  bool finished = false;
  emu.set_on_finished([&] { finished = true; });
  emu.start();
  ASSERT_TRUE(fake.handler);

  // Both MNs send a BU to HA1; answer them.
  ASSERT_TRUE(wait_sent(2));
  for (std::size_t k = 0; k < 2; ++k) {
    auto s = open_bu(fake.sent[k]);
    ASSERT_EQ(s.ha, 0) << k;
    EXPECT_EQ(s.bu.flags, mip6::BindingUpdate::kAck | mip6::BindingUpdate::kHomeRegistration);
    EXPECT_EQ(s.bu.lifetime, 100);
    answer(s);
  }
  EXPECT_EQ(emu.nodes().at(0).state(), mip6::MnState::kRegistered);
  EXPECT_EQ(emu.nodes().at(1).state(), mip6::MnState::kRegistered);

  // HA2 tells MN 1 to switch (tunnelled, the daemon's default path).
  mip6::HomeAgentSwitch has;
  has.addresses = {kHa2};
  const std::size_t before = fake.sent.size();
  fake.handler(ha_packet(has, kHa2, hoa(1), kCoa, *ha_out[1][1], HaForm::kTunnel), 1);
  ASSERT_EQ(fake.sent.size(), before + 1);
  auto s2 = open_bu(fake.sent.back());
  ASSERT_EQ(s2.ha, 1);
  ASSERT_EQ(s2.mn, 1);
  answer(s2);
  EXPECT_EQ(emu.nodes().at(1).state(), mip6::MnState::kRegistered);
  EXPECT_EQ(emu.nodes().at(1).current_home_agent(), 1u);

  // A forged switch under MN 0's SA but addressed to MN 1 is dropped.
  fake.handler(ha_packet(has, kHa1, hoa(1), kCoa, *ha_out[0][0], HaForm::kTunnel), 1);
  EXPECT_EQ(emu.dropped().at("wrong destination"), 1u);
  EXPECT_EQ(emu.nodes().at(1).current_home_agent(), 1u);

  // End of run: deregistration BUs (lifetime 0) to each MN's current HA.
  emu.request_stop();
  const std::size_t dereg_start = fake.sent.size();
  ASSERT_TRUE(wait_sent(dereg_start + 2));
  for (std::size_t k = dereg_start; k < dereg_start + 2; ++k) {
    auto s = open_bu(fake.sent[k]);
    ASSERT_GE(s.ha, 0);
    EXPECT_EQ(s.bu.lifetime, 0);
    EXPECT_EQ(s.ha, s.mn);  // MN 0 at HA1, MN 1 at HA2
    answer(s);
  }
  EXPECT_TRUE(finished);
  EXPECT_TRUE(fake.stopped);

  const auto r = emu.report();
  EXPECT_EQ(r.mobile_nodes(), 2u);
  EXPECT_EQ(r.states().at("deregistered"), 2u);
  EXPECT_EQ(r.registration_latency().count(), 2u);
  EXPECT_EQ(r.switch_latency().count(), 1u);
  EXPECT_EQ(r.counters().at("home agent switch received"), 1u);
  EXPECT_EQ(r.counters().at("deregistration bu sent"), 2u);
  EXPECT_EQ(r.dropped().at("wrong destination"), 1u);
  ASSERT_EQ(r.mobile_node_size(), 2);
  EXPECT_EQ(r.mobile_node(1).switches_followed(), 1u);
  EXPECT_EQ(r.mobile_node(1).current_home_agent(), kHa2.to_string());
  EXPECT_TRUE(r.mobile_node(1).has_reregistered_after_switch_s());
}

TEST_F(MnEmulatorTest, RetransmitsWithoutAnswerAndReportsKeyErrors) {
  RunOptions ro;
  ro.register_all = true;
  auto e = Emulator::create(io, config(), fake, ro);
  ASSERT_TRUE(e) << e.error();
  (*e)->start();
  // No BA: each MN retransmits (new sequence number each time).
  ASSERT_TRUE(wait_sent(4));
  auto a = open_bu(fake.sent[0]);
  auto b = open_bu(fake.sent[2]);
  ASSERT_GE(a.mn, 0);
  ASSERT_GE(b.mn, 0);
  EXPECT_NE(a.bu.sequence, b.bu.sequence);
  EXPECT_GE((*e)->counters().at("bu retransmitted"), 1u);

  auto bad = config();
  bad.mobile_nodes[0].home_agents[0].key_out.index = 99;
  auto f = Emulator::create(io, bad, fake, ro);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().find("index 99"), std::string::npos) << f.error();
}

}  // namespace
}  // namespace mnemu
