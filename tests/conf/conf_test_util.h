// Helpers shared by the conf/ tests: a minimal valid configuration whose
// first three lines are fixed (so tests can predict the line numbers of what
// they append) and matchers for ConfigError lists.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conf/load.h"

namespace conf::test {

// Lines 1..3; text appended to it starts on line 4.
inline const std::string kBase =
    "ha_address: \"2001:db8:1::1\"\n"
    "home_interface: \"eth1\"\n"
    "home_prefix: \"2001:db8:1::/64\"\n";

// A valid mobile_node block (7 lines) with the given HoA and SPIs.
inline std::string mobile_node(const std::string& hoa, unsigned spi_in, unsigned spi_out) {
  return "mobile_node {\n"
         "  home_address: \"" + hoa + "\"\n"
         "  spi_in: " + std::to_string(spi_in) + "\n"
         "  spi_out: " + std::to_string(spi_out) + "\n"
         "  algorithm: \"aes-gcm-128\"\n"
         "  key_file: \"/etc/ha-agent/keys/mn.key\"\n"
         "}\n";
}

inline std::vector<ConfigError> errors_of(const std::string& text, const std::string& file = "t.conf") {
  auto r = load(text, file);
  if (r.ok()) {
    ADD_FAILURE() << "expected errors, config was accepted:\n" << text;
    return {};
  }
  return r.error();
}

inline Config config_of(const std::string& text) {
  auto r = load(text, "t.conf");
  if (!r.ok()) {
    ADD_FAILURE() << "unexpected errors:\n" << to_string(r.error()) << "in:\n" << text;
    return {};
  }
  return std::move(r).value();
}

// Exactly one error, at `line` (1-based), on `field_path`, whose message
// contains `needle`.
inline void expect_one_error(const std::string& text, int line, const std::string& field_path,
                             const std::string& needle) {
  auto errors = errors_of(text);
  ASSERT_EQ(errors.size(), 1u) << to_string(errors);
  EXPECT_EQ(errors[0].file, "t.conf");
  EXPECT_EQ(errors[0].line, line) << errors[0].to_string();
  EXPECT_EQ(errors[0].field_path, field_path) << errors[0].to_string();
  EXPECT_NE(errors[0].message.find(needle), std::string::npos)
      << "'" << needle << "' not in: " << errors[0].to_string();
}

}  // namespace conf::test
