#include "ha-agent/snapshot/snapshot_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "ha-agent/snapshot/snapshot_codec.h"

namespace ha_agent::snapshot {
namespace {

FileError error(FileError::Code c, const std::string& path, int e = 0) {
  FileError f;
  f.code = c;
  f.path = path;
  f.sys_errno = e;
  return f;
}

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Closes on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string_view to_string(FileError::Code c) {
  switch (c) {
    case FileError::Code::kNotFound: return "no such file";
    case FileError::Code::kOpenFailed: return "cannot open";
    case FileError::Code::kNotRegularFile: return "not a regular file";
    case FileError::Code::kInsecureMode: return "insecure mode";
    case FileError::Code::kReadFailed: return "read failed";
    case FileError::Code::kTooLarge: return "too large";
    case FileError::Code::kCreateTempFailed: return "cannot create temporary file";
    case FileError::Code::kWriteFailed: return "write failed";
    case FileError::Code::kSyncFailed: return "fsync failed";
    case FileError::Code::kRenameFailed: return "rename failed";
    case FileError::Code::kDirectorySyncFailed: return "fsync of the directory failed";
  }
  return "unknown file error";
}

std::string to_string(const FileError& e) {
  std::string s = "snapshot " + e.path + ": ";
  if (e.code == FileError::Code::kInsecureMode) {
    char octal[16];
    std::snprintf(octal, sizeof octal, "0%o", static_cast<unsigned>(e.mode));
    return s + "mode " + octal + " lets group or others access it (chmod 600); not restored";
  }
  s += to_string(e.code);
  if (e.sys_errno != 0) s += std::string(": ") + std::strerror(e.sys_errno);
  return s;
}

mip6::Result<std::vector<std::uint8_t>, FileError> read_snapshot_file(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0)
    return mip6::fail(error(errno == ENOENT ? FileError::Code::kNotFound : FileError::Code::kOpenFailed,
                            path, errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return mip6::fail(error(FileError::Code::kReadFailed, path, errno));
  if (!S_ISREG(st.st_mode)) return mip6::fail(error(FileError::Code::kNotRegularFile, path));
  if ((st.st_mode & 077) != 0) {
    auto e = error(FileError::Code::kInsecureMode, path);
    e.mode = st.st_mode & 07777;
    return mip6::fail(std::move(e));
  }
  if (static_cast<std::uint64_t>(st.st_size) > kContainerHeaderSize + kMaxPayloadSize)
    return mip6::fail(error(FileError::Code::kTooLarge, path));
  std::vector<std::uint8_t> out(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(f.fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return mip6::fail(error(FileError::Code::kReadFailed, path, errno));
    if (n == 0) break;  // shrank meanwhile: the decoder reports it truncated
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return out;
}

mip6::Status<FileError> write_snapshot_file(const std::string& path, std::span<const std::uint8_t> bytes) {
  const std::string dir = directory_of(path);
  const std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  std::string temp = dir + (dir == "/" ? "" : "/") + "." + base + ".tmp-XXXXXX";
  // mkstemp: O_EXCL, mode 0600 whatever the umask allows beyond it.
  Fd f{::mkostemp(temp.data(), O_CLOEXEC)};
  if (f.fd < 0) return mip6::fail(error(FileError::Code::kCreateTempFailed, temp, errno));
  auto failed = [&](FileError::Code c) {
    const int e = errno;
    ::unlink(temp.c_str());
    return mip6::fail(error(c, c == FileError::Code::kRenameFailed ? path : temp, e));
  };
  if (::fchmod(f.fd, 0600) != 0) return failed(FileError::Code::kCreateTempFailed);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(f.fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failed(FileError::Code::kWriteFailed);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(f.fd) != 0) return failed(FileError::Code::kSyncFailed);
  const int fd = f.fd;
  f.fd = -1;
  if (::close(fd) != 0) return failed(FileError::Code::kWriteFailed);
  if (::rename(temp.c_str(), path.c_str()) != 0) return failed(FileError::Code::kRenameFailed);
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0 || ::fsync(d.fd) != 0)
    return mip6::fail(error(FileError::Code::kDirectorySyncFailed, dir, errno));
  return mip6::Ok{};
}

}  // namespace ha_agent::snapshot
