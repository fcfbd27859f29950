// libFuzzer target: the metrics listener's HTTP request parser. Arbitrary
// bytes are fed as the listener does (every prefix that could arrive in one
// read, then the whole input); a parse must never crash, an incomplete head
// must stay incomplete for its prefixes, and a parsed request is routed and
// its response rendered.
#include <cstdint>
#include <string>

#include "ha-agent/metrics/http_request.h"

using namespace ha_agent::metrics::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string in(data, data + size);
  auto r = parse_request(in);
  if (!r) {
    if (render(error_response(r.error())).rfind("HTTP/1.1 4", 0) != 0 && status_of(r.error()) != 505)
      __builtin_trap();
    return 0;
  }
  if (!*r) {
    // Incomplete: so is every prefix (the listener reads in pieces).
    for (std::size_t n = 0; n < in.size(); n += 97) {
      auto p = parse_request(std::string_view(in).substr(0, n));
      if (p && *p) __builtin_trap();
    }
    return 0;
  }
  auto routed = route(**r, [] { return std::string("ha_agent_bindings 0\n"); });
  if (routed.response.status == 200 && ((*r)->method != "GET" || (*r)->path != "/metrics")) __builtin_trap();
  (void)render(routed.response);
  return 0;
}
