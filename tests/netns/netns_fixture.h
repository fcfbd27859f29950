// Fixture for tests that program the kernel: every test runs in a fresh
// network namespace of its own (unshare(CLONE_NEWNET)), so nothing leaks into
// the host or into other tests. Needs root; without it, or when unshare
// fails, the test is skipped with the reason (a skip is not a pass).
// Helpers build a small topology with libnl and run `ip` for cross-checks.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace netns {

class NetnsTest : public ::testing::Test {
 protected:
  void SetUp() override;
};

// Brings a link up; "" on success, else the error text.
std::string set_link_up(const std::string& ifname);
// Creates a veth pair in the current namespace (both ends up).
std::string create_veth(const std::string& a, const std::string& b);
// Adds an IPv6 address ("fd00:12::1/64") without DAD.
std::string add_address(const std::string& ifname, const std::string& prefix);
// Output of a shell command (stdout+stderr) run in this namespace.
std::string run(const std::string& command);
// True when the `ip` tool is available for cross-checks.
bool have_ip_tool();

}  // namespace netns
