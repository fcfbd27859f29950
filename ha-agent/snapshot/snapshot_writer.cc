#include "ha-agent/snapshot/snapshot_writer.h"

#include "ha-agent/snapshot/restore_plan.h"
#include "ha-agent/snapshot/snapshot_codec.h"
#include "ha-agent/snapshot/snapshot_file.h"

namespace ha_agent::snapshot {
namespace {

std::chrono::microseconds since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
}

}  // namespace

WriteReport encode_and_write(const std::string& path, const Snapshot& s) {
  WriteReport r;
  r.entries = s.entries.size();
  r.written_at = s.header.written_at;
  auto t0 = std::chrono::steady_clock::now();
  auto bytes = encode(s);
  r.encode_time = since(t0);
  if (!bytes) {
    r.error = "snapshot " + path + ": " + to_string(bytes.error());
    return r;
  }
  r.bytes = bytes->size();
  t0 = std::chrono::steady_clock::now();
  auto st = write_snapshot_file(path, *bytes);
  r.write_time = since(t0);
  if (!st) {
    r.error = to_string(st.error());
    return r;
  }
  r.ok = true;
  return r;
}

SnapshotWriter::SnapshotWriter(std::string path, Post post)
    : path_(std::move(path)), post_(std::move(post)), thread_([this] { run(); }) {}

SnapshotWriter::~SnapshotWriter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    queued_.reset();
  }
  wake_.notify_all();
  thread_.join();
}

void SnapshotWriter::submit(Snapshot s, Done done, std::optional<std::vector<mip6::Ipv6Address>> mn_set) {
  {
    std::lock_guard lock(mutex_);
    queued_.emplace(Job{std::move(s), std::move(done), std::move(mn_set)});
  }
  wake_.notify_all();
}

bool SnapshotWriter::busy() const {
  std::lock_guard lock(mutex_);
  return writing_ || queued_.has_value();
}

WriteReport SnapshotWriter::write_now(const Snapshot& s) {
  std::unique_lock lock(mutex_);
  queued_.reset();  // older than `s`
  idle_.wait(lock, [this] { return !writing_; });
  // Holding the lock keeps the helper from starting anything meanwhile.
  return encode_and_write(path_, s);
}

void SnapshotWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || queued_.has_value(); });
    if (stop_) return;
    auto job = std::move(*queued_);
    queued_.reset();
    writing_ = true;
    lock.unlock();
    if (job.mn_set) job.snapshot.header.mn_set_digest = mn_set_digest(std::move(*job.mn_set));
    WriteReport r = encode_and_write(path_, job.snapshot);
    if (job.done) post_([done = std::move(job.done), r = std::move(r)] { done(r); });
    lock.lock();
    writing_ = false;
    idle_.notify_all();
  }
}

}  // namespace ha_agent::snapshot
