// The `kernel` packet I/O backend in the daemon (DESIGN.md §4, issue #4):
// choosing it (`kernel`, or `auto` when the kernel can), installing its XFRM
// state from the configuration, receiving Mobility Headers from the raw MH
// socket into the daemon's receive path and sending BA / BE / BRR through it.
// What is installed and why is described in ha-agent/kernel/mip6_xfrm.h.
#include "conf/config.h"
#include "ha-agent/daemon/daemon.h"
#include "ha-agent/daemon/daemon_kernel_io.h"
#include "ha-agent/daemon/security_setup.h"
#include "mip6/mh_codec.h"

namespace ha_agent {
namespace {

// Why this daemon cannot use the kernel backend ("" when it can), before
// anything is installed.
std::string kernel_backend_obstacle(const conf::Config& config, kernel::XfrmBackend* xfrm,
                                    const std::string& open_error) {
  if (config.harp)
    return "harp with packet_io kernel not supported in this version (HA-to-HA messages and the "
           "Home Agent Switch use the user-space ESP path)";
  if (config.ha_addresses.size() != 1)
    return "packet_io kernel supports exactly one ha_address in this version (" +
           std::to_string(config.ha_addresses.size()) + " configured)";
  if (!xfrm) return "no XFRM netlink socket: " + open_error;
  const auto& cap = xfrm->probe_esp();
  if (!cap.kernel_esp) return "no kernel IPv6 ESP (" + cap.message + ")";
  if (auto st = xfrm->probe_mip6(); !st)
    return "no kernel Mobile IPv6 (CONFIG_IPV6_MIP6: an XFRM hao state was refused: " +
           st.error().message + ")";
  return "";
}

crypto::SaParams kernel_sa(const conf::MobileNodeConfig& mn, const mip6::Ipv6Address& ha, bool inbound,
                           crypto::SecretBytes key) {
  crypto::SaParams p;
  p.spi = inbound ? mn.sa.spi_in : mn.sa.spi_out;
  p.direction = inbound ? crypto::SaDirection::kInbound : crypto::SaDirection::kOutbound;
  p.algorithm = mn.sa.algorithm;
  p.source = inbound ? mn.home_address : ha;  // RFC 3776 §4: SAs name the HoA
  p.destination = inbound ? ha : mn.home_address;
  p.key = std::move(key);
  p.extended_sequence_numbers = mn.sa.extended_sequence_numbers;
  p.replay_window = mn.sa.replay_window;
  return p;
}

}  // namespace

mip6::Result<std::string, std::string> Daemon::setup_kernel_io() {
  const auto wanted = config_.packet_io.backend;
  if (wanted == conf::PacketIoBackend::kPacket) return std::string("packet backend (configured)");
  auto opened = kernel::XfrmBackend::open();
  const std::string obstacle = kernel_backend_obstacle(
      config_, opened ? &*opened : nullptr, opened ? std::string() : opened.error().to_string());
  if (!obstacle.empty()) {
    if (wanted == conf::PacketIoBackend::kKernel)
      return mip6::fail("packet_io backend \"kernel\" cannot be used: " + obstacle);
    return "auto chose the packet backend: " + obstacle;
  }
  // From here on everything installed is removed by shutdown_kernel_io(),
  // also when a later step fails.
  kernel_io_ = std::make_unique<KernelSignalling>(std::move(opened).value());
  kernel::XfrmBackend& x = kernel_io_->xfrm;
  const mip6::Ipv6Address ha = config_.ha_addresses.front();
  for (const auto& mn : config_.mobile_nodes) {
    auto keys = load_sa_keys(mn.sa, SaRole::kHomeAgent);
    if (!keys) return mip6::fail("mobile node " + mn.home_address.to_string() + ": " + to_string(keys.error()));
    for (bool inbound : {true, false}) {
      auto key = inbound ? std::move(keys->in) : std::move(keys->out);
      if (auto st = x.install_sa(kernel_sa(mn, ha, inbound, std::move(key))); !st)
        return mip6::fail("packet_io kernel: " + st.error().to_string());
    }
    for (const auto& p : kernel::mobile_node_policies(ha, mn.home_address, mn.sa.spi_in))
      if (auto st = x.install_policy(p); !st) return mip6::fail("packet_io kernel: " + st.error().to_string());
    kernel_io_->spi_in_by_home_address[mn.home_address] = mn.sa.spi_in;
  }
  const auto base = kernel::home_agent_base_plan(ha);
  for (const auto& s : base.ro_states)
    if (auto st = x.install_ro_state(s); !st) return mip6::fail("packet_io kernel: " + st.error().to_string());
  for (const auto& p : base.policies)
    if (auto st = x.install_policy(p); !st) return mip6::fail("packet_io kernel: " + st.error().to_string());
  auto sock = io::KernelMhSocket::open(io_);
  if (!sock) return mip6::fail("packet_io kernel: " + sock.error());
  kernel_io_->socket = std::move(sock).value();
  std::string text = std::string(wanted == conf::PacketIoBackend::kAuto ? "auto chose the " : "") +
                     "kernel backend: raw Mobility Header socket, " +
                     x.capability()->message + ", kernel Mobile IPv6 (hao state); " +
                     std::to_string(config_.mobile_nodes.size()) + " mobile nodes' SAs and policies in XFRM";
  return text;
}

void Daemon::start_kernel_io() {
  if (!kernel_io_ || !kernel_io_->socket) return;
  kernel_io_->socket->start([this](const io::MhDelivery& d) { on_kernel_mh(d); });
}

void Daemon::on_kernel_mh(const io::MhDelivery& d) {
  ReceivePath::KernelDelivered k;
  // The kernel swapped the Home Address option into the source field.
  if (d.care_of_address) {
    k.source = *d.care_of_address;
    k.home_address = d.source;
  } else {
    k.source = d.source;
  }
  k.destination = d.destination;
  k.mh = d.mh;
  k.ifindex = d.ifindex;
  // Only sources with our per-HoA policy are guaranteed to have come through
  // their ESP SA; anything else reached the socket unprotected (spi 0).
  if (auto it = kernel_io_->spi_in_by_home_address.find(d.source);
      it != kernel_io_->spi_in_by_home_address.end())
    k.spi = it->second;
  on_received(rx_->process_kernel(k, Clock::now()));
}

void Daemon::send_kernel(const Outbound& out, const char* what) {
  auto tx_error = [&](const char* reason, const std::string& detail) {
    count_tx_error(reason, what, out.final_destination, detail);
  };
  if (out.tunnel) return tx_error("framing", "tunnelled messages need the packet backend");
  tx_buffer_.clear();
  if (auto st = mip6::encode_mobility_header(*out.message, out.source, out.final_destination, tx_buffer_,
                                             mip6::HarpNumbers{});
      !st)
    return tx_error("encode", st.error().to_string());
  // ESP by the kernel's outbound policy; RFC 6275 §6.4: RH2 via the CoA.
  if (auto ec = kernel_io_->socket->send(tx_buffer_, out.source, out.final_destination, out.care_of_address);
      ec) {
    HA_LOG(log_io_, kWarning) << "sending " << what << " to " << out.final_destination.to_string()
                              << " (kernel backend): " << ec.message();
    return;
  }
  count_sent(what);
}

void Daemon::shutdown_kernel_io() {
  if (!kernel_io_) return;
  if (kernel_io_->socket) kernel_io_->socket->stop();
  if (auto st = kernel_io_->xfrm.remove_all_installed(); !st)
    HA_LOG(log_kernel_, kWarning) << "removing XFRM state of the kernel backend: " << st.error().to_string();
  else
    HA_LOG(log_kernel_, kInfo) << "removed the kernel backend's XFRM SAs, policies and hao state";
  kernel_io_.reset();
}

}  // namespace ha_agent
