// Tests of mip6/binding_cache: lookup, the timer index, link-local helper.
#include "mip6/binding_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

namespace mip6 {
namespace {

using std::chrono::seconds;

Ipv6Address addr(const char* text) {
  return *Ipv6Address::parse(text);
}

BindingCacheEntry entry(const char* hoa, const char* coa) {
  BindingCacheEntry e;
  e.home_address = addr(hoa);
  e.care_of_address = addr(coa);
  return e;
}

const Clock::time_point kT0 = Clock::time_point{} + std::chrono::hours(10);

// Memory budget (brief: < ~200 octets per entry). On x86-64 with g++ 12 and
// clang 14 sizeof(BindingCacheEntry) is 96: 3 x 16 addresses, 3 x 8 time
// points, 4 x 4 lifetime/SPI/counters/epoch, 2 + 2 flags/sequence, 2 bools,
// 2 octets of padding.
static_assert(sizeof(BindingCacheEntry) <= 128, "keep the binding cache entry small");

TEST(BindingCache, EntryIsSmall) {
  EXPECT_LE(sizeof(BindingCacheEntry), 128u);
  RecordProperty("sizeof_BindingCacheEntry", static_cast<int>(sizeof(BindingCacheEntry)));
}

TEST(BindingCache, PutFindErase) {
  BindingCache c;
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(c.find(addr("fd00:1::1")), nullptr);
  c.put(entry("fd00:1::1", "2001:db8::1"), kT0 + seconds(10));
  ASSERT_NE(c.find(addr("fd00:1::1")), nullptr);
  EXPECT_EQ(c.find(addr("fd00:1::1"))->care_of_address, addr("2001:db8::1"));
  EXPECT_EQ(c.size(), 1u);
  // Replacing keeps one entry and one timer.
  c.put(entry("fd00:1::1", "2001:db8::2"), kT0 + seconds(20));
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(c.find(addr("fd00:1::1"))->care_of_address, addr("2001:db8::2"));
  EXPECT_EQ(c.next_timer(), kT0 + seconds(20));
  auto removed = c.erase(addr("fd00:1::1"));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->care_of_address, addr("2001:db8::2"));
  EXPECT_TRUE(c.empty());
  EXPECT_FALSE(c.next_timer());
  EXPECT_FALSE(c.erase(addr("fd00:1::1")));
}

TEST(BindingCache, TimersOrderedByTimeThenAddress) {
  BindingCache c;
  c.put(entry("fd00:1::3", "2001:db8::1"), kT0 + seconds(30));
  c.put(entry("fd00:1::2", "2001:db8::1"), kT0 + seconds(10));
  c.put(entry("fd00:1::1", "2001:db8::1"), kT0 + seconds(10));  // same time as ::2
  EXPECT_EQ(c.next_timer(), kT0 + seconds(10));
  EXPECT_FALSE(c.first_due(kT0 + seconds(9)));
  ASSERT_TRUE(c.first_due(kT0 + seconds(10)));
  EXPECT_EQ(*c.first_due(kT0 + seconds(10)), addr("fd00:1::1"));
  c.erase(addr("fd00:1::1"));
  EXPECT_EQ(*c.first_due(kT0 + seconds(10)), addr("fd00:1::2"));
  ASSERT_TRUE(c.reschedule(addr("fd00:1::2"), kT0 + seconds(40)));
  EXPECT_EQ(c.next_timer(), kT0 + seconds(30));
  EXPECT_EQ(*c.first_due(kT0 + seconds(100)), addr("fd00:1::3"));
  EXPECT_EQ(c.timer_of(addr("fd00:1::2")), kT0 + seconds(40));
  EXPECT_FALSE(c.reschedule(addr("fd00:1::9"), kT0));
  EXPECT_FALSE(c.timer_of(addr("fd00:1::9")));
}

TEST(BindingCache, ForEachAndClear) {
  BindingCache c;
  c.reserve(10);
  for (int i = 1; i <= 5; ++i) {
    auto e = entry("fd00:1::", "2001:db8::1");
    auto b = e.home_address.bytes();
    b[15] = static_cast<std::uint8_t>(i);
    e.home_address = Ipv6Address(b);
    c.put(e, kT0 + seconds(i));
  }
  std::set<Ipv6Address> seen;
  c.for_each([&](const BindingCacheEntry& e) { seen.insert(e.home_address); });
  EXPECT_EQ(seen.size(), 5u);
  c.clear();
  EXPECT_TRUE(c.empty());
  EXPECT_FALSE(c.next_timer());
}

TEST(BindingCache, MutableFindKeepsTimer) {
  BindingCache c;
  c.put(entry("fd00:1::1", "2001:db8::1"), kT0 + seconds(5));
  c.find(addr("fd00:1::1"))->refresh_count = 7;
  EXPECT_EQ(c.find(addr("fd00:1::1"))->refresh_count, 7u);
  EXPECT_EQ(c.timer_of(addr("fd00:1::1")), kT0 + seconds(5));
}

TEST(BindingCache, LinkLocalOfHomeAddress) {
  EXPECT_EQ(link_local_of(addr("fd00:1:2:3:aa:bb:cc:dd")), addr("fe80::aa:bb:cc:dd"));
  auto e = entry("fd00:1::1", "2001:db8::1");
  EXPECT_FALSE(e.link_local_compat());
  e.flags = 0x2000;  // L (RFC 6275 §6.1.7)
  EXPECT_TRUE(e.link_local_compat());
  EXPECT_FALSE(e.key_management());
  e.flags |= 0x1000;  // K
  EXPECT_TRUE(e.key_management());
}

}  // namespace
}  // namespace mip6
