#include "ha-agent/daemon/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace ha_agent {
namespace {

constexpr cap_value_t kKept[] = {CAP_NET_ADMIN, CAP_NET_RAW};

bool kept(cap_value_t c) {
  for (auto k : kKept)
    if (k == c) return true;
  return false;
}

std::string err(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

struct CapFree {
  void operator()(cap_t c) const { cap_free(c); }
};
using CapPtr = std::unique_ptr<std::remove_pointer_t<cap_t>, CapFree>;

std::string cap_text(cap_t caps) {
  ssize_t n = 0;
  char* t = cap_to_text(caps, &n);
  if (!t) return "?";
  std::string s(t, static_cast<std::size_t>(n));
  cap_free(t);
  return s;
}

// The exact state we promise: the two kept capabilities effective and
// permitted, nothing inheritable, nothing ambient.
mip6::Status<std::string> verify(const RunAs& who) {
  if (::getuid() != who.uid || ::geteuid() != who.uid || ::getgid() != who.gid ||
      ::getegid() != who.gid)
    return mip6::fail(std::string("privileges: ids did not change as asked"));
  if (who.uid != 0 && ::setuid(0) == 0)
    return mip6::fail(std::string("privileges: uid 0 could be regained after the switch"));
  CapPtr want(cap_init());
  if (!want || cap_set_flag(want.get(), CAP_EFFECTIVE, 2, kKept, CAP_SET) != 0 ||
      cap_set_flag(want.get(), CAP_PERMITTED, 2, kKept, CAP_SET) != 0)
    return mip6::fail(err("privileges: cap_set_flag"));
  CapPtr have(cap_get_proc());
  if (!have) return mip6::fail(err("privileges: cap_get_proc"));
  if (cap_compare(want.get(), have.get()) != 0)
    return mip6::fail("privileges: capabilities are '" + cap_text(have.get()) + "', expected '" +
                      cap_text(want.get()) + "'");
  for (cap_value_t c = 0; c < static_cast<cap_value_t>(cap_max_bits()); ++c) {
    if (cap_get_ambient(c) == 1)
      return mip6::fail("privileges: ambient capability " + std::to_string(c) + " left");
    if (!kept(c) && cap_get_bound(c) == 1)
      return mip6::fail("privileges: capability " + std::to_string(c) +
                        " left in the bounding set");
  }
  return mip6::Ok{};
}

}  // namespace

mip6::Result<RunAs, std::string> resolve_run_as(const conf::PrivilegesConfig& config) {
  RunAs out;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* p = nullptr;
  int rc = ::getpwnam_r(config.user.c_str(), &pw, buf.data(), buf.size(), &p);
  if (rc != 0)
    return mip6::fail("privileges.user: cannot look up user '" + config.user +
                      "': " + std::strerror(rc));
  if (!p) return mip6::fail("privileges.user: no such user '" + config.user + "'");
  out.user = config.user;
  out.uid = p->pw_uid;
  out.gid = p->pw_gid;
  group gr{};
  group* g = nullptr;
  if (config.group) {
    rc = ::getgrnam_r(config.group->c_str(), &gr, buf.data(), buf.size(), &g);
    if (rc != 0)
      return mip6::fail("privileges.group: cannot look up group '" + *config.group +
                        "': " + std::strerror(rc));
    if (!g) return mip6::fail("privileges.group: no such group '" + *config.group + "'");
    out.group = *config.group;
    out.gid = g->gr_gid;
  } else {
    rc = ::getgrgid_r(out.gid, &gr, buf.data(), buf.size(), &g);
    out.group = (rc == 0 && g) ? std::string(g->gr_name) : std::to_string(out.gid);
  }
  return out;
}

mip6::Status<std::string> drop_privileges(const RunAs& who) {
  // capset() changes the calling thread only: a second thread would keep
  // every capability. The daemon is one event loop thread (DESIGN.md §1).
  std::size_t threads = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/task", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++threads;
  if (ec) return mip6::fail("privileges: /proc/self/task: " + ec.message());
  if (threads != 1)
    return mip6::fail("privileges: the process has " + std::to_string(threads) +
                      " threads; capabilities can only be dropped with one");
  // 1. Keep the permitted set across the uid change (capabilities(7),
  //    "Effect of user ID changes"); cleared again below.
  if (::prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) != 0)
    return mip6::fail(err("prctl(PR_SET_KEEPCAPS)"));
  // 2. Bounding set: while we still hold CAP_SETPCAP.
  for (cap_value_t c = 0; c < static_cast<cap_value_t>(cap_max_bits()); ++c) {
    if (kept(c) || cap_get_bound(c) != 1) continue;
    if (cap_drop_bound(c) != 0) return mip6::fail(err("cap_drop_bound(" + std::to_string(c) + ")"));
  }
  // 3. Groups, then the user (group first: setgid needs the privilege the
  //    uid change takes away). Supplementary groups: only the chosen one.
  if (::setgroups(1, &who.gid) != 0) return mip6::fail(err("setgroups(" + who.group + ")"));
  if (::setresgid(who.gid, who.gid, who.gid) != 0)
    return mip6::fail(err("setresgid(" + who.group + ")"));
  if (::setresuid(who.uid, who.uid, who.uid) != 0)
    return mip6::fail(err("setresuid(" + who.user + ")"));
  // 4. Exactly the two capabilities, effective and permitted; nothing
  //    inheritable; no ambient set.
  CapPtr caps(cap_init());
  if (!caps || cap_set_flag(caps.get(), CAP_EFFECTIVE, 2, kKept, CAP_SET) != 0 ||
      cap_set_flag(caps.get(), CAP_PERMITTED, 2, kKept, CAP_SET) != 0)
    return mip6::fail(err("cap_set_flag"));
  if (cap_set_proc(caps.get()) != 0) return mip6::fail(err("cap_set_proc"));
  if (cap_reset_ambient() != 0) return mip6::fail(err("cap_reset_ambient"));
  if (::prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) != 0)
    return mip6::fail(err("prctl(PR_SET_KEEPCAPS, 0)"));
  // 5. Nothing executed later (nft) can gain privileges through set-user-ID
  //    bits or file capabilities.
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0)
    return mip6::fail(err("prctl(PR_SET_NO_NEW_PRIVS)"));
  return verify(who);
}

std::string credentials_text() {
  std::string s = "uid " + std::to_string(::geteuid()) + " gid " + std::to_string(::getegid());
  CapPtr caps(cap_get_proc());
  if (caps) s += " capabilities '" + cap_text(caps.get()) + "'";
  if (::prctl(PR_GET_NO_NEW_PRIVS, 0L, 0L, 0L, 0L) == 1) s += " no_new_privs";
  return s;
}

}  // namespace ha_agent
