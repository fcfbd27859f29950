#include <gtest/gtest.h>

#include "ha-agent/log/log.h"

namespace ha_agent::log {
namespace {

TEST(RateLimiter, LetsABurstThroughThenCountsSuppressed) {
  RateLimiter rl(3, std::chrono::seconds(1));
  RateLimiter::Clock::time_point t{std::chrono::seconds(100)};
  std::uint64_t suppressed = 99;
  EXPECT_TRUE(rl.allow(t, suppressed));
  EXPECT_EQ(suppressed, 0u);
  EXPECT_TRUE(rl.allow(t, suppressed));
  EXPECT_TRUE(rl.allow(t, suppressed));
  EXPECT_FALSE(rl.allow(t, suppressed));
  EXPECT_FALSE(rl.allow(t + std::chrono::milliseconds(999), suppressed));
  EXPECT_TRUE(rl.allow(t + std::chrono::seconds(1), suppressed));
  EXPECT_EQ(suppressed, 2u);
}

TEST(Levels, PerChannelOverridesAndParse) {
  init({});
  EXPECT_EQ(level("esp"), Severity::kInfo);
  set_level("esp", Severity::kDebug);
  EXPECT_EQ(level("esp"), Severity::kDebug);
  EXPECT_EQ(level("io"), Severity::kInfo);
  set_level("", Severity::kWarning);
  EXPECT_EQ(level("esp"), Severity::kWarning);
  EXPECT_EQ(parse_severity("notice"), Severity::kNotice);
  EXPECT_FALSE(parse_severity("loud"));
  auto lg = channel("test");
  HA_LOG(lg, kWarning) << "a message that must not crash";
}

}  // namespace
}  // namespace ha_agent::log
