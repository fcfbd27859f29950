// KernelError: the named error every kernel-state backend (XFRM, routes,
// proxy NDP, sysctls) returns instead of throwing. It carries the errno the
// kernel answered with and a human message that includes the netlink
// extended-ack text when the kernel gave one ("Requested AEAD algorithm not
// found."). ChangeOutcome says whether an idempotent change did something.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mip6/result.h"

namespace kernel {

enum class KernelErrc : std::uint8_t {
  kSocket,                // netlink socket could not be opened or connected
  kPermissionDenied,      // EPERM / EACCES: no CAP_NET_ADMIN
  kInvalidArgument,       // rejected by our own validation before any syscall
  kNoSuchInterface,       // interface name unknown in this namespace
  kExists,                // the object exists and the call was not idempotent
  kNotFound,              // the object does not exist (where that is an error)
  kAlgorithmUnavailable,  // kernel lacks the cipher / AEAD / auth algorithm
  kProtocolUnavailable,   // kernel lacks the XFRM type (no esp6, no MIP6)
  kEspUnavailable,        // refused by the API: kernel ESP not available (interop.md §4)
  kSysctl,                // /proc/sys read or write failed
  kNetlink,               // any other netlink failure
};

std::string_view to_string(KernelErrc c);

struct KernelError {
  KernelErrc code = KernelErrc::kNetlink;
  int sys_errno = 0;    // errno from the kernel or libc; 0 when none applies
  std::string message;  // what was attempted and why it failed

  // "<code>: <message>", e.g. "algorithm-unavailable: install SA ...".
  std::string to_string() const;
};

template <class T>
using KernelResult = mip6::Result<T, KernelError>;
using KernelStatus = mip6::Status<KernelError>;

// Outcome of an idempotent add or remove.
enum class ChangeOutcome : std::uint8_t {
  kApplied,         // the kernel state changed
  kAlreadyPresent,  // add: the entry existed already (EEXIST is not an error)
  kWasAbsent,       // remove: nothing to remove (reported, harmless)
};
std::string_view to_string(ChangeOutcome o);

// Maps a kernel errno to the closest named error code.
KernelErrc errc_from_errno(int sys_errno);
// strerror text for an errno, thread-safe.
std::string errno_text(int sys_errno);

inline mip6::Unexpected<KernelError> kernel_fail(KernelErrc code, std::string message,
                                                 int sys_errno = 0) {
  return mip6::fail(KernelError{code, sys_errno, std::move(message)});
}

}  // namespace kernel
