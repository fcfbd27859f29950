// bu-bench's closed loop (bench_loop.h).
#include "bench/bu-bench/bench_loop.h"

#include "bench/mn-emu/key_store.h"
#include "bench/mn-emu/mn_packets.h"
#include "mip6/ipv6_packet.h"

namespace bubench {
namespace {

constexpr auto kTimeoutScan = std::chrono::milliseconds(20);

std::uint32_t be32(std::span<const std::uint8_t> b) {
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}

}  // namespace

BenchLoop::BenchLoop(boost::asio::io_context& io, ha_agent::io::PacketIo& packet_io, LoopOptions o)
    : io_(io), packet_io_(packet_io), options_(o), timeout_timer_(io), end_timer_(io) {}

mip6::Result<std::unique_ptr<BenchLoop>, std::string> BenchLoop::create(
    boost::asio::io_context& io, const mnemu::EmuConfig& config, ha_agent::io::PacketIo& packet_io,
    LoopOptions options) {
  if (options.window == 0) return mip6::fail(std::string("window must be at least 1"));
  if (config.mobile_nodes.empty()) return mip6::fail(std::string("the config has no mobile nodes"));
  std::unique_ptr<BenchLoop> b(new BenchLoop(io, packet_io, options));
  b->alternate_coa_ = config.alternate_coa;
  // RFC 6275 §6.1.7: Lifetime in 4-second units (16 bits).
  b->lifetime_units_ = static_cast<std::uint16_t>(std::min<std::uint32_t>(config.lifetime_s / 4, 0xFFFF));
  mnemu::KeyStore keys;
  const auto now = Clock::now();
  b->mns_.resize(config.mobile_nodes.size());
  for (std::size_t i = 0; i < config.mobile_nodes.size(); ++i) {
    const auto& c = config.mobile_nodes[i];
    if (c.home_agents.empty()) return mip6::fail("mobile node " + std::to_string(i) + " has no home agent");
    const auto& ha = c.home_agents[0];  // ha-genconf: every MN registers first with HA 1
    auto& m = b->mns_[i];
    m.home_address = c.home_address;
    m.care_of_address = c.care_of_address;
    m.ha_address = ha.address;
    m.next_sequence = options.sequence_base;
    auto ko = keys.load(ha.key_out, ha.algorithm);
    if (!ko) return mip6::fail(ko.error());
    auto ki = keys.load(ha.key_in, ha.algorithm);
    if (!ki) return mip6::fail(ki.error());
    crypto::SaParams po;
    po.spi = ha.spi_out;
    po.direction = crypto::SaDirection::kOutbound;
    po.algorithm = ha.algorithm;
    po.source = c.care_of_address;
    po.destination = ha.address;
    po.key = std::move(ko).value();
    po.extended_sequence_numbers = ha.esn;
    auto out = crypto::EspSa::create(std::move(po), now);
    if (!out) return mip6::fail("outbound SA of MN " + std::to_string(i) + ": " +
                                std::string(crypto::to_string(out.error())));
    m.out = std::move(out).value();
    // A later run continues the ESP sequence in step with the BU sequence,
    // or the HA's replay window (RFC 4303 §3.4.3) would drop its packets.
    if (options.sequence_base > 1)
      if (auto j = m.out->jump_sequence(options.sequence_base); !j)
        return mip6::fail("ESP sequence jump: " + std::string(crypto::to_string(j.error())));
    crypto::SaParams pi;
    pi.spi = ha.spi_in;
    pi.direction = crypto::SaDirection::kInbound;
    pi.algorithm = ha.algorithm;
    pi.source = ha.address;
    pi.destination = c.care_of_address;
    pi.key = std::move(ki).value();
    pi.extended_sequence_numbers = ha.esn;
    pi.replay_window = ha.replay_window;
    auto in = crypto::EspSa::create(std::move(pi), now);
    if (!in) return mip6::fail("inbound SA of MN " + std::to_string(i) + ": " +
                               std::string(crypto::to_string(in.error())));
    m.in = std::move(in).value();
    // Echo replies carry the BU's own (outbound) SPI back; BAs the inbound one.
    const std::uint32_t key = options.echo ? ha.spi_out : ha.spi_in;
    if (!b->by_spi_.emplace(key, static_cast<std::uint32_t>(i)).second)
      return mip6::fail("SPI " + std::to_string(key) + " used twice");
  }
  return b;
}

void BenchLoop::start() {
  start_ = Clock::now();
  const bool refresh = options_.mode == LoopMode::kRefresh;
  measure_from_ = refresh ? start_ + options_.warmup : start_;
  packet_io_.start([this](std::span<const std::uint8_t> p, int) { on_packet(p); });
  // Both modes are bounded in time: refresh measures until then, register
  // gives up on the MNs not yet sent.
  stop_sending_at_ = start_ + options_.duration;
  end_timer_.expires_at(stop_sending_at_);
  end_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) request_stop(false);
  });
  arm_timeouts();
  fill();
}

