// Admin RPC over a real UNIX socket: framing, server, client, bad frames.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <thread>

#include "ha-agent/admin/admin_server.h"
#include "ha-agent/admin/framing.h"

namespace ha_agent::admin {
namespace {

std::string temp_socket_path() {
  auto dir = std::filesystem::temp_directory_path() /
             ("ha-admin-test-" + std::to_string(::getpid()) + "-" +
              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir);
  return (dir / "admin.sock").string();
}

TEST(AdminFraming, RoundTripsAndRefusesJunk) {
  Request r;
  r.mutable_bindings()->set_home_address("fd00:1::100");
  auto f = encode_frame(r);
  ASSERT_GE(f.size(), 4u);
  auto n = frame_length(std::span<const std::uint8_t, 4>(f.data(), 4));
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, f.size() - 4);
  auto back = decode_request(std::span(f).subspan(4));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->bindings().home_address(), "fd00:1::100");

  std::uint8_t big[4] = {0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(frame_length(std::span<const std::uint8_t, 4>(big)).error(), FrameError::kTooLarge);
  std::vector<std::uint8_t> junk = {0xff, 0xff, 0xff};
  EXPECT_EQ(decode_request(junk).error(), FrameError::kUnparsable);
  EXPECT_EQ(decode_request({}).error(), FrameError::kEmptyCommand);
}

TEST(AdminServer, AnswersRequestsAndSurvivesBadFrames) {
  boost::asio::io_context io;
  const auto path = temp_socket_path();
  int calls = 0;
  auto server = AdminServer::open(io, {path, 0600, std::nullopt}, [&](const Request& req) {
    ++calls;
    Response resp;
    if (req.has_status()) resp.mutable_status()->set_version("test");
    else resp.mutable_error()->set_code("unsupported");
    return resp;
  });
  ASSERT_TRUE(server) << server.error();
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // A second server on the same live socket is refused.
  auto again = AdminServer::open(io, {path, 0600, std::nullopt}, [](const Request&) { return Response(); });
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().find("in use"), std::string::npos);

  std::thread loop([&] { io.run_for(std::chrono::seconds(20)); });
  Request req;
  req.mutable_status();
  auto resp = call(path, req);
  ASSERT_TRUE(resp) << resp.error();
  EXPECT_EQ(resp->status().version(), "test");

  // A raw client sending an oversized length gets a named error, the server lives on.
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  std::uint8_t bad[4] = {0x7f, 0, 0, 0};
  ASSERT_EQ(::write(fd, bad, 4), 4);
  std::uint8_t hdr[4];
  ASSERT_EQ(::read(fd, hdr, 4), 4);
  auto n = frame_length(std::span<const std::uint8_t, 4>(hdr));
  ASSERT_TRUE(n);
  std::vector<std::uint8_t> body(*n);
  ASSERT_EQ(::read(fd, body.data(), body.size()), static_cast<ssize_t>(body.size()));
  auto err = decode_response(body);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->error().code(), "bad_frame");
  ::close(fd);

  auto resp2 = call(path, req);
  ASSERT_TRUE(resp2) << resp2.error();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ((*server)->bad_requests(), 1u);
  io.stop();
  loop.join();
  server->reset();
  EXPECT_FALSE(std::filesystem::exists(path));
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(AdminClient, NamesTheSocketWhenNoDaemonRuns) {
  auto r = call("/nonexistent/ha-agent.sock", Request());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("/nonexistent/ha-agent.sock"), std::string::npos);
  EXPECT_NE(r.error().find("is ha-agent running?"), std::string::npos);
}

}  // namespace
}  // namespace ha_agent::admin
