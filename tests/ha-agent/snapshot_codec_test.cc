// Snapshot container and payload codec (ha-agent/snapshot/snapshot_codec.h):
// round trip, the container layout, and that every kind of damage is a named
// error (bad magic, truncation at every length, appended data, any flipped
// bit, unsupported version, bad field with its binding index).
#include <gtest/gtest.h>

#include "ha-agent/snapshot/snapshot.pb.h"
#include "tests/ha-agent/snapshot_test_util.h"

namespace ha_agent::snapshot::test {
namespace {

using Code = SnapshotError::Code;

std::vector<std::uint8_t> encoded(const Snapshot& s) {
  auto r = encode(s);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : std::vector<std::uint8_t>{};
}

haagent::snapshot::Snapshot valid_message() {
  haagent::snapshot::Snapshot m;
  auto bytes = encoded(sample());
  EXPECT_TRUE(m.ParseFromArray(bytes.data() + kContainerHeaderSize,
                               static_cast<int>(bytes.size() - kContainerHeaderSize)));
  return m;
}

SnapshotError error_of(const haagent::snapshot::Snapshot& m) {
  auto r = decode(wrap(m.SerializeAsString()));
  EXPECT_FALSE(r.ok());
  return r.ok() ? SnapshotError{} : r.error();
}

TEST(SnapshotCodec, RoundTrip) {
  const Snapshot s = sample();
  auto bytes = encoded(s);
  auto back = decode(bytes);
  ASSERT_TRUE(back.ok()) << to_string(back.error());
  EXPECT_EQ(*back, s);
  EXPECT_EQ(back->entries[1].owner, addr("fd00:1::2"));
  EXPECT_FALSE(back->entries[1].confirmed);
  EXPECT_EQ(back->entries[1].sequence.value(), 65535);
  EXPECT_FALSE(back->entries[0].owner.has_value());
}

TEST(SnapshotCodec, EmptyCacheRoundTrips) {
  Snapshot s = sample();
  s.entries.clear();
  auto back = decode(encoded(s));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, s);
}

TEST(SnapshotCodec, ContainerLayout) {
  auto bytes = encoded(sample());
  ASSERT_GT(bytes.size(), kContainerHeaderSize);
  EXPECT_TRUE(std::equal(std::begin(kMagic), std::end(kMagic), bytes.begin()));
  std::uint64_t len = 0;
  for (int k = 8; k < 16; ++k) len = (len << 8) | bytes[k];
  EXPECT_EQ(len, bytes.size() - kContainerHeaderSize);
  // Same bytes as an independent wrap of the payload.
  const std::string payload(bytes.begin() + kContainerHeaderSize, bytes.end());
  EXPECT_EQ(wrap(payload), bytes);
}

TEST(SnapshotCodec, NotASnapshot) {
  const std::string text = "ha_address: \"fd00:1::1\"\n";
  auto r = decode(std::vector<std::uint8_t>(text.begin(), text.end()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kBadMagic);
  EXPECT_EQ(to_string(r.error()), "bad magic (not a snapshot file)");
}

TEST(SnapshotCodec, EveryTruncationIsDetected) {
  auto bytes = encoded(sample());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto r = decode(std::span(bytes).first(n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, Code::kTruncated) << n << ": " << to_string(r.error());
  }
}

TEST(SnapshotCodec, AppendedDataIsDetected) {
  auto bytes = encoded(sample());
  bytes.push_back(0);
  auto r = decode(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kTrailingData);
}

TEST(SnapshotCodec, EveryFlippedBitIsDetected) {
  const auto good = encoded(sample());
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto bytes = good;
      bytes[i] ^= static_cast<std::uint8_t>(1u << bit);
      auto r = decode(bytes);
      ASSERT_FALSE(r.ok()) << "flip of bit " << bit << " in octet " << i << " not detected";
      if (i >= 16) {
        EXPECT_EQ(r.error().code, Code::kChecksumMismatch) << i;
      }
    }
  }
}

TEST(SnapshotCodec, DeclaredLengthTooLarge) {
  auto bytes = encoded(sample());
  bytes[8] = 0x01;  // 2^56 + ...
  auto r = decode(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kTooLarge);
}

TEST(SnapshotCodec, UnsupportedVersion) {
  Snapshot s = sample();
  s.header.format_version = 2;
  auto r = decode(encoded(s));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kUnsupportedVersion);
  EXPECT_EQ(r.error().value, 2u);
  EXPECT_NE(to_string(r.error()).find("version 2"), std::string::npos) << to_string(r.error());
}

