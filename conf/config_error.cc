#include "conf/config_error.h"

namespace conf {

std::string ConfigError::to_string() const {
  std::string s = file;
  if (line > 0) {
    s += ':' + std::to_string(line);
    if (column > 0) s += ':' + std::to_string(column);
  }
  s += ": ";
  if (!field_path.empty()) s += field_path + ": ";
  s += message;
  return s;
}

std::string to_string(const std::vector<ConfigError>& errors) {
  std::string s;
  for (const auto& e : errors) s += e.to_string() + '\n';
  return s;
}

}  // namespace conf
