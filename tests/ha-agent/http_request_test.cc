// The HTTP subset of the metrics listener, without sockets: every kind of bad
// request gets its named error and status, good ones are routed.
#include "ha-agent/metrics/http_request.h"

#include <gtest/gtest.h>

namespace ha_agent::metrics::http {
namespace {

HttpError error_of(std::string_view text) {
  auto r = parse_request(text);
  EXPECT_FALSE(r.ok()) << "accepted: " << text;
  return r.ok() ? HttpError::kTooLarge : r.error();
}

HttpRequest request_of(std::string_view text) {
  auto r = parse_request(text);
  EXPECT_TRUE(r.ok()) << "refused (" << (r.ok() ? "" : to_string(r.error())) << "): " << text;
  if (!r.ok() || !*r) {
    ADD_FAILURE() << "incomplete: " << text;
    return {};
  }
  return **r;
}

TEST(HttpRequest, GetMetrics) {
  auto r = request_of("GET /metrics HTTP/1.1\r\nHost: [::1]:9469\r\nAccept: */*\r\n\r\n");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/metrics");
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_FALSE(r.has_body);
  auto routed = route(r, [] { return std::string("ha_agent_bindings 3\n"); });
  EXPECT_FALSE(routed.refused);
  EXPECT_EQ(routed.response.status, 200);
  EXPECT_EQ(routed.response.body, "ha_agent_bindings 3\n");
  EXPECT_EQ(routed.response.content_type, "text/plain; version=0.0.4; charset=utf-8");
}

TEST(HttpRequest, QueryLeadingEmptyLinesAndHttp10WithoutHost) {
  auto r = request_of("\r\nGET /metrics?name[]=x HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.path, "/metrics");
  EXPECT_EQ(r.target, "/metrics?name[]=x");
  EXPECT_EQ(r.minor_version, 0);
}

TEST(HttpRequest, IncompleteHeadAsksForMore) {
  for (std::string_view part :
       {"", "GET", "GET /metrics HTTP/1.1\r\n", "GET /metrics HTTP/1.1\r\nHost: x\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\n\r"}) {
    auto r = parse_request(part);
    ASSERT_TRUE(r.ok()) << part;
    EXPECT_FALSE(r->has_value()) << part;
  }
}

TEST(HttpRequest, SizeLimit) {
  std::string big =
      "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(kMaxRequestHead, 'a');
  EXPECT_EQ(error_of(big), HttpError::kTooLarge);
  EXPECT_EQ(status_of(HttpError::kTooLarge), 431);
  // Complete, but the head itself is over the limit.
  EXPECT_EQ(error_of(big + "\r\n\r\n"), HttpError::kTooLarge);
  // Exactly at the limit is fine.
  std::string head = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: ";
  head += std::string(kMaxRequestHead - head.size() - 4, 'b') + "\r\n\r\n";
  ASSERT_EQ(head.size(), kMaxRequestHead);
  EXPECT_EQ(request_of(head).path, "/metrics");
}

TEST(HttpRequest, BadRequestLines) {
  EXPECT_EQ(error_of("GET\r\n\r\n"), HttpError::kBadRequestLine);
  EXPECT_EQ(error_of("GET /metrics\r\n\r\n"), HttpError::kBadRequestLine);
  EXPECT_EQ(error_of("GET  /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), HttpError::kBadRequestLine);
  EXPECT_EQ(error_of("GET /metrics HTTP/1.1 x\r\nHost: x\r\n\r\n"), HttpError::kBadRequestLine);
  EXPECT_EQ(error_of("G(T /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), HttpError::kBadRequestLine);
  EXPECT_EQ(error_of("GET /metrics http/1.1\r\nHost: x\r\n\r\n"), HttpError::kBadRequestLine);
  EXPECT_EQ(error_of("GET /metrics HTTP/1.x\r\nHost: x\r\n\r\n"), HttpError::kBadRequestLine);
  EXPECT_EQ(error_of("\x01\x02\x03\r\n\r\n"), HttpError::kBadRequestLine);
  EXPECT_EQ(status_of(HttpError::kBadRequestLine), 400);
}

TEST(HttpRequest, BadTargets) {
  EXPECT_EQ(error_of("GET metrics HTTP/1.1\r\nHost: x\r\n\r\n"), HttpError::kBadTarget);
  EXPECT_EQ(error_of("GET http://h/metrics HTTP/1.1\r\nHost: x\r\n\r\n"), HttpError::kBadTarget);
  EXPECT_EQ(error_of("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"), HttpError::kBadTarget);
  EXPECT_EQ(error_of("GET /m\x7f HTTP/1.1\r\nHost: x\r\n\r\n"), HttpError::kBadTarget);
  EXPECT_EQ(error_of("GET /m\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n"), HttpError::kBadTarget);
}

TEST(HttpRequest, VersionsOtherThan10And11) {
  EXPECT_EQ(error_of("GET /metrics HTTP/2.0\r\nHost: x\r\n\r\n"), HttpError::kUnsupportedVersion);
  EXPECT_EQ(error_of("GET /metrics HTTP/1.2\r\nHost: x\r\n\r\n"), HttpError::kUnsupportedVersion);
  EXPECT_EQ(status_of(HttpError::kUnsupportedVersion), 505);
}

TEST(HttpRequest, BadHeaderFields) {
  // RFC 9112 §5.1: white space between name and colon.
  EXPECT_EQ(error_of("GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n"), HttpError::kBadHeader);
  // §5.2: obs-fold.
  EXPECT_EQ(error_of("GET /metrics HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"),
            HttpError::kBadHeader);
  EXPECT_EQ(error_of("GET /metrics HTTP/1.1\r\nHost x\r\n\r\n"), HttpError::kBadHeader);
  EXPECT_EQ(error_of("GET /metrics HTTP/1.1\r\n: x\r\nHost: x\r\n\r\n"), HttpError::kBadHeader);
  static const char kNul[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n";
  EXPECT_EQ(error_of(std::string_view(kNul, sizeof kNul - 1)), HttpError::kBadHeader);
  EXPECT_EQ(error_of("GET /metrics HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"),
            HttpError::kBadHeader);
}

TEST(HttpRequest, HostRules) {
  EXPECT_EQ(error_of("GET /metrics HTTP/1.1\r\n\r\n"), HttpError::kHostMissing);
  EXPECT_EQ(error_of("GET /metrics HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"),
            HttpError::kHostMissing);
  EXPECT_EQ(error_of("GET /metrics HTTP/1.0\r\nHost: a\r\nHOST: b\r\n\r\n"),
            HttpError::kHostMissing);
  EXPECT_EQ(request_of("GET /metrics HTTP/1.1\r\nhOsT:\t[::1]:9469 \r\n\r\n").path, "/metrics");
}

TEST(HttpRequest, ContentLength) {
  EXPECT_EQ(error_of("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
            HttpError::kBadContentLength);
  EXPECT_EQ(error_of("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
            HttpError::kBadContentLength);
  EXPECT_EQ(
      error_of(
          "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
      HttpError::kBadContentLength);
  EXPECT_EQ(
      error_of(
          "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
      HttpError::kBadContentLength);
  EXPECT_FALSE(
      request_of("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").has_body);
  EXPECT_TRUE(request_of("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n").has_body);
  EXPECT_TRUE(request_of("GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                  .has_body);
}

TEST(HttpRequest, Routing) {
  auto text = [] { return std::string("m 1\n"); };
  auto r =
      route(request_of("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n"), text);
  EXPECT_EQ(r.response.status, 405);
  EXPECT_TRUE(r.response.allow_get);
  EXPECT_EQ(r.refused, std::optional<std::string_view>("method_not_allowed"));
  r = route(request_of("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), text);
  EXPECT_EQ(r.response.status, 405);
  r = route(request_of("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), text);
  EXPECT_EQ(r.response.status, 404);
  EXPECT_EQ(r.refused, std::optional<std::string_view>("not_found"));
  r = route(request_of("GET /metricsx HTTP/1.1\r\nHost: x\r\n\r\n"), text);
  EXPECT_EQ(r.response.status, 404);
  r = route(request_of("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n"), text);
  EXPECT_EQ(r.response.status, 400);
  EXPECT_EQ(r.refused, std::optional<std::string_view>("body"));
}

TEST(HttpRequest, RenderedResponse) {
  HttpResponse resp{405, "no\n", "text/plain; charset=utf-8", true};
  EXPECT_EQ(render(resp),
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 3\r\nAllow: GET\r\nConnection: close\r\n\r\nno\n");
  auto e = error_response(HttpError::kTooLarge);
  EXPECT_EQ(e.status, 431);
  EXPECT_NE(render(e).find("HTTP/1.1 431 Request Header Fields Too Large\r\n"), std::string::npos);
}

}  // namespace
}  // namespace ha_agent::metrics::http
