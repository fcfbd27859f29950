// Rate limits on the daemon's receive path (docs/operations.md "Rate
// limits"): ReceivePath asks the SourceRateLimiter about every ESP or MH
// packet before ESP decryption, keyed on the outer source; the excess is
// dropped as "rate_limited" with the bucket's name as detail, never reaches
// the SAD, and other sources keep getting through.
#include <gtest/gtest.h>

#include "crypto/esp_sa.h"
#include "ha-agent/daemon/signalling_path.h"
#include "mip6/ipv6_packet.h"
#include "mip6/mh_codec.h"

namespace ha_agent {
namespace {

using namespace std::chrono_literals;
using crypto::SaDirection;
const auto kHa = *mip6::Ipv6Address::parse("fd00:1::1");
const auto kCoa = *mip6::Ipv6Address::parse("fd00:2::10");
const auto kFlooder = *mip6::Ipv6Address::parse("fd00:3::10");
const auto kPeer = *mip6::Ipv6Address::parse("fd00:1::2");
const auto kHoa = *mip6::Ipv6Address::parse("fd00:1::100");
const crypto::SaTime kT0 = crypto::SaTime{} + 100s;

crypto::EspSaPtr make_sa(SaDirection d, const mip6::Ipv6Address& local,
                         const mip6::Ipv6Address& remote, std::optional<mip6::Ipv6Address> hoa) {
  crypto::SaParams p;
  p.spi = 0x1001;
  p.direction = d;
  p.algorithm = crypto::EspAlgorithm::kAesGcm128;
  std::vector<std::uint8_t> k(20, 7);
  p.key = crypto::SecretBytes(std::span<const std::uint8_t>(k));
  p.selector.local = local;
  p.selector.remote = {remote, 128};
  p.selector.home_address = hoa;
  auto sa = crypto::EspSa::create(std::move(p), {});
  EXPECT_TRUE(sa);
  return std::move(sa).value();
}

class RateLimitPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(sad.add(make_sa(SaDirection::kInbound, kHa, kHoa, kHoa)));
    mn_out = make_sa(SaDirection::kOutbound, kHoa, kHa, std::nullopt);
  }

  // IPv6(source -> HA) / DestOpt(HAO) / ESP / BU, as an MN sends it.
  std::vector<std::uint8_t> bu_from(const mip6::Ipv6Address& source, std::uint16_t seq) {
    mip6::BindingUpdate bu;
    bu.sequence = mip6::SequenceNumber(seq);
    bu.flags = mip6::BindingUpdate::kAck | mip6::BindingUpdate::kHomeRegistration;
    bu.lifetime = 75;
    std::vector<std::uint8_t> mh;
    EXPECT_TRUE(mip6::encode_mobility_header(mip6::MobilityMessage(bu), kHoa, kHa, mh));
    std::vector<std::uint8_t> esp(mn_out->protected_size(mh.size()));
    auto sealed = mn_out->protect(mh, 135, esp, {});
    EXPECT_TRUE(sealed);
    esp.resize(sealed ? sealed->size : 0);
    return frame(source, esp, 50);
  }

  static std::vector<std::uint8_t> frame(const mip6::Ipv6Address& source,
                                         std::span<const std::uint8_t> upper, std::uint8_t protocol) {
    mip6::Ipv6PacketSpec spec;
    spec.source = source;
    spec.destination = kHa;
    spec.home_address = kHoa;
    spec.upper_protocol = protocol;
    spec.payload = upper;
    std::vector<std::uint8_t> pkt;
    EXPECT_TRUE(mip6::build_ipv6_packet(spec, pkt));
    return pkt;
  }

  std::uint64_t counter(const std::string& name, const std::string& reason,
                        const std::string& detail = "") {
    for (const auto& m : metrics.all()) {
      if (m.name != name) continue;
      bool r = false, d = detail.empty();
      for (const auto& [k, v] : m.labels) {
        r |= k == "reason" && v == reason;
        d |= k == "detail" && v == detail;
      }
      if (r && d) return m.value;
    }
    return 0;
  }

  static mip6::SourceRateLimiterOptions limits() {
    mip6::SourceRateLimiterOptions o;
    o.per_source = {10, 3};
    o.per_peer = {100, 50};
    o.max_sources = 16;
    return o;
  }

