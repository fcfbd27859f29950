// libFuzzer target for mip6/ipv6_packet and mip6/icmpv6_nd: any input must
// parse or give a named error without reading out of bounds. On success the
// parsed packet is rebuilt (IPv6 / RH2 / DestOpt(HAO) / upper) and parsed
// again: everything the parser reports must survive the round trip. NS/NA
// that parse are rebuilt likewise (NAs) and must parse back equal.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <variant>
#include <vector>

#include "mip6/icmpv6_nd.h"
#include "mip6/ipv6_packet.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void round_trip_ipv6(std::span<const std::uint8_t> in, const mip6::Ipv6Packet& p) {
  check(p.upper_offset >= mip6::kIpv6HeaderSize);
  check(p.upper_offset + p.upper_layer.size() == mip6::kIpv6HeaderSize + p.payload_length);
  check(mip6::kIpv6HeaderSize + p.payload_length <= in.size());
  check(p.upper_layer.data() == in.data() + p.upper_offset);
  check(p.extension_header_count <= mip6::kMaxExtensionHeaders);

  mip6::Ipv6PacketSpec spec;
  spec.source = p.source;
  spec.destination = p.destination;
  spec.hop_limit = p.hop_limit;
  spec.traffic_class = p.traffic_class;
  spec.flow_label = p.flow_label;
  spec.home_address = p.home_address;
  // The builder always sends Segments Left 1: rebuild only those.
  if (p.type2_routing) {
    if (p.type2_routing->segments_left != 1) return;
    spec.type2_routing_home_address = p.type2_routing->home_address;
  }
  spec.upper_protocol = p.upper_protocol;
  spec.payload = p.upper_layer;
  std::vector<std::uint8_t> out;
  check(mip6::build_ipv6_packet(spec, out).ok());
  auto q = mip6::parse_ipv6_packet(out);
  check(q.ok());
  check(q->source == p.source && q->destination == p.destination);
  check(q->hop_limit == p.hop_limit && q->traffic_class == p.traffic_class &&
        q->flow_label == p.flow_label);
  check(q->home_address == p.home_address);
  check(q->effective_source() == p.effective_source());
  check(q->effective_destination() == p.effective_destination());
  check(q->upper_protocol == p.upper_protocol);
  check(q->upper_layer.size() == p.upper_layer.size());
  check(std::equal(q->upper_layer.begin(), q->upper_layer.end(), p.upper_layer.begin()));
}

void round_trip_nd(const mip6::NeighborDiscoveryMessage& m) {
  const auto* na = std::get_if<mip6::NeighborAdvertisement>(&m);
  if (!na) return;
  std::vector<std::uint8_t> out;
  if (!mip6::build_neighbor_advertisement(*na, out).ok()) return;  // e.g. multicast source
  auto again = mip6::parse_neighbor_discovery(out);
  check(again.ok());
  check(std::get<mip6::NeighborAdvertisement>(*again) == *na);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  if (auto p = mip6::parse_ipv6_packet(in); p.ok()) {
    round_trip_ipv6(in, *p);
  } else {
    check(!mip6::to_string(p.error()).empty());
    check(p.error().offset <= size);
  }
  if (auto nd = mip6::parse_neighbor_discovery(in); nd.ok()) round_trip_nd(*nd);
  return 0;
}
