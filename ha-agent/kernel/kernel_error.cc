#include "ha-agent/kernel/kernel_error.h"

#include <cerrno>
#include <system_error>

namespace kernel {

std::string_view to_string(KernelErrc c) {
  switch (c) {
    case KernelErrc::kSocket:
      return "netlink-socket";
    case KernelErrc::kPermissionDenied:
      return "permission-denied";
    case KernelErrc::kInvalidArgument:
      return "invalid-argument";
    case KernelErrc::kNoSuchInterface:
      return "no-such-interface";
    case KernelErrc::kExists:
      return "exists";
    case KernelErrc::kNotFound:
      return "not-found";
    case KernelErrc::kAlgorithmUnavailable:
      return "algorithm-unavailable";
    case KernelErrc::kProtocolUnavailable:
      return "protocol-unavailable";
    case KernelErrc::kEspUnavailable:
      return "esp-unavailable";
    case KernelErrc::kSysctl:
      return "sysctl";
    case KernelErrc::kNetlink:
      return "netlink";
  }
  return "unknown";
}

std::string KernelError::to_string() const {
  std::string s(kernel::to_string(code));
  s += ": ";
  s += message;
  return s;
}

std::string_view to_string(ChangeOutcome o) {
  switch (o) {
    case ChangeOutcome::kApplied:
      return "applied";
    case ChangeOutcome::kAlreadyPresent:
      return "already present";
    case ChangeOutcome::kWasAbsent:
      return "was absent";
  }
  return "unknown";
}

KernelErrc errc_from_errno(int e) {
  switch (e) {
    case EPERM:
    case EACCES:
      return KernelErrc::kPermissionDenied;
    case EEXIST:
      return KernelErrc::kExists;
    case ENOENT:
    case ESRCH:
      return KernelErrc::kNotFound;
    case ENODEV:
    case ENXIO:
      return KernelErrc::kNoSuchInterface;
    // xfrm_user: attach_aead()/attach_one_algo() answer ENOSYS when the
    // crypto API has no such algorithm; xfrm_init_state() answers
    // EPROTONOSUPPORT when the XFRM type (esp6, route2, hao) is missing.
    case ENOSYS:
      return KernelErrc::kAlgorithmUnavailable;
    case EPROTONOSUPPORT:
      return KernelErrc::kProtocolUnavailable;
    case EINVAL:
      return KernelErrc::kInvalidArgument;
    default:
      return KernelErrc::kNetlink;
  }
}

std::string errno_text(int e) {
  return std::error_code(e, std::generic_category()).message();
}

}  // namespace kernel
