// Logging for the daemon shell and the bench tools: Boost.Log with one
// channel per module ("mip6", "esp", "harp", "io", "kernel", "admin",
// "daemon", ...), severities, a stderr or syslog sink, per-channel levels that
// can change at run time (`ha-agentctl log-level`), and a rate limiter for
// per-packet drop logs. Key material is never passed to a logger: the types
// that hold it (crypto::SecretBytes) have no stream operator.
#pragma once

#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/severity_channel_logger.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ha_agent::log {

enum class Severity { kDebug, kInfo, kNotice, kWarning, kError };
std::string_view to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view name);

using Logger = boost::log::sources::severity_channel_logger<Severity, std::string>;

enum class Sink { kStderr, kSyslog };

struct Options {
  Sink sink = Sink::kStderr;
  Severity level = Severity::kInfo;
  std::map<std::string, Severity> channel_levels;  // overrides per channel
  std::string program = "ha-agent";                // syslog ident / stderr prefix
};

// Sets up the sink and the filter; safe to call again (replaces both).
void init(const Options& options);
// Changes the level of one channel, or of all when channel is empty.
void set_level(std::string_view channel, Severity level);
Severity level(std::string_view channel);

// A logger for one channel (cheap to construct; keep one per component).
Logger channel(std::string name);

// Lets at most `burst` messages through per `interval`; counts the rest so
// the next allowed message can say how many were suppressed. For per-packet
// drop logs (DESIGN.md §5). Time comes in as an argument.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(std::uint32_t burst, Clock::duration interval) : burst_(burst), interval_(interval) {}
  // True when a message may be logged now; `suppressed` then holds how many
  // were dropped since the last allowed one.
  bool allow(Clock::time_point now, std::uint64_t& suppressed);

 private:
  std::uint32_t burst_;
  Clock::duration interval_;
  Clock::time_point window_start_{};
  std::uint32_t in_window_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace ha_agent::log

#define HA_LOG(logger, sev) BOOST_LOG_SEV(logger, ::ha_agent::log::Severity::sev)
