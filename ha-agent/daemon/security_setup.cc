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

mip6::Result<SaKeys, KeyFileError> load_sa_keys(const conf::SaPairConfig& c, SaRole role) {
  const std::size_t n = crypto::key_material_size(c.algorithm);
  SaKeys k;
  if (c.key_files.layout == conf::KeyFiles::Layout::kOneFileBothDirections) {
    auto both = load_key_file(c.key_files.inbound(), 2 * n);
    if (!both) return mip6::fail(both.error());
    auto v = both->view();
    // MN-to-HA first, then HA-to-MN.
    auto first = crypto::SecretBytes(v.first(n));
    auto second = crypto::SecretBytes(v.subspan(n, n));
    if (role == SaRole::kHomeAgent) {
      k.in = std::move(first);
      k.out = std::move(second);
    } else {
      k.in = std::move(second);
      k.out = std::move(first);
    }
  } else {
    auto in = load_key_file(c.key_files.inbound(), n);
    if (!in) return mip6::fail(in.error());
    auto out = load_key_file(c.key_files.outbound(), n);
    if (!out) return mip6::fail(out.error());
    k.in = std::move(in).value();
    k.out = std::move(out).value();
  }
  return k;
}

bool same_keys(const SecuritySetup& s, std::uint32_t spi_in, std::uint32_t spi_out,
               const SaKeys& keys) {
  const crypto::EspSa* in = s.sad.find(crypto::SaDirection::kInbound, spi_in);
  const crypto::EspSa* out = s.sad.find(crypto::SaDirection::kOutbound, spi_out);
  return in && out && in->has_key(keys.in.view()) && out->has_key(keys.out.view());
}

mip6::Result<PreparedSaPair, std::string> prepare_sa_pair(const SecuritySetup& s, const SaPairSpec& spec,
                                                          SaKeys keys, crypto::SaTime now) {
  const conf::SaPairConfig& c = *spec.sa;
  PreparedSaPair pair;
  pair.selector = selector_for(spec);
  pair.spi_in = c.spi_in;
  pair.spi_out = c.spi_out;
  for (auto dir : {crypto::SaDirection::kInbound, crypto::SaDirection::kOutbound}) {
    crypto::SaParams p;
    const bool in = dir == crypto::SaDirection::kInbound;
    p.spi = in ? c.spi_in : c.spi_out;
    p.direction = dir;
    p.algorithm = c.algorithm;
    p.source = in ? spec.remote : spec.local;
    p.destination = in ? spec.local : spec.remote;
    p.key = in ? std::move(keys.in) : std::move(keys.out);
    p.extended_sequence_numbers = c.extended_sequence_numbers;
    p.replay_window = c.replay_window;
    p.selector = pair.selector;
    auto sa = crypto::EspSa::create(std::move(p), now, s.contexts);
    if (!sa)
      return mip6::fail("SA spi " + std::to_string(in ? c.spi_in : c.spi_out) + " (" +
                        spec.remote.to_string() + "): " + std::string(crypto::to_string(sa.error())));
    (in ? pair.inbound : pair.outbound) = std::move(sa).value();
  }
  return pair;
}

mip6::Status<std::string> install_sa_pair(SecuritySetup& s, PreparedSaPair pair) {
  const auto spi_in = pair.spi_in, spi_out = pair.spi_out;
  if (auto st = s.sad.add(std::move(pair.inbound)); !st)
    return mip6::fail("SA spi " + std::to_string(spi_in) + ": " + std::string(crypto::to_string(st.error())));
  if (auto st = s.sad.add(std::move(pair.outbound)); !st) {
    s.sad.remove(crypto::SaDirection::kInbound, spi_in);
    return mip6::fail("SA spi " + std::to_string(spi_out) + ": " + std::string(crypto::to_string(st.error())));
  }
  if (auto st = s.spd.add(pair.selector, spi_out); !st) {
    s.sad.remove(crypto::SaDirection::kInbound, spi_in);
    s.sad.remove(crypto::SaDirection::kOutbound, spi_out);
    return mip6::fail("policy for spi " + std::to_string(spi_out) + ": " +
                      std::string(crypto::to_string(st.error())));
  }
  return mip6::Ok{};
}

void remove_sa_pair(SecuritySetup& s, std::uint32_t spi_in, std::uint32_t spi_out) {
  s.spd.remove(spi_out);
  s.sad.remove(crypto::SaDirection::kOutbound, spi_out);
  s.sad.remove(crypto::SaDirection::kInbound, spi_in);
}

mip6::Status<std::string> add_sa_pair(SecuritySetup& s, const SaPairSpec& spec,
                                      crypto::SaTime now) {
  auto keys = load_sa_keys(*spec.sa, spec.role);
  if (!keys) return mip6::fail(to_string(keys.error()));
  auto pair = prepare_sa_pair(s, spec, std::move(keys).value(), now);
  if (!pair) return mip6::fail(pair.error());
  return install_sa_pair(s, std::move(pair).value());
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
