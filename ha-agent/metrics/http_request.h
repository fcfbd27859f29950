// The HTTP/1.1 subset of the metrics listener, without I/O: parsing a
// request head as it arrives (RFC 9112 §2-§5: request line, header fields,
// CRLF, a size limit), choosing the response (GET /metrics -> 200 with the
// Prometheus text, another path -> 404, another method -> 405, a body ->
// 400) and rendering it. The listener (http_listener.h) feeds it bytes; the
// unit tests feed it every kind of bad request. Everything malformed is a
// named HttpError, never an exception.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mip6/result.h"

namespace ha_agent::metrics::http {

// Limit of a request head (request line + header fields); larger -> 431.
inline constexpr std::size_t kMaxRequestHead = 8192;

enum class HttpError : std::uint8_t {
  kTooLarge,            // no end of the head within kMaxRequestHead (431)
  kBadRequestLine,      // not "METHOD SP TARGET SP VERSION" (RFC 9112 §3)
  kBadTarget,           // not origin-form "/..." or has control octets (§3.2.1)
  kUnsupportedVersion,  // an HTTP version other than 1.0 and 1.1 (505)
  kBadHeader,           // field syntax (§5.1: no space before ':'), obs-fold (§5.2)
  kHostMissing,         // HTTP/1.1 without exactly one Host (§3.2)
  kBadContentLength,    // Content-Length not a number or given twice differently (§6.3)
};
std::string_view to_string(HttpError e);  // metric label: "too_large", ...
int status_of(HttpError e);               // 431, 400 or 505

struct HttpRequest {
  std::string method;
  std::string target;  // as sent, e.g. "/metrics?x=1"
  std::string path;    // target up to '?'
  int minor_version = 1;
  bool has_body = false;  // Content-Length > 0 or Transfer-Encoding given
};

// Parses the request head at the start of `received` (bytes so far). Returns
// nullopt while the head is incomplete (the caller reads more), the request
// once "CRLF CRLF" arrived, or an error (also when `received` reached
// kMaxRequestHead without the end of the head).
mip6::Result<std::optional<HttpRequest>, HttpError> parse_request(std::string_view received);

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain; charset=utf-8";
  bool allow_get = false;  // adds "Allow: GET" (405, RFC 9110 §15.5.6)
};

// Why a well-formed request was refused (metric label), or nullopt for 200.
struct Routed {
  HttpResponse response;
  std::optional<std::string_view> refused;  // "method_not_allowed", "not_found", "body"
};
// GET /metrics (any query) -> 200 with `metrics_text`'s result.
template <class Render>
Routed route(const HttpRequest& r, Render&& metrics_text);

HttpResponse error_response(HttpError e);
// Status line, Content-Type, Content-Length, Connection: close, body.
std::string render(const HttpResponse& r);
std::string_view reason_phrase(int status);

// ---- implementation of the template ----------------------------------------

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

template <class Render>
Routed route(const HttpRequest& r, Render&& metrics_text) {
  Routed out;
  if (r.method != "GET") {
    out.response = {405, "only GET is served\n", "text/plain; charset=utf-8", true};
    out.refused = "method_not_allowed";
  } else if (r.has_body) {
    out.response = {400, "a GET request carries no body\n"};
    out.refused = "body";
  } else if (r.path != "/metrics") {
    out.response = {404, "not found; metrics are at /metrics\n"};
    out.refused = "not_found";
  } else {
    out.response = {200, metrics_text(), std::string(kPrometheusContentType)};
  }
  return out;
}

}  // namespace ha_agent::metrics::http
