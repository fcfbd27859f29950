// Emulator: N emulated mobile nodes (mip6::MobileNodeSet) driven by one
// Boost.Asio io_context and one PacketIo (AF_PACKET receive, IPPROTO_RAW
// send in mn-emu; a fake in tests). It owns the ESP SA pairs of every MN with
// every HA (created on first use, keys loaded at start), turns the MN logic's
// SendBindingUpdate actions into packets (mn_packets.h), feeds received BAs,
// Home Agent Switches and Binding Refresh Requests back, paces the initial
// registrations and the final deregistrations, counts every dropped packet
// by reason, and produces the JSON report (mn_emu.proto Report).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/mn-emu/emu_config.h"
#include "bench/mn-emu/mn_emu.pb.h"
#include "bench/mn-emu/mn_packets.h"
#include "crypto/esp_sa.h"
#include "ha-agent/io/packet_io.h"
#include "mip6/mobile_node_set.h"

namespace mnemu {

struct RunOptions {
  bool register_all = false;
  std::optional<std::chrono::milliseconds> duration;  // run time after start()
  bool deregister_at_end = false;
  std::chrono::milliseconds stats_interval{0};  // 0: no periodic stats log
  // After the last scheduled deregistration, wait at most this long for BAs.
  std::chrono::milliseconds deregister_grace{5000};
  std::size_t max_timers_per_turn = 4096;  // MN timers handled per loop turn
};

class Emulator {
 public:
  // Loads every key (errors name the key file) and builds the MNs.
  static mip6::Result<std::unique_ptr<Emulator>, std::string> create(
      boost::asio::io_context& io, const EmuConfig& config, ha_agent::io::PacketIo& packet_io,
      RunOptions options);

  // Starts receiving, schedules registrations and the end of the run.
  void start();
  // Ends the run: deregisters first when RunOptions::deregister_at_end (a
  // second call stops at once). `on_finished` runs when the run is over.
  void request_stop();
  void set_on_finished(std::function<void()> f) { on_finished_ = std::move(f); }
  bool finished() const { return finished_; }

  // One received IPv6 packet (also the PacketIo handler).
  void handle_packet(std::span<const std::uint8_t> packet);

  haagent::mnemu::Report report() const;
  std::string stats_line() const;
  const mip6::MobileNodeSet& nodes() const { return nodes_; }
  const std::map<std::string, std::uint64_t>& dropped() const { return dropped_; }
  const std::map<std::string, std::uint64_t>& counters() const { return counters_; }

 private:
  struct SaSlot {
    std::uint32_t spi_out = 0;
    std::uint32_t spi_in = 0;
    crypto::EspAlgorithm algorithm = crypto::EspAlgorithm::kAesGcm128;
    bool esn = false;
    std::uint32_t replay_window = 1024;
    crypto::SecretBytes key_out;  // until the SA is created
    crypto::SecretBytes key_in;
    crypto::EspSaPtr out;
    crypto::EspSaPtr in;
  };

  Emulator(boost::asio::io_context& io, ha_agent::io::PacketIo& packet_io, RunOptions options);
  crypto::EspSa* outbound_sa(mip6::MnId mn, std::size_t ha);
  crypto::EspSa* inbound_sa(mip6::MnId mn, std::size_t ha);
  void send_actions();
  void rearm();
  void on_tick();
  void check_drained();
  void finish();
  void arm_stats();
  void count(std::map<std::string, std::uint64_t>& m, const std::string& key) { ++m[key]; }

  boost::asio::io_context& io_;
  ha_agent::io::PacketIo& packet_io_;
  RunOptions options_;
  EmuConfig config_;
  mip6::MobileNodeSet nodes_;
  std::vector<std::vector<SaSlot>> sas_;  // [mn][ha]
  std::unordered_map<std::uint32_t, std::pair<mip6::MnId, std::uint32_t>> by_spi_in_;

  boost::asio::steady_timer timer_;
  std::optional<mip6::MnTime> armed_;
  boost::asio::steady_timer end_timer_;
  boost::asio::steady_timer stats_timer_;
  mip6::MnActions actions_;
  std::vector<std::uint8_t> mh_scratch_;
  std::vector<std::uint8_t> packet_;
  std::vector<std::uint8_t> open_scratch_;

  mip6::MnTime start_steady_{};
  double start_unix_s_ = 0;
  bool started_ = false;
  bool draining_ = false;
  bool finished_ = false;
  std::optional<mip6::MnTime> drain_deadline_;
  std::function<void()> on_finished_;
  std::map<std::string, std::uint64_t> dropped_;
  std::map<std::string, std::uint64_t> counters_;
};

}  // namespace mnemu
