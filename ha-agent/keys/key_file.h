// Loading ESP key material from a key file (the daemon shell does the file
// I/O; crypto/key_text.h does the parsing). A key file holds hex text (see
// key_text.h). The loader refuses files that are not regular files, files
// that group or others can access in any way (mode & 077, like ssh and
// WireGuard do for private keys), unreadable or oversized files, and key
// text of the wrong length. Every error names the file; none quotes the key.
// The file contents are wiped from memory once parsed.
#pragma once

#include <string>
#include <sys/types.h>

#include "crypto/key_text.h"
#include "crypto/sa.h"
#include "crypto/secret_bytes.h"
#include "mip6/result.h"

namespace ha_agent {

struct KeyFileError {
  enum class Code : std::uint8_t {
    kOpenFailed,      // open(2) failed (errno in sys_errno)
    kNotRegularFile,  // directory, FIFO, device, socket ...
    kInsecureMode,    // group or others have permissions (mode & 077)
    kReadFailed,      // read(2) failed (errno in sys_errno)
    kTooLarge,        // more than kMaxKeyFileSize octets
    kBadKeyText,      // contents are not valid key text (key_text)
  };
  Code code = Code::kOpenFailed;
  std::string path;
  mode_t mode = 0;   // permission bits, for kInsecureMode
  int sys_errno = 0;
  crypto::KeyTextError key_text;  // for kBadKeyText
};

inline constexpr std::size_t kMaxKeyFileSize = 64 * 1024;

std::string_view to_string(KeyFileError::Code c);
// e.g. "key file /etc/ha-agent/mn1.key: mode 0644 lets group or others access
// it (use chmod 600)".
std::string to_string(const KeyFileError& e);

mip6::Result<crypto::SecretBytes, KeyFileError> load_key_file(const std::string& path,
                                                              std::size_t expected_size);
mip6::Result<crypto::SecretBytes, KeyFileError> load_key_file(const std::string& path,
                                                              crypto::EspAlgorithm algorithm);

}  // namespace ha_agent