void BenchLoop::request_stop(bool now) {
  if (finished_) return;
  if (!stopping_) {
    stopping_ = true;
    const auto t = Clock::now();
    if (t < stop_sending_at_) stop_sending_at_ = t;
  }
  if (now) outstanding_ = 0;
  maybe_finish();
}

void BenchLoop::fill() {
  const auto now = Clock::now();
  while (!stopping_ && outstanding_ < options_.window) {
    if (options_.max_bus && result_.sent + result_.send_errors >= options_.max_bus) {
      request_stop(false);
      return;
    }
    if (options_.mode == LoopMode::kRegister) {
      if (cursor_ >= mns_.size()) {
        request_stop(false);
        return;
      }
      send_one(static_cast<std::uint32_t>(cursor_++), now);
      continue;
    }
    // Round robin, skipping MNs that still wait for their reply.
    std::size_t tries = 0;
    while (mns_[cursor_].outstanding && tries++ < mns_.size()) cursor_ = (cursor_ + 1) % mns_.size();
    if (mns_[cursor_].outstanding) return;  // window larger than N
    const auto mn = static_cast<std::uint32_t>(cursor_);
    cursor_ = (cursor_ + 1) % mns_.size();
    send_one(mn, now);
  }
}

bool BenchLoop::send_one(std::uint32_t i, Clock::time_point now) {
  auto& m = mns_[i];
  // RFC 6275 §11.7.1: home registration with A and H set; §11.8: a new
  // sequence number for every BU.
  mip6::BindingUpdate bu;
  bu.sequence = mip6::SequenceNumber(m.next_sequence);
  bu.flags = mip6::BindingUpdate::kAck | mip6::BindingUpdate::kHomeRegistration;
  bu.lifetime = lifetime_units_;
  if (alternate_coa_) bu.options.alternate_care_of_address = m.care_of_address;
  auto st = mnemu::build_binding_update_packet(bu, m.home_address, m.care_of_address, m.ha_address, *m.out,
                                               now, mh_scratch_, packet_);
  if (!st) {
    ++result_.dropped["build: " + st.error()];
    ++result_.send_errors;
    return false;
  }
  m.next_sequence = static_cast<std::uint16_t>(m.next_sequence + 1);
  const auto esp_seq = static_cast<std::uint32_t>(m.out->last_sequence());  // low 32 bits (RFC 4303 §2.2)
  if (packet_io_.send(packet_, 0)) {
    ++result_.send_errors;
    return false;
  }
  ++result_.sent;
  result_.bu_bytes = packet_.size();
  m.outstanding = true;
  m.outstanding_sequence = bu.sequence.value();
  m.outstanding_esp_seq = esp_seq;
  m.sent_at = now;
  ++m.generation;
  ++outstanding_;
  pending_.push_back({i, m.generation, now + options_.timeout});
  return true;
}

