#include "ha-agent/admin/admin_server.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>

#include "ha-agent/admin/framing.h"

namespace ha_agent::admin {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;

class AdminServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Local::socket s, AdminServer& server) : socket_(std::move(s)), server_(server) {}
  void start() { read_header(); }

 private:
  void read_header() {
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(header_),
                     [self](boost::system::error_code ec, std::size_t) {
                       if (ec) return;  // peer closed
                       auto n = frame_length(std::span<const std::uint8_t, 4>(self->header_));
                       if (!n) return self->reply_error("bad_frame", to_string(n.error()), true);
                       self->body_.resize(*n);
                       self->read_body();
                     });
  }
  void read_body() {
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(body_), [self](boost::system::error_code ec, std::size_t) {
      if (ec) return;
      auto req = decode_request(self->body_);
      if (!req) return self->reply_error("bad_request", to_string(req.error()), false);
      ++self->server_.requests_;
      self->send(self->server_.handler_(*req), false);
    });
  }
  void reply_error(const char* code, const char* message, bool close_after) {
    ++server_.bad_requests_;
    Response r;
    r.mutable_error()->set_code(code);
    r.mutable_error()->set_message(message);
    send(r, close_after);
  }
  void send(const Response& r, bool close_after) {
    out_ = encode_frame(r);
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(out_),
                      [self, close_after](boost::system::error_code ec, std::size_t) {
                        if (ec || close_after) return;
                        self->read_header();
                      });
  }

  Local::socket socket_;
  AdminServer& server_;
  std::array<std::uint8_t, 4> header_{};
  std::vector<std::uint8_t> body_;
  std::vector<std::uint8_t> out_;
};

AdminServer::AdminServer(asio::io_context& io, std::string path, Handler handler)
    : acceptor_(io), path_(std::move(path)), handler_(std::move(handler)) {}

AdminServer::~AdminServer() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  ::unlink(path_.c_str());
}

mip6::Result<std::unique_ptr<AdminServer>, std::string> AdminServer::open(
    asio::io_context& io, const AdminSocketOptions& o, Handler handler) {
  if (o.path.empty()) return mip6::fail(std::string("admin socket path is empty"));
  if (o.path.size() >= sizeof(sockaddr_un{}.sun_path))
    return mip6::fail("admin socket path too long: " + o.path);
  // A live daemon still answers on the socket: refuse to steal it.
  {
    Local::socket probe(io);
    boost::system::error_code ec;
    probe.connect(Local::endpoint(o.path), ec);
    if (!ec) return mip6::fail("admin socket " + o.path + " is in use by a running ha-agent");
  }
  ::unlink(o.path.c_str());
  std::unique_ptr<AdminServer> s(new AdminServer(io, o.path, std::move(handler)));
  boost::system::error_code ec;
  // The socket file must never exist with looser permissions, even briefly.
  const mode_t old = ::umask(0177);
  s->acceptor_.open(Local(), ec);
  if (!ec) s->acceptor_.bind(Local::endpoint(o.path), ec);
  ::umask(old);
  if (ec) return mip6::fail("admin socket " + o.path + ": " + ec.message());
  s->acceptor_.listen(16, ec);
  if (ec) return mip6::fail("admin socket " + o.path + ": listen: " + ec.message());
  if (o.group) {
    struct group* g = ::getgrnam(o.group->c_str());
    if (!g) return mip6::fail("admin socket group '" + *o.group + "' does not exist");
    if (::chown(o.path.c_str(), static_cast<uid_t>(-1), g->gr_gid) < 0)
      return mip6::fail("chown " + o.path + ": " + std::strerror(errno));
  }
  if (::chmod(o.path.c_str(), o.mode) < 0)
    return mip6::fail("chmod " + o.path + ": " + std::strerror(errno));
  s->accept();
  return s;
}

void AdminServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, Local::socket sock) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(sock), *this)->start();
    accept();
  });
}

mip6::Result<Response, std::string> call(const std::string& path, const Request& request) {
  asio::io_context io;
  Local::socket s(io);
  boost::system::error_code ec;
  s.connect(Local::endpoint(path), ec);
  if (ec) return mip6::fail("cannot connect to " + path + ": " + ec.message() +
                            (ec == asio::error::connection_refused || ec.value() == ENOENT
                                 ? " (is ha-agent running?)"
                                 : ""));
  auto out = encode_frame(request);
  asio::write(s, asio::buffer(out), ec);
  if (ec) return mip6::fail("write to " + path + ": " + ec.message());
  std::array<std::uint8_t, 4> h{};
  asio::read(s, asio::buffer(h), ec);
  if (ec) return mip6::fail("read from " + path + ": " + ec.message());
  auto n = frame_length(std::span<const std::uint8_t, 4>(h));
  if (!n) return mip6::fail(std::string("response: ") + to_string(n.error()));
  std::vector<std::uint8_t> body(*n);
  asio::read(s, asio::buffer(body), ec);
  if (ec) return mip6::fail("read from " + path + ": " + ec.message());
  auto r = decode_response(body);
  if (!r) return mip6::fail(std::string("response: ") + to_string(r.error()));
  return std::move(r).value();
}

}  // namespace ha_agent::admin
