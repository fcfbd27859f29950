// ServiceNotifier speaks systemd's notification protocol (sd_notify(3)) to
// the socket named by NOTIFY_SOCKET, and is silent without it. The test
// binds its own AF_UNIX datagram socket in place of systemd's.
#include "ha-agent/daemon/service_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace ha_agent {
namespace {

class NotifySocket {
 public:
  NotifySocket() {
    path_ = std::filesystem::temp_directory_path() / ("ha-notify-" + std::to_string(::getpid()));
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path_.c_str());
    ::unlink(path_.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  std::string receive() {
    char buf[1024];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  bool nothing_pending() {
    char buf[16];
    return ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT) < 0;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

TEST(ServiceNotify, ReadyReloadingStoppingStatus) {
  NotifySocket sock;
  boost::asio::io_context io;
  ServiceNotifier n(io);
  ASSERT_TRUE(n.enabled());
  n.ready("serving 3 mobile nodes\non fd00::1");
  EXPECT_EQ(sock.receive(), "READY=1\nMAINPID=" + std::to_string(::getpid()) +
                                "\nSTATUS=serving 3 mobile nodes on fd00::1");
  n.reloading("reloading");
  const auto r = sock.receive();
  EXPECT_EQ(r.rfind("RELOADING=1\nMONOTONIC_USEC=", 0), 0u) << r;
  EXPECT_NE(r.find("\nSTATUS=reloading"), std::string::npos) << r;
  n.status("3 bindings");
  EXPECT_EQ(sock.receive(), "STATUS=3 bindings");
  n.stopping("bye");
  EXPECT_EQ(sock.receive(), "STOPPING=1\nSTATUS=bye");
  n.stopping("again");  // once only
  EXPECT_TRUE(sock.nothing_pending());
}

TEST(ServiceNotify, WatchdogKeepAlivesFromTheLoop) {
  NotifySocket sock;
  ::setenv("WATCHDOG_USEC", "100000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  boost::asio::io_context io;
  ServiceNotifier n(io);
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  ASSERT_EQ(n.watchdog_interval(), std::chrono::microseconds(100000));
  n.ready("up");
  EXPECT_EQ(sock.receive().rfind("READY=1", 0), 0u);
  io.run_one();  // the keep-alive timer
  EXPECT_EQ(sock.receive(), "WATCHDOG=1");
  n.stopping("down");
  EXPECT_EQ(sock.receive().rfind("STOPPING=1", 0), 0u);
  io.run();  // the timer was cancelled: nothing more is sent
  EXPECT_TRUE(sock.nothing_pending());
}

TEST(ServiceNotify, SilentWithoutNotifySocket) {
  ::unsetenv("NOTIFY_SOCKET");
  boost::asio::io_context io;
  ServiceNotifier n(io);
  EXPECT_FALSE(n.enabled());
  n.ready("x");
  n.stopping("y");
  EXPECT_FALSE(n.watchdog_interval().has_value());
}

}  // namespace
}  // namespace ha_agent