void BenchLoop::on_packet(std::span<const std::uint8_t> packet) {
  if (finished_) return;
  const auto now = Clock::now();
  if (options_.echo) {
    auto p = mip6::parse_ipv6_packet(packet);
    if (!p) {
      ++result_.dropped["ipv6: " + std::string(mip6::to_string(p.error().code))];
      return;
    }
    if (p->upper_protocol != mip6::ipproto::kEsp || p->upper_layer.size() < 8) {
      ++result_.dropped["echo: not an echo reply"];
      return;
    }
    auto it = by_spi_.find(be32(p->upper_layer));
    if (it == by_spi_.end()) {
      ++result_.dropped["echo: unknown spi"];
      return;
    }
    auto& m = mns_[it->second];
    if (!m.outstanding || m.outstanding_esp_seq != be32(p->upper_layer.subspan(4))) {
      ++result_.late_or_unmatched;
      return;
    }
    ++result_.replies;
    ++result_.accepted;
    result_.reply_bytes = packet.size();
    complete(it->second, now);
    return;
  }
  auto lookup = [this](std::uint32_t spi) -> std::optional<mnemu::InboundSa> {
    auto it = by_spi_.find(spi);
    if (it == by_spi_.end()) return std::nullopt;
    auto& m = mns_[it->second];
    return mnemu::InboundSa{m.in.get(), mnemu::SaOwner{it->second, 0, m.ha_address, m.home_address,
                                                       m.care_of_address}};
  };
  auto r = mnemu::open_packet(packet, lookup, now, open_scratch_);
  if (!r) {
    ++result_.dropped[r.error()];
    return;
  }
  const auto* ba = std::get_if<mip6::BindingAcknowledgement>(&r->message);
  if (!ba) {
    ++result_.dropped["not a binding acknowledgement"];
    return;
  }
  auto& m = mns_[r->owner.mn];
  // RFC 6275 §11.7.3: a BA answers the BU whose sequence number it echoes.
  if (!m.outstanding || ba->sequence.value() != m.outstanding_sequence) {
    ++result_.late_or_unmatched;
    return;
  }
  ++result_.replies;
  ++result_.ba_status[ba->status];
  // protocol-notes §2.5: status < 128 means accepted.
  if (ba->status < 128) ++result_.accepted;
  else ++result_.rejected;
  result_.reply_bytes = packet.size();
  complete(r->owner.mn, now);
}

void BenchLoop::complete(std::uint32_t i, Clock::time_point now) {
  auto& m = mns_[i];
  m.outstanding = false;
  --outstanding_;
  const bool refresh = options_.mode == LoopMode::kRefresh;
  if (now >= measure_from_ && (!refresh || m.sent_at < stop_sending_at_)) {
    if (!refresh || now < stop_sending_at_) ++result_.measured_replies;
    result_.latency_us.push_back(std::chrono::duration<double, std::micro>(now - m.sent_at).count());
  }
  fill();
  maybe_finish();
}

void BenchLoop::arm_timeouts() {
  timeout_timer_.expires_after(kTimeoutScan);
  timeout_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || finished_) return;
    expire(Clock::now());
    fill();
    maybe_finish();
    if (!finished_) arm_timeouts();
  });
}

void BenchLoop::expire(Clock::time_point now) {
  while (!pending_.empty() && pending_.front().deadline <= now) {
    const auto p = pending_.front();
    pending_.pop_front();
    auto& m = mns_[p.mn];
    if (m.outstanding && m.generation == p.generation) {
      m.outstanding = false;
      --outstanding_;
      ++result_.lost;
    }
  }
  // Drop answered entries at the head so the queue stays short.
  while (!pending_.empty()) {
    const auto& m = mns_[pending_.front().mn];
    if (m.outstanding && m.generation == pending_.front().generation) break;
    pending_.pop_front();
  }
}

void BenchLoop::maybe_finish() {
  if (finished_ || !stopping_ || outstanding_ > 0) return;
  finished_ = true;
  const auto end = Clock::now();
  if (options_.mode == LoopMode::kRegister) {
    result_.measured_s = std::chrono::duration<double>(end - start_).count();
    result_.measured_replies = result_.replies;
  } else {
    result_.measured_s = std::chrono::duration<double>(stop_sending_at_ - measure_from_).count();
  }
  std::uint16_t max_next = options_.sequence_base;
  for (const auto& m : mns_)
    if (static_cast<std::uint16_t>(m.next_sequence - options_.sequence_base) >
        static_cast<std::uint16_t>(max_next - options_.sequence_base))
      max_next = m.next_sequence;
  result_.next_sequence_base = max_next;
  timeout_timer_.cancel();
  end_timer_.cancel();
  packet_io_.stop();
  io_.stop();
}

}  // namespace bubench
