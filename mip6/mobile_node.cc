// Mobile-node registration state machine (mobile_node.h).
#include "mip6/mobile_node.h"

#include <algorithm>

namespace mip6 {
namespace {

// RFC 6275 §6.1.7: the Lifetime field counts 4-second units, so the longest
// binding is 0xFFFF * 4 = 262140 s (protocol-notes §2.7).
std::uint16_t lifetime_units(std::uint32_t seconds) {
  const std::uint32_t units = (seconds + 3) / 4;
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(units, 0xFFFF));
}

MnDuration at_least_1ms(MnDuration d) {
  return std::max<MnDuration>(d, std::chrono::milliseconds(1));
}

}  // namespace

std::string_view to_string(MnState s) {
  switch (s) {
    case MnState::kIdle: return "idle";
    case MnState::kRegistering: return "registering";
    case MnState::kRegistered: return "registered";
    case MnState::kRefreshing: return "refreshing";
    case MnState::kDeregistering: return "deregistering";
    case MnState::kDeregistered: return "deregistered";
    case MnState::kError: return "error";
  }
  return "unknown";
}

std::string_view to_string(MnIgnoreReason r) {
  switch (r) {
    case MnIgnoreReason::kUnprotected: return "unprotected";
    case MnIgnoreReason::kUnknownHomeAgent: return "unknown home agent";
    case MnIgnoreReason::kFromOtherHomeAgent: return "from other home agent";
    case MnIgnoreReason::kNoPendingBindingUpdate: return "no pending binding update";
    case MnIgnoreReason::kSequenceMismatch: return "sequence mismatch";
    case MnIgnoreReason::kNoBinding: return "no binding";
    case MnIgnoreReason::kEmptyHomeAgentList: return "empty home agent list";
    case MnIgnoreReason::kNoUsableHomeAgent: return "no usable home agent";
    case MnIgnoreReason::kAlreadyWithNamedHomeAgent: return "already with named home agent";
    case MnIgnoreReason::kRefreshInProgress: return "refresh in progress";
  }
  return "unknown";
}

std::string_view to_string(MnErrorKind k) {
  switch (k) {
    case MnErrorKind::kNone: return "none";
    case MnErrorKind::kRejected: return "rejected";
    case MnErrorKind::kZeroLifetime: return "zero lifetime granted";
    case MnErrorKind::kTooManyResyncs: return "too many sequence resyncs";
  }
  return "unknown";
}

MobileNode::MobileNode(MnId id, MobileNodeConfig config)
    : id_(id), config_(std::move(config)), next_sequence_(config_.initial_sequence) {
  // A zero timeout would make on_timer() fire forever at the same instant.
  auto& t = config_.timers;
  t.initial_bindack_timeout = at_least_1ms(t.initial_bindack_timeout);
  t.initial_bindack_timeout_first_reg = at_least_1ms(t.initial_bindack_timeout_first_reg);
  t.max_bindack_timeout = std::max(at_least_1ms(t.max_bindack_timeout),
                                   std::max(t.initial_bindack_timeout,
                                            t.initial_bindack_timeout_first_reg));
  t.refresh_permille = std::clamp<std::uint32_t>(t.refresh_permille, 1, 1000);
  if (config_.home_agents.empty()) config_.home_agents.push_back({});
  current_ = std::min(config_.initial_home_agent, config_.home_agents.size() - 1);
}

std::optional<MnIgnoreReason> MobileNode::ignore(MnIgnoreReason r) {
  ++stats_.ignored[static_cast<std::size_t>(r)];
  return r;
}

void MobileNode::count_status(std::uint8_t status) {
  for (auto& [s, n] : stats_.bas_by_status) {
    if (s == status) {
      ++n;
      return;
    }
  }
  stats_.bas_by_status.emplace_back(status, 1);
}

void MobileNode::send_bu(MnTime now, MnActions& out, bool retransmission) {
  SendBindingUpdate a;
  a.mn = id_;
  a.home_agent = current_;
  a.ha_address = config_.home_agents[current_].address;
  a.sa_handle = config_.home_agents[current_].sa_handle;
  a.retransmission = retransmission;
  // RFC 6275 §11.7.1: home registration sets A and H; K is 0 with manual
  // keying (§6.1.7). §11.8: every (re)transmission carries a new sequence
  // number.
  a.bu.sequence = next_sequence_;
  a.bu.flags = BindingUpdate::kAck | BindingUpdate::kHomeRegistration;
  a.bu.lifetime =
      exchange_ == Exchange::kDeregistration ? 0 : lifetime_units(config_.requested_lifetime_s);
  if (config_.alternate_care_of_address)
    a.bu.options.alternate_care_of_address = config_.care_of_address;
  outstanding_ = next_sequence_;
  next_sequence_ = next_sequence_.next();
  out.push_back(std::move(a));

  ++stats_.bus_sent;
  if (retransmission) ++stats_.retransmissions;
  if (!stats_.first_bu_sent) stats_.first_bu_sent = now;
  timer_ = now + backoff_;
}

