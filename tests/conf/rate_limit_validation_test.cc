// Rules of the `rate_limit` section (issue #7, "Rate limits"): defaults,
// 0 = unlimited, ranges, a burst next to an unlimited rate, line and field
// path of every error, describe(), and the example file.
#include <fstream>
#include <sstream>

#include "tests/conf/conf_test_util.h"

namespace conf::test {
namespace {

TEST(ConfRateLimit, AbsentSectionMeansTheDefaults) {
  const Config c = config_of(kBase);
  EXPECT_EQ(c.rate_limit.per_source_pps, 5000u);
  EXPECT_EQ(c.rate_limit.per_source_burst, 20000u);
  EXPECT_EQ(c.rate_limit.per_peer_pps, 20000u);
  EXPECT_EQ(c.rate_limit.per_peer_burst, 50000u);
  EXPECT_EQ(c.rate_limit.max_sources, 65536u);
  EXPECT_EQ(c.rate_limit, config_of(kBase + "rate_limit {}\n").rate_limit);
  EXPECT_NE(describe(c).find("rate_limit      per source 5000/s burst 20000, per peer 20000/s burst "
                             "50000, 65536 sources tracked"),
            std::string::npos)
      << describe(c);
}

TEST(ConfRateLimit, DefaultsLetTenThousandMobileNodesBehindOneCareOfAddressThrough) {
  // docs/operations.md: refreshes at the shortest lifetime (4 s, at 85 %) and
  // every MN re-registering at once with one retransmission each.
  const Config c = config_of(kBase);
  const double refreshes_per_s = 10000 / (4 * 0.85);
  EXPECT_GE(c.rate_limit.per_source_pps, refreshes_per_s);
  EXPECT_GE(c.rate_limit.per_source_burst, 2u * 10000u);
  EXPECT_GT(c.rate_limit.per_peer_pps, c.rate_limit.per_source_pps);
  EXPECT_GT(c.rate_limit.per_peer_burst, c.rate_limit.per_source_burst);
}

TEST(ConfRateLimit, ExplicitValuesAndZeroIsUnlimited) {
  Config c = config_of(kBase +
                       "rate_limit { per_source_pps: 100 per_source_burst: 10 per_peer_pps: 0 "
                       "max_sources: 1 }\n");
  EXPECT_EQ(c.rate_limit.per_source_pps, 100u);
  EXPECT_EQ(c.rate_limit.per_source_burst, 10u);
  EXPECT_EQ(c.rate_limit.per_peer_pps, 0u);
  EXPECT_EQ(c.rate_limit.max_sources, 1u);
  EXPECT_NE(describe(c).find("per source 100/s burst 10, per peer unlimited, 1 sources"),
            std::string::npos)
      << describe(c);
  c = config_of(kBase + "rate_limit { per_source_pps: 0 max_sources: 16777216 }\n");
  EXPECT_EQ(c.rate_limit.per_source_pps, 0u);
  EXPECT_EQ(c.rate_limit.max_sources, 16777216u);
  c = config_of(kBase + "rate_limit { per_source_pps: 10000000 per_source_burst: 10000000 }\n");
  EXPECT_EQ(c.rate_limit.per_source_pps, 10000000u);
}

TEST(ConfRateLimit, RangesAreChecked) {
  expect_one_error(kBase + "rate_limit {\n  per_source_pps: 10000001\n}\n", 5,
                   "rate_limit.per_source_pps", "outside 0..10000000");
  expect_one_error(kBase + "rate_limit {\n  per_source_burst: 0\n}\n", 5,
                   "rate_limit.per_source_burst", "outside 1..10000000");
  expect_one_error(kBase + "rate_limit {\n  per_peer_pps: 4294967295\n}\n", 5,
                   "rate_limit.per_peer_pps", "outside 0..10000000");
  expect_one_error(kBase + "rate_limit {\n  per_peer_burst: 10000001\n}\n", 5,
                   "rate_limit.per_peer_burst", "outside 1..10000000");
  expect_one_error(kBase + "rate_limit {\n  max_sources: 0\n}\n", 5, "rate_limit.max_sources",
                   "outside 1..16777216");
  expect_one_error(kBase + "rate_limit {\n  max_sources: 16777217\n}\n", 5,
                   "rate_limit.max_sources", "outside 1..16777216");
  expect_one_error(kBase + "rate_limit {\n  per_source_pps: -1\n}\n", 5, "", "");
}

TEST(ConfRateLimit, BurstNextToAnUnlimitedRateIsAMistake) {
  expect_one_error(kBase + "rate_limit {\n  per_source_pps: 0\n  per_source_burst: 100\n}\n", 6,
                   "rate_limit.per_source_burst", "per_source_pps is 0 (unlimited)");
  expect_one_error(kBase + "rate_limit {\n  per_peer_burst: 100\n  per_peer_pps: 0\n}\n", 5,
                   "rate_limit.per_peer_burst", "per_peer_pps is 0 (unlimited)");
}

TEST(ConfRateLimit, EveryMistakeIsReported) {
  auto errors = errors_of(kBase +
                          "rate_limit {\n  per_source_pps: 20000000\n  per_source_burst: 0\n"
                          "  per_peer_burst: 0\n  max_sources: 0\n}\n");
  ASSERT_EQ(errors.size(), 4u) << to_string(errors);
  EXPECT_EQ(errors[0].field_path, "rate_limit.per_source_pps");
  EXPECT_EQ(errors[1].field_path, "rate_limit.per_source_burst");
  EXPECT_EQ(errors[2].field_path, "rate_limit.per_peer_burst");
  EXPECT_EQ(errors[3].field_path, "rate_limit.max_sources");
  EXPECT_EQ(errors[3].line, 8);
}

TEST(ConfRateLimit, ExampleFileShowsTheSectionWithTheDefaults) {
  std::ifstream in(HA_CONF_EXAMPLE);
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_NE(text.str().find("rate_limit {"), std::string::npos);
  auto r = load(text.str(), "ha-agent.conf.example");
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(r.value().rate_limit, RateLimitConfig{});
}

}  // namespace
}  // namespace conf::test
