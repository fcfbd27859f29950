// SwitchScheduler: sends RFC 5142 Home Agent Switch messages to the MNs this
// HA must move (takeover after a failure, protocol-notes §5.6.1 step 2b-c, or
// an administrative switchover naming another HA, §5.7 step 4). Sends are
// paced by a token bucket (rate, burst) so a takeover of thousands of MNs does
// not burst; each MN's message is retransmitted 1 s doubling to 32 s, up to
// HARP_SWITCH_MAX_RETRIES tries (gap G14), until the MN's BU is accepted, the
// MN answers Binding Error status 2 (it does not understand the message, RFC
// 5142 §5.3: stop), or the binding expires.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "harp/group_config.h"
#include "harp/harp_actions.h"

namespace harp {

enum class SwitchOutcome : std::uint8_t {
  kMoved,     // the MN's BU arrived (at us, or the target told us)
  kRefused,   // Binding Error status 2 from the MN
  kNoAnswer,  // tries exhausted
  kExpired,   // binding lifetime ran out first
};
std::string_view to_string(SwitchOutcome o);

struct SwitchFinished {
  Ipv6Address home_address;
  Ipv6Address tag;  // failed peer (takeover) or target (switchover)
  SwitchOutcome outcome = SwitchOutcome::kMoved;
  unsigned tries = 0;
};

class SwitchScheduler {
 public:
  explicit SwitchScheduler(const GroupConfig& config);

  // Starts telling the MN at home_address (reachable via care_of_address) to
  // switch to `named_ha`. Replaces an existing job for that HoA.
  void add(const Ipv6Address& home_address, const Ipv6Address& care_of_address,
           const Ipv6Address& named_ha, Clock::time_point expires_at, const Ipv6Address& tag,
           Clock::time_point now);
  std::optional<SwitchFinished> on_bu_accepted(const Ipv6Address& home_address);
  // Binding Error from the MN; only status 2 stops (RFC 5142 §5.3).
  std::optional<SwitchFinished> on_binding_error(const Ipv6Address& home_address,
                                                 std::uint8_t status);

  // Drops every job with this tag (e.g. the switchover target failed);
  // returns how many were dropped.
  std::size_t cancel_tag(const Ipv6Address& tag);

  std::vector<SendHomeAgentSwitch> poll(Clock::time_point now,
                                        std::vector<SwitchFinished>& finished);
  std::optional<Clock::time_point> next_expiry() const;

  std::size_t active() const { return jobs_.size(); }
  std::size_t active_for(const Ipv6Address& tag) const;
  bool has_job(const Ipv6Address& home_address) const { return jobs_.count(home_address) != 0; }

 private:
  struct Job {
    Ipv6Address care_of_address;
    Ipv6Address named_ha;
    Ipv6Address tag;
    Clock::time_point expires_at{};
    Clock::time_point next_at{};
    unsigned tries = 0;
  };
  std::optional<SwitchFinished> finish(const Ipv6Address& hoa, SwitchOutcome o);
  void refill(Clock::time_point now);
  Clock::duration backoff(unsigned tries) const;

  const GroupConfig& config_;
  std::map<Ipv6Address, Job> jobs_;
  std::set<std::pair<Clock::time_point, Ipv6Address>> due_;
  double tokens_;
  std::optional<Clock::time_point> last_refill_;
};

}  // namespace harp
