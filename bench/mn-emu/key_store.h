// KeyStore: loads the ESP keys of mn-emu's SAs. A KeyRef without an index
// names a file holding one key (the ha-agent format, read with
// ha_agent::load_key_file). With an index it names a multi-key file: one
// hex key per line, blank lines and '#' comments skipped, index 0 = first
// key; such a file is read once and kept (as wiped-on-release text) so that
// 100 000 MNs do not mean 100 000 file reads. Both kinds must be regular
// files that neither group nor others can access (mode & 077 == 0). Errors
// name the file and line, never the key.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "bench/mn-emu/emu_config.h"
#include "crypto/secret_bytes.h"
#include "mip6/result.h"

namespace mnemu {

class KeyStore {
 public:
  mip6::Result<crypto::SecretBytes, std::string> load(const KeyRef& ref, crypto::EspAlgorithm algorithm);

  // Splits multi-key file contents into key lines (exposed for tests).
  static std::vector<crypto::SecretBytes> split_key_lines(std::string_view text);

 private:
  struct MultiKeyFile {
    std::vector<crypto::SecretBytes> lines;  // key text of each key line
  };
  mip6::Result<const MultiKeyFile*, std::string> multi(const std::string& path);
  std::unordered_map<std::string, MultiKeyFile> files_;
};

}  // namespace mnemu
