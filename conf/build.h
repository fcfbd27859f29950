// Internal to conf/: turning the parsed protobuf message into conf::Config.
// Every rule of conf/ha_agent.proto is checked here; violations go to the
// ErrorSink of the Scope (all of them, not only the first), and a value that
// failed its check is left out of the Config so that cross-field rules
// (home address inside a home prefix, unique SPIs, ...) do not repeat an
// error already reported on the value itself.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "conf/config.h"
#include "conf/field_checks.h"
#include "conf/field_scope.h"
#include "conf/ha_agent.pb.h"

namespace conf::detail {

namespace pb = ::haagent::conf;

// State shared by the sections while one file is checked.
struct BuildContext {
  explicit BuildContext(Config& c) : config(c) {}
  Config& config;
  bool home_prefixes_valid = true;  // false: skip "inside a home prefix" rules
  SpiRegistry spis;
  std::unordered_map<mip6::Ipv6Address, int> home_addresses;  // HoA -> index of its mobile_node
  // Last key file directories (KeyPath sharing): key_file / key_file_in, and key_file_out.
  std::shared_ptr<const std::string> key_dir;
  std::shared_ptr<const std::string> key_dir_out;
};

Config build_config(const pb::HaAgentConfig& m, const Scope& top);

// In build_security.cc: sections with SAs.
void build_mobile_nodes(const pb::HaAgentConfig& m, const Scope& top, BuildContext& ctx);
std::optional<HarpConfig> build_harp(const pb::Harp& m, const Scope& s, BuildContext& ctx);

// In build_operations.cc: privileges, the metrics listener, rate limits.
void build_operations(const pb::HaAgentConfig& m, const Scope& top, Config& c);

// True when `a` lies inside one of the configured home prefixes.
bool in_home_prefix(const Config& c, const mip6::Ipv6Address& a);

}  // namespace conf::detail
