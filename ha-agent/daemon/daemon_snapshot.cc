// Restart without loss (issue #7; docs/operations.md): the daemon's side of
// binding-cache snapshots. At start the snapshot file is read (refused when
// group or others may access it), checked (ha-agent/snapshot/snapshot_codec.h)
// and turned into Binding Cache entries with their remaining lifetimes
// (restore_plan.h); HomeAgent::adopt_binding installs their forwarding and
// accepts each MN's next BU whatever its sequence. In a HARP group the
// peers' copies win: the entries are held until every peer finished its
// restore exchange (docs/harp.md B1) or the restore wait ran out, and are
// then used only for MNs nobody restored or holds. Snapshots are written
// every `snapshot_interval_s` (the loop copies the cache, a helper thread
// encodes and writes) and at SIGTERM/SIGINT before kernel state is removed.
// Any failure is logged with the file and the reason; start-up continues.
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <filesystem>

#include "ha-agent/daemon/daemon.h"
#include "ha-agent/snapshot/snapshot_codec.h"
#include "ha-agent/snapshot/snapshot_file.h"

namespace ha_agent {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr auto kGroupPollInterval = milliseconds(250);

snapshot::ClockPair clocks() {
  return {std::chrono::steady_clock::now(),
          std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now())};
}

std::string_view label_of(snapshot::SnapshotError::Code c) {
  using C = snapshot::SnapshotError::Code;
  switch (c) {
    case C::kBadMagic: return "bad_magic";
    case C::kTruncated: return "truncated";
    case C::kTrailingData: return "trailing_data";
    case C::kTooLarge: return "too_large";
    case C::kChecksumMismatch: return "checksum_mismatch";
    case C::kUnparsable: return "unparsable";
    case C::kUnsupportedVersion: return "unsupported_version";
    case C::kBadHeaderField: return "bad_header_field";
    case C::kBadBindingField: return "bad_binding_field";
    case C::kDuplicateBinding: return "duplicate_binding";
    case C::kEncodeFailed: return "encode_failed";
  }
  return "unknown";
}

std::string_view label_of(snapshot::FileError::Code c) {
  using C = snapshot::FileError::Code;
  switch (c) {
    case C::kInsecureMode: return "insecure_mode";
    case C::kNotRegularFile: return "not_regular_file";
    case C::kTooLarge: return "too_large";
    case C::kReadFailed: return "read_failed";
    default: return "open_failed";
  }
}

std::string seconds_text(std::chrono::microseconds us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(us.count()) / 1000.0);
  return buf;
}

}  // namespace

void Daemon::setup_snapshot() {
  if (!config_.snapshot_path) return;
  const std::string& path = *config_.snapshot_path;
  snapshot_writer_ = std::make_unique<snapshot::SnapshotWriter>(
      path, [this](std::function<void()> f) { boost::asio::post(io_, std::move(f)); });
  snapshot_timer_.emplace(io_);
  auto outcome = [this](const char* what, std::size_t n) {
    metrics_
        .counter("ha_agent_snapshot_restore_entries_total", {{"outcome", what}},
                 "Snapshot entries at start, by outcome (restored, expired, unknown home address, "
                 "foreign HA address, claimed by the group)")
        .inc(n);
  };
  for (const char* o : {"restored", "expired", "unknown", "foreign", "claimed_by_group"}) outcome(o, 0);
  auto load_failed = [this](std::string_view reason, const std::string& why) {
    metrics_
        .counter("ha_agent_snapshot_load_failures_total", {{"reason", std::string(reason)}},
                 "Snapshot files refused at start, by reason")
        .inc();
    HA_LOG(log_, kError) << why << "; starting without it"
                         << (config_.harp && !config_.harp->peers.empty()
                                 ? " (bindings come back from the group's peers)"
                                 : "");
  };

  auto bytes = snapshot::read_snapshot_file(path);
  if (!bytes) {
    if (bytes.error().code == snapshot::FileError::Code::kNotFound)
      HA_LOG(log_, kInfo) << "no snapshot at " << path << " (first start): starting empty";
    else
      load_failed(label_of(bytes.error().code), to_string(bytes.error()));
    return;
  }
  auto snap = snapshot::decode(*bytes);
  if (!snap) {
    load_failed(label_of(snap.error().code),
                "snapshot " + path + " rejected: " + snapshot::to_string(snap.error()));
    return;
  }
  const auto now = clocks();
  auto hoas = configured_home_addresses();
  const snapshot::AddressSet configured(hoas.begin(), hoas.end());
  const snapshot::AddressSet ours(config_.ha_addresses.begin(), config_.ha_addresses.end());
  auto plan = snapshot::plan_restore(*snap, configured, ours, snapshot::mn_set_digest(std::move(hoas)), now);
  const auto age_s = duration_cast<std::chrono::seconds>(now.wall - snap->header.written_at).count();
  HA_LOG(log_, kNotice) << "snapshot " << path << " written " << age_s << " s ago with "
                        << snap->entries.size() << " bindings: " << plan.adopt.size() << " to restore, "
                        << plan.expired << " expired, " << plan.unknown
                        << " for home addresses no longer configured, " << plan.foreign
                        << " registered with an address this HA no longer has";
  if (plan.digest_mismatch)
    HA_LOG(log_, kWarning) << "snapshot " << path << " was written with a different set of mobile nodes ("
                           << snap->header.mobile_node_count << " then, " << config_.mobile_nodes.size()
                           << " now): " << plan.unknown << " unknown entries dropped";
  if (plan.written_in_future)
    HA_LOG(log_, kWarning) << "snapshot " << path
                           << " is dated in the future (wall clock stepped back?): remaining lifetimes "
                              "are capped at the granted ones";
  if (snap->header.ha_address != config_.ha_addresses.front())
    HA_LOG(log_, kWarning) << "snapshot " << path << " was written by " << snap->header.ha_address.to_string()
                           << ", this HA is " << config_.ha_addresses.front().to_string();
  outcome("expired", plan.expired);
  outcome("unknown", plan.unknown);
  outcome("foreign", plan.foreign);
  if (harp_ && !config_.harp->peers.empty() && !plan.adopt.empty()) {
    // docs/harp.md B1: the peers return our bindings; the snapshot fills gaps.
    snapshot_held_ = std::move(plan.adopt);
    snapshot_holding_ = true;
    snapshot_hold_deadlines_ = snapshot::group_restore_deadlines(
        now.steady, config_.harp->hello_interval, config_.harp->rise, config_.harp->dead_multiplier);
    HA_LOG(log_harp_, kNotice)
        << "holding " << snapshot_held_.size()
        << " snapshot bindings until the peers have restored theirs (at most "
        << duration_cast<milliseconds>(snapshot_hold_deadlines_.down_peers - now.steady).count()
        << " ms for peers that are down, "
        << duration_cast<milliseconds>(snapshot_hold_deadlines_.answering_peers - now.steady).count()
        << " ms for peers that are up)";
    return;
  }
  adopt_from_snapshot(plan.adopt, "restored");
}

