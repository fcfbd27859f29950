// libFuzzer target for conf::load(): any text gives a validated Config or a
// list of named errors, never a crash, and an accepted Config keeps the
// schema's invariants (checked here again independently of the validator).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "conf/load.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void check_sa(const conf::SaPairConfig& sa) {
  require(sa.spi_in > 255 && sa.spi_out > 255);
  require(sa.replay_window >= 64 && sa.replay_window <= 4096);
  require(!sa.key_files.inbound().empty() && sa.key_files.inbound()[0] == '/');
  require(!sa.key_files.outbound().empty() && sa.key_files.outbound()[0] == '/');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);  // fuzzer input is text here
  auto r = conf::load(text, "fuzz.conf");
  if (!r.ok()) {
    require(!r.error().empty());
    for (const auto& e : r.error()) {
      require(e.line >= 0 && e.column >= 0 && !e.message.empty());
      require(!e.to_string().empty());
    }
    return 0;
  }
  const conf::Config& c = *r;
  require(!c.ha_addresses.empty() && !c.home_interfaces.empty() && !c.home_prefixes.empty());
  require(c.lifetime.max_binding_lifetime.count() % 4 == 0 && c.lifetime.max_binding_lifetime.count() <= 262140);
  require(c.lifetime.brr_lead_time < c.lifetime.max_binding_lifetime);
  require((c.admin.mode & ~0660u) == 0);
  for (const auto& mn : c.mobile_nodes) {
    check_sa(mn.sa);
    bool in_prefix = false;
    for (const auto& p : c.home_prefixes) in_prefix = in_prefix || p.contains(mn.home_address);
    require(in_prefix);
  }
  if (c.harp) {
    require(c.harp->group_id >= 1);
    require(c.harp->hello_interval.count() >= 10 && c.harp->hello_interval.count() <= 65000);
    require(c.harp->wire_types.mh_hello >= 24 && c.harp->wire_types.mh_sync >= 24 &&
            c.harp->wire_types.mh_control >= 24);
    for (const auto& p : c.harp->peers) check_sa(p.sa);
  }
  require(!conf::describe(c).empty());
  return 0;
}
