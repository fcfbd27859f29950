// libFuzzer target for the Mobility Header decoder (DESIGN.md §6): any input
// decodes or yields a named error; a decoded message re-encodes (unless the
// canonical padding makes it exceed a size limit) and decodes to an equal
// value, and a second encode is byte-identical. The first input octet picks
// default or alternative HARP numbers so both configurations are covered.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "mip6/mh_checksum.h"
#include "mip6/mh_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mip6;
  std::span<const std::uint8_t> in(data, size);
  HarpNumbers harp;
  // Inputs of the form 0xff 'H' <MH>: decode with alternative HARP numbers.
  if (size >= 2 && data[0] == 0xff && data[1] == 'H') {
    harp = HarpNumbers{.hello = 150, .sync = 151, .control = 152, .bci_option = 99};
    in = in.subspan(2);
  }
  auto d = decode_mobility_header(in, harp);
  if (!d) {
    if (to_string(d.error().code) == "unknown-error") std::abort();
    return 0;
  }
  (void)verify_mh_checksum(in, Ipv6Address{}, Ipv6Address{});
  std::vector<std::uint8_t> once;
  auto s = encode_mobility_header(d->message, once, harp);
  if (!s) {
    if (s.error().code != MhErrc::kTooLong && s.error().code != MhErrc::kOptionTooLong)
      std::abort();
    return 0;
  }
  auto d2 = decode_mobility_header(once, harp);
  if (!d2 || !(d2->message == d->message)) std::abort();
  std::vector<std::uint8_t> twice;
  if (!encode_mobility_header(d2->message, twice, harp) || twice != once) std::abort();
  return 0;
}
