#include "harp/switch_scheduler.h"

#include <algorithm>
#include <cmath>

namespace harp {

std::string_view to_string(SwitchOutcome o) {
  switch (o) {
    case SwitchOutcome::kMoved:
      return "moved";
    case SwitchOutcome::kRefused:
      return "refused";
    case SwitchOutcome::kNoAnswer:
      return "no_answer";
    case SwitchOutcome::kExpired:
      return "expired";
  }
  return "unknown";
}

SwitchScheduler::SwitchScheduler(const GroupConfig& config)
    : config_(config), tokens_(static_cast<double>(config.switch_burst)) {}

Clock::duration SwitchScheduler::backoff(unsigned tries) const {
  auto d = config_.retransmit_initial;
  for (unsigned i = 1; i < tries && d < config_.retransmit_max; ++i) d *= 2;
  return std::min(d, config_.retransmit_max);
}

void SwitchScheduler::add(const Ipv6Address& hoa, const Ipv6Address& coa, const Ipv6Address& named,
                          Clock::time_point expires_at, const Ipv6Address& tag,
                          Clock::time_point now) {
  if (auto it = jobs_.find(hoa); it != jobs_.end()) due_.erase({it->second.next_at, hoa});
  jobs_[hoa] = Job{coa, named, tag, expires_at, now, 0};
  due_.insert({now, hoa});
}

std::optional<SwitchFinished> SwitchScheduler::finish(const Ipv6Address& hoa, SwitchOutcome o) {
  auto it = jobs_.find(hoa);
  if (it == jobs_.end()) return std::nullopt;
  SwitchFinished f{hoa, it->second.tag, o, it->second.tries};
  due_.erase({it->second.next_at, hoa});
  jobs_.erase(it);
  return f;
}

std::optional<SwitchFinished> SwitchScheduler::on_bu_accepted(const Ipv6Address& hoa) {
  return finish(hoa, SwitchOutcome::kMoved);
}

std::optional<SwitchFinished> SwitchScheduler::on_binding_error(const Ipv6Address& hoa,
                                                                std::uint8_t status) {
  // RFC 5142 §5.3: BE status 2 (unrecognized MH type) means the MN does not
  // support the HA Switch message; retransmitting is pointless.
  if (status != mip6::BindingError::kUnrecognizedMhType) return std::nullopt;
  return finish(hoa, SwitchOutcome::kRefused);
}

std::size_t SwitchScheduler::active_for(const Ipv6Address& tag) const {
  return static_cast<std::size_t>(std::count_if(
      jobs_.begin(), jobs_.end(), [&](const auto& j) { return j.second.tag == tag; }));
}

std::size_t SwitchScheduler::cancel_tag(const Ipv6Address& tag) {
  std::vector<Ipv6Address> gone;
  for (const auto& [hoa, j] : jobs_)
    if (j.tag == tag) gone.push_back(hoa);
  for (const auto& h : gone) (void)finish(h, SwitchOutcome::kNoAnswer);
  return gone.size();
}

void SwitchScheduler::refill(Clock::time_point now) {
  if (last_refill_ && now > *last_refill_) {
    const double secs = std::chrono::duration<double>(now - *last_refill_).count();
    tokens_ = std::min(static_cast<double>(config_.switch_burst),
                       tokens_ + secs * config_.switch_rate_per_s);
  }
  if (!last_refill_ || now > *last_refill_) last_refill_ = now;
}

std::vector<SendHomeAgentSwitch> SwitchScheduler::poll(Clock::time_point now,
                                                       std::vector<SwitchFinished>& finished) {
  std::vector<SendHomeAgentSwitch> out;
  refill(now);
  while (!due_.empty() && due_.begin()->first <= now) {
    const auto hoa = due_.begin()->second;
    Job& j = jobs_.at(hoa);
    if (j.expires_at <= now) {
      finished.push_back(*finish(hoa, SwitchOutcome::kExpired));
      continue;
    }
    if (j.tries >= config_.switch_max_tries) {
      finished.push_back(*finish(hoa, SwitchOutcome::kNoAnswer));
      continue;
    }
    if (tokens_ < 1.0) break;  // paced: next_expiry() says when a token is back
    tokens_ -= 1.0;
    due_.erase(due_.begin());
    ++j.tries;
    j.next_at = now + backoff(j.tries);
    due_.insert({j.next_at, hoa});
    mip6::HomeAgentSwitch has;
    has.addresses.push_back(j.named_ha);  // N = 1 (§5.3.5)
    out.push_back(
        SendHomeAgentSwitch{hoa, j.care_of_address, config_.own_address, std::move(has), j.tries});
  }
  return out;
}

std::optional<Clock::time_point> SwitchScheduler::next_expiry() const {
  if (due_.empty()) return std::nullopt;
  auto at = due_.begin()->first;
  if (tokens_ < 1.0 && last_refill_) {
    const double wait_s = (1.0 - tokens_) / config_.switch_rate_per_s;
    const auto wait =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait_s));
    at = std::max(at, *last_refill_ + wait + Clock::duration(1));
  }
  return at;
}

}  // namespace harp
