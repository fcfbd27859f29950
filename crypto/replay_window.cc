// Sliding anti-replay window (replay_window.h), RFC 4303 §3.4.3, App. A.
#include "crypto/replay_window.h"

#include <algorithm>

namespace crypto {

ReplayWindow::ReplayWindow(std::uint32_t size, bool extended_sequence_numbers)
    : size_(size), esn_(extended_sequence_numbers) {}

bool ReplayWindow::bit(std::uint64_t seq) const {
  const std::uint64_t i = seq % (words() * 64);
  return (bits_[i / 64] >> (i % 64)) & 1u;
}
void ReplayWindow::set_bit(std::uint64_t seq) {
  const std::uint64_t i = seq % (words() * 64);
  bits_[i / 64] |= std::uint64_t{1} << (i % 64);
}
void ReplayWindow::clear_bit(std::uint64_t seq) {
  const std::uint64_t i = seq % (words() * 64);
  bits_[i / 64] &= ~(std::uint64_t{1} << (i % 64));
}

bool ReplayWindow::received(std::uint64_t seq) const {
  if (bits_) return bit(seq);
  const std::uint64_t d = top_ - seq;
  return d >= 64 || ((recent_ >> d) & 1u);  // older than T-63: received (header)
}

mip6::Result<std::uint64_t, EspError> ReplayWindow::check(std::uint32_t seq_low) const {
  std::uint64_t seq = seq_low;
  if (esn_) {
    // RFC 4303 Appendix A2.2: infer Seqh from Th/Tl and the window size.
    const std::uint64_t th = top_ >> 32;
    const std::uint32_t tl = static_cast<std::uint32_t>(top_);
    const std::uint32_t w = size_;
    const std::uint32_t bottom_low = tl - w + 1;  // mod 2^32
    std::uint64_t seqh;
    if (tl >= w - 1) {
      // Case A: the window lies within one sequence number subspace.
      seqh = seq_low >= bottom_low ? th : th + 1;
    } else {
      // Case B: the window spans two subspaces.
      if (seq_low >= bottom_low) {
        if (th == 0) return mip6::fail(EspError::kTooOld);  // before the first subspace
        seqh = th - 1;
      } else {
        seqh = th;
      }
    }
    if (seqh > 0xffffffffu) return mip6::fail(EspError::kTooOld);  // past 2^64: cannot exist
    seq = (seqh << 32) | seq_low;
  }
  // Sequence number 0 is never sent (§3.3.3: the first packet carries 1).
  if (seq == 0) return mip6::fail(EspError::kTooOld);
  if (seq > top_) return seq;                                     // right of the window: new
  if (top_ - seq >= size_) return mip6::fail(EspError::kTooOld);  // left of the window
  if (received(seq)) return mip6::fail(EspError::kReplay);
  return seq;
}

bool ReplayWindow::gap_leaves_recent(std::uint64_t shift) const {
  // Numbers at distance >= 64 from T are outside a 64-wide window anyway.
  if (size_ <= 64) return false;
  // T+1..seq-1 were not received; with shift > 64 some land at distance >= 64.
  if (shift > 64) return true;
  // Bits 64-shift..63 leave recent_ (conservative: some may leave the window too).
  const std::uint64_t leaving = shift >= 64 ? ~std::uint64_t{0} : ~std::uint64_t{0} << (64 - shift);
  return (~recent_ & leaving) != 0;
}

void ReplayWindow::build_bitmap() {
  bits_ = std::make_unique<std::uint64_t[]>(words());
  std::fill(bits_.get(), bits_.get() + words(), ~std::uint64_t{0});
  for (std::uint64_t d = 0; d < 64 && d <= top_; ++d)
    if (((recent_ >> d) & 1u) == 0) clear_bit(top_ - d);
}

void ReplayWindow::accept(std::uint64_t seq) {
  if (!bits_) {
    if (seq <= top_) {
      const std::uint64_t d = top_ - seq;
      if (d < 64) recent_ |= std::uint64_t{1} << d;  // older ones already count as received
      return;
    }
    const std::uint64_t shift = seq - top_;
    if (!gap_leaves_recent(shift)) {
      recent_ = (shift >= 64 ? 0 : recent_ << shift) | 1u;
      top_ = seq;
      return;
    }
    build_bitmap();
  }
  accept_in_bitmap(seq);
}

void ReplayWindow::accept_in_bitmap(std::uint64_t seq) {
  if (seq > top_) {
    const std::uint64_t capacity = words() * 64;
    const std::uint64_t shift = seq - top_;
    if (shift >= capacity) {
      std::fill(bits_.get(), bits_.get() + words(), 0);
    } else {
      // Clear the positions top_+1..seq that now enter the window.
      std::uint64_t s = top_ + 1;
      while (s <= seq) {
        const std::uint64_t i = s % capacity;
        if (i % 64 == 0 && seq - s >= 63) {
          bits_[i / 64] = 0;
          s += 64;
        } else {
          clear_bit(s);
          ++s;
        }
      }
    }
    top_ = seq;
  }
  set_bit(seq);
}

void ReplayWindow::restore(std::uint64_t highest) {
  top_ = highest;
  recent_ = ~std::uint64_t{0};
  bits_.reset();  // every number up to `highest` counts as received
}

}  // namespace crypto
