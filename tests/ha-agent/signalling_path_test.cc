// The daemon's receive and send paths, in process: packets an MN would send
// (built with the same libraries acting as the MN) go through ReceivePath;
// tampered, replayed, malformed and wrongly-protected packets are dropped with
// the right named reason and counter; SendPath output is opened MN-side.
#include "ha-agent/daemon/signalling_path.h"

#include <gtest/gtest.h>

#include "crypto/esp_sa.h"
#include "mip6/ipv6_packet.h"
#include "mip6/mh_checksum.h"
#include "mip6/mh_codec.h"

namespace ha_agent {
namespace {

using crypto::SaDirection;
const auto kHa = *mip6::Ipv6Address::parse("fd00:1::1");
const auto kCoa = *mip6::Ipv6Address::parse("fd00:2::10");
const auto kHoa1 = *mip6::Ipv6Address::parse("fd00:1::100");
const auto kHoa2 = *mip6::Ipv6Address::parse("fd00:1::101");

crypto::SecretBytes key(std::uint8_t fill) {
  std::vector<std::uint8_t> k(20, fill);
  return crypto::SecretBytes(std::span<const std::uint8_t>(k));
}

crypto::SpdSelector selector(const mip6::Ipv6Address& local, const mip6::Ipv6Address& remote,
                             std::optional<mip6::Ipv6Address> hoa) {
  crypto::SpdSelector s;
  s.local = local;
  s.remote = {remote, 128};
  s.home_address = hoa;
  return s;
}

crypto::EspSaPtr make_sa(std::uint32_t spi, SaDirection d, std::uint8_t fill,
                         const crypto::SpdSelector& sel) {
  crypto::SaParams p;
  p.spi = spi;
  p.direction = d;
  p.algorithm = crypto::EspAlgorithm::kAesGcm128;
  p.key = key(fill);
  p.selector = sel;
  auto sa = crypto::EspSa::create(std::move(p), {});
  EXPECT_TRUE(sa);
  return std::move(sa).value();
}

class SignallingPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // HA side: MN1 (spi 0x1001 in / 0x2001 out), MN2 (0x1002 / 0x2002).
    ASSERT_TRUE(sad.add(make_sa(0x1001, SaDirection::kInbound, 1, selector(kHa, kHoa1, kHoa1))));
    ASSERT_TRUE(sad.add(make_sa(0x2001, SaDirection::kOutbound, 2, selector(kHa, kHoa1, kHoa1))));
    ASSERT_TRUE(sad.add(make_sa(0x1002, SaDirection::kInbound, 3, selector(kHa, kHoa2, kHoa2))));
    ASSERT_TRUE(spd.add(selector(kHa, kHoa1, kHoa1), 0x2001));
    // MN side of MN1 and MN2.
    mn1_out = make_sa(0x1001, SaDirection::kOutbound, 1, selector(kHoa1, kHa, std::nullopt));
    mn1_in = make_sa(0x2001, SaDirection::kInbound, 2, selector(kHoa1, kHa, std::nullopt));
    mn2_out = make_sa(0x1002, SaDirection::kOutbound, 3, selector(kHoa2, kHa, std::nullopt));
  }

  // IPv6(CoA -> HA) / DestOpt(HAO) / upper, as an MN sends it (RFC 3776).
  static std::vector<std::uint8_t> frame(std::span<const std::uint8_t> upper, std::uint8_t protocol,
                                         const mip6::Ipv6Address& hoa) {
    mip6::Ipv6PacketSpec spec;
    spec.source = kCoa;
    spec.destination = kHa;
    spec.home_address = hoa;
    spec.upper_protocol = protocol;
    spec.payload = upper;
    std::vector<std::uint8_t> pkt;
    EXPECT_TRUE(mip6::build_ipv6_packet(spec, pkt));
    return pkt;
  }

