// Key loading for mn-emu (key_store.h).
#include "bench/mn-emu/key_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "crypto/key_text.h"
#include "ha-agent/keys/key_file.h"

namespace mnemu {
namespace {

constexpr std::size_t kMaxMultiKeyFile = std::size_t{512} << 20;

}  // namespace

std::vector<crypto::SecretBytes> KeyStore::split_key_lines(std::string_view text) {
  std::vector<crypto::SecretBytes> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(pos, end - pos);
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    bool blank = true;
    for (char ch : line) blank = blank && std::isspace(static_cast<unsigned char>(ch));
    if (!blank) {
      std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(line.data()), line.size());
      lines.emplace_back(bytes);
    }
    pos = end + 1;
  }
  return lines;
}

mip6::Result<const KeyStore::MultiKeyFile*, std::string> KeyStore::multi(const std::string& path) {
  if (auto it = files_.find(path); it != files_.end()) return &it->second;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return mip6::fail("key file " + path + ": " + std::strerror(errno));
  struct stat st {};
  std::string err;
  if (::fstat(fd, &st) != 0) err = std::strerror(errno);
  else if (!S_ISREG(st.st_mode)) err = "not a regular file";
  else if ((st.st_mode & 077) != 0) err = "group or others can access it (use chmod 600)";
  else if (static_cast<std::uint64_t>(st.st_size) > kMaxMultiKeyFile) err = "larger than 512 MiB";
  crypto::SecretBytes buf(err.empty() ? static_cast<std::size_t>(st.st_size) : 0);
  std::size_t len = 0;
  while (err.empty() && len < buf.size()) {
    const ssize_t n = ::read(fd, buf.mutable_view().data() + len, buf.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) err = std::strerror(errno);
    if (n <= 0) break;
    len += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (!err.empty()) return mip6::fail("key file " + path + ": " + err);
  std::string_view text(reinterpret_cast<const char*>(buf.view().data()), len);
  auto [it, _] = files_.emplace(path, MultiKeyFile{split_key_lines(text)});
  return &it->second;
}

mip6::Result<crypto::SecretBytes, std::string> KeyStore::load(const KeyRef& ref,
                                                             crypto::EspAlgorithm algorithm) {
  if (!ref.index) {
    auto k = ha_agent::load_key_file(ref.path, algorithm);
    if (!k) return mip6::fail(ha_agent::to_string(k.error()));
    return std::move(k).value();
  }
  auto f = multi(ref.path);
  if (!f) return mip6::fail(f.error());
  const auto& lines = f.value()->lines;
  if (*ref.index >= lines.size())
    return mip6::fail("key file " + ref.path + ": index " + std::to_string(*ref.index) +
                      " but the file holds " + std::to_string(lines.size()) + " keys");
  const auto& line = lines[*ref.index];
  std::string_view text(reinterpret_cast<const char*>(line.view().data()), line.size());
  auto k = crypto::parse_key_text(text, algorithm);
  if (!k)
    return mip6::fail("key file " + ref.path + ": key " + std::to_string(*ref.index) + ": " +
                      crypto::to_string(k.error()));
  return std::move(k).value();
}

}  // namespace mnemu
