// Times of one snapshot of N bindings (default 100,000), for
// docs/operations.md ("Restart without loss"): what the event loop spends
// (copying the Binding Cache, the MN-set digest) and what the helper thread
// spends (encode + SHA-256, write + fsync + rename), then reading and
// planning the restore. Not a test: figures, never assertions.
//   snapshot_bench [N] [DIR]   (DIR default /tmp)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ha-agent/snapshot/restore_plan.h"
#include "ha-agent/snapshot/snapshot_codec.h"
#include "ha-agent/snapshot/snapshot_file.h"
#include "ha-agent/snapshot/snapshot_writer.h"

using namespace ha_agent::snapshot;
using Steady = std::chrono::steady_clock;

static double ms_since(Steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
  const std::string path = std::string(argc > 2 ? argv[2] : "/tmp") + "/ha-snapshot-bench-" +
                           std::to_string(::getpid()) + ".pb";
  const ClockPair now{Steady::now(), std::chrono::time_point_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now())};
  mip6::BindingCache cache;
  cache.reserve(n);
  std::vector<mip6::Ipv6Address> hoas;
  for (std::size_t i = 0; i < n; ++i) {
    mip6::Ipv6Address::Bytes b = mip6::Ipv6Address::parse("fd00:1::1:0:0")->bytes();
    b[12] = static_cast<std::uint8_t>(i >> 24), b[13] = static_cast<std::uint8_t>(i >> 16);
    b[14] = static_cast<std::uint8_t>(i >> 8), b[15] = static_cast<std::uint8_t>(i);
    mip6::BindingCacheEntry e;
    e.home_address = mip6::Ipv6Address(b);
    e.care_of_address = *mip6::Ipv6Address::parse("fd00:2::10");
    e.our_address = *mip6::Ipv6Address::parse("fd00:1::1");
    e.granted_lifetime_s = 3600;
    e.expires_at = now.steady + std::chrono::seconds(1800 + i % 1000);
    e.registered_at = e.expires_at - std::chrono::seconds(3600);
    e.last_sequence = mip6::SequenceNumber(static_cast<std::uint16_t>(i));
    e.flags = 0xC000;
    e.spi = static_cast<std::uint32_t>(0x1000 + i);
    cache.put(e, e.expires_at);
    hoas.push_back(e.home_address);
  }

  auto t0 = Steady::now();
  Snapshot s;
  s.header.written_at = now.wall;
  s.header.ha_address = *mip6::Ipv6Address::parse("fd00:1::1");
  s.entries.reserve(cache.size());
  cache.for_each([&](const mip6::BindingCacheEntry& e) { s.entries.push_back(to_snapshot_entry(e, now)); });
  const double copy_ms = ms_since(t0);
  t0 = Steady::now();
  s.header.mn_set_digest = mn_set_digest(hoas);
  const double digest_ms = ms_since(t0);

  const WriteReport w = encode_and_write(path, s);
  if (!w.ok) {
    std::fprintf(stderr, "%s\n", w.error.c_str());
    return 1;
  }
  t0 = Steady::now();
  auto bytes = read_snapshot_file(path);
  auto back = bytes ? decode(*bytes) : decode({});
  const double read_ms = ms_since(t0);
  if (!back) {
    std::fprintf(stderr, "decode: %s\n", to_string(back.error()).c_str());
    return 1;
  }
  t0 = Steady::now();
  AddressSet configured(hoas.begin(), hoas.end()), ours{s.header.ha_address};
  auto plan = plan_restore(*back, configured, ours, s.header.mn_set_digest, now);
  const double plan_ms = ms_since(t0);
  ::unlink(path.c_str());

  std::printf("bindings                      %zu\n", n);
  std::printf("file size                     %zu octets\n", w.bytes);
  std::printf("loop: copy binding cache      %.1f ms\n", copy_ms);
  std::printf("helper: MN-set digest         %.1f ms\n", digest_ms);
  std::printf("helper: encode + SHA-256      %.1f ms\n", w.encode_time.count() / 1000.0);
  std::printf("helper: write+fsync+rename    %.1f ms\n", w.write_time.count() / 1000.0);
  std::printf("start: read + decode          %.1f ms\n", read_ms);
  std::printf("start: plan (%zu to adopt)  %.1f ms\n", plan.adopt.size(), plan_ms);
  return 0;
}
