// ConfigError: one problem found in a configuration file, located by file,
// 1-based line and column and the protobuf field path (e.g.
// "mobile_node[3].spi_in"), so an operator can go straight to it
// (DESIGN.md §5). conf::load() returns all of them at once, sorted by line.
#pragma once

#include <string>
#include <vector>

namespace conf {

struct ConfigError {
  std::string file;
  int line = 0;    // 1-based; 0 when the error concerns the whole file
  int column = 0;  // 1-based; 0 when unknown
  std::string field_path;  // empty for syntax errors
  std::string message;

  // "file:line:col: field: message"; the parts that are unknown (line 0,
  // empty field path) are left out.
  std::string to_string() const;
};

// One error per line, each formatted with to_string().
std::string to_string(const std::vector<ConfigError>& errors);

}  // namespace conf
