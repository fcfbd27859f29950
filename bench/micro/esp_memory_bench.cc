// esp_memory_bench: heap octets per ESP SA pair (one outbound + one inbound
// crypto::EspSa, as the daemon holds per mobile node), read from glibc's
// mallinfo2().uordblks before and after creating N pairs and after one
// packet through every SA (as registration does). Two ways:
//   shared   all SAs borrow contexts from one EspContextCache (the daemon)
//   private  each SA has its own one-slot cache (a standalone SA)
//   sad+spd  as shared, with the daemon's selector (HA address -> HoA/128,
//            bound to the HoA), both SAs in a SAD and the outbound policy
//            in an SPD: the crypto/ part of one configured mobile node
//   binding  one mip6::BindingCache entry with its timer (no reserve(), as
//            HomeAgent fills it): the mip6/ part of one registered MN
// Usage: esp_memory_bench [N]   (default 10000). Prints one line per case.
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "crypto/esp_context_cache.h"
#include "crypto/esp_sa.h"
#include "crypto/sad.h"
#include "crypto/spd.h"
#include "mip6/binding_cache.h"

namespace {

std::size_t heap() {
  return mallinfo2().uordblks;
}

crypto::SpdSelector selector(std::uint32_t i) {
  crypto::SpdSelector s;
  s.local = *mip6::Ipv6Address::parse("fd00:1::1");
  auto hoa = *mip6::Ipv6Address::parse("fd00:1::1:0:0");
  auto b = hoa.bytes();
  b[12] = static_cast<std::uint8_t>(i >> 24);
  b[13] = static_cast<std::uint8_t>(i >> 16);
  b[14] = static_cast<std::uint8_t>(i >> 8);
  b[15] = static_cast<std::uint8_t>(i);
  hoa = mip6::Ipv6Address(b);
  s.remote = mip6::Ipv6Prefix{hoa, 128};
  s.home_address = hoa;
  return s;
}

crypto::SaParams params(crypto::EspAlgorithm a, crypto::SaDirection d, std::uint32_t spi) {
  crypto::SaParams p;
  p.spi = spi;
  p.direction = d;
  p.algorithm = a;
  crypto::SecretBytes k(crypto::key_material_size(a));
  auto v = k.mutable_view();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint8_t>(spi + i * 7);
  p.key = std::move(k);
  return p;
}

void run(crypto::EspAlgorithm a, bool shared, std::size_t n) {
  const std::size_t h0 = heap();
  crypto::EspContextCachePtr cache = shared ? crypto::EspContextCache::make() : nullptr;
  std::vector<crypto::EspSaPtr> out, in;
  out.reserve(n);
  in.reserve(n);
  const std::size_t h1 = heap();  // vectors and cache slots array
  const auto now = crypto::SaTime{};
  for (std::size_t i = 0; i < n; ++i) {
    const auto spi = static_cast<std::uint32_t>(0x10000 + i);
    auto o = crypto::EspSa::create(params(a, crypto::SaDirection::kOutbound, spi), now, cache);
    auto r = crypto::EspSa::create(params(a, crypto::SaDirection::kInbound, spi), now, cache);
    if (!o || !r) {
      std::fprintf(stderr, "SA setup failed\n");
      std::exit(1);
    }
    out.push_back(std::move(o).value());
    in.push_back(std::move(r).value());
  }
  const std::size_t h2 = heap();
  std::vector<std::uint8_t> mh(64, 0x5a), esp(200), back(200);
  for (std::size_t i = 0; i < n; ++i) {
    auto s = out[i]->protect(mh, 135, esp, now);
    if (!s || !in[i]->unprotect(std::span(esp).first(s->size), back, now)) {
      std::fprintf(stderr, "round trip failed\n");
      std::exit(1);
    }
  }
  const std::size_t h3 = heap();
  std::printf(
      "%-24s %-7s N=%zu  heap/pair: created %6.0f B, after a packet each %6.0f B"
      "  (fixed: %zu B)\n",
      std::string(crypto::to_string(a)).c_str(), shared ? "shared" : "private", n,
      static_cast<double>(h2 - h1) / n, static_cast<double>(h3 - h1) / n, h1 - h0);
}

}  // namespace

// SAD + SPD as the daemon holds them (security_setup.cc).
void run_tables(crypto::EspAlgorithm a, std::size_t n) {
  const std::size_t h0 = heap();
  auto cache = crypto::EspContextCache::make();
  crypto::SecurityAssociationDatabase sad;
  crypto::SecurityPolicyDatabase spd;
  const std::size_t h1 = heap();
  const auto now = crypto::SaTime{};
  for (std::size_t i = 0; i < n; ++i) {
    const auto spi = static_cast<std::uint32_t>(0x10000 + i);
    const auto sel = selector(static_cast<std::uint32_t>(i));
    for (auto d : {crypto::SaDirection::kInbound, crypto::SaDirection::kOutbound}) {
      auto p = params(a, d, spi);
      p.selector = sel;
      auto sa = crypto::EspSa::create(std::move(p), now, cache);
      if (!sa || !sad.add(std::move(sa).value())) {
        std::fprintf(stderr, "SA setup failed\n");
        std::exit(1);
      }
    }
    if (!spd.add(sel, spi)) {
      std::fprintf(stderr, "policy setup failed\n");
      std::exit(1);
    }
  }
  const std::size_t h2 = heap();
  std::printf("%-24s %-7s N=%zu  heap per MN (SA pair + SAD + SPD): %6.0f B  (fixed: %zu B)\n",
              std::string(crypto::to_string(a)).c_str(), "sad+spd", n,
              static_cast<double>(h2 - h1) / n, h1 - h0);
}

// Binding cache entries as HomeAgent holds them (put() one by one).
void run_bindings(std::size_t n) {
  const std::size_t h0 = heap();
  auto cache = std::make_unique<mip6::BindingCache>();
  const std::size_t h1 = heap();
  for (std::size_t i = 0; i < n; ++i) {
    mip6::BindingCacheEntry e;
    e.home_address = *selector(static_cast<std::uint32_t>(i)).home_address;
    e.care_of_address = *mip6::Ipv6Address::parse("fd00:2::10");
    cache->put(e, mip6::Clock::time_point{} + std::chrono::seconds(i % 600));
  }
  const std::size_t h2 = heap();
  std::printf("%-24s %-7s N=%zu  heap per binding (entry, index, timer): %6.0f B  (fixed: %zu B)\n",
              "mip6::BindingCache", "binding", n, static_cast<double>(h2 - h1) / n, h1 - h0);
}

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10000;
  if (n == 0) return 2;
  for (auto a :
       {crypto::EspAlgorithm::kAesGcm128, crypto::EspAlgorithm::kAesGcm256,
        crypto::EspAlgorithm::kAesCbc128HmacSha256, crypto::EspAlgorithm::kAesCbc256HmacSha256})
  {
    for (bool shared : {true, false}) run(a, shared, n);
    run_tables(a, n);
  }
  run_bindings(n);
  std::printf("sizeof: EspSa %zu B, SpdSelector %zu B, ReplayWindow %zu B, BindingCacheEntry %zu B\n",
              sizeof(crypto::EspSa), sizeof(crypto::SpdSelector), sizeof(crypto::ReplayWindow),
              sizeof(mip6::BindingCacheEntry));
  return 0;
}
