// SpiTable: the SAs of one direction of a SecurityAssociationDatabase,
// owned and found by SPI (RFC 4301 §4.4.2: an inbound packet's SA is found
// by its SPI). An open-addressing table (linear probing, backward-shift
// deletion, at most 75 % full) of SA pointers keyed by the SA's own SPI:
// no hash node per SA and no second copy of the SPI (issue #4, memory per
// mobile node: ≈ 12-16 octets per SA instead of ≈ 40 for an
// std::unordered_map node and bucket). Internal to crypto/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/esp_sa.h"

namespace crypto {

class SpiTable {
 public:
  // False (and `sa` left untouched) when an SA with that SPI is there.
  bool insert(EspSaPtr& sa);
  EspSa* find(std::uint32_t spi) const;
  // Destroys the SA with that SPI; false when there is none.
  bool erase(std::uint32_t spi);
  std::size_t size() const { return size_; }

 private:
  std::size_t home(std::uint32_t spi) const;
  std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }
  // Slot of `spi`, or slots_.size() when absent.
  std::size_t slot_of(std::uint32_t spi) const;
  void grow();

  std::vector<EspSaPtr> slots_;  // null = empty; size 0 or a power of two
  std::size_t size_ = 0;
};

}  // namespace crypto
