// mn-emu packets against HA-side ESP SAs: a BU it builds opens with the HA's
// inbound SA and carries the HoA-based MH checksum; BAs, Home Agent Switches
// and BRRs built the way an HA sends them open, in every accepted form; and
// every bad packet is a named drop.
#include "bench/mn-emu/mn_packets.h"

#include <gtest/gtest.h>

#include "mip6/mh_checksum.h"
#include "tests/bench/mn_emu_test_util.h"

namespace mnemu {
namespace {

using namespace mnemu::test;

const auto kHoa = addr("fd00:1::1:0:5");
const auto kCoa = addr("fd00:2::10");
const auto kHa = addr("fd00:1::1");
const auto kOtherHa = addr("fd00:1::2");

class MnPacketsTest : public ::testing::Test {
 protected:
  // MN -> HA SPI 0x1001 (key seed 1), HA -> MN SPI 0x2001 (key seed 2).
  crypto::EspSaPtr mn_out = make_sa(0x1001, crypto::SaDirection::kOutbound, 1);
  crypto::EspSaPtr ha_in = make_sa(0x1001, crypto::SaDirection::kInbound, 1);
  crypto::EspSaPtr ha_out = make_sa(0x2001, crypto::SaDirection::kOutbound, 2);
  crypto::EspSaPtr mn_in = make_sa(0x2001, crypto::SaDirection::kInbound, 2);
  std::vector<std::uint8_t> scratch, packet;

  InboundSaLookup lookup() {
    return [this](std::uint32_t spi) -> std::optional<InboundSa> {
      if (spi != 0x2001) return std::nullopt;
      return InboundSa{mn_in.get(), SaOwner{3, 0, kHa, kHoa, kCoa}};
    };
  }
  mip6::Result<ReceivedMessage, std::string> open(const std::vector<std::uint8_t>& p) {
    return open_packet(p, lookup(), std::chrono::steady_clock::now(), scratch);
  }
};

TEST_F(MnPacketsTest, BindingUpdateOpensAtTheHomeAgent) {
  ASSERT_TRUE(mn_out && ha_in && ha_out && mn_in);
  mip6::BindingUpdate bu;
  bu.sequence = mip6::SequenceNumber(77);
  bu.flags = mip6::BindingUpdate::kAck | mip6::BindingUpdate::kHomeRegistration;
  bu.lifetime = 900;
  bu.options.alternate_care_of_address = kCoa;
  std::vector<std::uint8_t> mh_scratch;
  ASSERT_TRUE(build_binding_update_packet(bu, kHoa, kCoa, kHa, *mn_out, std::chrono::steady_clock::now(),
                                          mh_scratch, packet));

  // RFC 3776 layout: IPv6(src=CoA, dst=HA) / DestOpt(HAO=HoA) / ESP.
  auto p = mip6::parse_ipv6_packet(packet);
  ASSERT_TRUE(p) << mip6::to_string(p.error());
  EXPECT_EQ(p->source, kCoa);
  EXPECT_EQ(p->destination, kHa);
  ASSERT_TRUE(p->home_address);
  EXPECT_EQ(*p->home_address, kHoa);
  EXPECT_FALSE(p->type2_routing);
  ASSERT_EQ(p->upper_protocol, mip6::ipproto::kEsp);

  std::vector<std::uint8_t> plain(p->upper_layer.size());
  auto opened = ha_in->unprotect(p->upper_layer, plain, std::chrono::steady_clock::now());
  ASSERT_TRUE(opened) << crypto::to_string(opened.error());
  EXPECT_EQ(opened->next_header, 135);
  std::span<const std::uint8_t> mh(plain.data(), opened->payload_size);
  // RFC 6275 §6.1.1: the checksum is over the HoA, not the CoA.
  EXPECT_TRUE(mip6::verify_mh_checksum(mh, p->effective_source(), p->effective_destination()));
  EXPECT_TRUE(mip6::verify_mh_checksum(mh, kHoa, kHa));
  EXPECT_FALSE(mip6::verify_mh_checksum(mh, kCoa, kHa));
  auto d = mip6::decode_mobility_header(mh);
  ASSERT_TRUE(d);
  ASSERT_TRUE(std::holds_alternative<mip6::BindingUpdate>(d->message));
  EXPECT_EQ(std::get<mip6::BindingUpdate>(d->message), bu);
}

TEST_F(MnPacketsTest, BindingAckWithType2RoutingHeaderIsAccepted) {
  mip6::BindingAcknowledgement ba;
  ba.sequence = mip6::SequenceNumber(77);
  ba.lifetime = 900;
  auto r = open(ha_packet(ba, kHa, kHoa, kCoa, *ha_out, HaForm::kRh2));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->form, PacketForm::kType2Routing);
  EXPECT_EQ(r->owner.mn, 3u);
  ASSERT_TRUE(std::holds_alternative<mip6::BindingAcknowledgement>(r->message));
  EXPECT_EQ(std::get<mip6::BindingAcknowledgement>(r->message), ba);
}

TEST_F(MnPacketsTest, SwitchAndRefreshRequestInEveryForm) {
  mip6::HomeAgentSwitch has;
  has.addresses = {kOtherHa};
  auto t = open(ha_packet(has, kHa, kHoa, kCoa, *ha_out, HaForm::kTunnel));
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->form, PacketForm::kTunnelled);
  EXPECT_EQ(std::get<mip6::HomeAgentSwitch>(t->message), has);
  auto r = open(ha_packet(has, kHa, kHoa, kCoa, *ha_out, HaForm::kRh2));
  ASSERT_TRUE(r) << r.error();
  auto b = open(ha_packet(mip6::BindingRefreshRequest{}, kHa, kHoa, kCoa, *ha_out, HaForm::kPlain));
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(b->form, PacketForm::kPlain);
  EXPECT_TRUE(std::holds_alternative<mip6::BindingRefreshRequest>(b->message));
}

