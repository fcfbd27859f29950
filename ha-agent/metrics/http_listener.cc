#include "ha-agent/metrics/http_listener.h"

#include <array>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <vector>

#include "ha-agent/metrics/http_request.h"

namespace ha_agent::metrics {

namespace asio = boost::asio;
using asio::ip::tcp;

// What connections share with the listener. `open` turns false when the
// listener goes away: handlers still queued in the io_context then touch
// neither the registry nor the render callback.
struct HttpListener::Shared {
  Shared(Registry& r, Render f, HttpListenerOptions o)
      : registry(r), render(std::move(f)), options(std::move(o)) {}
  Registry& registry;
  Render render;
  HttpListenerOptions options;
  bool open = true;
  std::size_t active = 0;
  std::vector<std::weak_ptr<Connection>> connections;

  void responded(int status) {
    registry
        .counter("ha_agent_metrics_http_responses_total", {{"code", std::to_string(status)}},
                 "Responses of the metrics HTTP listener, by status code")
        .inc();
  }
  void refused(std::string_view reason) {
    registry
        .counter(
            "ha_agent_metrics_http_errors_total", {{"reason", std::string(reason)}},
            "Requests and connections of the metrics HTTP listener refused or cut off, by reason")
        .inc();
  }
};

class HttpListener::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket s, std::shared_ptr<Shared> shared)
      : socket_(std::move(s)), timer_(socket_.get_executor()), shared_(std::move(shared)) {}

  void start() {
    ++shared_->active;
    timer_.expires_after(shared_->options.deadline);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || !self->shared_->open || self->done_) return;
      // A slow or silent client: cut it off (the loop never waits for it).
      if (!self->answered_) self->shared_->refused("timeout");
      self->finish();
    });
    read();
  }

  void close() {
    boost::system::error_code ec;
    timer_.cancel();
    socket_.close(ec);
  }

 private:
  void read() {
    socket_.async_read_some(
        asio::buffer(chunk_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
          if (!self->shared_->open || self->done_) return;
          if (ec) {  // closed by the client (or cut off) before a whole request
            if (!self->in_.empty()) self->shared_->refused("incomplete");
            return self->finish();
          }
          self->in_.append(self->chunk_.data(), n);
          auto r = http::parse_request(self->in_);
          if (!r) {
            self->shared_->refused(http::to_string(r.error()));
            return self->write(http::error_response(r.error()));
          }
          if (!*r) return self->read();
          auto routed = http::route(**r, self->shared_->render);
          if (routed.refused) self->shared_->refused(*routed.refused);
          self->write(routed.response);
        });
  }

  void write(const http::HttpResponse& response) {
    answered_ = true;
    shared_->responded(response.status);
    out_ = http::render(response);
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this()](const boost::system::error_code&, std::size_t) {
                        if (!self->shared_->open) return;
                        self->finish();
                      });
  }

  void finish() {
    if (done_) return;
    done_ = true;
    --shared_->active;
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    close();
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  std::shared_ptr<Shared> shared_;
  std::array<char, 2048> chunk_{};
  std::string in_;
  std::string out_;
  bool answered_ = false;
  bool done_ = false;
};

HttpListener::HttpListener(asio::io_context& io) : acceptor_(io), retry_(io) {}

HttpListener::~HttpListener() {
  shared_->open = false;
  boost::system::error_code ec;
  acceptor_.close(ec);
  retry_.cancel();
  for (auto& w : shared_->connections)
    if (auto c = w.lock()) c->close();
}

mip6::Result<std::unique_ptr<HttpListener>, std::string> HttpListener::open(
    asio::io_context& io, const HttpListenerOptions& o, Registry& registry, Render render) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(o.address, ec);
  const std::string where = "metrics listener " +
                            (address.is_v6() ? "[" + o.address + "]" : o.address) + ":" +
                            std::to_string(o.port);
  if (ec) return mip6::fail(where + ": " + ec.message());
  std::unique_ptr<HttpListener> l(new HttpListener(io));
  l->shared_ = std::make_shared<Shared>(registry, std::move(render), o);
  const tcp::endpoint endpoint(address, o.port);
  l->acceptor_.open(endpoint.protocol(), ec);
  if (!ec) l->acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && address.is_v6()) l->acceptor_.set_option(asio::ip::v6_only(true), ec);
  if (!ec) l->acceptor_.bind(endpoint, ec);
  if (!ec) l->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return mip6::fail(where + ": " + ec.message());
  // Make both series visible from the first scrape on.
  l->shared_->registry.counter("ha_agent_metrics_http_responses_total", {{"code", "200"}},
                               "Responses of the metrics HTTP listener, by status code");
  l->accept();
  return l;
}

tcp::endpoint HttpListener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void HttpListener::accept() {
  acceptor_.async_accept(
      [this, shared = shared_](const boost::system::error_code& ec, tcp::socket socket) {
        if (!shared->open || ec == asio::error::operation_aborted) return;
        if (!ec) {
          if (shared->active >= shared->options.max_connections) {
            shared->refused("too_many_connections");
            boost::system::error_code ignored;
            socket.close(ignored);
          } else {
            auto c = std::make_shared<Connection>(std::move(socket), shared);
            std::erase_if(shared->connections, [](const auto& w) { return w.expired(); });
            shared->connections.push_back(c);
            c->start();
          }
        } else {
          // EMFILE and friends: count, back off a little instead of spinning.
          shared->refused("accept_error");
          retry_.expires_after(std::chrono::milliseconds(100));
          retry_.async_wait([this, shared](const boost::system::error_code& e) {
            if (!e && shared->open) accept();
          });
          return;
        }
        accept();
      });
}

}  // namespace ha_agent::metrics
