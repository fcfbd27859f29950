// Builds the user-space SAD and SPD of the daemon from the configuration:
// for every mobile node (and, later, every HARP peer) an inbound and an
// outbound ESP transport SA with their keys loaded from the key files, and
// the outbound policy "our address -> HoA, proto MH" plus the inbound
// selector that binds the inbound SA to that HoA (RFC 3776 §5, RFC 4877 §4).
//
// Key file layout (docs/configuration.md): `key_file` holds the material of
// both directions, MN-to-HA first, then HA-to-MN, so the HA's and the MN's
// configurations can name the same file; `key_file_in`/`key_file_out` hold
// one direction each (as seen from the node whose configuration it is).
#pragma once

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "conf/config.h"
#include "crypto/esp_context_cache.h"
#include "crypto/sa_lifetime.h"
#include "crypto/sad.h"
#include "crypto/spd.h"
#include "ha-agent/keys/key_file.h"
#include "mip6/result.h"

namespace ha_agent {

struct SecuritySetup {
  // One set of keyed OpenSSL contexts for every SA of the daemon (all used on
  // its io_context thread): an SA then costs its key octets, not its key
  // schedules (docs/crypto.md, docs/PERFORMANCE.md).
  crypto::EspContextCachePtr contexts = crypto::EspContextCache::make();
  crypto::SecurityAssociationDatabase sad;
  crypto::SecurityPolicyDatabase spd;
  // No copy or digest of the keys is kept for the reload: it compares the
  // keys it loads with the installed SAs' own (same_keys(); issue #4, memory
  // per mobile node).
};

// Which end of the SA pair this node is: the keys of a shared `key_file`
// are ordered MN-to-HA, HA-to-MN.
enum class SaRole { kHomeAgent, kMobileNode };

struct SaPairSpec {
  mip6::Ipv6Address local;        // our address (unspecified: any of ours)
  mip6::Ipv6Address remote;       // the HoA (MN) or the peer HA's address
  std::optional<mip6::Ipv6Address> home_address;  // SA bound to this HoA
  const conf::SaPairConfig* sa = nullptr;
  SaRole role = SaRole::kHomeAgent;
};

// Loads the keys and adds the two SAs and the outbound policy. Errors name
// the key file or the SPI.
mip6::Status<std::string> add_sa_pair(SecuritySetup& s, const SaPairSpec& spec,
                                      crypto::SaTime now);

// The same in two steps, for the reload (daemon_reload.cc): everything that
// can fail on input (key files, SA parameters) happens in prepare, before
// the running SAD is touched; install only adds.
struct SaKeys {
  crypto::SecretBytes in;
  crypto::SecretBytes out;
};
mip6::Result<SaKeys, KeyFileError> load_sa_keys(const conf::SaPairConfig& sa, SaRole role);
// True when the installed pair (inbound SA spi_in, outbound SA spi_out) has
// exactly these keys: the reload keeps such a pair as it is. False when
// either SA is missing.
bool same_keys(const SecuritySetup& s, std::uint32_t spi_in, std::uint32_t spi_out,
               const SaKeys& keys);
struct PreparedSaPair {
  crypto::EspSaPtr inbound;
  crypto::EspSaPtr outbound;
  crypto::SpdSelector selector;
  std::uint32_t spi_in = 0;
  std::uint32_t spi_out = 0;
};
mip6::Result<PreparedSaPair, std::string> prepare_sa_pair(const SecuritySetup& s, const SaPairSpec& spec,
                                                          SaKeys keys, crypto::SaTime now);
mip6::Status<std::string> install_sa_pair(SecuritySetup& s, PreparedSaPair pair);
// Removes both SAs and the outbound policy of a pair (reload).
void remove_sa_pair(SecuritySetup& s, std::uint32_t spi_in, std::uint32_t spi_out);

// All mobile nodes of `config`, with this HA as `local` (its first address
// when it has one, else any). Stops at the first error.
mip6::Status<std::string> add_mobile_nodes(SecuritySetup& s, const conf::Config& config,
                                           crypto::SaTime now);

}  // namespace ha_agent
