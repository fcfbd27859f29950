// NftGuard: keeps the kernel from answering signalling that ha-agent handles
// in user space. With the `packet` backend the kernel still sees every
// packet that AF_PACKET copies to us; lacking Mobile IPv6 and IPv6 ESP it
// would answer a Binding Update carrying a Home Address option, or ESP with
// no proto-50 listener, with ICMPv6 Parameter Problem (interop.md §3.2). The
// guard installs, in the host's (namespace's) own nftables, one table that
// drops ESP (50), Mobility Header (135) and IPv6-in-IPv6 (41, the reverse
// tunnel, RFC 6275 §10.4.2) packets addressed to our addresses
// at the input hook, after AF_PACKET has seen them, and removes the table on
// shutdown. It runs the `nft` command (Debian package nftables).
#pragma once

#include <string>
#include <vector>

#include "mip6/address.h"
#include "mip6/result.h"

namespace ha_agent::io {

class NftGuard {
 public:
  // table: nftables table name (one per daemon instance in a namespace).
  static mip6::Result<NftGuard, std::string> install(const std::string& table,
                                                     const std::vector<mip6::Ipv6Address>& addrs);
  NftGuard(NftGuard&& o) noexcept : table_(std::move(o.table_)) { o.table_.clear(); }
  NftGuard& operator=(NftGuard&&) = delete;
  NftGuard(const NftGuard&) = delete;
  ~NftGuard();

  // The ruleset text install() feeds to `nft -f -` (exposed for tests and docs).
  static std::string ruleset(const std::string& table, const std::vector<mip6::Ipv6Address>& addrs);
  const std::string& table() const { return table_; }

 private:
  explicit NftGuard(std::string table) : table_(std::move(table)) {}
  std::string table_;
};

// Runs `nft -f -` with `script` on stdin; returns nft's stderr on failure.
mip6::Status<std::string> run_nft(const std::string& script);

}  // namespace ha_agent::io
