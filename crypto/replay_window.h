// ReplayWindow: the anti-replay sliding window of one inbound SA (RFC 4303
// §3.4.3 and Appendix A). It keeps the highest authenticated sequence number
// T and a bitmap of the W numbers T-W+1..T. Receiving is two steps so a
// forged packet can never move the window: check() is the cheap pre-check
// made before any crypto (and, with extended sequence numbers, infers the
// unsent high 32 bits, Appendix A2.2); accept() is called only after the ICV
// verified. The bitmap is circular (RFC 6479 style): advancing the window
// clears only the bits that enter it, so far jumps cost O(W/64) at most.
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/esp_error.h"
#include "mip6/result.h"

namespace crypto {

class ReplayWindow {
 public:
  static constexpr std::uint32_t kMinSize = 64;
  static constexpr std::uint32_t kMaxSize = 4096;
  static constexpr std::uint32_t kDefaultSize = 1024;

  // size must be within kMinSize..kMaxSize (EspSa validates it).
  ReplayWindow(std::uint32_t size, bool extended_sequence_numbers);

  // Pre-check of a received 32-bit Sequence Number field. Returns the full
  // 64-bit sequence number (high half inferred with ESN, 0 without) or
  // kTooOld / kReplay. Does not change the window.
  mip6::Result<std::uint64_t, EspError> check(std::uint32_t seq_low) const;
  // Marks `seq` received; call only after its ICV verified and check() passed.
  void accept(std::uint64_t seq);

  // Restores state taken over from a peer (virtual switch): every number up
  // to `highest` counts as received, conservatively.
  void restore(std::uint64_t highest);

  std::uint64_t highest() const { return top_; }
  std::uint32_t size() const { return size_; }
  bool extended_sequence_numbers() const { return esn_; }

 private:
  bool bit(std::uint64_t seq) const;
  void set_bit(std::uint64_t seq);
  void clear_bit(std::uint64_t seq);

  std::uint32_t size_;
  bool esn_;
  std::uint64_t top_ = 0;             // T: highest authenticated number, 0 = none yet
  std::vector<std::uint64_t> bits_;   // circular, bit (seq mod capacity)
};

}  // namespace crypto