  crypto::SecurityAssociationDatabase sad;
  metrics::Registry metrics;
  crypto::EspSaPtr mn_out;
};

TEST_F(RateLimitPathTest, AFloodFromOneSourceIsDroppedBeforeEspAndOthersPass) {
  mip6::SourceRateLimiter limiter(limits());
  ReceivePath rx(sad, {}, metrics);
  rx.set_rate_limiter(&limiter);
  // 1,000 tampered ESP packets from the flooder: burst 3 reach the SAD (and
  // fail there), the rest never get that far.
  auto bad = bu_from(kFlooder, 1);
  bad.back() ^= 1;
  int limited = 0;
  for (int i = 0; i < 1000; ++i) {
    auto r = rx.process(bad, 0, kT0);
    ASSERT_FALSE(r);
    if (r.error().reason == RxDrop::kRateLimited) {
      ++limited;
      EXPECT_EQ(r.error().source, kFlooder);
      EXPECT_EQ(r.error().detail, "per_source");
    } else {
      EXPECT_EQ(r.error().reason, RxDrop::kEsp);
    }
  }
  EXPECT_EQ(limited, 997);
  EXPECT_EQ(counter("ha_agent_rx_dropped_total", "rate_limited"), 997u);
  EXPECT_EQ(counter("ha_agent_rx_dropped_detail_total", "rate_limited", "per_source"), 997u);
  EXPECT_EQ(counter("ha_agent_rx_dropped_total", "esp"), 3u);
  // Meanwhile the MN's real BU from its care-of address is decrypted and accepted.
  auto ok = rx.process(bu_from(kCoa, 2), 0, kT0);
  ASSERT_TRUE(ok) << to_string(ok.error().reason) << " " << ok.error().detail;
  EXPECT_EQ(ok->source, kCoa);
  EXPECT_EQ(limiter.limited_sources(kT0, 1s), 1u);
}

TEST_F(RateLimitPathTest, PeersAreLimitedByTheirOwnBucket) {
  mip6::SourceRateLimiter limiter(limits());
  const std::vector<mip6::Ipv6Address> peers{kPeer};
  limiter.set_peers(peers);
  ReceivePath rx(sad, {}, metrics);
  rx.set_rate_limiter(&limiter);
  auto junk = frame(kPeer, std::vector<std::uint8_t>(24, 0xab), 50);  // unknown SPI
  for (int i = 0; i < 60; ++i) (void)rx.process(junk, 0, kT0);
  EXPECT_EQ(counter("ha_agent_rx_dropped_detail_total", "rate_limited", "per_peer"), 10u);
  EXPECT_EQ(counter("ha_agent_rx_dropped_total", "esp"), 50u);
}

TEST_F(RateLimitPathTest, UnprotectedMobilityHeadersCountAndOtherTrafficDoesNot) {
  mip6::SourceRateLimiter limiter(limits());
  ReceivePath rx(sad, {}, metrics);
  rx.set_rate_limiter(&limiter);
  const std::vector<std::uint8_t> payload(16, 0);
  for (int i = 0; i < 10; ++i) (void)rx.process(frame(kFlooder, payload, 17), 0, kT0);  // UDP
  EXPECT_EQ(counter("ha_agent_rx_dropped_total", "not_signalling"), 10u);
  EXPECT_EQ(counter("ha_agent_rx_dropped_total", "rate_limited"), 0u);
  for (int i = 0; i < 10; ++i) (void)rx.process(frame(kFlooder, payload, 135), 0, kT0);  // bare MH
  EXPECT_EQ(counter("ha_agent_rx_dropped_total", "unprotected"), 3u);
  EXPECT_EQ(counter("ha_agent_rx_dropped_total", "rate_limited"), 7u);
}

TEST_F(RateLimitPathTest, WithoutALimiterNothingIsLimited) {
  ReceivePath rx(sad, {}, metrics);
  auto bad = bu_from(kFlooder, 1);
  bad.back() ^= 1;
  for (int i = 0; i < 1000; ++i) (void)rx.process(bad, 0, kT0);
  EXPECT_EQ(counter("ha_agent_rx_dropped_total", "esp"), 1000u);
  EXPECT_EQ(counter("ha_agent_rx_dropped_total", "rate_limited"), 0u);
}

}  // namespace
}  // namespace ha_agent
