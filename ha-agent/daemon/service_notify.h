// ServiceNotifier: the daemon's side of systemd's service notification
// protocol (sd_notify(3), Type=notify in dist/systemd/ha-agent.service):
// READY=1 once everything is set up (and privileges dropped), STOPPING=1 at
// SIGTERM, RELOADING=1 + MONOTONIC_USEC around a reload, STATUS= lines for
// `systemctl status`, and WATCHDOG=1 keep-alives from the event loop when
// the unit sets WatchdogSec= (a stuck loop then gets the service
// restarted). Uses libsystemd's sd_notify(); when NOTIFY_SOCKET is unset
// (not started by systemd) every call is a no-op.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ha_agent {

class ServiceNotifier {
 public:
  explicit ServiceNotifier(boost::asio::io_context& io);

  // True when NOTIFY_SOCKET was set at construction.
  bool enabled() const { return enabled_; }

  // READY=1 with MAINPID (the detached mode forks) and a STATUS line; starts
  // the watchdog keep-alives when systemd asked for them.
  void ready(std::string_view status);
  // RELOADING=1 + MONOTONIC_USEC (systemd.service(5), Type=notify-reload);
  // ready() again when the reload is done.
  void reloading(std::string_view status);
  void stopping(std::string_view status);
  void status(std::string_view status);

  // WATCHDOG_USEC of the unit, when set for this process.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

 private:
  void send(const std::string& message);
  void arm_watchdog();

  boost::asio::steady_timer watchdog_timer_;
  bool enabled_ = false;
  bool stopping_ = false;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace ha_agent