void MobileNode::begin_exchange(Exchange e, MnTime now, MnActions& out) {
  exchange_ = e;
  resyncs_in_a_row_ = 0;
  // RFC 6275 §11.8: InitialBindackTimeoutFirstReg for a first registration
  // with an HA (it may run DAD), INITIAL_BINDACK_TIMEOUT otherwise.
  backoff_ = e == Exchange::kFirstRegistration ? config_.timers.initial_bindack_timeout_first_reg
                                                : config_.timers.initial_bindack_timeout;
  switch (e) {
    case Exchange::kFirstRegistration: state_ = MnState::kRegistering; break;
    case Exchange::kRefresh: state_ = MnState::kRefreshing; break;
    case Exchange::kDeregistration: state_ = MnState::kDeregistering; break;
  }
  send_bu(now, out, /*retransmission=*/false);
}

void MobileNode::start_registration(MnTime now, MnActions& out) {
  start_at_.reset();
  if (state_ != MnState::kIdle && state_ != MnState::kDeregistered && state_ != MnState::kError)
    return;
  error_ = MnErrorKind::kNone;
  error_status_ = 0;
  begin_exchange(Exchange::kFirstRegistration, now, out);
}

void MobileNode::deregister(MnTime now, MnActions& out) {
  deregister_at_.reset();
  start_at_.reset();
  if (state_ == MnState::kIdle || state_ == MnState::kDeregistered || state_ == MnState::kError ||
      state_ == MnState::kDeregistering)
    return;
  switch_pending_ = false;
  begin_exchange(Exchange::kDeregistration, now, out);
}

void MobileNode::accept_registration(const BindingAcknowledgement& ba, MnTime now) {
  // RFC 6275 §11.7.3: the binding lives for the granted lifetime; refresh
  // before it runs out, no later than a Binding Refresh Advice says.
  granted_lifetime_s_ = ba.lifetime_seconds();
  binding_expires_ = now + std::chrono::seconds(granted_lifetime_s_);
  auto refresh = std::chrono::duration_cast<MnDuration>(
      std::chrono::milliseconds(std::uint64_t{granted_lifetime_s_} * config_.timers.refresh_permille));
  if (ba.options.binding_refresh_advice)
    refresh = std::min<MnDuration>(
        refresh, std::chrono::seconds(std::uint32_t{*ba.options.binding_refresh_advice} * 4));
  timer_ = now + at_least_1ms(refresh);
  state_ = MnState::kRegistered;
  bound_ = true;
  if (!stats_.first_registered) stats_.first_registered = now;
  stats_.last_registered = now;
  if (switch_pending_) {
    stats_.reregistered_after_switch = now;
    switch_pending_ = false;
  }
}

std::optional<MnIgnoreReason> MobileNode::on_binding_ack(const BindingAcknowledgement& ba,
                                                         std::optional<std::size_t> via,
                                                         MnTime now, MnActions& out) {
  // RFC 6275 §11.7.3: a BA counts only when protected by the SA with the HA
  // the BU went to and when it matches the outstanding BU.
  if (!via) return ignore(MnIgnoreReason::kUnprotected);
  if (*via >= config_.home_agents.size()) return ignore(MnIgnoreReason::kUnknownHomeAgent);
  if (!outstanding_) return ignore(MnIgnoreReason::kNoPendingBindingUpdate);
  if (*via != current_) return ignore(MnIgnoreReason::kFromOtherHomeAgent);
  count_status(ba.status);

  if (ba.status == 135) {
    // §11.7.3: Sequence number out of window. The BA carries the last value
    // the HA accepted; continue after it and retry at once.
    if (resyncs_in_a_row_ >= config_.timers.max_sequence_resyncs) {
      state_ = MnState::kError;
      error_ = MnErrorKind::kTooManyResyncs;
      error_status_ = ba.status;
      outstanding_.reset();
      timer_.reset();
      return std::nullopt;
    }
    ++resyncs_in_a_row_;
    ++stats_.sequence_resyncs;
    next_sequence_ = ba.sequence.next();
    send_bu(now, out, /*retransmission=*/false);
    return std::nullopt;
  }
  if (ba.sequence != *outstanding_) return ignore(MnIgnoreReason::kSequenceMismatch);
  outstanding_.reset();
  resyncs_in_a_row_ = 0;
  timer_.reset();

  if (ba.status >= 128) {
    // §11.7.3: any other rejection ends this registration attempt.
    state_ = MnState::kError;
    error_ = MnErrorKind::kRejected;
    error_status_ = ba.status;
    switch_pending_ = false;
    if (exchange_ == Exchange::kDeregistration) bound_ = false;
    return std::nullopt;
  }
  if (exchange_ == Exchange::kDeregistration) {
    state_ = MnState::kDeregistered;
    bound_ = false;
    granted_lifetime_s_ = 0;
    binding_expires_.reset();
    stats_.deregistered = now;
    return std::nullopt;
  }
  if (ba.lifetime == 0) {
    state_ = MnState::kError;
    error_ = MnErrorKind::kZeroLifetime;
    error_status_ = ba.status;
    return std::nullopt;
  }
  accept_registration(ba, now);
  return std::nullopt;
}

