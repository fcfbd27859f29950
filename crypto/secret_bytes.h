// SecretBytes: key material held in memory that is wiped (OPENSSL_cleanse)
// when released, never printed. Copying is explicit (clone()) so keys are not
// duplicated by accident.
#pragma once

#include <openssl/crypto.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <utility>

namespace crypto {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::span<const std::uint8_t> b) : SecretBytes(b.size()) {
    // A span never exceeds PTRDIFF_MAX octets; saying so lets g++ 12 see
    // that the copy is bounded (-Wstringop-overflow false positive).
    if (b.size() > static_cast<std::size_t>(PTRDIFF_MAX)) std::abort();
    std::copy(b.begin(), b.end(), bytes_.get());
  }
  // n zero octets.
  explicit SecretBytes(std::size_t n)
      : bytes_(n ? std::make_unique<std::uint8_t[]>(n) : nullptr), size_(n) {}
  ~SecretBytes() { wipe(); }
  SecretBytes(SecretBytes&& o) noexcept
      : bytes_(std::move(o.bytes_)), size_(std::exchange(o.size_, 0)) {}
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      wipe();
      bytes_ = std::move(o.bytes_);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  SecretBytes clone() const { return SecretBytes(view()); }
  std::span<const std::uint8_t> view() const { return {bytes_.get(), size_}; }
  std::span<std::uint8_t> mutable_view() { return {bytes_.get(), size_}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  void wipe() {
    if (bytes_) OPENSSL_cleanse(bytes_.get(), size_);
  }
  // A pointer and a size, not a std::vector: 16 octets in every SA instead
  // of 24 (issue #4, memory per mobile node); the octets are exactly size_.
  std::unique_ptr<std::uint8_t[]> bytes_;
  std::size_t size_ = 0;
};

}  // namespace crypto
