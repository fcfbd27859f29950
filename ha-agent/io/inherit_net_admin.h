// InheritNetAdmin: lets one helper program started by the daemon (the `nft`
// command of NftGuard) keep CAP_NET_ADMIN after the daemon dropped to an
// unprivileged user (docs/operations.md, "Privileges"). A program started
// by a non-root process loses every capability at execve() unless it is in
// the ambient set (capabilities(7)); the daemon itself keeps its ambient
// set empty, so this raises CAP_NET_ADMIN into the inheritable and ambient
// sets only while the object lives (around one posix_spawn on the single
// event loop thread) and clears both again. As root, or without
// CAP_NET_ADMIN, it does nothing.
#pragma once

namespace ha_agent::io {

class InheritNetAdmin {
 public:
  InheritNetAdmin();
  ~InheritNetAdmin();
  InheritNetAdmin(const InheritNetAdmin&) = delete;
  InheritNetAdmin& operator=(const InheritNetAdmin&) = delete;
  bool raised() const { return raised_; }

 private:
  bool raised_ = false;
};

}  // namespace ha_agent::io
