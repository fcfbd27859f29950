// The `kernel` packet I/O backend's state inside the daemon
// (daemon_kernel_io.cc, DESIGN.md §4, docs/configuration.md "packet_io"):
// the XFRM backend holding everything installed for it (ESP SAs of every
// mobile node, the per-HoA policies, the wildcard `hao` state), the raw
// Mobility Header socket, and the inbound SPI the kernel's policy demands
// for each home address (so a delivered message can name the SA that
// protected it). Data-plane packets (tunnel, NAs, user-space proxy ND) keep
// using the `packet` backend's AF_PACKET / IPPROTO_RAW sockets.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "ha-agent/io/kernel_mh_io.h"
#include "ha-agent/kernel/xfrm_backend.h"
#include "mip6/address.h"

namespace ha_agent {

struct KernelSignalling {
  explicit KernelSignalling(kernel::XfrmBackend x) : xfrm(std::move(x)) {}
  kernel::XfrmBackend xfrm;
  std::unique_ptr<io::KernelMhSocket> socket;
  std::unordered_map<mip6::Ipv6Address, std::uint32_t> spi_in_by_home_address;
};

}  // namespace ha_agent
