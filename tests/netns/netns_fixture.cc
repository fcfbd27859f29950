#include "netns_fixture.h"

#include <fcntl.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/socket.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace netns {
namespace {

struct Sock {
  nl_sock* s = nl_socket_alloc();
  Sock() {
    if (s != nullptr && nl_connect(s, NETLINK_ROUTE) < 0) {
      nl_socket_free(s);
      s = nullptr;
    }
  }
  ~Sock() {
    if (s != nullptr) nl_socket_free(s);
  }
};

void write_file(const char* path, const char* value) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)!::write(fd, value, std::strlen(value));
  ::close(fd);
}

}  // namespace

void NetnsTest::SetUp() {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root (CAP_SYS_ADMIN + CAP_NET_ADMIN) to unshare a network namespace";
  }
  if (::unshare(CLONE_NEWNET) != 0) {
    GTEST_SKIP() << "unshare(CLONE_NEWNET) failed: " << std::strerror(errno);
  }
  // New links in this namespace skip DAD, so addresses are usable at once.
  write_file("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
  write_file("/proc/sys/net/ipv6/conf/all/accept_dad", "0");
  ASSERT_EQ(set_link_up("lo"), "");
}

std::string set_link_up(const std::string& ifname) {
  Sock sock;
  if (sock.s == nullptr) return "netlink socket";
  rtnl_link* link = nullptr;
  int rc = rtnl_link_get_kernel(sock.s, 0, ifname.c_str(), &link);
  if (rc < 0) return std::string("get link ") + ifname + ": " + nl_geterror(rc);
  rtnl_link* change = rtnl_link_alloc();
  rtnl_link_set_flags(change, IFF_UP);
  rc = rtnl_link_change(sock.s, link, change, 0);
  rtnl_link_put(change);
  rtnl_link_put(link);
  if (rc < 0) return std::string("set up ") + ifname + ": " + nl_geterror(rc);
  return "";
}

std::string create_veth(const std::string& a, const std::string& b) {
  Sock sock;
  if (sock.s == nullptr) return "netlink socket";
  int rc = rtnl_link_veth_add(sock.s, a.c_str(), b.c_str(), ::getpid());
  if (rc < 0) return std::string("veth add: ") + nl_geterror(rc);
  if (auto e = set_link_up(a); !e.empty()) return e;
  return set_link_up(b);
}

std::string add_address(const std::string& ifname, const std::string& prefix) {
  Sock sock;
  if (sock.s == nullptr) return "netlink socket";
  nl_addr* local = nullptr;
  int rc = nl_addr_parse(prefix.c_str(), AF_INET6, &local);
  if (rc < 0) return "bad prefix " + prefix;
  rtnl_addr* a = rtnl_addr_alloc();
  rtnl_addr_set_ifindex(a, static_cast<int>(if_nametoindex(ifname.c_str())));
  rtnl_addr_set_local(a, local);
  rtnl_addr_set_flags(a, IFA_F_NODAD);
  rc = rtnl_addr_add(sock.s, a, 0);
  rtnl_addr_put(a);
  nl_addr_put(local);
  if (rc < 0) return "address add " + prefix + ": " + nl_geterror(rc);
  return "";
}

std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return out;
  char buf[512];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

bool have_ip_tool() {
  return run("ip -V").find("iproute2") != std::string::npos;
}

}  // namespace netns
