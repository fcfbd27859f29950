// mn-emu configuration: the typed, validated form of a mn_emu.proto text
// file (docs/mn-emu.md). parse_emu_config() does no I/O: it turns text into
// EmuConfig or a list of messages naming the file, line (syntax errors) or
// field path (rule violations) — never key material, which lives in key
// files named here. load_emu_config() reads the file first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/sa.h"
#include "mip6/address.h"
#include "mip6/mobile_node.h"
#include "mip6/result.h"

namespace mnemu {

// A key file, or one line of a multi-key file.
struct KeyRef {
  std::string path;  // absolute after parsing (relative paths resolved against the config's dir)
  std::optional<std::uint32_t> index;
};

// The SA pair of one MN with one HA, from the MN's side.
struct HaSaConfig {
  mip6::Ipv6Address address;
  std::uint32_t spi_out = 0;  // MN -> HA
  std::uint32_t spi_in = 0;   // HA -> MN
  crypto::EspAlgorithm algorithm = crypto::EspAlgorithm::kAesGcm128;
  KeyRef key_out;
  KeyRef key_in;
  bool esn = false;
  std::uint32_t replay_window = 1024;
};

struct MnConfig {
  mip6::Ipv6Address home_address;
  mip6::Ipv6Address care_of_address;
  std::vector<HaSaConfig> home_agents;
};

struct EmuConfig {
  std::vector<MnConfig> mobile_nodes;
  mip6::MobileNodeTimers timers;
  std::uint32_t lifetime_s = 3600;
  std::uint32_t registration_rate_per_s = 1000;
  std::uint32_t deregistration_rate_per_s = 1000;
  std::vector<std::string> interfaces;
  bool harp = true;
  bool nft_guard = true;
  std::string nft_table = "mn_emu";
  bool alternate_coa = true;
  std::uint16_t initial_sequence = 0;
  std::vector<mip6::Ipv6Address> care_of_addresses;  // distinct CoAs, in first-use order
};

using ConfigErrors = std::vector<std::string>;

// `base_dir` resolves relative key paths ("" = leave them as given).
mip6::Result<EmuConfig, ConfigErrors> parse_emu_config(std::string_view text,
                                                       const std::string& file_name,
                                                       const std::string& base_dir);
mip6::Result<EmuConfig, ConfigErrors> load_emu_config(const std::string& path);

}  // namespace mnemu
