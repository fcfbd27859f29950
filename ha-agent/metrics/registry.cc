#include "ha-agent/metrics/registry.h"

#include <algorithm>

namespace ha_agent::metrics {
namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string key_of(std::string_view name, const Labels& labels) {
  std::string k(name);
  k += '{';
  for (auto& [a, b] : labels) k += a + "=\"" + escape_label(b) + "\",";
  k += '}';
  return k;
}

}  // namespace

Metric& Registry::counter(std::string_view name, Labels labels, std::string_view help) {
  return get(name, std::move(labels), help, false);
}

Metric& Registry::gauge(std::string_view name, Labels labels, std::string_view help) {
  return get(name, std::move(labels), help, true);
}

Metric& Registry::get(std::string_view name, Labels labels, std::string_view help, bool gauge) {
  // One canonical order (by label name), so the same series registered with
  // its labels in another order is the same metric, and every renderer (the
  // daemon's HTTP listener, ha-agentctl from the admin RPC) prints the same
  // text.
  std::stable_sort(labels.begin(), labels.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto key = key_of(name, labels);
  auto it = index_.find(key);
  if (it != index_.end()) return metrics_[it->second];
  metrics_.push_back(Metric{std::string(name), std::move(labels), std::string(help), gauge, 0});
  index_.emplace(std::move(key), metrics_.size() - 1);
  return metrics_.back();
}

std::string Registry::prometheus_text() const {
  // Group by name in first-registration order of each name.
  std::map<std::string, std::vector<const Metric*>> by_name;
  std::vector<std::string> order;
  for (const auto& m : metrics_) {
    auto [it, fresh] = by_name.try_emplace(m.name);
    if (fresh) order.push_back(m.name);
    it->second.push_back(&m);
  }
  std::string out;
  for (const auto& name : order) {
    const auto& ms = by_name[name];
    out += "# HELP " + name + " " + ms.front()->help + "\n";
    out += "# TYPE " + name + (ms.front()->gauge ? " gauge\n" : " counter\n");
    for (const Metric* m : ms) {
      out += name;
      if (!m->labels.empty()) {
        out += '{';
        for (std::size_t i = 0; i < m->labels.size(); ++i)
          out += (i ? "," : "") + m->labels[i].first + "=\"" + escape_label(m->labels[i].second) +
                 "\"";
        out += '}';
      }
      out += " " + std::to_string(m->value) + "\n";
    }
  }
  return out;
}

}  // namespace ha_agent::metrics
