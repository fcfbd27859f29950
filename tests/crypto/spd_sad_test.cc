// SAD lookup by SPI and SPD selection / inbound policy checks
// (RFC 4301 §4.4, RFC 3776 §5, RFC 4877 §4).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "crypto/sad.h"
#include "crypto/spd.h"
#include "tests/crypto/test_util.h"

namespace crypto {
namespace {

using mip6::Ipv6Address;
using mip6::Ipv6Prefix;
using test::make_sa;
using test::params;
using test::t0;

Ipv6Address A(const char* s) { return *Ipv6Address::parse(s); }
Ipv6Prefix P(const char* s) { return *Ipv6Prefix::parse(s); }

SpdSelector selector(const char* local, const char* remote, std::optional<std::uint8_t> mh = {},
                     std::optional<const char*> hoa = {}) {
  SpdSelector s;
  s.local = A(local);
  s.remote = P(remote);
  s.mh_type = mh;
  if (hoa) s.home_address = A(*hoa);
  return s;
}

TEST(Spd, SelectsTheMostSpecificPolicy) {
  SecurityPolicyDatabase spd;
  ASSERT_TRUE(spd.add(selector("fd00:1::1", "fd00:1::/64"), 0x100));
  ASSERT_TRUE(spd.add(selector("fd00:1::1", "fd00:1::100/128"), 0x200));
  ASSERT_TRUE(spd.add(selector("fd00:1::1", "fd00:1::100/128", 12), 0x300));  // HA Switch only
  ASSERT_TRUE(spd.add(selector("fd00:1::1", "fd00:1:0:0:8000::/65"), 0x400));
  EXPECT_EQ(spd.add(selector("::", "::/0"), 0x100).error(), EspError::kDuplicateSpi);

  OutboundPacketInfo p{A("fd00:1::1"), A("fd00:1::100"), 135, 6};  // BA to HoA
  EXPECT_EQ(*spd.select(p), 0x200u);
  p.mh_type = 12;
  EXPECT_EQ(*spd.select(p), 0x300u) << "specific MH type before any";
  p.destination = A("fd00:1::200");
  EXPECT_EQ(*spd.select(p), 0x100u);
  p.destination = A("fd00:1::8000:0:0:1");
  EXPECT_EQ(*spd.select(p), 0x400u) << "longer prefix first";

  p.destination = A("fd00:2::100");
  EXPECT_EQ(spd.select(p).error(), EspError::kNoPolicy);
  p.destination = A("fd00:1::100");
  p.source = A("fd00:1::2");
  EXPECT_EQ(spd.select(p).error(), EspError::kNoPolicy) << "other local address";
  p.source = A("fd00:1::1");
  p.protocol = 58;  // ICMPv6
  p.mh_type.reset();
  EXPECT_EQ(spd.select(p).error(), EspError::kNoPolicy);
  EXPECT_EQ(to_string(EspError::kNoPolicy), "no policy");

  ASSERT_TRUE(spd.remove(0x200));
  EXPECT_FALSE(spd.remove(0x200));
  p.protocol = 135;
  p.mh_type = 6;
  EXPECT_EQ(*spd.select(p), 0x100u);
  EXPECT_EQ(spd.size(), 3u);
}

TEST(Spd, ManyPerMnPoliciesAreFoundByAddress) {
  SecurityPolicyDatabase spd;
  for (std::uint32_t i = 0; i < 5000; ++i) {
    auto b = A("fd00:1::").bytes();
    b[14] = static_cast<std::uint8_t>(i >> 8);
    b[15] = static_cast<std::uint8_t>(i);
    SpdSelector s;
    s.local = A("fd00:1::1");
    s.remote = Ipv6Prefix{Ipv6Address(b), 128};
    s.home_address = Ipv6Address(b);
    ASSERT_TRUE(spd.add(s, 0x1000 + i));
  }
  auto b = A("fd00:1::").bytes();
  b[14] = 0x12;
  b[15] = 0x34;
  EXPECT_EQ(*spd.select({A("fd00:1::1"), Ipv6Address(b), 135, 6}), 0x1000u + 0x1234u);
}

// The exact-address index (open addressing over SPIs, spi_table-style):
// random adds and removes of /128 policies, several per address (with and
// without an MH type), against a brute-force model of the selection rule
// (a specific MH type first, then insertion order).
TEST(Spd, ExactIndexMatchesBruteForce) {
  std::mt19937 rng(5);
  SecurityPolicyDatabase spd;
  struct Model {
    Ipv6Address remote;
    std::optional<std::uint8_t> mh;
    std::uint64_t order;
  };
  std::map<std::uint32_t, Model> model;  // by SPI
  std::uint64_t order = 0;
  auto address = [](std::uint32_t i) {
    auto b = A("fd00:1::").bytes();
    b[15] = static_cast<std::uint8_t>(i);
    return Ipv6Address(b);
  };
  for (int step = 0; step < 20000; ++step) {
    const std::uint32_t spi = 0x100 + rng() % 600;
    if (rng() % 3 != 0) {
      const Ipv6Address r = address(rng() % 40);
      const std::optional<std::uint8_t> mh =
          rng() % 4 == 0 ? std::optional<std::uint8_t>(12) : std::nullopt;
      SpdSelector sel;
      sel.remote = Ipv6Prefix{r, 128};
      sel.mh_type = mh;
      auto st = spd.add(sel, spi);
      ASSERT_EQ(st.ok(), model.count(spi) == 0);
      if (st.ok()) model[spi] = {r, mh, order++};
    } else {
      ASSERT_EQ(spd.remove(spi), model.erase(spi) == 1);
    }
    ASSERT_EQ(spd.size(), model.size());
    const Ipv6Address dst = address(rng() % 40);
    const std::uint8_t mh_type = rng() % 2 ? 12 : 6;
    std::optional<std::uint32_t> want;
    const Model* best = nullptr;
    for (const auto& [k, m] : model) {
      if (m.remote != dst || (m.mh && *m.mh != mh_type)) continue;
      const bool wins = !best || (m.mh.has_value() != best->mh.has_value()
                                      ? m.mh.has_value()
                                      : m.order < best->order);
      if (wins) {
        best = &m;
        want = k;
      }
    }
    auto got = spd.select({A("fd00:1::1"), dst, 135, mh_type});
    if (want) {
      ASSERT_TRUE(got) << step;
      ASSERT_EQ(*got, *want) << step;
    } else {
      ASSERT_EQ(got.error(), EspError::kNoPolicy) << step;
    }
  }
  EXPECT_EQ(spd.add(SpdSelector{}, 0).error(), EspError::kBadSpi);
}

TEST(SpdInbound, EachMismatchHasItsOwnReason) {
  // The HA's inbound SA from the MN with HoA fd00:1::100 (RFC 3776 §5).
  const auto s = selector("fd00:1::1", "fd00:1::100/128", {}, "fd00:1::100");
  InboundPacketInfo bu{A("fd00:1::100"), A("fd00:1::1"), 135, 5, A("fd00:1::100")};
  EXPECT_TRUE(check_inbound(s, bu));

  auto p = bu;
  p.home_address = A("fd00:1::200");  // BU for someone else's HoA (RFC 4877 §4)
  p.source = A("fd00:1::200");
  EXPECT_EQ(check_inbound(s, p).error(), EspError::kPolicyHomeAddressMismatch);

  p = bu;
  p.destination = A("fd00:1::2");
  EXPECT_EQ(check_inbound(s, p).error(), EspError::kPolicyLocalMismatch);

  p = bu;
  p.protocol = 58;
  EXPECT_EQ(check_inbound(s, p).error(), EspError::kPolicyProtocolMismatch);

  // A prefix-wide SA (between HAs) with an MH type restriction.
  const auto ha = selector("fd00:1::1", "fd00:9::/64", 200);
  InboundPacketInfo hello{A("fd00:9::2"), A("fd00:1::1"), 135, 200, {}};
  EXPECT_TRUE(check_inbound(ha, hello));
  p = hello;
  p.source = A("fd00:8::2");
  EXPECT_EQ(check_inbound(ha, p).error(), EspError::kPolicySourceOutsideRemote);
  p = hello;
  p.mh_type = 5;
  EXPECT_EQ(check_inbound(ha, p).error(), EspError::kPolicyMhTypeMismatch);

  // An unspecified local address matches any destination.
  const auto any_local = selector("::", "fd00:9::/64");
  p = hello;
  p.destination = A("fd00:7::7");
  EXPECT_TRUE(check_inbound(any_local, p));
}

TEST(Sad, FindsInboundSaBySpiAndOpens) {
  SecurityAssociationDatabase sad;
  auto out = make_sa(params(EspAlgorithm::kAesGcm128, SaDirection::kOutbound, false, 0x5000));
  for (std::uint32_t spi = 0x4000; spi < 0x4100; ++spi)
    ASSERT_TRUE(sad.add(make_sa(params(EspAlgorithm::kAesGcm128, SaDirection::kInbound, false, spi))));
  EXPECT_EQ(sad.add(make_sa(params(EspAlgorithm::kAesGcm128, SaDirection::kInbound, false, 0x4000)))
                .error(),
            EspError::kDuplicateSpi);
  // Same SPI in the other direction is a different SA.
  ASSERT_TRUE(sad.add(make_sa(params(EspAlgorithm::kAesGcm128, SaDirection::kOutbound, false, 0x4000))));
  EXPECT_EQ(sad.size(), 0x101u);

  std::vector<std::uint8_t> pl{1, 2, 3, 4, 5};
  std::vector<std::uint8_t> esp(out->protected_size(pl.size()));
  ASSERT_TRUE(out->protect(pl, 135, esp, t0()));
  std::vector<std::uint8_t> buf(esp.size());
  // SPI 0x5000 has no inbound SA.
  EXPECT_EQ(sad.unprotect(esp, buf, t0()).error(), EspError::kUnknownSpi);
  EXPECT_EQ(sad.unprotect(std::span(esp).first(7), buf, t0()).error(), EspError::kTooShort);
  // Same key, SPI rewritten to 0x4042: found, but the SPI is authenticated.
  esp[2] = 0x40;
  esp[3] = 0x42;
  esp[1] = 0x00;
  esp[0] = 0x00;
  auto r = sad.unprotect(esp, buf, t0());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), EspError::kIcvMismatch);

