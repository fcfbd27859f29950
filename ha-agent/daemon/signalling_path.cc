#include "ha-agent/daemon/signalling_path.h"

#include "crypto/esp_error.h"
#include "mip6/mh_checksum.h"

namespace ha_agent {

std::string_view to_string(RxDrop d) {
  switch (d) {
    case RxDrop::kIpv6Malformed: return "ipv6_malformed";
    case RxDrop::kNotSignalling: return "not_signalling";
    case RxDrop::kUnprotected: return "unprotected";
    case RxDrop::kEsp: return "esp";
    case RxDrop::kNotMobilityHeader: return "not_mobility_header";
    case RxDrop::kPolicy: return "policy";
    case RxDrop::kMhMalformed: return "mh_malformed";
    case RxDrop::kUnknownMhType: return "unknown_mh_type";
    case RxDrop::kBadChecksum: return "bad_checksum";
    case RxDrop::kRateLimited: return "rate_limited";
  }
  return "?";
}

std::string_view to_string(TxError e) {
  switch (e) {
    case TxError::kEncode: return "encode";
    case TxError::kNoPolicy: return "no_policy";
    case TxError::kNoSa: return "no_sa";
    case TxError::kEsp: return "esp";
    case TxError::kFraming: return "framing";
  }
  return "?";
}

ReceivePath::ReceivePath(crypto::SecurityAssociationDatabase& sad, mip6::HarpNumbers harp,
                         metrics::Registry& metrics)
    : sad_(sad),
      harp_(harp),
      received_(metrics.counter("ha_agent_rx_packets_total", {},
                                "IPv6 packets handed to the signalling receive path")),
      drops_(metrics, "ha_agent_rx_dropped_total", "reason",
             "Received packets dropped, by reason (see docs/operations.md)"),
      metrics_(metrics),
      plain_(65536) {}

mip6::Result<InboundMessage, Dropped> ReceivePath::drop(RxDrop r, std::string detail) {
  drops_.inc(r, [](RxDrop x) { return to_string(x); });
  if (!detail.empty())
    metrics_
        .counter("ha_agent_rx_dropped_detail_total",
                 {{"reason", std::string(to_string(r))}, {"detail", detail}},
                 "Received packets dropped, by reason and sub-reason")
        .inc();
  return mip6::fail(Dropped{r, std::move(detail), {}, {}, {}, 0});
}

mip6::Result<InboundMessage, Dropped> ReceivePath::process(std::span<const std::uint8_t> bytes,
                                                           int ifindex, crypto::SaTime now) {
  received_.inc();
  auto pkt = mip6::parse_ipv6_packet(bytes);
  if (!pkt) return drop(RxDrop::kIpv6Malformed, std::string(mip6::to_string(pkt.error().code)));
  // Before any costly work (ESP decryption): one source may not starve the
  // others. The detail is the bucket's name, never the address (bounded labels).
  if (limiter_ && (pkt->upper_protocol == mip6::ipproto::kMobility ||
                   pkt->upper_protocol == mip6::ipproto::kEsp))
    if (auto v = limiter_->admit(pkt->source, now); v != mip6::RateVerdict::kPass) {
      auto r = drop(RxDrop::kRateLimited, std::string(mip6::to_string(v)));
      Dropped d = r.error();
      d.source = pkt->source;
      d.destination = pkt->destination;
      return mip6::fail(std::move(d));
    }
  if (pkt->upper_protocol == mip6::ipproto::kMobility) return drop(RxDrop::kUnprotected, "");
  if (pkt->upper_protocol != mip6::ipproto::kEsp) return drop(RxDrop::kNotSignalling, "");

  auto opened = sad_.unprotect(pkt->upper_layer, plain_, now);
  if (!opened) return drop(RxDrop::kEsp, std::string(crypto::to_string(opened.error())));
  const crypto::EspSa& sa = *opened->sa;
  std::span<const std::uint8_t> mh(plain_.data(), opened->opened.payload_size);
  if (opened->opened.next_header != mip6::ipproto::kMobility)
    return drop(RxDrop::kNotMobilityHeader, "next header " +
                                                std::to_string(opened->opened.next_header));

  return finish(sa, mh, pkt->source, pkt->destination, pkt->home_address, ifindex,
                pkt->effective_destination());
}

mip6::Result<InboundMessage, Dropped> ReceivePath::process_kernel(const KernelDelivered& k,
                                                                  crypto::SaTime now) {
  received_.inc();
  if (limiter_)
    if (auto v = limiter_->admit(k.source, now); v != mip6::RateVerdict::kPass) {
      auto r = drop(RxDrop::kRateLimited, std::string(mip6::to_string(v)));
      Dropped d = r.error();
      d.source = k.source;
      d.destination = k.destination;
      return mip6::fail(std::move(d));
    }
  // spi 0: no kernel policy demanded ESP from this source, so it came in clear.
  if (k.spi == 0) return drop(RxDrop::kUnprotected, "");
  const crypto::EspSa* sa = sad_.find(crypto::SaDirection::kInbound, k.spi);
  if (!sa) return drop(RxDrop::kEsp, "no inbound SA for the kernel's SPI");
  return finish(*sa, k.mh, k.source, k.destination, k.home_address, k.ifindex, std::nullopt);
}

mip6::Result<InboundMessage, Dropped> ReceivePath::finish(
    const crypto::EspSa& sa, std::span<const std::uint8_t> mh, const mip6::Ipv6Address& source,
    const mip6::Ipv6Address& destination, const std::optional<mip6::Ipv6Address>& home_address,
    int ifindex, const std::optional<mip6::Ipv6Address>& checksum_destination) {
  const mip6::Ipv6Address effective_source = home_address ? *home_address : source;
  // RFC 3776 §4: the policy is checked with the home address as source.
  crypto::InboundPacketInfo info;
  info.source = effective_source;
  info.destination = destination;
  info.protocol = mip6::ipproto::kMobility;
  if (mh.size() >= 3) info.mh_type = mh[2];
  info.home_address = home_address;
  if (auto ok = crypto::check_inbound(sa, info); !ok)
    return drop(RxDrop::kPolicy, std::string(crypto::to_string(ok.error())));

  auto decoded = mip6::decode_mobility_header(mh, harp_);
  if (!decoded) {
    if (decoded.error().code == mip6::MhErrc::kUnknownMhType) {
      auto r = drop(RxDrop::kUnknownMhType, "");
      Dropped d = r.error();
      d.source = source;
      d.destination = destination;
      d.home_address = home_address;
      d.mh_type = info.mh_type.value_or(0);
      return mip6::fail(std::move(d));
    }
    return drop(RxDrop::kMhMalformed, std::string(mip6::to_string(decoded.error().code)));
  }
  // RFC 6275 §6.1.1: pseudo-header source is the HoA when a Home Address
  // option is present; destination is ours (no RH2 on what an HA receives).
  // (The kernel backend's raw MH socket has verified it already.)
  if (checksum_destination && !mip6::verify_mh_checksum(mh, effective_source, *checksum_destination))
    return drop(RxDrop::kBadChecksum, "");

  InboundMessage m;
  m.source = source;
  m.destination = destination;
  m.home_address = home_address;
  m.spi = sa.spi();
  m.sa_home_address = sa.selector().home_address;
  m.mh = std::move(decoded).value();
  m.ifindex = ifindex;
  return m;
}

mip6::Status<TxFailure> SendPath::build(const Outbound& o, std::vector<std::uint8_t>& packet,
                                        crypto::SaTime now) {
  mh_.clear();
  if (auto st = mip6::encode_mobility_header(*o.message, o.source, o.final_destination, mh_, harp_);
      !st)
    return mip6::fail(TxFailure{TxError::kEncode, st.error().to_string()});
  crypto::OutboundPacketInfo info{o.source, o.final_destination, mip6::ipproto::kMobility,
                                  mip6::mh_type_of(*o.message, harp_)};
  auto spi = spd_.select(info);
  if (!spi)
    return mip6::fail(TxFailure{TxError::kNoPolicy, "no outbound policy for " +
                                                        o.final_destination.to_string()});
  const crypto::EspSa* sa = sad_.find(crypto::SaDirection::kOutbound, *spi);
  if (!sa) return mip6::fail(TxFailure{TxError::kNoSa, "no outbound SA " + std::to_string(*spi)});
  esp_.resize(sa->protected_size(mh_.size()));
  // Through the SAD, so a byte/packet lifetime reached here is scheduled.
  auto sealed = sad_.protect(*spi, mh_, mip6::ipproto::kMobility, esp_, now);
  if (!sealed) return mip6::fail(TxFailure{TxError::kEsp, std::string(crypto::to_string(sealed.error()))});
  esp_.resize(sealed->size);

  mip6::Ipv6PacketSpec spec;
  spec.source = o.source;
  spec.upper_protocol = mip6::ipproto::kEsp;
  spec.payload = esp_;
  if (o.care_of_address && *o.care_of_address != o.final_destination && o.tunnel) {
    spec.destination = o.final_destination;
    if (auto st = mip6::build_ipv6_packet(spec, inner_); !st)
      return mip6::fail(TxFailure{TxError::kFraming, mip6::to_string(st.error())});
    mip6::Ipv6PacketSpec outer;
    outer.source = o.source;
    outer.destination = *o.care_of_address;
    outer.upper_protocol = 41;  // IPv6-in-IPv6, RFC 2473
    outer.payload = inner_;
    if (auto st = mip6::build_ipv6_packet(outer, packet); !st)
      return mip6::fail(TxFailure{TxError::kFraming, mip6::to_string(st.error())});
    return mip6::Ok{};
  }
  if (o.care_of_address && *o.care_of_address != o.final_destination) {
    spec.destination = *o.care_of_address;
    spec.type2_routing_home_address = o.final_destination;  // RFC 6275 §6.4
  } else {
    spec.destination = o.final_destination;
  }
  if (auto st = mip6::build_ipv6_packet(spec, packet); !st)
    return mip6::fail(TxFailure{TxError::kFraming, mip6::to_string(st.error())});
  return mip6::Ok{};
}

}  // namespace ha_agent
