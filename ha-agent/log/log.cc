#include "ha-agent/log/log.h"

#include <boost/core/null_deleter.hpp>
#include <boost/log/attributes/value_extraction.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/syslog_backend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/support/date_time.hpp>
#include <boost/log/utility/setup/common_attributes.hpp>
#include <iostream>
#include <mutex>

namespace ha_agent::log {
namespace {

namespace bl = boost::log;

// The filter state is process-wide because Boost.Log's core is; it lives in
// this file only and is guarded by a mutex (admin requests change it).
struct Levels {
  std::mutex mu;
  Severity fallback = Severity::kInfo;
  std::map<std::string, Severity, std::less<>> per_channel;
};
Levels& levels() {
  static Levels l;
  return l;
}

bool pass(const bl::attribute_value_set& attrs) {
  auto sev = bl::extract<Severity>("Severity", attrs);
  auto ch = bl::extract<std::string>("Channel", attrs);
  if (!sev) return true;
  auto& l = levels();
  std::lock_guard lock(l.mu);
  Severity min = l.fallback;
  if (ch) {
    auto it = l.per_channel.find(*ch);
    if (it != l.per_channel.end()) min = it->second;
  }
  return *sev >= min;
}

bl::sinks::syslog::custom_severity_mapping<Severity> syslog_levels() {
  bl::sinks::syslog::custom_severity_mapping<Severity> m("Severity");
  m[Severity::kDebug] = bl::sinks::syslog::debug;
  m[Severity::kInfo] = bl::sinks::syslog::info;
  m[Severity::kNotice] = bl::sinks::syslog::notice;
  m[Severity::kWarning] = bl::sinks::syslog::warning;
  m[Severity::kError] = bl::sinks::syslog::error;
  return m;
}

}  // namespace

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::kDebug: return "debug";
    case Severity::kInfo: return "info";
    case Severity::kNotice: return "notice";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "?";
}

std::optional<Severity> parse_severity(std::string_view name) {
  for (auto s : {Severity::kDebug, Severity::kInfo, Severity::kNotice, Severity::kWarning,
                 Severity::kError})
    if (name == to_string(s)) return s;
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, Severity s) { return os << to_string(s); }

void init(const Options& options) {
  {
    auto& l = levels();
    std::lock_guard lock(l.mu);
    l.fallback = options.level;
    l.per_channel.clear();
    for (auto& [k, v] : options.channel_levels) l.per_channel.emplace(k, v);
  }
  auto core = bl::core::get();
  core->remove_all_sinks();
  core->set_filter(&pass);
  if (options.sink == Sink::kSyslog) {
    using Backend = bl::sinks::syslog_backend;
    auto backend = boost::make_shared<Backend>(bl::keywords::facility = bl::sinks::syslog::daemon,
                                               bl::keywords::ident = options.program);
    backend->set_severity_mapper(syslog_levels());
    auto sink = boost::make_shared<bl::sinks::synchronous_sink<Backend>>(backend);
    sink->set_formatter(bl::expressions::stream
                        << "[" << bl::expressions::attr<std::string>("Channel") << "] "
                        << bl::expressions::smessage);
    core->add_sink(sink);
  } else {
    bl::add_common_attributes();
    using Backend = bl::sinks::text_ostream_backend;
    auto backend = boost::make_shared<Backend>();
    backend->add_stream(boost::shared_ptr<std::ostream>(&std::clog, boost::null_deleter()));
    backend->auto_flush(true);
    auto sink = boost::make_shared<bl::sinks::synchronous_sink<Backend>>(backend);
    sink->set_formatter(bl::expressions::stream
                        << bl::expressions::format_date_time<boost::posix_time::ptime>(
                               "TimeStamp", "%Y-%m-%dT%H:%M:%S.%f")
                        << " " << options.program << " "
                        << bl::expressions::attr<Severity>("Severity") << " ["
                        << bl::expressions::attr<std::string>("Channel") << "] "
                        << bl::expressions::smessage);
    core->add_sink(sink);
  }
}

void set_level(std::string_view channel, Severity level) {
  auto& l = levels();
  std::lock_guard lock(l.mu);
  if (channel.empty()) {
    l.fallback = level;
    l.per_channel.clear();
  } else {
    l.per_channel.insert_or_assign(std::string(channel), level);
  }
}

Severity level(std::string_view channel) {
  auto& l = levels();
  std::lock_guard lock(l.mu);
  auto it = l.per_channel.find(channel);
  return it == l.per_channel.end() ? l.fallback : it->second;
}

Logger channel(std::string name) { return Logger(bl::keywords::channel = std::move(name)); }

bool RateLimiter::allow(Clock::time_point now, std::uint64_t& suppressed) {
  if (now - window_start_ >= interval_) {
    window_start_ = now;
    in_window_ = 0;
  }
  if (in_window_ < burst_) {
    ++in_window_;
    suppressed = suppressed_;
    suppressed_ = 0;
    return true;
  }
  ++suppressed_;
  return false;
}

}  // namespace ha_agent::log
