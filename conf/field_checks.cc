#include "conf/field_checks.h"

#include <cstdio>

namespace conf::detail {
namespace {

bool has_nul(const std::string& s) { return s.find('\0') != std::string::npos; }

}  // namespace

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      q += buf;
    } else {
      q += c;
    }
  }
  return q + "'";
}

namespace {

bool is_loopback(const mip6::Ipv6Address& a) {
  mip6::Ipv6Address::Bytes one{};
  one[15] = 1;
  return a.bytes() == one;
}

}  // namespace

std::optional<mip6::Ipv6Address> unicast_address(const Scope& s, std::string_view field, int index,
                                                 const std::string& text) {
  auto a = has_nul(text) ? std::nullopt : mip6::Ipv6Address::parse(text);
  if (!a) {
    s.error(field, index, quote(text) + " is not an IPv6 address");
    return std::nullopt;
  }
  const char* what = nullptr;
  if (a->is_unspecified()) what = "the unspecified address";
  else if (a->is_multicast()) what = "a multicast address";
  else if (is_loopback(*a)) what = "the loopback address";
  else if (a->is_link_local()) what = "a link-local address";
  if (what != nullptr) {
    s.error(field, index, quote(text) + " is " + what + "; a global unicast address is required");
    return std::nullopt;
  }
  return a;
}

std::optional<mip6::Ipv6Prefix> prefix(const Scope& s, std::string_view field, int index,
                                       const std::string& text) {
  auto p = has_nul(text) ? std::nullopt : mip6::Ipv6Prefix::parse(text);
  if (!p) {
    s.error(field, index, quote(text) + " is not an IPv6 prefix (expected address/length)");
    return std::nullopt;
  }
  if (p->length == 0) {
    s.error(field, index, quote(text) + ": prefix length 0 is not a home subnet");
    return std::nullopt;
  }
  if (p->address.is_multicast() || p->address.is_link_local()) {
    s.error(field, index, quote(text) + " is a multicast or link-local prefix");
    return std::nullopt;
  }
  // Host bits set usually means a typo (an address where the prefix was meant).
  auto bytes = p->address.bytes();
  for (unsigned bit = p->length; bit < 128; ++bit) {
    if (bytes[bit / 8] & (0x80u >> (bit % 8))) {
      s.error(field, index, quote(text) + " has host bits set after /" + std::to_string(p->length));
      return std::nullopt;
    }
  }
  return p;
}

bool interface_name(const Scope& s, std::string_view field, int index, const std::string& name) {
  // Linux: 1..IFNAMSIZ-1 octets, not "." or "..", no '/', ':' or white space.
  std::string why;
  if (name.empty()) why = "interface name is empty";
  else if (name.size() > 15) why = "interface name " + quote(name) + " is longer than 15 octets";
  else if (name == "." || name == "..") why = "interface name " + quote(name) + " is not allowed";
  else {
    for (char c : name) {
      auto u = static_cast<unsigned char>(c);
      if (c == '/' || c == ':' || u <= 0x20 || u == 0x7f) {
        why = "interface name " + quote(name) + " contains '/', ':', white space or a control character";
        break;
      }
    }
  }
  if (why.empty()) return true;
  s.error(field, index, why);
  return false;
}

bool absolute_path(const Scope& s, std::string_view field, const std::string& path) {
  if (path.empty()) s.error(field, "path is empty");
  else if (has_nul(path)) s.error(field, "path contains a NUL octet");
  else if (path.front() != '/') s.error(field, "path " + quote(path) + " is not absolute");
  else return true;
  return false;
}

std::optional<crypto::EspAlgorithm> algorithm(const Scope& s, std::string_view field,
                                              bool present, const std::string& name) {
  if (!present) {
    s.error(field, "required (one of aes-gcm-128, aes-gcm-256, aes-cbc-128-hmac-sha256, "
                   "aes-cbc-256-hmac-sha256)");
    return std::nullopt;
  }
  auto a = has_nul(name) ? std::nullopt : parse_algorithm_name(name);
  if (!a)
    s.error(field, "unknown ESP algorithm " + quote(name) +
                       " (expected aes-gcm-128, aes-gcm-256, aes-cbc-128-hmac-sha256 or "
                       "aes-cbc-256-hmac-sha256)");
  return a;
}

std::string spi_text(std::uint32_t spi) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%x (%u)", spi, spi);
  return buf;
}

bool SpiRegistry::check(const Scope& s, std::string_view field, bool present, std::uint32_t spi,
                        bool inbound) {
  if (!present) {
    s.error(field, "required");
    return false;
  }
  // RFC 4303 §2.1: SPI 0 is reserved for local use, 1..255 reserved by IANA.
  if (spi == 0) {
    s.error(field, "SPI 0 is reserved (RFC 4303 §2.1)");
    return false;
  }
  if (spi <= 255) {
    s.error(field, "SPI " + spi_text(spi) + " is in the IANA-reserved range 1..255 (RFC 4303 §2.1)");
    return false;
  }
  auto& used = inbound ? in_ : out_;
  if (scopes_.empty() || scopes_.back() != s.path()) scopes_.push_back(s.path());
  auto [it, fresh] = used.emplace(spi, Owner{static_cast<std::uint32_t>(scopes_.size() - 1), field});
  if (!fresh) {
    const std::string& scope = scopes_[it->second.scope];
    const std::string owner =
        scope.empty() ? std::string(it->second.field) : scope + "." + std::string(it->second.field);
    s.error(field, "SPI " + spi_text(spi) + " already used by " + owner +
                       (inbound ? " (inbound SPIs must be unique)" : " (outbound SPIs must be unique)"));
    return false;
  }
  return true;
}

}  // namespace conf::detail
