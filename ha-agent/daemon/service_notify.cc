#include "ha-agent/daemon/service_notify.h"

#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace ha_agent {
namespace {

// STATUS= is one line: no newlines inside.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

}  // namespace

ServiceNotifier::ServiceNotifier(boost::asio::io_context& io) : watchdog_timer_(io) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket && *socket;
  std::uint64_t usec = 0;
  // sd_watchdog_enabled(3): > 0 when WATCHDOG_USEC (and WATCHDOG_PID, if
  // set) are meant for this process.
  if (enabled_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    watchdog_ = std::chrono::microseconds(usec);
}

void ServiceNotifier::send(const std::string& message) {
  if (!enabled_) return;
  (void)sd_notify(0, message.c_str());  // best effort: systemd may be gone
}

void ServiceNotifier::ready(std::string_view text) {
  stopping_ = false;
  send("READY=1\nMAINPID=" + std::to_string(::getpid()) + "\nSTATUS=" + one_line(text));
  if (watchdog_) arm_watchdog();
}

void ServiceNotifier::reloading(std::string_view text) {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  const auto usec = static_cast<std::uint64_t>(ts.tv_sec) * 1000000u +
                    static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=" + one_line(text));
}

void ServiceNotifier::stopping(std::string_view text) {
  if (stopping_) return;
  stopping_ = true;
  watchdog_timer_.cancel();
  send("STOPPING=1\nSTATUS=" + one_line(text));
}

void ServiceNotifier::status(std::string_view text) {
  send("STATUS=" + one_line(text));
}

void ServiceNotifier::arm_watchdog() {
  // sd_watchdog_enabled(3): send WATCHDOG=1 at about half the interval.
  watchdog_timer_.expires_after(*watchdog_ / 2);
  watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    send("WATCHDOG=1");
    arm_watchdog();
  });
}

}  // namespace ha_agent
