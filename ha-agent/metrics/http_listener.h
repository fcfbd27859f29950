// HttpListener: the optional Prometheus endpoint of the daemon (issue #7).
// A Boost.Asio TCP acceptor on the daemon's one io_context thread serving
// GET /metrics with the text the `render` callback returns (the same text as
// `ha-agentctl metrics`). It never blocks the loop: every read and write is
// asynchronous, a request head is limited to http::kMaxRequestHead octets,
// a connection gets a deadline (slow clients are cut off), at most
// `max_connections` are open at once, and one response closes each
// connection. Every response and every refusal is counted in the registry:
// ha_agent_metrics_http_responses_total{code} and
// ha_agent_metrics_http_errors_total{reason}.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "ha-agent/metrics/registry.h"
#include "mip6/result.h"

namespace ha_agent::metrics {

struct HttpListenerOptions {
  std::string address = "::1";               // numeric IPv6 or IPv4
  std::uint16_t port = 9469;                 // 0: any free port (tests)
  std::chrono::milliseconds deadline{5000};  // whole connection: request and response
  std::size_t max_connections = 16;
};

class HttpListener {
 public:
  using Render = std::function<std::string()>;

  // Binds and listens; errors name the address ("metrics listener [::1]:9469: ...").
  static mip6::Result<std::unique_ptr<HttpListener>, std::string> open(
      boost::asio::io_context& io, const HttpListenerOptions& options, Registry& registry,
      Render render);
  ~HttpListener();  // closes the acceptor and every open connection
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  boost::asio::ip::tcp::endpoint local_endpoint() const;

 private:
  struct Shared;
  class Connection;
  explicit HttpListener(boost::asio::io_context& io);
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;  // after an accept error
  std::shared_ptr<Shared> shared_;
};

}  // namespace ha_agent::metrics