  auto out2 = make_sa(params(EspAlgorithm::kAesGcm128, SaDirection::kOutbound, false, 0x4042));
  ASSERT_TRUE(out2->protect(pl, 135, esp, t0()));
  auto ok = sad.unprotect(esp, buf, t0());
  ASSERT_TRUE(ok) << to_string(ok.error());
  EXPECT_EQ(ok->sa->spi(), 0x4042u);
  EXPECT_EQ(ok->opened.payload_size, pl.size());

  EXPECT_TRUE(sad.remove(SaDirection::kInbound, 0x4042));
  EXPECT_EQ(sad.unprotect(esp, buf, t0()).error(), EspError::kUnknownSpi);
  EXPECT_EQ(sad.find(SaDirection::kInbound, 0x4042), nullptr);
  EXPECT_NE(sad.find(SaDirection::kOutbound, 0x4000), nullptr);
}

// The SAD's open-addressing SPI tables (spi_table.h): random adds and
// removes (growth, backward-shift deletion, SPIs that collide in the low
// bits) against a reference set; every SA is found by SPI exactly while
// it is in, and in the right direction only.
TEST(Sad, AddRemoveFindMatchReferenceModel) {
  std::mt19937 rng(3);
  SecurityAssociationDatabase sad;
  std::map<std::pair<SaDirection, std::uint32_t>, bool> model;
  for (int step = 0; step < 6000; ++step) {
    const auto d = rng() % 2 ? SaDirection::kInbound : SaDirection::kOutbound;
    const std::uint32_t spi = 0x1000 + (rng() % 400) * 4096;
    const bool present = model.count({d, spi}) == 1;
    if (rng() % 3 != 0) {
      auto r = sad.add(make_sa(params(EspAlgorithm::kAesGcm128, d, false, spi)));
      ASSERT_EQ(r.ok(), !present);
      if (!r) {
        EXPECT_EQ(r.error(), EspError::kDuplicateSpi);
      }
      model[{d, spi}] = true;
    } else {
      ASSERT_EQ(sad.remove(d, spi), present);
      model.erase({d, spi});
    }
    ASSERT_EQ(sad.size(), model.size());
    const std::uint32_t probe = 0x1000 + (rng() % 400) * 4096;
    for (auto pd : {SaDirection::kInbound, SaDirection::kOutbound}) {
      const EspSa* sa = sad.find(pd, probe);
      ASSERT_EQ(sa != nullptr, model.count({pd, probe}) == 1);
      if (sa) {
        EXPECT_EQ(sa->spi(), probe);
        EXPECT_EQ(sa->direction(), pd);
      }
    }
  }
}

