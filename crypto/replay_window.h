// ReplayWindow: the anti-replay sliding window of one inbound SA (RFC 4303
// §3.4.3 and Appendix A). It keeps the highest authenticated sequence number
// T and which of the W numbers T-W+1..T were received. Receiving is two
// steps so a forged packet can never move the window: check() is the cheap
// pre-check made before any crypto (and, with extended sequence numbers,
// infers the unsent high 32 bits, Appendix A2.2); accept() is called only
// after the ICV verified.
// Memory (issue #4, RSS per mobile node): the W-bit bitmap is only
// allocated when it carries information. Until then the window holds one
// inline 64-bit word for T-63..T and knows that every older number inside
// the window was received (in-order traffic, the normal case for Mobile
// IPv6 signalling). The first time a number that was never received would
// leave that word while still inside the window, the full bitmap is built
// (circular, RFC 6479 style: advancing clears only the bits that enter,
// so far jumps cost O(W/64) at most) and used from then on. Both forms
// give exactly the same answers; a window of 64 never needs the bitmap.
#pragma once

#include <cstdint>
#include <memory>

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
  // True once the full W-bit bitmap exists (a gap left the recent word).
  bool has_bitmap() const { return bits_ != nullptr; }

 private:
  std::uint64_t words() const { return (size_ + 63) / 64; }
  bool received(std::uint64_t seq) const;  // seq within T-W+1..T
  // True when moving T forward by `shift` would push a number that was
  // never received out of recent_ while it may still be inside the window.
  bool gap_leaves_recent(std::uint64_t shift) const;
  void build_bitmap();
  void accept_in_bitmap(std::uint64_t seq);
  bool bit(std::uint64_t seq) const;
  void set_bit(std::uint64_t seq);
  void clear_bit(std::uint64_t seq);

  std::uint64_t top_ = 0;  // T: highest authenticated number, 0 = none yet
  // Without bits_: bit i set = T-i received (i = 0..63). Numbers below 1
  // never arrive (§3.3.3) and count as received.
  std::uint64_t recent_ = ~std::uint64_t{0};
  std::unique_ptr<std::uint64_t[]> bits_;  // circular, bit (seq mod 64*words()); null: see above
  std::uint32_t size_;
  bool esn_;
};

}  // namespace crypto
