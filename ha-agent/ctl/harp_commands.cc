// ha-agentctl commands about the HARP redundancy group: `peers` (state, last
// heard, round trip, bindings owned, replication lag of each peer) and
// `events` (the ordered, timestamped stream: peer up/down, takeover
// started/finished, MN moved, split brain resolved, ...; it starts with a
// snapshot of the current peer states; --follow keeps polling).
#include <boost/program_options.hpp>
#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <optional>
#include <thread>

#include "ha-agent/ctl/admin_client.h"
#include "ha-agent/ctl/subcommand.h"
#include "ha-agent/ctl/table.h"

namespace ha_agent::ctl {
namespace po = boost::program_options;
namespace {

struct Options : CommonOptions {
  bool follow = false;
};

int parse(const char* name, int argc, char** argv, Options& o, bool with_follow) {
  po::options_description extra;
  if (with_follow)
    extra.add_options()("follow,f", po::bool_switch(&o.follow), "keep printing new events (Ctrl-C ends)");
  return parse_options(name, argc, argv, o, extra);
}

int request(const char* name, const std::string& socket, const admin::Request& req,
            admin::Response& out) {
  return call_daemon(name, socket, req, out);
}

std::string json_line(const google::protobuf::Message& m) {
  std::string s;
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &s, o);
  return s;
}

std::string ms_text(std::int64_t ms) { return ms < 0 ? "-" : std::to_string(ms) + " ms"; }

std::string time_text(std::int64_t unix_ms) {
  std::time_t t = unix_ms / 1000;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(unix_ms % 1000));
  return out;
}

std::string event_line(const admin::Event& e) {
  std::string s = time_text(e.unix_ms()) + " #" + std::to_string(e.serial()) + " " + e.kind();
  if (!e.peer().empty()) s += " peer=" + e.peer();
  if (!e.home_address().empty()) s += " mn=" + e.home_address();
  if (e.count() || e.count2()) s += " count=" + std::to_string(e.count());
  if (e.count2()) s += " other=" + std::to_string(e.count2());
  if (!e.detail().empty()) s += " (" + e.detail() + ")";
  return s;
}

}  // namespace

int run_peers(int argc, char** argv) {
  Options o;
  if (int rc = parse("peers", argc, argv, o, false); rc >= 0) return rc;
  admin::Request req;
  req.mutable_peers();
  admin::Response resp;
  if (int rc = request("peers", o.socket, req, resp); rc >= 0) return rc;
  const auto& p = resp.peers();
  if (o.json) {
    std::cout << json_line(p) << "\n";
    return 0;
  }
  if (p.group_id() == 0) {
    std::cout << "no HARP group configured\n";
    return 0;
  }
  std::cout << "group " << p.group_id() << ", this HA " << p.own_address() << " (preference "
            << p.preference() << ", " << (p.serving() ? "serving" : "not serving") << ", "
            << p.own_bindings() << " own bindings)\n";
  Table t({"PEER", "PREF", "STATE", "LAST HEARD", "I HEAR", "HEARS ME", "RTT", "BINDINGS OWNED",
           "REPL LAG (unacked/pending, oldest)", "RETRANS", "FULL DUMPS"});
  for (const auto& x : p.peers())
    t.add({x.address(), std::to_string(x.preference()), x.state(), ms_text(x.last_heard_ms_ago()),
           x.i_hear() ? "yes" : "no", x.hears_me() ? "yes" : "no",
           x.round_trip_us() < 0 ? "-" : std::to_string(x.round_trip_us()) + " us",
           std::to_string(x.bindings_owned()),
           std::to_string(x.unacked_records()) + "/" + std::to_string(x.pending_records()) + ", " +
               ms_text(x.oldest_unacked_ms()),
           std::to_string(x.retransmissions()), std::to_string(x.full_dumps())});
  std::cout << t.render(true);
  return 0;
}

int run_events(int argc, char** argv) {
  Options o;
  if (int rc = parse("events", argc, argv, o, true); rc >= 0) return rc;
  // Snapshot of the current state first.
  admin::Request preq;
  preq.mutable_peers();
  admin::Response presp;
  if (int rc = request("events", o.socket, preq, presp); rc >= 0) return rc;
  const auto& p = presp.peers();
  if (o.json) {
    std::cout << "{\"snapshot\":" << json_line(p) << "}\n";
  } else if (p.group_id() == 0) {
    std::cout << "snapshot: no HARP group configured\n";
  } else {
    std::cout << "snapshot: this HA " << p.own_address() << " " << (p.serving() ? "serving" : "not serving")
              << ", " << p.own_bindings() << " own bindings\n";
    for (const auto& x : p.peers())
      std::cout << "snapshot: peer " << x.address() << " " << x.state() << ", owns "
                << x.bindings_owned() << " bindings\n";
  }
  std::uint64_t after = 0;
  for (;;) {
    admin::Request req;
    req.mutable_events()->set_after_serial(after);
    admin::Response resp;
    if (int rc = request("events", o.socket, req, resp); rc >= 0) return rc;
    for (const auto& e : resp.events().events()) {
      std::cout << (o.json ? json_line(e) : event_line(e)) << "\n";
      after = std::max(after, e.serial());
    }
    std::cout.flush();
    if (!o.follow) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

namespace {

// Starts a switchover or drain and waits for its switchover_result event.
int run_move(const char* name, int argc, char** argv, bool drain) {
  Options o;
  std::string to;
  unsigned timeout_s = 60;
  po::options_description extra;
  extra.add_options()("timeout", po::value(&timeout_s)->default_value(timeout_s),
                      "seconds to wait for the outcome");
  if (!drain) extra.add_options()("to", po::value(&to), "the peer HA that takes over this HA's MNs");
  if (int rc = parse_options(name, argc, argv, o, extra, {}, false); rc >= 0) return rc;
  if (!drain && to.empty()) {
    std::fprintf(stderr, "ha-agentctl %s: --to HA is required\n", name);
    return 1;
  }
  admin::Request req;
  if (drain) req.mutable_drain();
  else req.mutable_switchover()->set_to(to);
  admin::Response resp;
  if (int rc = request(name, o.socket, req, resp); rc >= 0) return rc;
  std::uint64_t after = resp.started().after_serial();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    admin::Request ev;
    ev.mutable_events()->set_after_serial(after);
    admin::Response er;
    if (int rc = request(name, o.socket, ev, er); rc >= 0) return rc;
    std::optional<int> outcome;
    for (const auto& e : er.events().events()) {
      after = std::max(after, e.serial());
      std::cout << event_line(e) << "\n";
      if (e.kind() != "switchover_result" || outcome) continue;
      if (!drain) {
        outcome = e.detail() == "accepted" ? 0 : 2;
        continue;
      }
      // A drain reports "accepted" per target; once every accepted target's
      // HA Switch jobs have ended, "completed" for each of them, all in the
      // same batch (harp_control.cc). "drained": there was no MN to move.
      // Anything else (refused, no_reply, target_failed, ...) is a failure.
      if (e.detail() == "accepted") continue;
      outcome = e.detail() == "completed" || e.detail() == "drained" ? 0 : 2;
    }
    if (outcome) return *outcome;  // after printing the rest of the batch
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::fprintf(stderr, "ha-agentctl %s: no outcome within %u s\n", name, timeout_s);
  return 2;
}

}  // namespace

int run_switchover(int argc, char** argv) { return run_move("switchover", argc, argv, false); }
int run_drain(int argc, char** argv) { return run_move("drain", argc, argv, true); }

}  // namespace ha_agent::ctl
