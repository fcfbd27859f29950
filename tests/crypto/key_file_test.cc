// Key file loading (ha-agent/keys/key_file.h): modes, file types, errors
// that name the file. Files are created in a fresh temporary directory.
#include "ha-agent/keys/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/crypto/test_util.h"

namespace ha_agent {
namespace {

namespace fs = std::filesystem;
constexpr const char* kGcmKey = "00112233445566778899aabbccddeeff01020304\n";

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "ha-keys-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text, mode_t mode) {
    const std::string p = (dir_ / name).string();
    std::ofstream(p) << text;
    EXPECT_EQ(::chmod(p.c_str(), mode), 0);
    return p;
  }

  fs::path dir_;
};

TEST_F(KeyFileTest, LoadsPrivateFiles) {
  for (mode_t m : {0600, 0400, 0700}) {
    auto p = write("k" + std::to_string(m), kGcmKey, m);
    auto k = load_key_file(p, crypto::EspAlgorithm::kAesGcm128);
    ASSERT_TRUE(k) << to_string(k.error());
    EXPECT_EQ(crypto::test::to_hex(k->view()), "00112233445566778899aabbccddeeff01020304");
  }
}

TEST_F(KeyFileTest, RefusesFilesGroupOrOthersCanAccess) {
  for (mode_t m : {0640, 0604, 0644, 0660, 0610, 0601, 0666}) {
    auto p = write("k" + std::to_string(m), kGcmKey, m);
    auto k = load_key_file(p, crypto::EspAlgorithm::kAesGcm128);
    ASSERT_FALSE(k) << std::oct << m;
    EXPECT_EQ(k.error().code, KeyFileError::Code::kInsecureMode);
    EXPECT_EQ(k.error().mode, m);
    const std::string msg = to_string(k.error());
    EXPECT_NE(msg.find(p), std::string::npos) << msg;
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(m));
    EXPECT_NE(msg.find(octal), std::string::npos) << msg;
  }
}

TEST_F(KeyFileTest, RefusesNonRegularFiles) {
  auto d = dir_ / "adir";
  fs::create_directory(d);
  ::chmod(d.c_str(), 0700);
  auto k = load_key_file(d.string(), crypto::EspAlgorithm::kAesGcm128);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, KeyFileError::Code::kNotRegularFile);
  EXPECT_NE(to_string(k.error()).find(d.string()), std::string::npos);

  auto fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  k = load_key_file(fifo, crypto::EspAlgorithm::kAesGcm128);  // must not block
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, KeyFileError::Code::kNotRegularFile);
}

TEST_F(KeyFileTest, MissingAndUnreadableFiles) {
  auto missing = (dir_ / "nope.key").string();
  auto k = load_key_file(missing, crypto::EspAlgorithm::kAesGcm128);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, KeyFileError::Code::kOpenFailed);
  EXPECT_EQ(k.error().sys_errno, ENOENT);
  const std::string msg = to_string(k.error());
  EXPECT_NE(msg.find(missing), std::string::npos) << msg;
  EXPECT_NE(msg.find("No such file"), std::string::npos) << msg;

  auto p = write("noread.key", kGcmKey, 0000);
  k = load_key_file(p, crypto::EspAlgorithm::kAesGcm128);
  if (::geteuid() == 0) {
    // root reads any file: the mode check still passes (no group/other bits).
    EXPECT_TRUE(k);
  } else {
    ASSERT_FALSE(k);
    EXPECT_EQ(k.error().code, KeyFileError::Code::kOpenFailed);
    EXPECT_EQ(k.error().sys_errno, EACCES);
  }
}

TEST_F(KeyFileTest, BadContentsNameTheFileButNotTheKey) {
  auto p = write("short.key", "00112233445566778899aabbccddeeff010203\n", 0600);
  auto k = load_key_file(p, crypto::EspAlgorithm::kAesGcm128);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, KeyFileError::Code::kBadKeyText);
  EXPECT_EQ(k.error().key_text.code, crypto::KeyTextError::Code::kWrongLength);
  const std::string msg = to_string(k.error());
  EXPECT_NE(msg.find(p), std::string::npos) << msg;
  EXPECT_NE(msg.find("19 octets"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("00112233"), std::string::npos) << msg;

  p = write("empty.key", "", 0600);
  k = load_key_file(p, 20);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().key_text.code, crypto::KeyTextError::Code::kEmpty);

  p = write("big.key", std::string(kMaxKeyFileSize + 1, '0'), 0600);
  k = load_key_file(p, 20);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, KeyFileError::Code::kTooLarge);
}

}  // namespace
}  // namespace ha_agent
