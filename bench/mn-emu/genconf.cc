// ha-genconf: writes matching configuration for K home agents (ha-agent's
// conf/ha_agent.proto text format) and for mn-emu (mn_emu.proto), with fresh
// random ESP keys (OpenSSL RAND_bytes) in key files of mode 0600. Every MN
// gets an SA pair with every HA (one key per direction; HARP hard switch
// needs SAs with the standbys, protocol-notes §5.6.1) and every pair of HAs
// an SA pair for HARP. See docs/mn-emu.md.
#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "crypto/sa.h"
#include "mip6/address.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

struct Failure {
  std::string what;
};

mip6::Ipv6Address add(mip6::Ipv6Address base, std::uint64_t v) {
  auto b = base.bytes();
  std::uint64_t carry = v;
  for (int i = 15; i >= 0 && carry; --i) {
    const std::uint64_t s = b[i] + (carry & 0xff);
    b[i] = static_cast<std::uint8_t>(s);
    carry = (carry >> 8) + (s >> 8);
  }
  return mip6::Ipv6Address(b);
}

// Writes `text` to a new file of mode 0600 (key files must not be readable
// by group or others, ha-agent/keys/key_file.h).
void write_secret_file(const fs::path& p, const std::string& text) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Failure{p.string() + ": " + std::strerror(errno)};
  bool ok = ::fchmod(fd, 0600) == 0;
  std::size_t off = 0;
  while (ok && off < text.size()) {
    const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) off += static_cast<std::size_t>(n);
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok) throw Failure{p.string() + ": write failed"};
}

std::string random_key_hex(std::size_t octets) {
  std::vector<unsigned char> k(octets);
  if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) throw Failure{"RAND_bytes failed"};
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (auto c : k) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  OPENSSL_cleanse(k.data(), k.size());
  return s;
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream f(p);
  f << text;
  if (!f) throw Failure{p.string() + ": write failed"};
}