TEST(Sad, PollsLifetimesOfAllSas) {
  using std::chrono::seconds;
  SecurityAssociationDatabase sad;
  auto p = params(EspAlgorithm::kAesGcm128, SaDirection::kInbound, false, 0x700);
  p.soft_lifetime.seconds = 10;
  p.hard_lifetime.seconds = 20;
  ASSERT_TRUE(sad.add(make_sa(std::move(p))));
  p = params(EspAlgorithm::kAesGcm128, SaDirection::kOutbound, false, 0x701);
  p.hard_lifetime.seconds = 15;
  ASSERT_TRUE(sad.add(make_sa(std::move(p))));
  EXPECT_EQ(sad.next_lifetime_deadline(), t0() + seconds(10));
  std::vector<SadLifetimeEvent> ev;
  sad.poll_lifetimes(t0() + seconds(9), ev);
  EXPECT_TRUE(ev.empty());
  sad.poll_lifetimes(t0() + seconds(16), ev);
  ASSERT_EQ(ev.size(), 2u);
  sad.poll_lifetimes(t0() + seconds(16), ev);
  EXPECT_EQ(ev.size(), 2u) << "no repeats";
  sad.poll_lifetimes(t0() + seconds(20), ev);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[2].spi, 0x700u);
  EXPECT_TRUE(ev[2].events.hard_expired);
}

