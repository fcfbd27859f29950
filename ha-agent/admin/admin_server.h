// AdminServer: the daemon side of the admin UNIX socket. Accepts
// connections on the io_context thread, reads framed Requests, hands each
// to the daemon's handler and writes the framed Response. The socket file is
// created with mode 0600 (or the configured mode and group); a stale socket
// file left by a crashed daemon is replaced, a live one is refused.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ha-agent/admin/admin.pb.h"
#include "mip6/result.h"

namespace ha_agent::admin {

struct AdminSocketOptions {
  std::string path;
  unsigned mode = 0600;
  std::optional<std::string> group;  // group name allowed to connect (mode 0660)
};

class AdminServer {
 public:
  using Handler = std::function<Response(const Request&)>;

  static mip6::Result<std::unique_ptr<AdminServer>, std::string> open(
      boost::asio::io_context& io, const AdminSocketOptions& options, Handler handler);
  ~AdminServer();

  std::uint64_t bad_requests() const { return bad_requests_; }
  std::uint64_t requests() const { return requests_; }

 private:
  class Session;
  AdminServer(boost::asio::io_context& io, std::string path, Handler handler);
  void accept();

  boost::asio::local::stream_protocol::acceptor acceptor_;
  std::string path_;
  Handler handler_;
  std::uint64_t requests_ = 0;
  std::uint64_t bad_requests_ = 0;
};

// The client side used by ha-agentctl: one request, one response.
mip6::Result<Response, std::string> call(const std::string& socket_path, const Request& request);

}  // namespace ha_agent::admin