  // The same with `mh` protected by `sa`: IPv6 / DestOpt(HAO) / ESP / MH.
  static std::vector<std::uint8_t> protected_packet(crypto::EspSa& sa,
                                                    std::span<const std::uint8_t> mh,
                                                    const mip6::Ipv6Address& hoa) {
    std::vector<std::uint8_t> esp(sa.protected_size(mh.size()));
    auto sealed = sa.protect(mh, 135, esp, {});
    EXPECT_TRUE(sealed);
    esp.resize(sealed ? sealed->size : 0);
    return frame(esp, 50, hoa);
  }

  // A home-registration BU with its checksum over (hoa, HA), protected by `sa`.
  std::vector<std::uint8_t> bu_packet(crypto::EspSa& sa, const mip6::Ipv6Address& hoa,
                                      std::uint16_t seq) {
    mip6::BindingUpdate bu;
    bu.sequence = mip6::SequenceNumber(seq);
    bu.flags = mip6::BindingUpdate::kAck | mip6::BindingUpdate::kHomeRegistration;
    bu.lifetime = 75;
    std::vector<std::uint8_t> mh;
    EXPECT_TRUE(mip6::encode_mobility_header(mip6::MobilityMessage(bu), hoa, kHa, mh));
    return protected_packet(sa, mh, hoa);
  }

  std::uint64_t dropped(const std::string& reason, const std::string& detail = "") {
    for (const auto& m : metrics.all()) {
      if (m.name != (detail.empty() ? "ha_agent_rx_dropped_total" : "ha_agent_rx_dropped_detail_total"))
        continue;
      bool match = false, dmatch = detail.empty();
      for (const auto& [k, v] : m.labels) {
        if (k == "reason" && v == reason) match = true;
        if (k == "detail" && v == detail) dmatch = true;
      }
      if (match && dmatch) return m.value;
    }
    return 0;
  }

  crypto::SecurityAssociationDatabase sad;
  crypto::SecurityPolicyDatabase spd;
  metrics::Registry metrics;
  crypto::EspSaPtr mn1_out, mn1_in, mn2_out;
};

TEST_F(SignallingPathTest, AcceptsAProtectedBindingUpdate) {
  ReceivePath rx(sad, {}, metrics);
  auto r = rx.process(bu_packet(*mn1_out, kHoa1, 7), 3, {});
  ASSERT_TRUE(r) << to_string(r.error().reason) << " " << r.error().detail;
  EXPECT_EQ(r->source, kCoa);
  EXPECT_EQ(r->home_address, kHoa1);
  EXPECT_EQ(r->spi, 0x1001u);
  EXPECT_EQ(r->sa_home_address, kHoa1);
  EXPECT_EQ(r->ifindex, 3);
  const auto* bu = std::get_if<mip6::BindingUpdate>(&r->mh.message);
  ASSERT_NE(bu, nullptr);
  EXPECT_EQ(bu->sequence.value(), 7);
}

TEST_F(SignallingPathTest, TamperedIcvIsDroppedAndDoesNotMoveTheWindow) {
  ReceivePath rx(sad, {}, metrics);
  auto pkt = bu_packet(*mn1_out, kHoa1, 7);
  auto bad = pkt;
  bad.back() ^= 0x01;
  auto r = rx.process(bad, 0, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, RxDrop::kEsp);
  EXPECT_EQ(dropped("esp", std::string(crypto::to_string(crypto::EspError::kIcvMismatch))), 1u);
  // The genuine packet with the same sequence number still gets in.
  EXPECT_TRUE(rx.process(pkt, 0, {}));
}

TEST_F(SignallingPathTest, ReplayIsDropped) {
  ReceivePath rx(sad, {}, metrics);
  auto pkt = bu_packet(*mn1_out, kHoa1, 7);
  ASSERT_TRUE(rx.process(pkt, 0, {}));
  auto r = rx.process(pkt, 0, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, RxDrop::kEsp);
  EXPECT_EQ(dropped("esp", std::string(crypto::to_string(crypto::EspError::kReplay))), 1u);
}