TEST_F(MnPacketsTest, NamedDrops) {
  mip6::BindingAcknowledgement ba;
  EXPECT_EQ(open(ha_packet(ba, kHa, kHoa, kCoa, *ha_out, HaForm::kRh2, /*corrupt=*/true)).error(),
            "bad mh checksum");
  // A packet from another HA under this SA.
  EXPECT_EQ(open(ha_packet(ba, kOtherHa, kHoa, kCoa, *ha_out, HaForm::kRh2)).error(), "wrong source");
  // Under this MN's SA but addressed to another MN's HoA / CoA.
  EXPECT_EQ(open(ha_packet(ba, kHa, addr("fd00:1::1:0:6"), kCoa, *ha_out, HaForm::kRh2)).error(),
            "wrong destination");
  EXPECT_EQ(open(ha_packet(ba, kHa, kHoa, addr("fd00:2::11"), *ha_out, HaForm::kRh2)).error(),
            "wrong care-of address");
  // Unknown SPI.
  auto other = make_sa(0x3001, crypto::SaDirection::kOutbound, 2);
  EXPECT_EQ(open(ha_packet(ba, kHa, kHoa, kCoa, *other, HaForm::kRh2)).error(), "esp: unknown SPI");
  // Right SPI, wrong key.
  auto wrong_key = make_sa(0x2001, crypto::SaDirection::kOutbound, 9);
  ASSERT_TRUE(wrong_key->jump_sequence(1000));  // beyond the replay window's checks
  auto p = ha_packet(ba, kHa, kHoa, kCoa, *wrong_key, HaForm::kRh2);
  auto e = open(p);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), "esp: " + std::string(crypto::to_string(crypto::EspError::kIcvMismatch)));
  // Replay of an accepted packet.
  auto good = ha_packet(ba, kHa, kHoa, kCoa, *ha_out, HaForm::kRh2);
  ASSERT_TRUE(open(good));
  EXPECT_EQ(open(good).error(), "esp: " + std::string(crypto::to_string(crypto::EspError::kReplay)));
  // Not IPv6 / truncated.
  EXPECT_EQ(open({0x45, 0, 0, 20}).error(), "ipv6: " + std::string(mip6::to_string(mip6::Ipv6Errc::kTruncatedHeader)));
  // MH in the clear.
  mip6::Ipv6PacketSpec spec;
  spec.source = kHa;
  spec.destination = kCoa;
  spec.upper_protocol = 135;
  std::vector<std::uint8_t> mh, clear;
  ASSERT_TRUE(mip6::encode_mobility_header(ba, kHa, kCoa, mh));
  spec.payload = mh;
  ASSERT_TRUE(mip6::build_ipv6_packet(spec, clear));
  EXPECT_EQ(open(clear).error(), "mh without esp");
}

}  // namespace
}  // namespace mnemu
