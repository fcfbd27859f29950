// `ha-agentctl decode HEX [--src ADDR --dst ADDR] [--harp-*-type N]`: decodes
// one Mobility Header (from its Payload Proto octet) and prints one JSON
// object (decode_json.h). Malformed input, bad hex included: exit status 2
// and one line on stderr naming the error and its offset. With --src/--dst
// (the pseudo-header addresses: the HoA as source when the packet had a Home
// Address option, the HoA as destination when it had a Type 2 routing
// header, RFC 6275 §6.1.1) the JSON says whether the checksum is right.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "ha-agent/ctl/decode_json.h"
#include "ha-agent/ctl/subcommand.h"

namespace ha_agent::ctl {
namespace po = boost::program_options;

int run_decode(int argc, char** argv) {
  std::string hex_text, src_text, dst_text;
  unsigned hello = 200, sync = 201, control = 202, bci = 200;  // protocol-notes §5.9
  po::options_description opts("ha-agentctl decode HEX [options]");
  opts.add_options()("help,h", "this help")("hex", po::value(&hex_text),
                                            "the Mobility Header in hex, from Payload Proto")(
      "src", po::value(&src_text),
      "pseudo-header source (the HoA if a Home Address option was present)")(
      "dst", po::value(&dst_text),
      "pseudo-header destination (the HoA if a Type 2 routing header was present)")(
      "harp-hello-type", po::value(&hello)->default_value(hello), "MH type of HARP HA-Hello")(
      "harp-sync-type", po::value(&sync)->default_value(sync),
      "MH type of HARP State Synchronization")(
      "harp-control-type", po::value(&control)->default_value(control),
      "MH type of HARP HA Control")("harp-bci-option-type", po::value(&bci)->default_value(bci),
                                    "option type of HARP Binding Cache Information");
  po::positional_options_description pos;
  pos.add("hex", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "ha-agentctl decode: %s\n", e.what());
    return 1;
  }
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (!vm.count("hex")) {
    std::fprintf(stderr, "ha-agentctl decode: missing HEX argument\n");
    return 1;
  }
  if (hello > 255 || sync > 255 || control > 255 || bci > 255) {
    std::fprintf(stderr, "ha-agentctl decode: HARP type numbers must be 0..255\n");
    return 1;
  }
  const mip6::HarpNumbers harp{static_cast<std::uint8_t>(hello), static_cast<std::uint8_t>(sync),
                               static_cast<std::uint8_t>(control), static_cast<std::uint8_t>(bci)};
  if (!harp.valid()) {
    std::fprintf(
        stderr,
        "ha-agentctl decode: HARP type numbers collide with each other or with standard types\n");
    return 1;
  }
  std::optional<PseudoHeader> pseudo;
  if (vm.count("src") != vm.count("dst")) {
    std::fprintf(stderr, "ha-agentctl decode: --src and --dst go together\n");
    return 1;
  }
  if (vm.count("src")) {
    auto s = mip6::Ipv6Address::parse(src_text);
    auto d = mip6::Ipv6Address::parse(dst_text);
    if (!s || !d) {
      std::fprintf(stderr, "ha-agentctl decode: --%s is not an IPv6 address\n", s ? "dst" : "src");
      return 1;
    }
    pseudo = PseudoHeader{*s, *d};
  }

  auto bytes = parse_hex(hex_text);
  if (!bytes) {
    std::fprintf(stderr, "ha-agentctl decode: %s (in the hex text)\n",
                 bytes.error().to_string().c_str());
    return 2;
  }
  auto decoded = mip6::decode_mobility_header(*bytes, harp);
  if (!decoded) {
    std::fprintf(stderr, "ha-agentctl decode: %s\n", decoded.error().to_string().c_str());
    return 2;
  }
  std::printf("%s\n", decoded_to_json(*decoded, *bytes, pseudo, harp).c_str());
  return 0;
}

}  // namespace ha_agent::ctl