void Daemon::adopt_from_snapshot(const std::vector<mip6::BindingCacheEntry>& entries, const char* outcome) {
  const auto now = Clock::now();
  std::size_t adopted = 0;
  for (const auto& e : entries) {
    auto actions = ha_->adopt_binding(e, now);
    if (actions.empty()) continue;  // expired meanwhile, or registered again since
    ++adopted;
    apply(actions);
  }
  metrics_.counter("ha_agent_snapshot_restore_entries_total", {{"outcome", outcome}}, "").inc(adopted);
  HA_LOG(log_mip6_, kNotice) << "restored " << adopted << " bindings from snapshot "
                             << snapshot_writer_->path() << " with their remaining lifetimes";
}

void Daemon::start_snapshots() {
  if (!snapshot_writer_) return;
  snapshot_active_ = true;
  // After the privilege drop: the rename needs write access to the directory.
  const auto dir = std::filesystem::path(snapshot_writer_->path()).parent_path();
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    HA_LOG(log_, kWarning) << "cannot write snapshots to " << dir.string() << ": " << std::strerror(errno)
                           << " (create the directory and give it to the daemon's user, e.g. systemd "
                              "StateDirectory=)";
  arm_snapshot_timer(snapshot_holding_ ? kGroupPollInterval : config_.snapshot_interval);
}

// A zero interval (snapshot_interval_s: 0) means only at shutdown.
void Daemon::arm_snapshot_timer(std::chrono::steady_clock::duration after) {
  if (stopping_ || !snapshot_timer_ || after <= std::chrono::steady_clock::duration::zero()) return;
  snapshot_timer_->expires_after(after);
  snapshot_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    if (snapshot_holding_)
      snapshot_group_poll();
    else
      snapshot_tick();
  });
}

void Daemon::snapshot_group_poll() {
  const auto now = Clock::now();
  std::vector<snapshot::PeerRestoreState> peers;
  if (config_.harp)
    for (const auto& p : config_.harp->peers)
      peers.push_back({harp_->peer_table().is_up(p.address), harp_->restoring_from(p.address)});
  if (!snapshot::peers_settled(peers, now, snapshot_hold_deadlines_)) {
    arm_snapshot_timer(kGroupPollInterval);
    return;
  }
  const bool timed_out = now >= snapshot_hold_deadlines_.down_peers;
  auto g = snapshot::select_unclaimed(
      snapshot_held_,
      [this](const mip6::Ipv6Address& hoa) {
        return ha_->bindings().find(hoa) != nullptr || (harp_ && harp_->owner_of(hoa).has_value());
      },
      now);
  snapshot_held_.clear();
  snapshot_holding_ = false;
  metrics_.counter("ha_agent_snapshot_restore_entries_total", {{"outcome", "claimed_by_group"}}, "")
      .inc(g.claimed);
  metrics_.counter("ha_agent_snapshot_restore_entries_total", {{"outcome", "expired"}}, "").inc(g.expired);
  HA_LOG(log_harp_, kNotice) << (timed_out ? "restore wait over" : "every peer answered the restore")
                             << ": " << g.claimed << " snapshot bindings already restored or held by the group, "
                             << g.adopt.size() << " restored from the snapshot, " << g.expired
                             << " expired meanwhile";
  adopt_from_snapshot(g.adopt, "restored");
  rearm_timer();
  arm_snapshot_timer(config_.snapshot_interval);
}

