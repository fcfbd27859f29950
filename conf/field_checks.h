// Internal to conf/: checks of single values shared by several sections of
// the schema (addresses, prefixes, interface names, paths, SPIs, algorithm
// names). Each returns the typed value or reports a named error on the field
// through its Scope and returns nullopt, so one bad value never hides the
// others.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "conf/config.h"
#include "conf/field_scope.h"
#include "mip6/address.h"

namespace conf::detail {

// A unicast address: parses, not unspecified, multicast or loopback; not
// link-local either (HA, peer and home addresses are global, RFC 6275 §10.1).
std::optional<mip6::Ipv6Address> unicast_address(const Scope& s, std::string_view field, int index,
                                                 const std::string& text);

// "addr/len", 1 <= len <= 128, no host bits, not multicast or link-local.
std::optional<mip6::Ipv6Prefix> prefix(const Scope& s, std::string_view field, int index,
                                       const std::string& text);

// A Linux interface name (net/core/dev.c dev_valid_name()).
bool interface_name(const Scope& s, std::string_view field, int index, const std::string& name);

// A non-empty absolute path without NUL octets.
bool absolute_path(const Scope& s, std::string_view field, const std::string& path);

// The ESP algorithm name; "required" when absent (`present` false).
std::optional<crypto::EspAlgorithm> algorithm(const Scope& s, std::string_view field,
                                              bool present, const std::string& name);

// SPIs in use, per direction, across mobile nodes and HARP peers: the SPI
// (with the destination) selects the inbound SA (RFC 4301 §4.1), so two SAs
// may not share one.
class SpiRegistry {
 public:
  // Checks range (not 0, not 1..255: RFC 4303 §2.1) and uniqueness of one SPI.
  // `field` must outlive the registry (the callers pass string literals).
  bool check(const Scope& s, std::string_view field, bool present, std::uint32_t spi,
             bool inbound);

 private:
  // Who holds an SPI, for the duplicate message. The scope paths are kept
  // once per scope, not once per SPI: with 100,000 mobile nodes the
  // registry is part of the peak memory of loading (issue #4).
  struct Owner {
    std::uint32_t scope;     // index into scopes_
    std::string_view field;  // "spi_in", "spi_out"
  };
  std::unordered_map<std::uint32_t, Owner> in_, out_;
  std::vector<std::string> scopes_;  // consecutive duplicates merged
};

// 'text' in single quotes, control and non-ASCII octets as \xNN.
std::string quote(const std::string& s);

// "0x1a2b (6699)" style for messages.
std::string spi_text(std::uint32_t spi);

}  // namespace conf::detail