TEST_F(SignallingPathTest, BindingUpdateForAnotherHomeAddressOverMySaIsAPolicyDrop) {
  ReceivePath rx(sad, {}, metrics);
  // MN2's SA, but claiming MN1's home address (RFC 4877 §4).
  auto r = rx.process(bu_packet(*mn2_out, kHoa1, 1), 0, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, RxDrop::kPolicy);
  EXPECT_EQ(dropped("policy"), 1u);
}

TEST_F(SignallingPathTest, UnprotectedAndMalformedAreDroppedByName) {
  ReceivePath rx(sad, {}, metrics);
  // A plain MH without ESP.
  std::vector<std::uint8_t> mh;
  mip6::BindingUpdate bu;
  ASSERT_TRUE(mip6::encode_mobility_header(mip6::MobilityMessage(bu), kHoa1, kHa, mh));
  const auto plain = frame(mh, 135, kHoa1);
  auto r = rx.process(plain, 0, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, RxDrop::kUnprotected);

  // Truncated IPv6.
  auto t = rx.process(std::span(plain).first(20), 0, {});
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().reason, RxDrop::kIpv6Malformed);

  // A correctly protected MH whose Header Len lies: malformed MH.
  std::vector<std::uint8_t> mh2;
  ASSERT_TRUE(mip6::encode_mobility_header(mip6::MobilityMessage(bu), kHoa1, kHa, mh2));
  mh2[1] = 5;  // Header Len beyond the data
  const auto pkt = protected_packet(*mn1_out, mh2, kHoa1);
  auto m = rx.process(pkt, 0, {});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().reason, RxDrop::kMhMalformed);
  EXPECT_EQ(dropped("mh_malformed"), 1u);
}

TEST_F(SignallingPathTest, BadChecksumIsDropped) {
  ReceivePath rx(sad, {}, metrics);
  mip6::BindingUpdate bu;
  std::vector<std::uint8_t> mh;
  // Checksum computed over the care-of address instead of the HoA.
  ASSERT_TRUE(mip6::encode_mobility_header(mip6::MobilityMessage(bu), kCoa, kHa, mh));
  const auto pkt = protected_packet(*mn1_out, mh, kHoa1);
  auto r = rx.process(pkt, 0, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, RxDrop::kBadChecksum);
}

TEST_F(SignallingPathTest, SendPathBuildsAnRh2BaTheMobileNodeOpens) {
  SendPath tx(sad, spd, {});
  mip6::BindingAcknowledgement ba;
  ba.sequence = mip6::SequenceNumber(7);
  ba.lifetime = 75;
  mip6::MobilityMessage msg = ba;
  std::vector<std::uint8_t> pkt;
  ASSERT_TRUE(tx.build({&msg, kHa, kHoa1, kCoa}, pkt, {}));
  auto parsed = mip6::parse_ipv6_packet(pkt);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->destination, kCoa);
  ASSERT_TRUE(parsed->type2_routing);
  EXPECT_EQ(parsed->type2_routing->home_address, kHoa1);
  ASSERT_EQ(parsed->upper_protocol, 50);
  std::vector<std::uint8_t> plain(parsed->upper_layer.size());
  auto opened = mn1_in->unprotect(parsed->upper_layer, plain, {});
  ASSERT_TRUE(opened);
  std::span<const std::uint8_t> mh(plain.data(), opened->payload_size);
  EXPECT_TRUE(mip6::verify_mh_checksum(mh, kHa, kHoa1));
  auto d = mip6::decode_mobility_header(mh);
  ASSERT_TRUE(d);
  EXPECT_EQ(std::get<mip6::BindingAcknowledgement>(d->message), ba);

  // No policy towards an address we have no SA with.
  mip6::MobilityMessage brr = mip6::BindingRefreshRequest{};
  auto no = tx.build({&brr, kHa, kHoa2, kCoa}, pkt, {});
  ASSERT_FALSE(no);
  EXPECT_EQ(no.error().error, TxError::kNoPolicy);
}

}  // namespace
}  // namespace ha_agent
