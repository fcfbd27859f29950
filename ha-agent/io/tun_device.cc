#include "ha-agent/io/tun_device.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ha_agent::io {
namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

TunDevice::TunDevice(boost::asio::io_context& io, int fd, std::string name, int ifindex)
    : fd_(io, fd), name_(std::move(name)), ifindex_(ifindex), buf_(65536) {}

TunDevice::~TunDevice() { stop(); }

mip6::Result<std::unique_ptr<TunDevice>, std::string> TunDevice::open(boost::asio::io_context& io,
                                                                      const std::string& name,
                                                                      int mtu) {
  if (name.empty() || name.size() >= IFNAMSIZ) return mip6::fail("bad tunnel device name '" + name + "'");
  int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return mip6::fail(errno_text("/dev/net/tun"));
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
    auto e = errno_text("TUNSETIFF " + name);
    ::close(fd);
    return mip6::fail(e);
  }
  int s = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    ::close(fd);
    return mip6::fail(errno_text("socket"));
  }
  ifreq req{};
  std::strncpy(req.ifr_name, name.c_str(), IFNAMSIZ - 1);
  req.ifr_mtu = mtu;
  std::string err;
  if (::ioctl(s, SIOCSIFMTU, &req) < 0) err = errno_text("set MTU of " + name);
  if (err.empty() && ::ioctl(s, SIOCGIFFLAGS, &req) < 0) err = errno_text("flags of " + name);
  req.ifr_flags |= IFF_UP;
  if (err.empty() && ::ioctl(s, SIOCSIFFLAGS, &req) < 0) err = errno_text("bring up " + name);
  if (err.empty() && ::ioctl(s, SIOCGIFINDEX, &req) < 0) err = errno_text("index of " + name);
  ::close(s);
  if (!err.empty()) {
    ::close(fd);
    return mip6::fail(err);
  }
  return std::unique_ptr<TunDevice>(new TunDevice(io, fd, name, req.ifr_ifindex));
}

void TunDevice::start(Handler handler) {
  handler_ = std::move(handler);
  running_ = true;
  arm();
}

void TunDevice::stop() {
  running_ = false;
  boost::system::error_code ec;
  fd_.cancel(ec);
}

void TunDevice::arm() {
  fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                 [this](const boost::system::error_code& ec) {
                   if (ec || !running_) return;
                   for (int i = 0; i < 64 && running_; ++i) {
                     ssize_t n = ::read(fd_.native_handle(), buf_.data(), buf_.size());
                     if (n <= 0) break;
                     if (handler_) handler_(std::span<const std::uint8_t>(buf_.data(), n));
                   }
                   if (running_) arm();
                 });
}

std::error_code TunDevice::write(std::span<const std::uint8_t> p) {
  if (::write(fd_.native_handle(), p.data(), p.size()) < 0) return {errno, std::generic_category()};
  return {};
}

}  // namespace ha_agent::io
