#include "mip6/mh_checksum.h"

#include "mip6/mobility_messages.h"

namespace mip6 {
namespace {

// One's complement sum of big-endian 16-bit words (RFC 1071), not folded.
std::uint64_t add_words(std::uint64_t sum, std::span<const std::uint8_t> b) {
  std::size_t i = 0;
  for (; i + 1 < b.size(); i += 2) sum += static_cast<std::uint32_t>((b[i] << 8) | b[i + 1]);
  if (i < b.size()) sum += static_cast<std::uint32_t>(b[i] << 8);  // odd length: pad with 0
  return sum;
}

std::uint16_t fold(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

// Sum over the RFC 2460 §8.1 pseudo-header.
std::uint64_t pseudo_header_sum(std::size_t mh_len, const Ipv6Address& src,
                                const Ipv6Address& dst) {
  std::uint64_t sum = add_words(0, src.bytes());
  sum = add_words(sum, dst.bytes());
  const auto len = static_cast<std::uint32_t>(mh_len);
  sum += (len >> 16) + (len & 0xffff);
  sum += mh::kIpProtoMh;  // 3 zero octets, then Next Header 135
  return sum;
}

}  // namespace

std::uint16_t mh_checksum(std::span<const std::uint8_t> mh, const Ipv6Address& src,
                          const Ipv6Address& dst) {
  std::uint64_t sum = pseudo_header_sum(mh.size(), src, dst);
  if (mh.size() < 6) return static_cast<std::uint16_t>(~fold(add_words(sum, mh)));
  sum = add_words(sum, mh.first(4));  // skip the Checksum field (octets 4-5)
  sum = add_words(sum, mh.subspan(6));
  return static_cast<std::uint16_t>(~fold(sum));
}

void write_mh_checksum(std::span<std::uint8_t> mh, const Ipv6Address& src, const Ipv6Address& dst) {
  if (mh.size() < 6) return;
  const std::uint16_t c = mh_checksum(mh, src, dst);
  mh[4] = static_cast<std::uint8_t>(c >> 8);
  mh[5] = static_cast<std::uint8_t>(c);
}

bool verify_mh_checksum(std::span<const std::uint8_t> mh, const Ipv6Address& src,
                        const Ipv6Address& dst) {
  if (mh.size() < 6) return false;
  return fold(add_words(pseudo_header_sum(mh.size(), src, dst), mh)) == 0xffff;
}

}  // namespace mip6
