// Property tests with fixed seeds: random messages survive encode -> decode
// unchanged, the encoder output obeys RFC 6275 framing and the option
// alignments (MH-01, MH-08), re-encoding is byte-stable, and random
// corruptions of valid messages never crash the decoder (they decode or give
// a named error). Also SequenceNumber arithmetic (RFC 6275 §9.5.1).
#include <gtest/gtest.h>

#include "mip6/mh_checksum.h"
#include "mip6/mh_codec.h"
#include "mip6/option_codec.h"
#include "tests/mip6/mh_test_util.h"

namespace mip6 {
namespace {

std::size_t fixed_part(const MobilityMessage& m) {
  switch (m.index()) {
    case 0:
      return 8;
    case 1:
    case 2:
    case 5:
    case 7:
    case 8:
      return 12;
    case 3:
      return 24;
    case 4:
      return 8 + 16 * std::get<HomeAgentSwitch>(m).addresses.size();
    default:
      return 16;  // HaHello
  }
}

// Walks options in [begin, end) checking each one's alignment, recursing into
// BCI sub-options; returns the number of non-pad options seen.
int check_alignment(const std::vector<std::uint8_t>& b, std::size_t begin, std::size_t end,
                    const HarpNumbers& harp, bool inside_bci = false) {
  int n = 0;
  std::size_t off = begin;
  bool saw_bad = false;
  while (off < end) {
    const std::uint8_t t = b[off];
    if (t == opt::kPad1) {
      ++off;
      continue;
    }
    EXPECT_LT(off + 1, end);
    const std::size_t len = b[off + 1];
    if (t != opt::kPadN) {
      EXPECT_FALSE(saw_bad) << "option after BAD at " << off;
      saw_bad = saw_bad || t == opt::kBindingAuthorizationData;
      auto a = option_alignment(t, harp);
      EXPECT_EQ(off % a.x, a.y) << "option type " << int(t) << " at " << off;
      ++n;
      if (t == harp.bci_option && !inside_bci)
        check_alignment(b, off + 40, off + 2 + len, harp, true);
    } else {
      for (std::size_t i = 0; i < len; ++i) EXPECT_EQ(b[off + 2 + i], 0) << "PadN data";
    }
    off += 2 + len;
  }
  EXPECT_EQ(off, end);
  return n;
}

void round_trip(std::uint32_t seed, const HarpNumbers& harp, int iterations) {
  test::RandomMessages gen(seed);
  std::vector<std::uint8_t> buf, buf2;
  int encoded = 0;
  for (int i = 0; i < iterations; ++i) {
    const MobilityMessage m = gen.message(harp);
    buf.clear();
    auto s = encode_mobility_header(m, buf, harp);
    if (!s) {  // only size limits may refuse a random message
      EXPECT_TRUE(s.error().code == MhErrc::kTooLong || s.error().code == MhErrc::kOptionTooLong)
          << s.error().to_string();
      continue;
    }
    ++encoded;
    // MH-01 framing.
    ASSERT_GE(buf.size(), 8u);
    ASSERT_EQ(buf.size() % 8, 0u);
    ASSERT_LE(buf.size(), 2048u);
    EXPECT_EQ(buf[0], 59);
    EXPECT_EQ(buf[1], buf.size() / 8 - 1);
    EXPECT_EQ(buf[2], mh_type_of(m, harp));
    EXPECT_EQ(buf[3], 0);
    check_alignment(buf, fixed_part(m), buf.size(), harp);

    auto d = decode_mobility_header(buf, harp);
    ASSERT_TRUE(d) << "seed " << seed << " iteration " << i << ": " << d.error().to_string();
    ASSERT_EQ(d->message, m) << "seed " << seed << " iteration " << i << " " << message_name(m);
    buf2.clear();
    ASSERT_TRUE(encode_mobility_header(d->message, buf2, harp));
    ASSERT_EQ(buf, buf2);

    // Checksum round trip with random pseudo-header addresses.
    const auto src = gen.address(), dst = gen.address();
    write_mh_checksum(buf, src, dst);
    EXPECT_TRUE(verify_mh_checksum(buf, src, dst));
    buf[gen.u(static_cast<std::uint32_t>(buf.size() - 1))] ^=
        static_cast<std::uint8_t>(1 + gen.u(254));
    EXPECT_FALSE(verify_mh_checksum(buf, src, dst));
  }
  EXPECT_GT(encoded, iterations * 9 / 10);
}

TEST(MhRoundTrip, RandomMessagesDefaultHarpNumbers) {
  for (std::uint32_t seed : {1u, 2u, 3u, 42u}) round_trip(seed, {}, 2000);
}

TEST(MhRoundTrip, RandomMessagesOtherHarpNumbers) {
  round_trip(7, HarpNumbers{.hello = 150, .sync = 151, .control = 152, .bci_option = 99}, 2000);
}

TEST(MhRoundTrip, CorruptedMessagesNeverCrash) {
  test::RandomMessages gen(99);
  std::vector<std::uint8_t> buf;
  int ok = 0, errors = 0;
  for (int i = 0; i < 20000; ++i) {
    buf.clear();
    if (!encode_mobility_header(gen.message({}), buf)) continue;
    // Flip a few octets, or cut the message short.
    for (auto n = 1 + gen.u(3); n > 0; --n)
      buf[gen.u(static_cast<std::uint32_t>(buf.size() - 1))] = gen.u8();
    if (gen.u(4) == 0) buf.resize(gen.u(static_cast<std::uint32_t>(buf.size())));
    auto d = decode_mobility_header(buf);
    if (d) {
      ++ok;
      std::vector<std::uint8_t> again;
      auto s = encode_mobility_header(d->message, again);
      if (s) {
        auto d2 = decode_mobility_header(again);
        ASSERT_TRUE(d2) << d2.error().to_string();
        EXPECT_EQ(d2->message, d->message);
      }
    } else {
      ++errors;
      EXPECT_LE(d.error().offset, std::max<std::size_t>(buf.size(), 2048));
      EXPECT_NE(to_string(d.error().code), "unknown-error");
    }
  }
  EXPECT_GT(ok, 0);
  EXPECT_GT(errors, 0);
}

TEST(SequenceNumber, NewerThanModulo2To16) {
  // protocol-notes §2.8: with L = 15, values 0-15 and 32783-65535 are stale.
  const SequenceNumber last(15);
  for (std::uint32_t v = 0; v <= 65535; ++v) {
    const SequenceNumber s(static_cast<std::uint16_t>(v));
    const bool stale = v <= 15 || v >= 32783;
    ASSERT_EQ(s.newer_than(last), !stale) << v;
    ASSERT_EQ(s.stale_against(last), stale) << v;
  }
  EXPECT_TRUE(SequenceNumber(0).newer_than(SequenceNumber(65535)));  // wrap
  EXPECT_TRUE(SequenceNumber(32767).newer_than(SequenceNumber(0)));
  EXPECT_FALSE(SequenceNumber(32768).newer_than(SequenceNumber(0)));
  EXPECT_FALSE(SequenceNumber(5).newer_than(SequenceNumber(5)));
  EXPECT_EQ(SequenceNumber(65535).next(), SequenceNumber(0));
  EXPECT_EQ(SequenceNumber(7).next().value(), 8);
}

}  // namespace
}  // namespace mip6
