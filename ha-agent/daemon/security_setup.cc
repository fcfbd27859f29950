#include "ha-agent/daemon/security_setup.h"

#include "crypto/esp_error.h"
#include "crypto/esp_sa.h"
#include "ha-agent/keys/key_file.h"

namespace ha_agent {
namespace {

crypto::SpdSelector selector_for(const SaPairSpec& spec) {
  crypto::SpdSelector s;
  s.local = spec.local;
  s.remote = mip6::Ipv6Prefix{spec.remote, 128};
  s.upper_layer_protocol = 135;
  s.home_address = spec.home_address;
  return s;
}

}  // namespace

mip6::Status<std::string> add_sa_pair(SecuritySetup& s, const SaPairSpec& spec,
                                      crypto::SaTime now) {
  const conf::SaPairConfig& c = *spec.sa;
  const std::size_t n = crypto::key_material_size(c.algorithm);
  crypto::SecretBytes key_in, key_out;
  if (c.key_files.layout == conf::KeyFiles::Layout::kOneFileBothDirections) {
    auto both = load_key_file(c.key_files.inbound, 2 * n);
    if (!both) return mip6::fail(to_string(both.error()));
    auto v = both->view();
    // MN-to-HA first, then HA-to-MN.
    auto first = crypto::SecretBytes(v.first(n));
    auto second = crypto::SecretBytes(v.subspan(n, n));
    if (spec.role == SaRole::kHomeAgent) {
      key_in = std::move(first);
      key_out = std::move(second);
    } else {
      key_in = std::move(second);
      key_out = std::move(first);
    }
  } else {
    auto in = load_key_file(c.key_files.inbound, n);
    if (!in) return mip6::fail(to_string(in.error()));
    auto out = load_key_file(c.key_files.outbound, n);
    if (!out) return mip6::fail(to_string(out.error()));
    key_in = std::move(in).value();
    key_out = std::move(out).value();
  }
  const auto selector = selector_for(spec);
  for (auto dir : {crypto::SaDirection::kInbound, crypto::SaDirection::kOutbound}) {
    crypto::SaParams p;
    const bool in = dir == crypto::SaDirection::kInbound;
    p.spi = in ? c.spi_in : c.spi_out;
    p.direction = dir;
    p.algorithm = c.algorithm;
    p.source = in ? spec.remote : spec.local;
    p.destination = in ? spec.local : spec.remote;
    p.key = in ? std::move(key_in) : std::move(key_out);
    p.extended_sequence_numbers = c.extended_sequence_numbers;
    p.replay_window = c.replay_window;
    p.selector = selector;
    auto sa = crypto::EspSa::create(std::move(p), now, s.contexts);
    if (!sa)
      return mip6::fail("SA spi " + std::to_string(in ? c.spi_in : c.spi_out) + " (" +
                        spec.remote.to_string() + "): " + std::string(crypto::to_string(sa.error())));
    if (auto st = s.sad.add(std::move(sa).value()); !st)
      return mip6::fail("SA spi " + std::to_string(in ? c.spi_in : c.spi_out) + ": " +
                        std::string(crypto::to_string(st.error())));
  }
  if (auto st = s.spd.add(selector, c.spi_out); !st)
    return mip6::fail("policy for spi " + std::to_string(c.spi_out) + ": " +
                      std::string(crypto::to_string(st.error())));
  return mip6::Ok{};
}

mip6::Status<std::string> add_mobile_nodes(SecuritySetup& s, const conf::Config& config,
                                           crypto::SaTime now) {
  // With one HA address the policy names it; with several, any of ours.
  mip6::Ipv6Address local =
      config.ha_addresses.size() == 1 ? config.ha_addresses.front() : mip6::Ipv6Address{};
  for (const auto& mn : config.mobile_nodes) {
    SaPairSpec spec{local, mn.home_address, mn.home_address, &mn.sa, SaRole::kHomeAgent};
    if (auto st = add_sa_pair(s, spec, now); !st)
      return mip6::fail("mobile node " + mn.home_address.to_string() + ": " + st.error());
  }
  return mip6::Ok{};
}

}  // namespace ha_agent
