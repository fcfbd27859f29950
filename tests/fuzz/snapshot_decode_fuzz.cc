// libFuzzer target for the snapshot decoder (ha-agent/snapshot/
// snapshot_codec.h, docs/operations.md "Restart without loss"): any input
// decodes or yields a named error, never a crash. Random bytes almost never
// carry a valid SHA-256, so inputs starting with 'P' go to the payload
// decoder directly (field checks, duplicates, versions); the rest go through
// the container. Whatever decodes must re-encode and decode to an equal
// value.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "ha-agent/snapshot/snapshot_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ha_agent::snapshot;
  std::span<const std::uint8_t> in(data, size);
  const bool payload_only = size >= 1 && data[0] == 'P';
  auto d = payload_only ? decode_payload(in.subspan(1)) : decode(in);
  if (!d) {
    if (to_string(d.error()).empty()) std::abort();
    return 0;
  }
  auto again = encode(*d);
  if (!again) std::abort();
  auto back = decode(*again);
  if (!back || !(*back == *d)) std::abort();
  return 0;
}
