// conf/: the snapshot settings (snapshot_path, snapshot_interval_s) of
// "Restart without loss" (issue #7, docs/configuration.md).
#include "tests/conf/conf_test_util.h"

namespace conf::test {
namespace {

TEST(ConfSnapshot, DefaultsEverySixtySecondsWithoutAPathNothing) {
  Config none = config_of(kBase);
  EXPECT_FALSE(none.snapshot_path.has_value());
  EXPECT_EQ(none.snapshot_interval, std::chrono::seconds(60));
  Config c = config_of(kBase + "snapshot_path: \"/var/lib/ha-agent/snapshot.pb\"\n");
  EXPECT_EQ(c.snapshot_path, std::optional<std::string>("/var/lib/ha-agent/snapshot.pb"));
  EXPECT_EQ(c.snapshot_interval, std::chrono::seconds(60));
  EXPECT_NE(describe(c).find("every 60 s and at shutdown"), std::string::npos) << describe(c);
}

TEST(ConfSnapshot, ZeroMeansOnlyAtShutdown) {
  Config c = config_of(kBase + "snapshot_path: \"/s.pb\"\nsnapshot_interval_s: 0\n");
  EXPECT_EQ(c.snapshot_interval, std::chrono::seconds(0));
  EXPECT_NE(describe(c).find("/s.pb (at shutdown)"), std::string::npos) << describe(c);
  EXPECT_EQ(config_of(kBase + "snapshot_path: \"/s.pb\"\nsnapshot_interval_s: 86400\n").snapshot_interval,
            std::chrono::seconds(86400));
}

TEST(ConfSnapshot, IntervalNeedsAPath) {
  expect_one_error(kBase + "snapshot_interval_s: 30\n", 4, "snapshot_interval_s", "needs snapshot_path");
}

TEST(ConfSnapshot, IntervalRange) {
  expect_one_error(kBase + "snapshot_path: \"/s.pb\"\nsnapshot_interval_s: 86401\n", 5, "snapshot_interval_s",
                   "outside 0..86400");
}

TEST(ConfSnapshot, RelativePathAndIntervalBothReported) {
  auto errors = errors_of(kBase + "snapshot_path: \"s.pb\"\nsnapshot_interval_s: 100000\n");
  ASSERT_EQ(errors.size(), 2u) << to_string(errors);
  EXPECT_EQ(errors[0].field_path, "snapshot_path");
  EXPECT_EQ(errors[1].field_path, "snapshot_interval_s");
}

}  // namespace
}  // namespace conf::test
