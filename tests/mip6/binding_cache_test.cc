// Tests of mip6/binding_cache: lookup, the timer index, link-local helper.
#include "mip6/binding_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
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

// The open-addressing index, the dense slots and the timer heap against a
// reference model (a map and the ordered (time, address) set the cache used
// before): same entries, same timers, same first_due() answers after every
// step of a random mix of put / reschedule / erase / clear, with many
// addresses sharing their low octets (long probe runs) and equal times.
TEST(BindingCache, MatchesReferenceModel) {
  std::mt19937 rng(4);
  BindingCache c;
  std::map<Ipv6Address, std::pair<BindingCacheEntry, Clock::time_point>> model;
  std::set<std::pair<Clock::time_point, Ipv6Address>> timers;
  auto address = [&](std::uint32_t i) {
    Ipv6Address::Bytes b = addr("fd00:1::").bytes();
    b[7] = static_cast<std::uint8_t>(i % 7);  // same low octets in several /64s
    b[14] = static_cast<std::uint8_t>(i >> 8);
    b[15] = static_cast<std::uint8_t>(i);
    return Ipv6Address(b);
  };
  for (int step = 0; step < 60000; ++step) {
    const Ipv6Address hoa = address(rng() % 700);
    const Clock::time_point at = kT0 + seconds(rng() % 50);
    const unsigned op = rng() % 100;
    auto it = model.find(hoa);
    if (op < 50) {
      BindingCacheEntry e = entry("fd00:1::", "2001:db8::1");
      e.home_address = hoa;
      e.refresh_count = static_cast<std::uint32_t>(step);
      c.put(e, at);
      if (it != model.end()) timers.erase({it->second.second, hoa});
      model[hoa] = {e, at};
      timers.insert({at, hoa});
    } else if (op < 70) {
      EXPECT_EQ(c.reschedule(hoa, at), it != model.end());
      if (it != model.end()) {
        timers.erase({it->second.second, hoa});
        it->second.second = at;
        timers.insert({at, hoa});
      }
    } else if (op < 99) {
      auto removed = c.erase(hoa);
      ASSERT_EQ(removed.has_value(), it != model.end());
      if (removed) {
        EXPECT_EQ(*removed, it->second.first);
        timers.erase({it->second.second, hoa});
        model.erase(it);
      }
    } else if (rng() % 20 == 0) {
      c.clear();
      model.clear();
      timers.clear();
    }
    ASSERT_EQ(c.size(), model.size());
    if (timers.empty()) {
      ASSERT_FALSE(c.next_timer());
    } else {
      ASSERT_EQ(c.next_timer(), timers.begin()->first);
      ASSERT_EQ(c.first_due(timers.begin()->first), timers.begin()->second);
    }
    const BindingCacheEntry* found = c.find(hoa);
    auto m = model.find(hoa);
    ASSERT_EQ(found != nullptr, m != model.end());
    if (found) {
      EXPECT_EQ(*found, m->second.first);
      EXPECT_EQ(c.timer_of(hoa), m->second.second);
    }
  }
  std::size_t visited = 0;
  c.for_each([&](const BindingCacheEntry& e) {
    ++visited;
    auto m = model.find(e.home_address);
    ASSERT_NE(m, model.end());
    EXPECT_EQ(e, m->second.first);
  });
  EXPECT_EQ(visited, model.size());
  // Draining by first_due() gives the model's timer order.
  for (const auto& [at, hoa] : timers) {
    ASSERT_EQ(c.first_due(at), hoa);
    ASSERT_TRUE(c.erase(hoa));
  }
  EXPECT_TRUE(c.empty());
}

// A pointer from find() stays valid while other entries are added.
TEST(BindingCache, FindPointerSurvivesInsertions) {
  BindingCache c;
  c.put(entry("fd00:1::1", "2001:db8::1"), kT0);
  const BindingCacheEntry* e = c.find(addr("fd00:1::1"));
  for (std::uint32_t i = 0; i < 5000; ++i) {
    auto x = entry("fd00:2::", "2001:db8::2");
    auto b = x.home_address.bytes();
    b[14] = static_cast<std::uint8_t>(i >> 8);
    b[15] = static_cast<std::uint8_t>(i);
    x.home_address = Ipv6Address(b);
    c.put(x, kT0 + seconds(i));
  }
  EXPECT_EQ(e, c.find(addr("fd00:1::1")));
  EXPECT_EQ(e->care_of_address, addr("2001:db8::1"));
}

}  // namespace
}  // namespace mip6
