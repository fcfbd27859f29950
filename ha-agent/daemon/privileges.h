// Least privilege for the daemon (issue #7, docs/operations.md
// "Privileges"). Once every socket, netlink handle, the nftables table, the
// TUN device and the admin socket are open, the daemon switches to the
// configured user and keeps only what it still needs at run time:
// CAP_NET_ADMIN (routes, proxy NDP, XFRM, the sysctl restore and the nft
// table removal at shutdown) and CAP_NET_RAW (sending on the raw and
// AF_PACKET sockets already open), both effective and permitted, nothing
// inheritable or ambient, the bounding set reduced to the two, and
// PR_SET_NO_NEW_PRIVS set, so nothing it could ever execute regains more.
// Uses libcap (capabilities(7), cap_set_proc(3), cap_drop_bound(3)).
#pragma once

#include <sys/types.h>

#include <string>

#include "conf/config.h"
#include "mip6/result.h"

namespace ha_agent {

// The user and group names resolved to ids.
struct RunAs {
  std::string user;
  uid_t uid = 0;
  std::string group;
  gid_t gid = 0;
};

// Looks the names of the `privileges` section up (getpwnam_r/getgrnam_r).
// Errors name the field: "privileges.user: no such user 'x'".
mip6::Result<RunAs, std::string> resolve_run_as(const conf::PrivilegesConfig& config);

// Switches the whole process (one thread) to `who`, keeping only
// CAP_NET_ADMIN and CAP_NET_RAW, and checks the result (uid 0 cannot be
// regained, the capability sets are exactly the two). Needs root (or
// CAP_SETUID, CAP_SETGID and CAP_SETPCAP). Any failure is an error: the
// daemon must not go on half-dropped.
mip6::Status<std::string> drop_privileges(const RunAs& who);

// "uid 65534 gid 65534 CapEff=cap_net_admin,cap_net_raw" for the log.
std::string credentials_text();

}  // namespace ha_agent