// The deadline index must agree with a scan of every SA (the definition it
// replaces) through adds, removes, packets and polls in random order.
TEST(Sad, LifetimeIndexAgreesWithAScanOfEverySa) {
  using std::chrono::seconds;
  SecurityAssociationDatabase sad;
  std::vector<std::pair<SaDirection, std::uint32_t>> live;
  std::uint32_t rng = 12345;
  auto next = [&rng](std::uint32_t n) {
    rng = rng * 1103515245u + 12345u;
    return (rng >> 8) % n;
  };
  auto scan = [&]() {
    std::optional<SaTime> d;
    for (auto [dir, spi] : live) {
      auto t = sad.find(dir, spi)->next_lifetime_deadline();
      if (t && (!d || *t < *d)) d = t;
    }
    return d;
  };
  SaTime now = t0();
  std::uint32_t spi = 0x1000;
  for (int step = 0; step < 3000; ++step) {
    const auto op = next(10);
    if (op < 5 || live.empty()) {
      auto dir = next(2) ? SaDirection::kInbound : SaDirection::kOutbound;
      auto p = params(EspAlgorithm::kAesGcm128, dir, false, ++spi);
      if (next(3) != 0) p.soft_lifetime.seconds = 1 + next(100);
      if (next(3) != 0) p.hard_lifetime.seconds = p.soft_lifetime.seconds + 1 + next(100);
      ASSERT_TRUE(sad.add(make_sa(std::move(p), now)));
      live.emplace_back(dir, spi);
    } else if (op < 7) {
      const auto i = next(static_cast<std::uint32_t>(live.size()));
      ASSERT_TRUE(sad.remove(live[i].first, live[i].second));
      live.erase(live.begin() + i);
    } else {
      now += seconds(next(20));
      std::vector<SadLifetimeEvent> ev;
      sad.poll_lifetimes(now, ev);
      for (const auto& e : ev) EXPECT_TRUE(e.events.any());
    }
    // Everything due was polled, so the index and the scan agree exactly
    // except right after time moved without a poll (op 7..9 always polls).
    ASSERT_EQ(sad.next_lifetime_deadline(), scan()) << "step " << step;
  }
  EXPECT_GT(sad.lifetime_index_size(), 0u);
}

