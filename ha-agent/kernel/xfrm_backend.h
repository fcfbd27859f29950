// XfrmBackend: installs, updates and removes kernel ESP transport-mode SAs
// and security policies over NETLINK_XFRM with libnl-xfrm (issue #3,
// DESIGN.md §4). At start-up it probes whether this kernel can do IPv6 ESP
// with the configured algorithms (a throwaway SA, deleted at once) and
// remembers the answer: without kernel ESP it refuses every policy that
// requires ESP, because such a policy silently black-holes the daemon's own
// packets (interop.md §4). Everything it installed can be removed again with
// remove_all_installed(). Errors are KernelError values with the kernel's
// errno and extended-ack text; nothing throws.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "crypto/sa.h"
#include "ha-agent/kernel/esp_transform.h"
#include "ha-agent/kernel/kernel_error.h"
#include "ha-agent/kernel/mip6_xfrm.h"
#include "ha-agent/kernel/netlink_socket.h"
#include "ha-agent/kernel/xfrm_policy.h"

namespace kernel {

struct AlgorithmProbe {
  crypto::EspAlgorithm algorithm = crypto::EspAlgorithm::kAesGcm128;
  std::string kernel_name;  // "rfc4106(gcm(aes))", "cbc(aes)+hmac(sha256)"
  bool accepted = false;
  std::string detail;  // why it was refused (errno text + kernel message)
};

// Which ESP path the daemon uses, and why.
struct EspCapability {
  bool kernel_esp = false;
  // "kernel ESP: kernel accepted rfc4106(gcm(aes)), ..." or
  // "user-space ESP: kernel refused rfc4106(gcm(aes)): <errno text> ..."
  std::string message;
  std::vector<AlgorithmProbe> algorithms;
};

// An SA as dumped from the kernel (keys are never read back).
struct InstalledSa {
  std::uint32_t spi = 0;
  mip6::Ipv6Address source;
  mip6::Ipv6Address destination;
  std::uint8_t protocol = 0;  // 50 for ESP
  bool transport_mode = false;
};

class XfrmBackend {
 public:
  static constexpr std::array<crypto::EspAlgorithm, 2> kDefaultProbeAlgorithms = {
      crypto::EspAlgorithm::kAesGcm128, crypto::EspAlgorithm::kAesCbc128HmacSha256};

  static KernelResult<XfrmBackend> open();

  // Tries one throwaway transport SA per algorithm (discard prefix 100::/64,
  // RFC 6666), deletes it, stores and returns the capability. Kernel ESP
  // counts as available only when every listed algorithm was accepted.
  const EspCapability& probe_esp(
      std::span<const crypto::EspAlgorithm> algorithms = kDefaultProbeAlgorithms);
  const std::optional<EspCapability>& capability() const { return capability_; }

  // ESP transport SA (RFC 4303) from SaParams. install fails with kExists
  // when (SPI, destination) is taken; update replaces it.
  KernelStatus install_sa(const crypto::SaParams& p);
  KernelStatus update_sa(const crypto::SaParams& p);
  KernelResult<ChangeOutcome> remove_sa(std::uint32_t spi, const mip6::Ipv6Address& destination);

  // Policies. install fails with kExists when selector+direction is taken;
  // update replaces it (or creates it). Policies with kRequireEsp are
  // refused with kEspUnavailable unless probe_esp() found kernel ESP.
  KernelStatus install_policy(const XfrmPolicy& p);
  KernelStatus update_policy(const XfrmPolicy& p);
  KernelResult<ChangeOutcome> remove_policy(const XfrmSelector& s, PolicyDirection d);

  // Mobile IPv6 route-optimization states (mip6_xfrm.cc). install fails
  // with kExists when (proto, src, dst) is taken, kProtocolUnavailable on a
  // kernel without CONFIG_IPV6_MIP6.
  KernelStatus install_ro_state(const XfrmRoState& s);
  KernelResult<ChangeOutcome> remove_ro_state(const XfrmRoState& s);
  // Whether this kernel has Mobile IPv6 XFRM types: a throwaway `hao`
  // state on the RFC 6666 discard prefix, deleted at once. The error says
  // what the kernel answered (e.g. "Requested type not found").
  KernelStatus probe_mip6();

  // IPv6 entries of the kernel SPD / SAD (all of them, not only ours).
  KernelResult<std::vector<InstalledPolicy>> dump_policies();
  KernelResult<std::vector<InstalledSa>> dump_sas();

  // Removes every SA, policy and RO state this object installed; keeps going after
  // an error and returns the first one. Entries already gone are fine.
  KernelStatus remove_all_installed();

 private:
  explicit XfrmBackend(NetlinkSocket s) : sock_(std::move(s)) {}
  KernelStatus send_sa(const crypto::SaParams& p, bool update);
  KernelStatus send_policy(const XfrmPolicy& p, bool update);
  KernelStatus check_esp_allowed(const XfrmPolicy& p) const;

  NetlinkSocket sock_;
  std::optional<EspCapability> capability_;
  std::set<std::pair<XfrmSelector, PolicyDirection>> policies_;
  std::set<std::pair<std::uint32_t, mip6::Ipv6Address>> sas_;
  std::set<XfrmRoState> ro_states_;
};

}  // namespace kernel