TEST(SnapshotCodec, ChecksummedGarbageIsUnparsable) {
  auto r = decode(wrap(std::string("\xff\xff\xff\xff\xff", 5)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kUnparsable);
}

TEST(SnapshotCodec, HeaderFields) {
  auto m = valid_message();
  m.clear_header();
  EXPECT_EQ(error_of(m).code, Code::kBadHeaderField);
  EXPECT_EQ(error_of(m).field, "header");
  m = valid_message();
  m.mutable_header()->clear_format_version();
  EXPECT_EQ(error_of(m).field, "format_version");
  m = valid_message();
  m.mutable_header()->set_ha_address("1234");
  EXPECT_EQ(to_string(error_of(m)), "bad header field: ha_address: must be 16 octets");
  m = valid_message();
  m.mutable_header()->set_mn_set_digest("short");
  EXPECT_EQ(error_of(m).field, "mn_set_digest");
  m = valid_message();
  m.mutable_header()->clear_written_at_unix_ms();
  EXPECT_EQ(error_of(m).field, "written_at_unix_ms");
}

TEST(SnapshotCodec, BindingFieldErrorsNameFieldAndIndex) {
  struct Case {
    const char* field;
    void (*damage)(haagent::snapshot::Binding*);
  };
  const Case cases[] = {
      {"home_address", [](haagent::snapshot::Binding* b) { b->clear_home_address(); }},
      {"care_of_address", [](haagent::snapshot::Binding* b) { b->set_care_of_address("abcd"); }},
      {"our_address", [](haagent::snapshot::Binding* b) { b->set_our_address(std::string(16, '\xff')); }},
      {"home_address", [](haagent::snapshot::Binding* b) { b->set_home_address(std::string(16, '\0')); }},
      {"sequence", [](haagent::snapshot::Binding* b) { b->clear_sequence(); }},
      {"sequence", [](haagent::snapshot::Binding* b) { b->set_sequence(65536); }},
      {"granted_lifetime_s", [](haagent::snapshot::Binding* b) { b->set_granted_lifetime_s(0); }},
      {"granted_lifetime_s", [](haagent::snapshot::Binding* b) { b->set_granted_lifetime_s(262141); }},
      {"expires_at_unix_ms", [](haagent::snapshot::Binding* b) { b->clear_expires_at_unix_ms(); }},
      {"expires_at_unix_ms", [](haagent::snapshot::Binding* b) { b->set_expires_at_unix_ms(~0ull); }},
      {"registered_at_unix_ms",
       [](haagent::snapshot::Binding* b) { b->set_registered_at_unix_ms(b->expires_at_unix_ms() + 1); }},
      {"flags", [](haagent::snapshot::Binding* b) { b->set_flags(0x10000); }},
      {"owner", [](haagent::snapshot::Binding* b) { b->set_owner("x"); }},
  };
  for (const auto& c : cases) {
    auto m = valid_message();
    c.damage(m.mutable_binding(1));
    const auto e = error_of(m);
    EXPECT_EQ(e.code, Code::kBadBindingField) << c.field;
    EXPECT_EQ(e.binding_index, 1) << c.field;
    EXPECT_EQ(e.field, c.field);
    EXPECT_NE(to_string(e).find(std::string("binding[1].") + c.field), std::string::npos) << to_string(e);
    // The payload decoder (no container) says the same.
    const std::string text = m.SerializeAsString();
    auto p = decode_payload(std::vector<std::uint8_t>(text.begin(), text.end()));
    EXPECT_FALSE(p.ok());
  }
}

TEST(SnapshotCodec, DuplicateHomeAddress) {
  auto m = valid_message();
  *m.add_binding() = m.binding(0);
  const auto e = error_of(m);
  EXPECT_EQ(e.code, Code::kDuplicateBinding);
  EXPECT_EQ(e.binding_index, 2);
}

TEST(SnapshotCodec, OptionalFieldsDefault) {
  auto m = valid_message();
  auto* b = m.mutable_binding(0);
  b->clear_epoch();
  b->clear_confirmed();
  b->clear_spi();
  b->clear_refresh_count();
  b->clear_flags();
  auto r = decode(wrap(m.SerializeAsString()));
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(r->entries[0].epoch, 0u);
  EXPECT_TRUE(r->entries[0].confirmed);
  EXPECT_EQ(r->entries[0].flags, 0);
}

}  // namespace
}  // namespace ha_agent::snapshot::test
