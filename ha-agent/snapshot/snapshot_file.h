// Reading and atomically replacing the snapshot file (docs/operations.md,
// "Restart without loss"). Reading refuses what is not a regular file or
// what group or others may access (mode & 077, like key files: a snapshot
// lists every MN's home and care-of address). Writing never leaves a partial
// file under the real name: a temporary file in the same directory (mode
// 0600, mkstemp), write, fsync, rename over the old file, fsync of the
// directory (so the rename itself survives a crash). Every error names the
// file, the step and errno.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mip6/result.h"

namespace ha_agent::snapshot {

struct FileError {
  enum class Code : std::uint8_t {
    kNotFound,        // no snapshot yet (first start): not a failure
    kOpenFailed,
    kNotRegularFile,
    kInsecureMode,    // group or others have permissions (mode & 077)
    kReadFailed,
    kTooLarge,
    kCreateTempFailed,
    kWriteFailed,
    kSyncFailed,
    kRenameFailed,
    kDirectorySyncFailed,
  };
  Code code = Code::kOpenFailed;
  std::string path;
  int sys_errno = 0;
  mode_t mode = 0;  // for kInsecureMode
};

std::string_view to_string(FileError::Code c);
// e.g. "snapshot /var/lib/ha-agent/snapshot.pb: mode 0644 lets group or
// others access it (chmod 600)".
std::string to_string(const FileError& e);

mip6::Result<std::vector<std::uint8_t>, FileError> read_snapshot_file(const std::string& path);
mip6::Status<FileError> write_snapshot_file(const std::string& path, std::span<const std::uint8_t> bytes);

}  // namespace ha_agent::snapshot