std::string q(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

int main(int argc, char** argv) {
  unsigned has = 0, mns = 0, lifetime = 3600, rate = 1000, group = 1;
  std::string out, algorithm = "aes-gcm-128", ha_prefix = "fd00:1::/64", layout = "files",
                   home_interface = "eth0";
  std::vector<std::string> coas;
  po::options_description desc("ha-genconf: matching ha-agent and mn-emu configs with fresh keys\nOptions");
  desc.add_options()("help,h", "this text")("has", po::value(&has)->required(), "number of home agents (1..255)")(
      "mns", po::value(&mns)->required(), "number of mobile nodes (1..8000000)")(
      "out", po::value(&out)->required(), "output directory (created)")(
      "algorithm", po::value(&algorithm), "ESP algorithm (default aes-gcm-128)")(
      "ha-prefix", po::value(&ha_prefix), "home prefix; HAs get ::1, ::2, ..., MNs ::1:0:0 + i")(
      "coa", po::value(&coas)->composing(), "care-of address (repeat; MN i uses coa[i % n]; default fd00:2::10)")(
      "home-interface", po::value(&home_interface), "home_interface of the HA configs (default eth0)")(
      "lifetime", po::value(&lifetime), "binding lifetime requested by the MNs, seconds (default 3600)")(
      "registration-rate", po::value(&rate), "mn-emu registrations per second (default 1000)")(
      "group-id", po::value(&group), "HARP group id (default 1)")(
      "key-layout", po::value(&layout),
      "files: one key file per SA direction, shared by both sides; indexed: mn-emu reads "
      "multi-key files (one key per line), the HA configs still get one file per key");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "ha-genconf: " << e.what() << "\n" << desc << "\n";
    return 2;
  }
  try {
    if (has < 1 || has > 255) throw Failure{"--has must be 1..255"};
    if (mns < 1 || mns > 8000000) throw Failure{"--mns must be 1..8000000"};
    if (layout != "files" && layout != "indexed") throw Failure{"--key-layout must be files or indexed"};
    const auto alg = crypto::parse_esp_algorithm(algorithm);
    if (!alg) throw Failure{"unknown --algorithm " + algorithm};
    const auto prefix = mip6::Ipv6Prefix::parse(ha_prefix);
    if (!prefix || prefix->length > 64) throw Failure{"--ha-prefix must be a prefix of length <= 64"};
    if (coas.empty()) coas.push_back("fd00:2::10");
    for (const auto& c : coas)
      if (!mip6::Ipv6Address::parse(c)) throw Failure{"bad --coa " + c};
    const std::size_t key_size = crypto::key_material_size(*alg);

    const fs::path dir = fs::absolute(out);
    fs::create_directories(dir / "keys");
    fs::permissions(dir / "keys", fs::perms::owner_all, fs::perm_options::replace);
    std::vector<mip6::Ipv6Address> ha_addr;
    for (unsigned k = 0; k < has; ++k) ha_addr.push_back(add(prefix->address, k + 1));
    auto hoa = [&](unsigned i) { return add(prefix->address, (std::uint64_t{1} << 32) + i); };
    // SPIs (>= 256, RFC 4303 §2.1): MN->HA k: (k+1)<<24 | i; HA k->MN:
    // (k+1)<<24 | 0x800000 | i; HARP a->b: 0x70000000 | a<<8 | b.
    auto spi_to_ha = [](unsigned k, unsigned i) { return ((k + 1u) << 24) | i; };
    auto spi_from_ha = [](unsigned k, unsigned i) { return ((k + 1u) << 24) | 0x800000u | i; };
    auto spi_peer = [](unsigned from, unsigned to) { return 0x70000000u | (from << 8) | to; };

    std::vector<std::ostringstream> ha_conf(has);
    std::ostringstream mn_conf;
    mn_conf << "# mn-emu config written by ha-genconf (" << mns << " MNs, " << has << " HAs)\n"
            << "lifetime_s: " << lifetime << "\nregistration_rate_per_s: " << rate
            << "\nderegistration_rate_per_s: " << rate << "\nharp: " << (has > 1 ? "true" : "false") << "\n";
    for (unsigned k = 0; k < has; ++k) {
      auto& c = ha_conf[k];
      c << "# ha-agent config for HA " << k + 1 << " written by ha-genconf\n"
        << "ha_address: " << q(ha_addr[k].to_string()) << "\nhome_interface: " << q(home_interface)
        << "\nhome_prefix: " << q(prefix->to_string()) << "\n"
        << "admin { socket_path: " << q((dir / ("ha" + std::to_string(k + 1) + ".sock")).string()) << " }\n";
      fs::create_directories(dir / "keys" / ("ha" + std::to_string(k + 1)));
    }

    // Multi-key files for the indexed layout: [ha][direction].
    std::vector<std::array<std::string, 2>> multi(has);
    for (unsigned i = 0; i < mns; ++i) {
      mn_conf << "mobile_node {\n  home_address: " << q(hoa(i).to_string()) << "\n  care_of_address: "
              << q(coas[i % coas.size()]) << "\n";
      for (unsigned k = 0; k < has; ++k) {
        const fs::path kd = dir / "keys" / ("ha" + std::to_string(k + 1));
        const std::string to_ha = random_key_hex(key_size), from_ha = random_key_hex(key_size);
        const fs::path f_in = kd / ("mn" + std::to_string(i) + ".in.key");   // HA inbound
        const fs::path f_out = kd / ("mn" + std::to_string(i) + ".out.key");  // HA outbound
        write_secret_file(f_in, to_ha + "\n");
        write_secret_file(f_out, from_ha + "\n");
        ha_conf[k] << "mobile_node {\n  home_address: " << q(hoa(i).to_string()) << "\n  spi_in: "
                   << spi_to_ha(k, i) << "\n  spi_out: " << spi_from_ha(k, i) << "\n  algorithm: "
                   << q(algorithm) << "\n  key_file_in: " << q(f_in.string()) << "\n  key_file_out: "
                   << q(f_out.string()) << "\n}\n";
        mn_conf << "  home_agent {\n    address: " << q(ha_addr[k].to_string()) << "\n    spi_out: "
                << spi_to_ha(k, i) << "\n    spi_in: " << spi_from_ha(k, i) << "\n    algorithm: "
                << q(algorithm) << "\n";
        if (layout == "files") {
          mn_conf << "    key_file_out: " << q(f_in.string()) << "\n    key_file_in: " << q(f_out.string())
                  << "\n";
        } else {
          const std::string base = "keys/ha" + std::to_string(k + 1);
          multi[k][0] += to_ha + "\n";
          multi[k][1] += from_ha + "\n";
          mn_conf << "    key_file_out: " << q((dir / (base + "-to-ha.keys")).string())
                  << "\n    key_index_out: " << i << "\n    key_file_in: "
                  << q((dir / (base + "-from-ha.keys")).string()) << "\n    key_index_in: " << i << "\n";
        }
        mn_conf << "  }\n";
      }
      mn_conf << "}\n";
    }
    if (layout == "indexed")
      for (unsigned k = 0; k < has; ++k) {
        const std::string base = "keys/ha" + std::to_string(k + 1);
        write_secret_file(dir / (base + "-to-ha.keys"), multi[k][0]);
        write_secret_file(dir / (base + "-from-ha.keys"), multi[k][1]);
        OPENSSL_cleanse(multi[k][0].data(), multi[k][0].size());
        OPENSSL_cleanse(multi[k][1].data(), multi[k][1].size());
      }

    // HARP group: preference falls with the HA number, SA pair per peer pair.
    if (has > 1) {
      for (unsigned a = 0; a < has; ++a) {
        auto& c = ha_conf[a];
        c << "harp {\n  group_id: " << group << "\n  preference: " << (has - a) * 10 << "\n";
        for (unsigned b = 0; b < has; ++b) {
          if (a == b) continue;
          const fs::path in = dir / "keys" / ("peer-" + std::to_string(b + 1) + "-" + std::to_string(a + 1) + ".key");
          const fs::path outk = dir / "keys" / ("peer-" + std::to_string(a + 1) + "-" + std::to_string(b + 1) + ".key");
          c << "  peer {\n    address: " << q(ha_addr[b].to_string()) << "\n    preference: " << (has - b) * 10
            << "\n    spi_in: " << spi_peer(b, a) << "\n    spi_out: " << spi_peer(a, b) << "\n    algorithm: "
            << q(algorithm) << "\n    key_file_in: " << q(in.string()) << "\n    key_file_out: "
            << q(outk.string()) << "\n  }\n";
        }
        c << "}\n";
      }
      for (unsigned a = 0; a < has; ++a)
        for (unsigned b = 0; b < has; ++b)
          if (a != b)
            write_secret_file(dir / "keys" / ("peer-" + std::to_string(a + 1) + "-" + std::to_string(b + 1) + ".key"),
                              random_key_hex(key_size) + "\n");
    }
    for (unsigned k = 0; k < has; ++k) write_text(dir / ("ha" + std::to_string(k + 1) + ".conf"), ha_conf[k].str());
    write_text(dir / "mn-emu.conf", mn_conf.str());
    std::cout << "wrote " << has << " HA configs (" << dir.string() << "/ha*.conf), "
              << (dir / "mn-emu.conf").string() << " and keys in " << (dir / "keys").string() << "\n";
  } catch (const Failure& f) {
    std::cerr << "ha-genconf: " << f.what << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ha-genconf: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