TEST(Sad, SasWithoutLifetimesStayOutOfTheIndex) {
  SecurityAssociationDatabase sad;
  for (std::uint32_t spi = 0x800; spi < 0x900; ++spi)
    ASSERT_TRUE(sad.add(make_sa(params(EspAlgorithm::kAesGcm128, SaDirection::kInbound, false, spi))));
  EXPECT_EQ(sad.lifetime_index_size(), 0u);
  EXPECT_FALSE(sad.next_lifetime_deadline().has_value());
  auto p = params(EspAlgorithm::kAesGcm128, SaDirection::kOutbound, false, 0x900);
  p.hard_lifetime.seconds = 5;
  ASSERT_TRUE(sad.add(make_sa(std::move(p))));
  EXPECT_EQ(sad.lifetime_index_size(), 1u);
  EXPECT_EQ(sad.next_lifetime_deadline(), t0() + std::chrono::seconds(5));
  ASSERT_TRUE(sad.remove(SaDirection::kOutbound, 0x900));
  EXPECT_EQ(sad.lifetime_index_size(), 0u);
  EXPECT_FALSE(sad.next_lifetime_deadline().has_value());
}

// A byte/packet limit reached by a packet through the SAD is due at once.
TEST(Sad, VolumeLimitReachedByAPacketIsDueAtThatPacket) {
  using std::chrono::seconds;
  SecurityAssociationDatabase sad;
  auto po = params(EspAlgorithm::kAesGcm128, SaDirection::kOutbound, false, 0x600);
  po.soft_lifetime.packets = 2;
  po.hard_lifetime.seconds = 100;
  ASSERT_TRUE(sad.add(make_sa(std::move(po))));
  auto pi = params(EspAlgorithm::kAesGcm128, SaDirection::kInbound, false, 0x600);
  pi.hard_lifetime.bytes = 10;
  ASSERT_TRUE(sad.add(make_sa(std::move(pi))));
  EXPECT_EQ(sad.next_lifetime_deadline(), t0() + seconds(100));

  std::vector<std::uint8_t> pl(8, 0x11), esp(64), buf(64);
  EXPECT_EQ(sad.protect(0x601, pl, 135, esp, t0()).error(), EspError::kUnknownSpi);
  auto s1 = sad.protect(0x600, pl, 135, esp, t0() + seconds(1));
  ASSERT_TRUE(s1);
  EXPECT_EQ(sad.next_lifetime_deadline(), t0() + seconds(100)) << "1 packet of 2";
  ASSERT_TRUE(sad.unprotect(std::span(esp).first(s1->size), buf, t0() + seconds(1)));
  EXPECT_EQ(sad.next_lifetime_deadline(), t0() + seconds(100)) << "8 bytes of 10";
  auto s2 = sad.protect(0x600, pl, 135, esp, t0() + seconds(2));
  ASSERT_TRUE(s2);
  EXPECT_EQ(sad.next_lifetime_deadline(), t0() + seconds(2)) << "soft packet limit reached";
  ASSERT_TRUE(sad.unprotect(std::span(esp).first(s2->size), buf, t0() + seconds(3)));
  EXPECT_EQ(sad.next_lifetime_deadline(), t0() + seconds(2));

  std::vector<SadLifetimeEvent> ev;
  sad.poll_lifetimes(t0() + seconds(3), ev);
  ASSERT_EQ(ev.size(), 2u);
  for (const auto& e : ev) {
    EXPECT_EQ(e.spi, 0x600u);
    if (e.direction == SaDirection::kOutbound) {
      EXPECT_TRUE(e.events.soft_expired);
      EXPECT_FALSE(e.events.hard_expired);
    } else {
      EXPECT_TRUE(e.events.soft_expired && e.events.hard_expired) << "hard implies soft";
    }
  }
  // Left: the outbound SA's hard time limit.
  EXPECT_EQ(sad.next_lifetime_deadline(), t0() + seconds(100));
  EXPECT_EQ(sad.lifetime_index_size(), 1u);
  ev.clear();
  sad.poll_lifetimes(t0() + seconds(99), ev);
  EXPECT_TRUE(ev.empty());
  sad.poll_lifetimes(t0() + seconds(100), ev);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(ev[0].events.hard_expired);
  EXPECT_FALSE(sad.next_lifetime_deadline().has_value());
}

}  // namespace
}  // namespace crypto
