#include "ha-agent/io/nft_guard.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ha-agent/io/inherit_net_admin.h"

extern char** environ;

namespace ha_agent::io {

mip6::Status<std::string> run_nft(const std::string& script) {
  int in[2], err[2];
  if (::pipe2(in, O_CLOEXEC) < 0) return mip6::fail(std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(err, O_CLOEXEC) < 0) {
    ::close(in[0]), ::close(in[1]);
    return mip6::fail(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawn_file_actions_adddup2(&fa, err[1], 1);
  char arg0[] = "nft", arg1[] = "-f", arg2[] = "-";
  char* argv[] = {arg0, arg1, arg2, nullptr};
  pid_t pid;
  int rc;
  {
    // After the privilege drop nft must still get CAP_NET_ADMIN (removing
    // the table at shutdown): only for this one spawn.
    InheritNetAdmin keep;
    rc = posix_spawnp(&pid, "nft", &fa, nullptr, argv, environ);
  }
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]), ::close(err[0]);
    return mip6::fail(std::string("cannot run nft (install the nftables package): ") +
                      std::strerror(rc));
  }
  std::size_t off = 0;
  while (off < script.size()) {
    ssize_t n = ::write(in[1], script.data() + off, script.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  ::close(in[1]);
  std::string output;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(err[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(err[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    while (!output.empty() && output.back() == '\n') output.pop_back();
    return mip6::fail("nft failed: " + (output.empty() ? std::string("(no message)") : output));
  }
  return mip6::Ok{};
}

std::string NftGuard::ruleset(const std::string& table,
                              const std::vector<mip6::Ipv6Address>& addrs) {
  std::string set;
  for (std::size_t i = 0; i < addrs.size(); ++i) set += (i ? ", " : "") + addrs[i].to_string();
  // "add table" then "delete table" makes the script idempotent: a table left
  // behind by a crashed instance is replaced, not duplicated.
  std::string s = "add table ip6 " + table + "\ndelete table ip6 " + table + "\n";
  s += "table ip6 " + table + " {\n";
  s += "  chain input {\n";
  s += "    type filter hook input priority -300; policy accept;\n";
  if (!addrs.empty())
    s += "    ip6 daddr { " + set +
         " } meta l4proto { 41, 50, 135 } counter drop comment \"handled by ha-agent in user space\"\n";
  s += "  }\n}\n";
  return s;
}

mip6::Result<NftGuard, std::string> NftGuard::install(const std::string& table,
                                                      const std::vector<mip6::Ipv6Address>& addrs) {
  auto st = run_nft(ruleset(table, addrs));
  if (!st) return mip6::fail(st.error());
  return NftGuard(table);
}

NftGuard::~NftGuard() {
  if (!table_.empty()) (void)run_nft("delete table ip6 " + table_ + "\n");
}

}  // namespace ha_agent::io