std::optional<MnIgnoreReason> MobileNode::on_home_agent_switch(const HomeAgentSwitch& has,
                                                               std::optional<std::size_t> via,
                                                               MnTime now, MnActions& out) {
  // RFC 5142 §6.1: only when protected by an SA with the HA the MN is
  // registered with; HARP also allows its pre-authorised standbys, i.e. any
  // HA the MN holds an SA with (protocol-notes §3.2, §5.6.1).
  if (!via) return ignore(MnIgnoreReason::kUnprotected);
  if (*via >= config_.home_agents.size()) return ignore(MnIgnoreReason::kUnknownHomeAgent);
  const bool has_binding_state = bound_ && (state_ == MnState::kRegistering ||
                                            state_ == MnState::kRegistered ||
                                            state_ == MnState::kRefreshing);
  if (!has_binding_state) return ignore(MnIgnoreReason::kNoBinding);
  if (!config_.harp && *via != current_) return ignore(MnIgnoreReason::kFromOtherHomeAgent);
  // RFC 5142 §6.2: an empty list asks the MN to run DHAAD, which the
  // emulated MN does not do; it keeps its current HA.
  if (has.addresses.empty()) return ignore(MnIgnoreReason::kEmptyHomeAgentList);
  // §6.2: the first listed HA the MN can use (here: holds an SA with).
  std::optional<std::size_t> target;
  for (const auto& a : has.addresses) {
    for (std::size_t i = 0; i < config_.home_agents.size() && !target; ++i)
      if (config_.home_agents[i].address == a) target = i;
    if (target) break;
  }
  if (!target) return ignore(MnIgnoreReason::kNoUsableHomeAgent);
  if (*target == current_) return ignore(MnIgnoreReason::kAlreadyWithNamedHomeAgent);

  stats_.last_switch_received = now;
  ++stats_.switches_followed;
  current_ = *target;
  switch_pending_ = true;
  // A home registration with the new HA is a first registration there.
  begin_exchange(Exchange::kFirstRegistration, now, out);
  return std::nullopt;
}

std::optional<MnIgnoreReason> MobileNode::on_binding_refresh_request(
    std::optional<std::size_t> via, MnTime now, MnActions& out) {
  // RFC 6275 §11.7.4: answer a BRR from the HA we are registered with by a
  // BU; the BRR travels under the same SA as the BA (RFC 3776 §3).
  if (!via) return ignore(MnIgnoreReason::kUnprotected);
  if (*via >= config_.home_agents.size()) return ignore(MnIgnoreReason::kUnknownHomeAgent);
  if (*via != current_) return ignore(MnIgnoreReason::kFromOtherHomeAgent);
  if (state_ == MnState::kRefreshing) return ignore(MnIgnoreReason::kRefreshInProgress);
  if (state_ != MnState::kRegistered) return ignore(MnIgnoreReason::kNoBinding);
  ++stats_.refresh_requests_answered;
  begin_exchange(Exchange::kRefresh, now, out);
  return std::nullopt;
}

void MobileNode::on_timer(MnTime now, MnActions& out) {
  if (start_at_ && *start_at_ <= now) start_registration(now, out);
  if (deregister_at_ && *deregister_at_ <= now) deregister(now, out);
  if (!timer_ || *timer_ > now) return;
  timer_.reset();
  if (state_ == MnState::kRegistered) {
    ++stats_.refreshes;
    begin_exchange(Exchange::kRefresh, now, out);
    return;
  }
  if (outstanding_) {
    // RFC 6275 §11.8: no BA in time: send again, doubling the timeout up to
    // MAX_BINDACK_TIMEOUT, and keep going at that rate.
    backoff_ = std::min(backoff_ * 2, config_.timers.max_bindack_timeout);
    send_bu(now, out, /*retransmission=*/true);
  }
}

std::optional<MnTime> MobileNode::next_expiry() const {
  std::optional<MnTime> t;
  for (const auto& c : {timer_, start_at_, deregister_at_})
    if (c && (!t || *c < *t)) t = c;
  return t;
}

}  // namespace mip6
