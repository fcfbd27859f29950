// Registry: every counter and gauge of a daemon (or of mn-emu), named the
// Prometheus way (ha_agent_<what>_total for counters), with dimensions in
// labels (reason, status, type, direction) and never state in labels
// (issue #7). Metrics live as long as the registry, at stable addresses, so
// the hot path increments a cached reference; rendering to Prometheus text
// and to the admin RPC reads them all. Single-threaded: the event loop owns it.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ha_agent::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Metric {
  std::string name;
  Labels labels;
  std::string help;
  bool gauge = false;
  std::uint64_t value = 0;

  void inc(std::uint64_t n = 1) { value += n; }
  void set(std::uint64_t v) { value = v; }
};

class Registry {
 public:
  // Finds or creates the metric with this name and labels (kept sorted by
  // label name). `help` is kept from the first registration of a name.
  Metric& counter(std::string_view name, Labels labels, std::string_view help);
  Metric& gauge(std::string_view name, Labels labels, std::string_view help);

  const std::deque<Metric>& all() const { return metrics_; }
  // Prometheus text exposition format 0.0.4, metrics grouped by name.
  std::string prometheus_text() const;

 private:
  Metric& get(std::string_view name, Labels labels, std::string_view help, bool gauge);
  std::deque<Metric> metrics_;
  std::map<std::string, std::size_t, std::less<>> index_;  // name{labels} -> position
};

// One counter per value of an enum (a drop reason, a status code), created on
// first use so every reason that occurred shows up with its name.
template <class Enum>
class PerReason {
 public:
  PerReason(Registry& r, std::string name, std::string label, std::string help)
      : registry_(r), name_(std::move(name)), label_(std::move(label)), help_(std::move(help)) {}
  // to_string(e) must name the value.
  template <class Namer>
  void inc(Enum e, Namer&& namer, std::uint64_t n = 1) {
    auto i = static_cast<std::size_t>(e) & 0xff;
    if (!slots_[i])
      slots_[i] = &registry_.counter(name_, {{label_, std::string(namer(e))}}, help_);
    slots_[i]->inc(n);
  }
  std::uint64_t value(Enum e) const {
    auto* m = slots_[static_cast<std::size_t>(e) & 0xff];
    return m ? m->value : 0;
  }

 private:
  Registry& registry_;
  std::string name_, label_, help_;
  std::array<Metric*, 256> slots_{};
};

}  // namespace ha_agent::metrics
