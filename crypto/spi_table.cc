// SAs by SPI (spi_table.h).
#include "crypto/spi_table.h"

#include <utility>

namespace crypto {

std::size_t SpiTable::home(std::uint32_t spi) const {
  // Multiplicative hashing: SPIs are often consecutive (ha-genconf).
  const std::uint64_t h = std::uint64_t{spi} * 0x9e3779b97f4a7c15ull;
  return static_cast<std::size_t>(h >> 32) & (slots_.size() - 1);
}

std::size_t SpiTable::slot_of(std::uint32_t spi) const {
  if (slots_.empty()) return 0;
  for (std::size_t i = home(spi);; i = next(i)) {
    if (!slots_[i]) return slots_.size();
    if (slots_[i]->spi() == spi) return i;
  }
}

EspSa* SpiTable::find(std::uint32_t spi) const {
  const std::size_t i = slot_of(spi);
  return i < slots_.size() ? slots_[i].get() : nullptr;
}

bool SpiTable::insert(EspSaPtr& sa) {
  if (slot_of(sa->spi()) < slots_.size()) return false;
  // At most 75 % full, so every probe run ends at an empty slot.
  if ((size_ + 1) * 4 > slots_.size() * 3) grow();
  std::size_t i = home(sa->spi());
  while (slots_[i]) i = next(i);
  slots_[i] = std::move(sa);
  ++size_;
  return true;
}

bool SpiTable::erase(std::uint32_t spi) {
  std::size_t hole = slot_of(spi);
  if (hole >= slots_.size()) return false;
  slots_[hole].reset();
  --size_;
  // Backward-shift deletion: a later SA of the run moves into the hole
  // unless its home slot lies cyclically in (hole, j]; no tombstones.
  for (std::size_t j = next(hole); slots_[j]; j = next(j)) {
    const std::size_t k = home(slots_[j]->spi());
    const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
    if (stays) continue;
    slots_[hole] = std::move(slots_[j]);
    hole = j;
  }
  return true;
}

void SpiTable::grow() {
  std::vector<EspSaPtr> old =
      std::exchange(slots_, std::vector<EspSaPtr>(slots_.empty() ? 16 : 2 * slots_.size()));
  for (EspSaPtr& sa : old) {
    if (!sa) continue;
    std::size_t i = home(sa->spi());
    while (slots_[i]) i = next(i);
    slots_[i] = std::move(sa);
  }
}

}  // namespace crypto
