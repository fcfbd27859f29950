// Replays a libFuzzer corpus outside libFuzzer: every file named on the
// command line (directories are walked) is fed once to LLVMFuzzerTestOneInput.
// Ordinary builds run the seed corpora this way as regression tests.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

static int run_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", p.c_str());
    return 1;
  }
  std::vector<std::uint8_t> buf((std::istreambuf_iterator<char>(in)), {});
  LLVMFuzzerTestOneInput(buf.data(), buf.size());
  return 0;
}

int main(int argc, char** argv) {
  int files = 0, errors = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file()) errors += run_file(e.path()), ++files;
    } else {
      errors += run_file(p), ++files;
    }
  }
  std::printf("replay: %d inputs, %d unreadable\n", files, errors);
  return (errors || files == 0) ? 1 : 0;
}
