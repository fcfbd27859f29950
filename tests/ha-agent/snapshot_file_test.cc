// Snapshot files (ha-agent/snapshot/snapshot_file.h, snapshot_writer.h):
// atomic replacement with mode 0600 and no temporary file left behind,
// refusal of files group or others can access, named errors, and the
// helper-thread writer (its report comes back through the owner's loop).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "ha-agent/snapshot/restore_plan.h"
#include "ha-agent/snapshot/snapshot_file.h"
#include "ha-agent/snapshot/snapshot_writer.h"
#include "tests/ha-agent/snapshot_test_util.h"

namespace ha_agent::snapshot::test {
namespace {

namespace fs = std::filesystem;

class SnapshotFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ha-snapshot-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/snapshot.pb";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename());
    return out;
  }
  std::string dir_, path_;
};

TEST_F(SnapshotFile, WriteReadRoundTripMode0600NoTempLeft) {
  const std::vector<std::uint8_t> a{1, 2, 3}, b{4, 5, 6, 7};
  ::umask(0);  // mkstemp's 0600 does not depend on the umask
  ASSERT_TRUE(write_snapshot_file(path_, a).ok());
  ASSERT_TRUE(write_snapshot_file(path_, b).ok());  // replaces
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(files(), std::vector<std::string>{"snapshot.pb"});
  auto r = read_snapshot_file(path_);
  ASSERT_TRUE(r.ok()) << to_string(r.error());
  EXPECT_EQ(*r, b);
  ::umask(022);
}

TEST_F(SnapshotFile, MissingFileIsNotFound) {
  auto r = read_snapshot_file(path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, FileError::Code::kNotFound);
}

TEST_F(SnapshotFile, GroupOrWorldAccessIsRefused) {
  ASSERT_TRUE(write_snapshot_file(path_, std::vector<std::uint8_t>{1}).ok());
  for (mode_t m : {0644, 0640, 0604, 0660, 0610}) {
    ASSERT_EQ(::chmod(path_.c_str(), m), 0);
    auto r = read_snapshot_file(path_);
    ASSERT_FALSE(r.ok()) << std::oct << m;
    EXPECT_EQ(r.error().code, FileError::Code::kInsecureMode);
    EXPECT_EQ(r.error().mode, m);
  }
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  EXPECT_EQ(to_string(read_snapshot_file(path_).error()),
            "snapshot " + path_ + ": mode 0644 lets group or others access it (chmod 600); not restored");
  ASSERT_EQ(::chmod(path_.c_str(), 0400), 0);
  EXPECT_TRUE(read_snapshot_file(path_).ok());
}

TEST_F(SnapshotFile, DirectoryIsNotARegularFile) {
  auto r = read_snapshot_file(dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, FileError::Code::kNotRegularFile);
}

TEST_F(SnapshotFile, MissingDirectoryNamesTheTemporaryFile) {
  auto st = write_snapshot_file(dir_ + "/no/such/dir/snapshot.pb", std::vector<std::uint8_t>{1});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, FileError::Code::kCreateTempFailed);
  EXPECT_NE(to_string(st.error()).find(dir_ + "/no/such/dir/.snapshot.pb.tmp-"), std::string::npos)
      << to_string(st.error());
  EXPECT_NE(to_string(st.error()).find("No such file or directory"), std::string::npos);
}

TEST_F(SnapshotFile, EncodeAndWriteThenDecode) {
  const auto report = encode_and_write(path_, sample());
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.entries, 2u);
  EXPECT_EQ(report.bytes, fs::file_size(path_));
  EXPECT_EQ(report.written_at, sample().header.written_at);
  auto bytes = read_snapshot_file(path_);
  ASSERT_TRUE(bytes.ok());
  auto back = decode(*bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, sample());
}

// A stand-in for the daemon's io_context: posted reports run when the test
// says so, on the test's thread.
struct Loop {
  std::mutex m;
  std::condition_variable cv;
  std::deque<std::function<void()>> q;
  void post(std::function<void()> f) {
    {
      std::lock_guard l(m);
      q.push_back(std::move(f));
    }
    cv.notify_all();
  }
  void run_one() {
    std::unique_lock l(m);
    cv.wait(l, [this] { return !q.empty(); });
    auto f = std::move(q.front());
    q.pop_front();
    l.unlock();
    f();
  }
};

TEST_F(SnapshotFile, WriterReportsThroughTheLoop) {
  Loop loop;
  SnapshotWriter w(path_, [&](std::function<void()> f) { loop.post(std::move(f)); });
  std::optional<WriteReport> got;
  const std::vector<mip6::Ipv6Address> mns{addr("fd00:1::1:0:2"), addr("fd00:1::1:0:1")};
  w.submit(sample(), [&](const WriteReport& r) { got = r; }, mns);
  loop.run_one();
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->ok) << got->error;
  EXPECT_EQ(got->entries, 2u);
  auto back = decode(*read_snapshot_file(path_));
  ASSERT_TRUE(back.ok());
  // The helper filled in the MN-set digest.
  EXPECT_EQ(back->header.mn_set_digest, mn_set_digest(mns));
  EXPECT_EQ(back->entries, sample().entries);
}

TEST_F(SnapshotFile, WriteNowWinsOverAQueuedSnapshot) {
  Loop loop;
  SnapshotWriter w(path_, [&](std::function<void()> f) { loop.post(std::move(f)); });
  Snapshot older = sample(), last = sample();
  last.entries.pop_back();
  w.submit(older, {});
  const auto r = w.write_now(last);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(w.busy());
  auto back = decode(*read_snapshot_file(path_));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, last);
}

TEST_F(SnapshotFile, WriterFailureIsReported) {
  Loop loop;
  SnapshotWriter w(dir_ + "/missing/snapshot.pb", [&](std::function<void()> f) { loop.post(std::move(f)); });
  std::optional<WriteReport> got;
  w.submit(sample(), [&](const WriteReport& r) { got = r; });
  loop.run_one();
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->ok);
  EXPECT_NE(got->error.find("cannot create temporary file"), std::string::npos) << got->error;
}

}  // namespace
}  // namespace ha_agent::snapshot::test
