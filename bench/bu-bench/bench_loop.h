// bu-bench's closed loop (issue #4): keeps W Binding Updates outstanding
// across the N mobile nodes of an mn-emu config (written by ha-genconf),
// each MN at most one at a time, and times every BU -> reply round trip.
// The replies are either real Binding Acknowledgements from ha-agent (opened
// with the MN's inbound ESP SA, checked for the outstanding sequence number,
// RFC 6275 §11.7.3) or, in echo mode, the raw-socket echo server's packets
// of the same size that carry the BU's SPI and ESP sequence number back.
// A BU unanswered after the timeout is counted lost and its slot refilled,
// so the loop never stalls. Runs are bounded by count and by time.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/mn-emu/emu_config.h"
#include "crypto/esp_sa.h"
#include "ha-agent/io/packet_io.h"
#include "mip6/result.h"

namespace bubench {

using Clock = std::chrono::steady_clock;

enum class LoopMode : std::uint8_t {
  kRegister,  // one BU per MN, then stop
  kRefresh,   // round robin over the MNs until --seconds or --max-bus
};

struct LoopOptions {
  LoopMode mode = LoopMode::kRefresh;
  bool echo = false;              // replies come from the echo server
  std::size_t window = 64;        // BUs outstanding at a time
  std::uint16_t sequence_base = 1;  // first BU sequence number of every MN
  std::chrono::milliseconds duration{10000};  // sending stops after this (both modes)
  std::chrono::milliseconds warmup{1000};     // refresh mode: not measured
  std::uint64_t max_bus = 0;                  // 0: unbounded (time still bounds)
  std::chrono::milliseconds timeout{1000};    // a BU unanswered this long is lost
};

struct LoopResult {
  std::uint64_t sent = 0, send_errors = 0, replies = 0, accepted = 0, rejected = 0, lost = 0;
  std::uint64_t late_or_unmatched = 0;
  std::map<std::string, std::uint64_t> dropped;  // reply packets we could not use, by reason
  std::map<int, std::uint64_t> ba_status;        // BA status -> count
  std::size_t reply_bytes = 0;                   // IPv6 size of the last reply
  std::size_t bu_bytes = 0;                      // IPv6 size of the last BU
  double measured_s = 0;                         // measurement window
  std::uint64_t measured_replies = 0;            // replies inside the window
  std::vector<double> latency_us;                // round trips inside the window
  std::uint16_t next_sequence_base = 0;          // for a following run
};

class BenchLoop {
 public:
  static mip6::Result<std::unique_ptr<BenchLoop>, std::string> create(
      boost::asio::io_context& io, const mnemu::EmuConfig& config, ha_agent::io::PacketIo& packet_io,
      LoopOptions options);

  // Starts receiving and fills the window; io.stop() is called when done.
  void start();
  // Stops sending; the loop ends when nothing is outstanding (or at once if
  // `now` is true).
  void request_stop(bool now);
  const LoopResult& result() const { return result_; }

 private:
  struct Mn {
    mip6::Ipv6Address home_address, care_of_address, ha_address;
    crypto::EspSaPtr out, in;
    std::uint16_t next_sequence = 0;
    bool outstanding = false;
    std::uint16_t outstanding_sequence = 0;  // BU sequence number
    std::uint32_t outstanding_esp_seq = 0;   // ESP sequence number (echo matching)
    Clock::time_point sent_at{};
    std::uint64_t generation = 0;            // which send the timeout queue entry refers to
  };
  struct Pending {
    std::uint32_t mn;
    std::uint64_t generation;
    Clock::time_point deadline;
  };

  BenchLoop(boost::asio::io_context& io, ha_agent::io::PacketIo& packet_io, LoopOptions o);
  void fill();
  bool send_one(std::uint32_t mn, Clock::time_point now);
  void on_packet(std::span<const std::uint8_t> packet);
  void complete(std::uint32_t mn, Clock::time_point now);
  void arm_timeouts();
  void expire(Clock::time_point now);
  void maybe_finish();

  boost::asio::io_context& io_;
  ha_agent::io::PacketIo& packet_io_;
  LoopOptions options_;
  bool alternate_coa_ = true;
  std::uint16_t lifetime_units_ = 0;
  std::vector<Mn> mns_;
  std::unordered_map<std::uint32_t, std::uint32_t> by_spi_;  // inbound SPI (or outbound in echo mode)
  std::deque<Pending> pending_;
  std::size_t outstanding_ = 0;
  std::size_t cursor_ = 0;
  bool stopping_ = false;
  bool finished_ = false;
  Clock::time_point start_{}, measure_from_{}, stop_sending_at_{};
  boost::asio::steady_timer timeout_timer_;
  boost::asio::steady_timer end_timer_;
  std::vector<std::uint8_t> mh_scratch_, packet_, open_scratch_;
  LoopResult result_;
};

}  // namespace bubench
