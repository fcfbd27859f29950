// Wire codec for a run of mobility options (RFC 6275 §6.2), used by the
// Mobility Header codec for message options and for the sub-options of
// HARP's Binding Cache Information option. Decoding: Pad1 is one octet,
// every other option is Type/Length/Data; unknown types are skipped and kept;
// an option overrunning the run, a wrong length for a fixed-size option, a
// repeated singleton, or anything but padding after Binding Authorization
// Data is a named error. Encoding writes the options in MobilityOptions
// member order, each at its alignment (xn+y counted from the start of the
// MH, MH-08) with Pad1/PadN, Binding Authorization Data last.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "mip6/harp_numbers.h"
#include "mip6/mh_error.h"
#include "mip6/mobility_options.h"
#include "mip6/result.h"

namespace mip6 {

// Alignment requirement "xn+y" of an option type (RFC 6275 §6.2; table in
// docs/mip6-codec.md). x == 1 means none.
struct OptionAlignment {
  unsigned x = 1;
  unsigned y = 0;
};
OptionAlignment option_alignment(std::uint8_t type, const HarpNumbers& harp);

// Decodes the options in mh[begin, end) into `out` (which should be empty).
// Offsets in errors and in UnknownOption are from mh[0], the MH start.
// `inside_bci`: decoding BCI sub-options, where a nested BCI is not parsed
// (it is kept as an unknown option).
Status<MhError> decode_options(std::span<const std::uint8_t> mh, std::size_t begin, std::size_t end,
                               const HarpNumbers& harp, MobilityOptions& out,
                               bool inside_bci = false);

// Appends the options to `out`, whose MH starts at out[mh_start]. Does not
// pad the tail (the message encoder pads the MH to 8 octets).
Status<MhError> encode_options(const MobilityOptions& options, const HarpNumbers& harp,
                               std::vector<std::uint8_t>& out, std::size_t mh_start,
                               bool inside_bci = false);

// Appends Pad1 (one octet) or PadN (RFC 6275 §6.2.2-3, zero data) so that
// the next octet sits at an MH offset congruent to y modulo x.
void pad_to_alignment(std::vector<std::uint8_t>& out, std::size_t mh_start, unsigned x, unsigned y);

}  // namespace mip6
