// Test-only tool for the interop tests (mh_interop_*.py): prints this
// codec's encodings of a fixed set of Mobility Header messages, one per line:
//   NAME SRC DST HEX
// where SRC/DST are the pseudo-header addresses the checksum was computed
// with (HoA as source for the BU, HoA as destination for the BA). The python
// side parses them with scapy and tshark and compares with its own table.
#include <cstdio>
#include <string>
#include <vector>

#include "mip6/mh_codec.h"

namespace {

using namespace mip6;

Ipv6Address a(const char* s) {
  return *Ipv6Address::parse(s);
}

struct Vector {
  const char* name;
  const char* src;
  const char* dst;
  MobilityMessage message;
};

std::vector<Vector> vectors() {
  constexpr auto kAHK =
      BindingUpdate::kAck | BindingUpdate::kHomeRegistration | BindingUpdate::kKeyManagement;
  std::vector<Vector> v;
  const char* hoa = "fd00:1::100";
  const char* ha = "fd00:1::1";
  v.push_back({"brr", ha, hoa, BindingRefreshRequest{}});
  v.push_back(
      {"bu_plain", hoa, ha,
       BindingUpdate{
           SequenceNumber(9), BindingUpdate::kAck | BindingUpdate::kHomeRegistration, 150, {}}});
  BindingUpdate bu{SequenceNumber(7), kAHK, 150, {}};
  bu.options.alternate_care_of_address = a("fd00:2::10");
  v.push_back({"bu_altcoa", hoa, ha, bu});
  bu = BindingUpdate{SequenceNumber(65535), BindingUpdate::kAck, 0, {}};
  bu.options.nonce_indices = NonceIndices{1, 2};
  bu.options.binding_authorization_data =
      std::vector<std::uint8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  v.push_back({"bu_ni_bad", hoa, ha, bu});
  bu = BindingUpdate{
      SequenceNumber(2),
      BindingUpdate::kAck | BindingUpdate::kHomeRegistration | BindingUpdate::kMobileRouter,
      300,
      {}};
  bu.options.mobile_network_prefixes.push_back({64, a("2001:db8:1::")});
  v.push_back({"bu_mnp", hoa, ha, bu});
  bu = BindingUpdate{SequenceNumber(3), kAHK, 1, {}};
  const std::string nai = "mn@example.com";
  bu.options.mobile_node_identifier = MobileNodeIdentifier{1, {nai.begin(), nai.end()}};
  v.push_back({"bu_mnid", hoa, ha, bu});
  BindingAcknowledgement ba{0, BindingAcknowledgement::kKeyManagement, SequenceNumber(7), 150, {}};
  ba.options.binding_refresh_advice = 60;
  v.push_back({"ba_bra", ha, hoa, ba});
  v.push_back({"ba_reject", ha, hoa, BindingAcknowledgement{135, 0, SequenceNumber(16), 0, {}}});
  v.push_back({"be", ha, "fd00:2::10", BindingError{2, a(hoa), {}}});
  v.push_back({"has_zero", ha, hoa, HomeAgentSwitch{}});
  v.push_back({"has_one", ha, hoa, HomeAgentSwitch{{a("fd00:1::2")}, {}}});
  v.push_back({"has_two", ha, hoa, HomeAgentSwitch{{a("fd00:1::2"), a("fd00:1::3")}, {}}});
  v.push_back({"hb_request", ha, "fd00:1::2", Heartbeat{0, 0x01020304, {}}});
  Heartbeat hb{Heartbeat::kResponse, 0x01020304, {}};
  hb.options.restart_counter = 5;
  v.push_back({"hb_response_rc", "fd00:1::2", ha, hb});
  return v;
}

}  // namespace

int main() {
  std::vector<std::uint8_t> buf;
  for (const auto& v : vectors()) {
    buf.clear();
    auto s = encode_mobility_header(v.message, a(v.src), a(v.dst), buf);
    if (!s) {
      std::fprintf(stderr, "mh_vectors: %s: %s\n", v.name, s.error().to_string().c_str());
      return 1;
    }
    std::printf("%s %s %s ", v.name, v.src, v.dst);
    for (auto b : buf) std::printf("%02x", b);
    std::printf("\n");
  }
  return 0;
}
