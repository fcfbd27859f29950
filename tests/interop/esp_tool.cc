// esp_tool: seals and opens ESP packets with crypto/ for the scapy interop
// tests (tests/interop/esp_scapy_test.py). Hex in, hex out.
//
//   esp_tool seal ALG SPI KEYHEX SEQ NEXTHDR PAYLOADHEX [--esn]
//       prints the ESP packet (SPI..ICV) as hex; SEQ is the 64-bit number.
//   esp_tool open ALG SPI KEYHEX ESPHEX [--esn] [--highest N]
//       prints "NEXTHDR PAYLOADHEX SEQ"; on rejection prints the reason to
//       stderr and exits 1. --highest primes the replay window (ESN tests).
// ALG is an EspAlgorithm name (aes-gcm-128, aes-cbc-128-hmac-sha256, ...).
// A hex argument "-" is read from stdin.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "crypto/esp_sa.h"
#include "crypto/key_text.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: esp_tool seal ALG SPI KEYHEX SEQ NEXTHDR PAYLOADHEX [--esn]\n"
               "       esp_tool open ALG SPI KEYHEX ESPHEX [--esn] [--highest N]\n");
  return 2;
}

std::string arg_or_stdin(const char* a) {
  if (std::string(a) != "-") return a;
  return std::string(std::istreambuf_iterator<char>(std::cin), {});
}

bool parse_hex(const std::string& text, std::vector<std::uint8_t>& out) {
  // Reuse the key text parser (any length): count digits first.
  std::size_t digits = 0;
  for (char c : text)
    if (std::isxdigit(static_cast<unsigned char>(c))) ++digits;
  if (digits % 2) return false;
  auto r = crypto::parse_key_text(text, digits / 2);
  if (digits == 0) {
    out.clear();
    return true;
  }
  if (!r) return false;
  out.assign(r->view().begin(), r->view().end());
  return true;
}

void print_hex(std::span<const std::uint8_t> b) {
  for (auto x : b) std::printf("%02x", x);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) return usage();
  const std::string cmd = argv[1];
  auto alg = crypto::parse_esp_algorithm(argv[2]);
  if (!alg) {
    std::fprintf(stderr, "esp_tool: unknown algorithm %s\n", argv[2]);
    return 2;
  }
  crypto::SaParams p;
  p.algorithm = *alg;
  p.spi = static_cast<std::uint32_t>(std::strtoul(argv[3], nullptr, 0));
  auto key = crypto::parse_key_text(std::string(argv[4]), *alg);
  if (!key) {
    std::fprintf(stderr, "esp_tool: %s\n", crypto::to_string(key.error()).c_str());
    return 2;
  }
  p.key = std::move(key).value();
  std::uint64_t highest = 0;
  for (int i = 5; i < argc; ++i) {
    if (std::string(argv[i]) == "--esn") p.extended_sequence_numbers = true;
    if (std::string(argv[i]) == "--highest" && i + 1 < argc)
      highest = std::strtoull(argv[i + 1], nullptr, 0);
  }
  const auto now = crypto::SaTime{};

  if (cmd == "seal") {
    if (argc < 8) return usage();
    p.direction = crypto::SaDirection::kOutbound;
    auto sa = crypto::EspSa::create(std::move(p), now);
    if (!sa) {
      std::fprintf(stderr, "esp_tool: %s\n", std::string(crypto::to_string(sa.error())).c_str());
      return 2;
    }
    const std::uint64_t seq = std::strtoull(argv[5], nullptr, 0);
    const auto nh = static_cast<std::uint8_t>(std::strtoul(argv[6], nullptr, 0));
    std::vector<std::uint8_t> payload;
    if (!parse_hex(arg_or_stdin(argv[7]), payload)) return usage();
    if (auto j = (*sa)->jump_sequence(seq); !j) {
      std::fprintf(stderr, "esp_tool: %s\n", std::string(crypto::to_string(j.error())).c_str());
      return 1;
    }
    std::vector<std::uint8_t> out((*sa)->protected_size(payload.size()));
    auto r = (*sa)->protect(payload, nh, out, now);
    if (!r) {
      std::fprintf(stderr, "esp_tool: %s\n", std::string(crypto::to_string(r.error())).c_str());
      return 1;
    }
    print_hex(out);
    std::printf("\n");
    return 0;
  }
  if (cmd == "open") {
    p.direction = crypto::SaDirection::kInbound;
    auto sa = crypto::EspSa::create(std::move(p), now);
    if (!sa) {
      std::fprintf(stderr, "esp_tool: %s\n", std::string(crypto::to_string(sa.error())).c_str());
      return 2;
    }
    if (highest) (void)(*sa)->restore_replay_window(highest);
    std::vector<std::uint8_t> esp;
    if (!parse_hex(arg_or_stdin(argv[5]), esp)) return usage();
    std::vector<std::uint8_t> out(esp.size());
    auto r = (*sa)->unprotect(esp, out, now);
    if (!r) {
      std::fprintf(stderr, "esp_tool: rejected: %s\n",
                   std::string(crypto::to_string(r.error())).c_str());
      return 1;
    }
    std::printf("%u ", r->next_header);
    print_hex(std::span(out).first(r->payload_size));
    std::printf(" %llu\n", static_cast<unsigned long long>(r->sequence));
    return 0;
  }
  return usage();
}
