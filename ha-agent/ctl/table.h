// A plain-text table for ha-agentctl's human-readable output: columns sized
// to their widest cell, two spaces apart, an optional header line.
#pragma once

#include <string>
#include <vector>

namespace ha_agent::ctl {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render(bool with_header) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace ha_agent::ctl
