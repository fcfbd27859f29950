#include "ha-agent/metrics/http_request.h"

#include <cctype>
#include <charconv>

namespace ha_agent::metrics::http {
namespace {

// tchar of RFC 9110 §5.6.2.
bool tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!tchar(c)) return false;
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view trim_ows(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

mip6::Result<HttpRequest, HttpError> parse_request_line(std::string_view line) {
  // RFC 9112 §3: method SP request-target SP HTTP-version, single spaces.
  auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return mip6::fail(HttpError::kBadRequestLine);
  auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return mip6::fail(HttpError::kBadRequestLine);
  HttpRequest r;
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!token(method)) return mip6::fail(HttpError::kBadRequestLine);
  // §3.2.1 origin-form only (no proxy or asterisk forms): visible ASCII.
  if (target.empty() || target.front() != '/') return mip6::fail(HttpError::kBadTarget);
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return mip6::fail(HttpError::kBadTarget);
  // §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT (case-sensitive).
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" ||
      !std::isdigit(static_cast<unsigned char>(version[5])) || version[6] != '.' ||
      !std::isdigit(static_cast<unsigned char>(version[7])))
    return mip6::fail(HttpError::kBadRequestLine);
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
    return mip6::fail(HttpError::kUnsupportedVersion);
  r.method = std::string(method);
  r.target = std::string(target);
  r.path = std::string(target.substr(0, target.find('?')));
  r.minor_version = version[7] - '0';
  return r;
}

}  // namespace

std::string_view to_string(HttpError e) {
  switch (e) {
    case HttpError::kTooLarge:
      return "too_large";
    case HttpError::kBadRequestLine:
      return "bad_request_line";
    case HttpError::kBadTarget:
      return "bad_target";
    case HttpError::kUnsupportedVersion:
      return "unsupported_version";
    case HttpError::kBadHeader:
      return "bad_header";
    case HttpError::kHostMissing:
      return "host_missing";
    case HttpError::kBadContentLength:
      return "bad_content_length";
  }
  return "?";
}

int status_of(HttpError e) {
  switch (e) {
    case HttpError::kTooLarge:
      return 431;  // RFC 6585 §5
    case HttpError::kUnsupportedVersion:
      return 505;  // RFC 9110 §15.6.6
    default:
      return 400;
  }
}

mip6::Result<std::optional<HttpRequest>, HttpError> parse_request(std::string_view in) {
  // RFC 9112 §2.2: ignore empty lines before the request line.
  std::size_t start = 0;
  while (in.size() >= start + 2 && in[start] == '\r' && in[start + 1] == '\n') start += 2;
  const auto end = in.find("\r\n\r\n", start);
  if (end == std::string_view::npos) {
    if (in.size() >= kMaxRequestHead) return mip6::fail(HttpError::kTooLarge);
    return std::optional<HttpRequest>();
  }
  if (end + 4 > kMaxRequestHead) return mip6::fail(HttpError::kTooLarge);
  std::string_view head = in.substr(start, end - start + 2);  // every line ends in CRLF

  auto eol = head.find("\r\n");
  auto r = parse_request_line(head.substr(0, eol));
  if (!r) return mip6::fail(r.error());
  head.remove_prefix(eol + 2);

  int hosts = 0;
  std::optional<std::uint64_t> content_length;
  while (!head.empty()) {
    eol = head.find("\r\n");
    const auto line = head.substr(0, eol);
    head.remove_prefix(eol + 2);
    // §5.2: obs-fold is rejected; §5.1: no white space before the colon.
    if (line.empty() || line.front() == ' ' || line.front() == '\t')
      return mip6::fail(HttpError::kBadHeader);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !token(line.substr(0, colon)))
      return mip6::fail(HttpError::kBadHeader);
    const auto name = line.substr(0, colon);
    const auto value = trim_ows(line.substr(colon + 1));
    for (char c : value)  // §5.5: no CR, LF, NUL or other controls but HTAB
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
        return mip6::fail(HttpError::kBadHeader);
    if (iequals(name, "host")) {
      ++hosts;
    } else if (iequals(name, "content-length")) {
      std::uint64_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc() || p != value.data() + value.size() ||
          (content_length && *content_length != n))
        return mip6::fail(HttpError::kBadContentLength);
      content_length = n;
      if (n > 0) r->has_body = true;
    } else if (iequals(name, "transfer-encoding")) {
      r->has_body = true;
    }
  }
  // §3.2: a client MUST send Host in HTTP/1.1; a server MUST answer 400 when
  // it is missing or given more than once.
  if (hosts > 1 || (r->minor_version == 1 && hosts != 1))
    return mip6::fail(HttpError::kHostMissing);
  return std::optional<HttpRequest>(std::move(r).value());
}

HttpResponse error_response(HttpError e) {
  HttpResponse r;
  r.status = status_of(e);
  r.body = std::string(reason_phrase(r.status)) + " (" + std::string(to_string(e)) + ")\n";
  return r;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

std::string render(const HttpResponse& r) {
  std::string out =
      "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(reason_phrase(r.status)) + "\r\n";
  out += "Content-Type: " + r.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  if (r.allow_get) out += "Allow: GET\r\n";
  out += "Connection: close\r\n\r\n";
  out += r.body;
  return out;
}

}  // namespace ha_agent::metrics::http
