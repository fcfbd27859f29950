// Key file loader (key_file.h).
#include "ha-agent/keys/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ha_agent {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

KeyFileError error(KeyFileError::Code c, const std::string& path) {
  KeyFileError e;
  e.code = c;
  e.path = path;
  return e;
}

std::string octal_mode(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

}  // namespace

std::string_view to_string(KeyFileError::Code c) {
  switch (c) {
    case KeyFileError::Code::kOpenFailed: return "cannot open";
    case KeyFileError::Code::kNotRegularFile: return "not a regular file";
    case KeyFileError::Code::kInsecureMode: return "group or others may access it";
    case KeyFileError::Code::kReadFailed: return "cannot read";
    case KeyFileError::Code::kTooLarge: return "too large";
    case KeyFileError::Code::kBadKeyText: return "bad key text";
  }
  return "key file error";
}

std::string to_string(const KeyFileError& e) {
  std::string s = "key file " + e.path + ": ";
  switch (e.code) {
    case KeyFileError::Code::kOpenFailed:
      return s + "cannot open: " + std::strerror(e.sys_errno);
    case KeyFileError::Code::kReadFailed:
      return s + "cannot read: " + std::strerror(e.sys_errno);
    case KeyFileError::Code::kNotRegularFile:
      return s + "not a regular file";
    case KeyFileError::Code::kInsecureMode:
      return s + "mode " + octal_mode(e.mode) +
             " lets group or others access it (use chmod 600)";
    case KeyFileError::Code::kTooLarge:
      return s + "larger than " + std::to_string(kMaxKeyFileSize) + " octets";
    case KeyFileError::Code::kBadKeyText:
      return s + crypto::to_string(e.key_text);
  }
  return s + "error";
}

mip6::Result<crypto::SecretBytes, KeyFileError> load_key_file(const std::string& path,
                                                              std::size_t expected_size) {
  // O_NONBLOCK: opening a FIFO must not hang; the type is checked on the
  // open descriptor (fstat), so the file cannot be swapped in between.
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (f.fd < 0) {
    auto e = error(KeyFileError::Code::kOpenFailed, path);
    e.sys_errno = errno;
    return mip6::fail(std::move(e));
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) {
    auto e = error(KeyFileError::Code::kReadFailed, path);
    e.sys_errno = errno;
    return mip6::fail(std::move(e));
  }
  if (!S_ISREG(st.st_mode)) return mip6::fail(error(KeyFileError::Code::kNotRegularFile, path));
  if ((st.st_mode & 077) != 0) {
    auto e = error(KeyFileError::Code::kInsecureMode, path);
    e.mode = st.st_mode & 07777;
    return mip6::fail(std::move(e));
  }
  if (static_cast<std::uint64_t>(st.st_size) > kMaxKeyFileSize)
    return mip6::fail(error(KeyFileError::Code::kTooLarge, path));

  // Read into wiped storage; one extra octet detects a file that grew.
  crypto::SecretBytes buf(kMaxKeyFileSize + 1);
  auto view = buf.mutable_view();
  std::size_t len = 0;
  while (len < view.size()) {
    const ssize_t n = ::read(f.fd, view.data() + len, view.size() - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto e = error(KeyFileError::Code::kReadFailed, path);
      e.sys_errno = errno;
      return mip6::fail(std::move(e));
    }
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
  }
  if (len > kMaxKeyFileSize) return mip6::fail(error(KeyFileError::Code::kTooLarge, path));
  auto key = crypto::parse_key_text(view.first(len), expected_size);
  if (!key) {
    auto e = error(KeyFileError::Code::kBadKeyText, path);
    e.key_text = key.error();
    return mip6::fail(std::move(e));
  }
  return std::move(key).value();
}

mip6::Result<crypto::SecretBytes, KeyFileError> load_key_file(const std::string& path,
                                                              crypto::EspAlgorithm algorithm) {
  return load_key_file(path, crypto::key_material_size(algorithm));
}

}  // namespace ha_agent
