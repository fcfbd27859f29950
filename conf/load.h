// conf::load(): parse a configuration file (protobuf text format, schema
// conf/ha_agent.proto) and validate it completely (DESIGN.md §5). No I/O:
// the daemon reads the file and passes its text and name. The result is
// either a typed conf::Config with every default filled in, or every error
// found (syntax errors from protobuf's parser; otherwise all semantic errors,
// each with file, line, column and field path).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "conf/config.h"
#include "conf/config_error.h"
#include "mip6/result.h"

namespace conf {

// Larger inputs are refused before parsing (a config for tens of thousands
// of mobile nodes stays well below this).
inline constexpr std::size_t kMaxConfigSize = 64u * 1024 * 1024;

mip6::Result<Config, std::vector<ConfigError>> load(std::string_view text,
                                                   std::string_view file_name);

}  // namespace conf
