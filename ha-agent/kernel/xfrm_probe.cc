// XfrmBackend::probe_esp(): decides between kernel ESP and user-space ESP
// (DESIGN.md §4) by asking the kernel to build a real SA.
#include <cerrno>

#include "ha-agent/kernel/xfrm_backend.h"

namespace kernel {
namespace {

// RFC 6666 discard-only prefix: no real peer ever uses these addresses.
constexpr mip6::Ipv6Address::Bytes kProbeSource = {0x01, 0, 0, 0, 0, 0, 0, 0,
                                                   0,    0, 0, 0, 0, 0, 0, 1};
constexpr mip6::Ipv6Address::Bytes kProbeDestination = {0x01, 0, 0, 0, 0, 0, 0, 0,
                                                        0,    0, 0, 0, 0, 0, 0, 2};
constexpr std::uint32_t kProbeSpiBase = 0x48410f00;  // "HA" + probe number

}  // namespace

const EspCapability& XfrmBackend::probe_esp(std::span<const crypto::EspAlgorithm> algorithms) {
  EspCapability cap;
  std::string accepted;
  std::string refused;
  std::uint32_t n = 0;
  for (crypto::EspAlgorithm alg : algorithms) {
    const EspTransform t = esp_transform(alg);
    AlgorithmProbe probe;
    probe.algorithm = alg;
    probe.kernel_name = t.describe();

    crypto::SaParams p;
    p.spi = kProbeSpiBase + n++;
    p.direction = crypto::SaDirection::kInbound;
    p.algorithm = alg;
    p.source = mip6::Ipv6Address(kProbeSource);
    p.destination = mip6::Ipv6Address(kProbeDestination);
    p.key = crypto::SecretBytes(t.key_octets());  // zeros: never used for traffic
    p.replay_window = 32;

    auto st = install_sa(p);
    if (st) {
      probe.accepted = true;
      if (auto r = remove_sa(p.spi, p.destination); !r) {
        probe.detail = "probe SA left behind: " + r.error().message;
      }
    } else if (st.error().sys_errno == EEXIST) {
      // xfrm_add_sa() builds the state (and so checks the algorithms)
      // before it looks for duplicates: EEXIST means the kernel accepted
      // them. The existing SA is not ours; leave it alone.
      probe.accepted = true;
      probe.detail = "probe SPI in use; algorithms accepted";
    } else {
      probe.accepted = false;
      probe.detail = st.error().sys_errno != 0 ? sock_.describe_last_error() : st.error().message;
    }
    if (probe.accepted) {
      accepted += (accepted.empty() ? "" : ", ") + probe.kernel_name;
    } else {
      refused += (refused.empty() ? "" : "; ") + probe.kernel_name + ": " + probe.detail;
    }
    cap.algorithms.push_back(std::move(probe));
  }
  cap.kernel_esp = !cap.algorithms.empty() && refused.empty();
  if (cap.kernel_esp) {
    cap.message = "kernel ESP: kernel accepted " + accepted;
  } else if (cap.algorithms.empty()) {
    cap.message = "user-space ESP: no algorithm to probe";
  } else {
    cap.message = "user-space ESP: kernel refused " + refused;
  }
  capability_ = std::move(cap);
  return *capability_;
}

}  // namespace kernel