std::vector<mip6::Ipv6Address> Daemon::configured_home_addresses() const {
  std::vector<mip6::Ipv6Address> hoas;
  hoas.reserve(config_.mobile_nodes.size());
  for (const auto& mn : config_.mobile_nodes) hoas.push_back(mn.home_address);
  return hoas;
}

// Without the MN-set digest: the helper thread computes it (SnapshotWriter).
snapshot::Snapshot Daemon::make_snapshot() {
  const auto now = clocks();
  snapshot::Snapshot s;
  s.header.written_at = now.wall;
  s.header.ha_address = config_.ha_addresses.front();
  s.header.mobile_node_count = static_cast<std::uint32_t>(config_.mobile_nodes.size());
  s.entries.reserve(ha_->bindings().size() + snapshot_held_.size());
  ha_->bindings().for_each([&](const mip6::BindingCacheEntry& e) {
    s.entries.push_back(snapshot::to_snapshot_entry(
        e, now, harp_ ? harp_->owner_of(e.home_address) : std::optional<mip6::Ipv6Address>()));
  });
  // Entries still held for the group's restore are not lost by a stop now.
  for (const auto& e : snapshot_held_)
    if (e.expires_at > now.steady && ha_->bindings().find(e.home_address) == nullptr)
      s.entries.push_back(snapshot::to_snapshot_entry(e, now));
  return s;
}

void Daemon::snapshot_tick() {
  if (snapshot_writer_->busy()) {
    // The previous write is still running (slow disk): skip this period.
    metrics_.counter("ha_agent_snapshot_skipped_total", {}, "Periodic snapshots skipped: the previous write was still running")
        .inc();
  } else {
    const auto t0 = std::chrono::steady_clock::now();
    auto s = make_snapshot();
    metrics_
        .gauge("ha_agent_snapshot_loop_microseconds", {},
               "Event-loop time of the last snapshot (copying the binding cache)")
        .set(static_cast<std::uint64_t>(
            duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count()));
    snapshot_writer_->submit(
        std::move(s), [this](const snapshot::WriteReport& r) { on_snapshot_written(r, false); },
        configured_home_addresses());
  }
  arm_snapshot_timer(config_.snapshot_interval);
}

void Daemon::write_final_snapshot() {
  if (!snapshot_active_ || snapshot_final_done_ || !ha_) return;
  snapshot_final_done_ = true;
  if (snapshot_timer_) snapshot_timer_->cancel();
  auto s = make_snapshot();
  s.header.mn_set_digest = snapshot::mn_set_digest(configured_home_addresses());
  const auto r = snapshot_writer_->write_now(s);
  on_snapshot_written(r, true);
}

void Daemon::on_snapshot_written(const snapshot::WriteReport& r, bool final) {
  if (!r.ok) {
    metrics_.counter("ha_agent_snapshot_write_failures_total", {}, "Snapshots that could not be written").inc();
    HA_LOG(log_, kWarning) << "cannot write snapshot: " << r.error;
    return;
  }
  metrics_.counter("ha_agent_snapshots_written_total", {}, "Snapshots written (periodic and at shutdown)").inc();
  metrics_
      .gauge("ha_agent_snapshot_last_write_timestamp_seconds", {},
             "Wall-clock time of the last snapshot written (Unix seconds)")
      .set(static_cast<std::uint64_t>(r.written_at.time_since_epoch().count() / 1000));
  metrics_.gauge("ha_agent_snapshot_entries", {}, "Bindings in the last snapshot written").set(r.entries);
  metrics_.gauge("ha_agent_snapshot_bytes", {}, "Size of the last snapshot written").set(r.bytes);
  metrics_
      .gauge("ha_agent_snapshot_encode_microseconds", {}, "Encoding time of the last snapshot (helper thread)")
      .set(static_cast<std::uint64_t>(r.encode_time.count()));
  metrics_
      .gauge("ha_agent_snapshot_write_microseconds", {},
             "Write time of the last snapshot: temporary file, fsync, rename, fsync of the directory")
      .set(static_cast<std::uint64_t>(r.write_time.count()));
  if (final)
    HA_LOG(log_, kNotice) << "snapshot written to " << snapshot_writer_->path() << ": " << r.entries
                          << " bindings, " << r.bytes << " octets (encode " << seconds_text(r.encode_time)
                          << ", write " << seconds_text(r.write_time) << ")";
  else
    HA_LOG(log_, kDebug) << "periodic snapshot written: " << r.entries << " bindings, " << r.bytes
                         << " octets (encode " << seconds_text(r.encode_time) << ", write "
                         << seconds_text(r.write_time) << ")";
}

}  // namespace ha_agent
