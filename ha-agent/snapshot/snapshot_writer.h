// SnapshotWriter: encodes and writes snapshots off the event loop
// (docs/operations.md, "Restart without loss"). The loop only copies the
// Binding Cache into a Snapshot value (tens of milliseconds for 100,000
// bindings); encoding, SHA-256 and the fsync'ed atomic write
// (snapshot_file.h) run in one helper thread that shares nothing with the
// protocol state (DESIGN.md §1: stateless, CPU- and I/O-heavy work may leave
// the loop). The report comes back through `post`, which runs it on the
// owner's loop. One write at a time: a snapshot submitted while another is
// being written waits, and replaces any older one still waiting. At shutdown
// write_now() waits for the helper and writes on the caller's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ha-agent/snapshot/snapshot_format.h"
#include "mip6/address.h"

namespace ha_agent::snapshot {

struct WriteReport {
  bool ok = false;
  std::string error;  // names the file and the step (or the encoding error)
  std::size_t entries = 0;
  std::size_t bytes = 0;
  std::chrono::microseconds encode_time{0};  // protobuf + SHA-256
  std::chrono::microseconds write_time{0};   // temp file, fsync, rename, fsync dir
  WallTime written_at{};                     // header time of the snapshot
};

// Encodes `s` and replaces the file at `path` atomically (synchronous).
WriteReport encode_and_write(const std::string& path, const Snapshot& s);

class SnapshotWriter {
 public:
  using Done = std::function<void(const WriteReport&)>;
  using Post = std::function<void(std::function<void()>)>;

  SnapshotWriter(std::string path, Post post);
  ~SnapshotWriter();  // finishes the write in progress, drops a waiting one
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  // `mn_set`: when given, the helper computes header.mn_set_digest from it
  // (sorting 100,000 addresses is better done off the loop too).
  void submit(Snapshot s, Done done, std::optional<std::vector<mip6::Ipv6Address>> mn_set = std::nullopt);
  WriteReport write_now(const Snapshot& s);
  bool busy() const;
  const std::string& path() const { return path_; }

 private:
  void run();

  const std::string path_;
  Post post_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  struct Job {
    Snapshot snapshot;
    Done done;
    std::optional<std::vector<mip6::Ipv6Address>> mn_set;
  };
  std::optional<Job> queued_;
  bool writing_ = false;
  bool stop_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace ha_agent::snapshot
