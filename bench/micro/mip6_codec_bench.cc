// Micro-benchmarks of the Mobility Header codec (DESIGN.md §7): encode and
// decode of a home-registration Binding Update (with Alternate CoA, checksum)
// and of its Binding Acknowledgement (with Binding Refresh Advice), alone and
// as encode+decode pairs. The encode buffer is reused, as the daemon does.
// Run: build/<dir>/bench/micro/mip6_codec_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <vector>

#include "mip6/mh_checksum.h"
#include "mip6/mh_codec.h"

namespace {

using namespace mip6;

const Ipv6Address kHoa = *Ipv6Address::parse("fd00:1::100");
const Ipv6Address kHa = *Ipv6Address::parse("fd00:1::1");
const Ipv6Address kCoa = *Ipv6Address::parse("fd00:2::10");

MobilityMessage make_bu() {
  BindingUpdate bu{
      SequenceNumber(7),
      BindingUpdate::kAck | BindingUpdate::kHomeRegistration | BindingUpdate::kKeyManagement,
      150,
      {}};
  bu.options.alternate_care_of_address = kCoa;
  return bu;
}

MobilityMessage make_ba() {
  BindingAcknowledgement ba{0, BindingAcknowledgement::kKeyManagement, SequenceNumber(7), 150, {}};
  ba.options.binding_refresh_advice = 140;
  return ba;
}

void BM_EncodeBindingUpdate(benchmark::State& state) {
  const auto m = make_bu();
  std::vector<std::uint8_t> buf;
  buf.reserve(64);
  for (auto _ : state) {
    buf.clear();
    benchmark::DoNotOptimize(encode_mobility_header(m, kHoa, kHa, buf).ok());
    benchmark::DoNotOptimize(buf.data());
  }
}
BENCHMARK(BM_EncodeBindingUpdate);

void BM_DecodeBindingUpdate(benchmark::State& state) {
  std::vector<std::uint8_t> buf;
  (void)encode_mobility_header(make_bu(), kHoa, kHa, buf);
  for (auto _ : state) {
    const bool ok = verify_mh_checksum(buf, kHoa, kHa);
    auto d = decode_mobility_header(buf);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(d.ok());
  }
}
BENCHMARK(BM_DecodeBindingUpdate);

void BM_EncodeBindingAck(benchmark::State& state) {
  const auto m = make_ba();
  std::vector<std::uint8_t> buf;
  buf.reserve(64);
  for (auto _ : state) {
    buf.clear();
    benchmark::DoNotOptimize(encode_mobility_header(m, kHa, kHoa, buf).ok());
    benchmark::DoNotOptimize(buf.data());
  }
}
BENCHMARK(BM_EncodeBindingAck);

void BM_DecodeBindingAck(benchmark::State& state) {
  std::vector<std::uint8_t> buf;
  (void)encode_mobility_header(make_ba(), kHa, kHoa, buf);
  for (auto _ : state) {
    const bool ok = verify_mh_checksum(buf, kHa, kHoa);
    auto d = decode_mobility_header(buf);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(d.ok());
  }
}
BENCHMARK(BM_DecodeBindingAck);

// Encode + checksum + verify + decode, as one BU and one BA pass through an HA.
template <MobilityMessage (*Make)()>
void BM_EncodeDecodePair(benchmark::State& state) {
  const auto m = Make();
  std::vector<std::uint8_t> buf;
  buf.reserve(64);
  for (auto _ : state) {
    buf.clear();
    (void)encode_mobility_header(m, kHoa, kHa, buf);
    const bool ok = verify_mh_checksum(buf, kHoa, kHa);
    auto d = decode_mobility_header(buf);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(d.ok());
  }
}
BENCHMARK(BM_EncodeDecodePair<make_bu>)->Name("BM_EncodeDecodePair/BindingUpdate");
BENCHMARK(BM_EncodeDecodePair<make_ba>)->Name("BM_EncodeDecodePair/BindingAck");

}  // namespace

BENCHMARK_MAIN();
