// The metrics HTTP listener on a real loopback TCP socket: GET /metrics is
// served, bad requests get 4xx and are counted, a slow client is cut off
// without stalling others, and the connection limit holds. The io_context
// runs on its own thread here; the registry is only read on that thread.
#include "ha-agent/metrics/http_listener.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>

namespace ha_agent::metrics {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class HttpListenerTest : public ::testing::Test {
 protected:
  void start(HttpListenerOptions o = {}) {
    o.address = "127.0.0.1";
    o.port = 0;
    auto l = HttpListener::open(io_, o, registry_, [this] {
      ++renders_;
      return registry_.prometheus_text();
    });
    ASSERT_TRUE(l.ok()) << l.error();
    listener_ = std::move(l).value();
    port_ = listener_->local_endpoint().port();
    registry_.gauge("ha_agent_bindings", {}, "Bindings in the cache").set(7);
    thread_ = std::thread([this] { io_.run(); });
  }
  // Runs f on the loop thread and waits for it.
  template <class F>
  auto on_loop(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto fut = task.get_future();
    asio::post(io_, [&task] { task(); });
    return fut.get();
  }
  void TearDown() override {
    if (thread_.joinable()) on_loop([this] { listener_.reset(); });
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::uint64_t counter(const std::string& name, const std::string& label,
                        const std::string& value) {
    return on_loop([&] {
      for (const auto& m : registry_.all())
        if (m.name == name && m.labels.size() == 1 && m.labels[0].first == label &&
            m.labels[0].second == value)
          return m.value;
      return std::uint64_t{0};
    });
  }
  tcp::socket connect() {
    tcp::socket s(client_io_);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    return s;
  }
  // Sends `request` and reads until the server closes.
  std::string exchange(const std::string& request) {
    auto s = connect();
    asio::write(s, asio::buffer(request));
    return read_all(s);
  }
  static std::string read_all(tcp::socket& s) {
    std::string out;
    boost::system::error_code ec;
    char buf[4096];
    for (;;) {
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) break;
    }
    return out;
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  asio::io_context client_io_;
  Registry registry_;
  std::unique_ptr<HttpListener> listener_;
  std::uint16_t port_ = 0;
  int renders_ = 0;
  std::thread thread_;
};

TEST_F(HttpListenerTest, ServesMetrics) {
  start();
  auto r = exchange("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), std::string::npos)
      << r;
  EXPECT_NE(r.find("\r\n\r\n# HELP "), std::string::npos) << r;
  EXPECT_NE(r.find("\nha_agent_bindings 7\n"), std::string::npos) << r;
  const auto body = r.substr(r.find("\r\n\r\n") + 4);
  EXPECT_NE(r.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos)
      << r;
  EXPECT_EQ(counter("ha_agent_metrics_http_responses_total", "code", "200"), 1u);
  // The second scrape sees the first one counted.
  r = exchange("GET /metrics HTTP/1.0\r\n\r\n");
  EXPECT_NE(r.find("ha_agent_metrics_http_responses_total{code=\"200\"} 1\n"), std::string::npos)
      << r;
}

TEST_F(HttpListenerTest, RefusalsAreAnsweredAndCounted) {
  start();
  EXPECT_EQ(exchange("GET /other HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 404 ", 0), 0u);
  auto r = exchange("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab");
  EXPECT_EQ(r.rfind("HTTP/1.1 405 ", 0), 0u) << r;
  EXPECT_NE(r.find("Allow: GET\r\n"), std::string::npos) << r;
  EXPECT_EQ(exchange("GET /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 400 ", 0), 0u);
  EXPECT_EQ(exchange("\x16\x03\x01\x02\x01\xfc\x03\x03\r\n\r\n").rfind("HTTP/1.1 400 ", 0), 0u);
  EXPECT_EQ(
      exchange("GET /metrics HTTP/1.1\r\nX: " + std::string(9000, 'x')).rfind("HTTP/1.1 431 ", 0),
      0u);
  EXPECT_EQ(counter("ha_agent_metrics_http_errors_total", "reason", "not_found"), 1u);
  EXPECT_EQ(counter("ha_agent_metrics_http_errors_total", "reason", "method_not_allowed"), 1u);
  EXPECT_EQ(counter("ha_agent_metrics_http_errors_total", "reason", "host_missing"), 1u);
  EXPECT_EQ(counter("ha_agent_metrics_http_errors_total", "reason", "bad_request_line"), 1u);
  EXPECT_EQ(counter("ha_agent_metrics_http_errors_total", "reason", "too_large"), 1u);
  EXPECT_EQ(counter("ha_agent_metrics_http_responses_total", "code", "400"), 2u);
  EXPECT_EQ(counter("ha_agent_metrics_http_responses_total", "code", "200"), 0u);
  EXPECT_EQ(renders_, 0);
}

TEST_F(HttpListenerTest, SlowClientIsCutOffWithoutBlockingOthers) {
  HttpListenerOptions o;
  o.deadline = std::chrono::milliseconds(300);
  start(o);
  auto slow = connect();
  asio::write(slow, asio::buffer(std::string("GET /metr")));
  // Another client is served while the slow one holds its connection.
  EXPECT_EQ(exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 200 ", 0), 0u);
  // The server closes the slow one (no response) once its deadline passed.
  EXPECT_EQ(read_all(slow), "");
  EXPECT_EQ(counter("ha_agent_metrics_http_errors_total", "reason", "timeout"), 1u);
}

TEST_F(HttpListenerTest, ConnectionLimit) {
  HttpListenerOptions o;
  o.max_connections = 1;
  start(o);
  auto first = connect();
  asio::write(first, asio::buffer(std::string("GET /metrics HTTP/1.1\r\n")));
  // Connections are accepted in order: the first is open when the second
  // arrives, so the second is closed at once, without a response.
  auto second = connect();
  EXPECT_EQ(read_all(second), "");
  EXPECT_EQ(counter("ha_agent_metrics_http_errors_total", "reason", "too_many_connections"), 1u);
  asio::write(first, asio::buffer(std::string("Host: x\r\n\r\n")));
  EXPECT_EQ(read_all(first).rfind("HTTP/1.1 200 ", 0), 0u);
}

TEST(HttpListenerOpen, ErrorsNameTheAddress) {
  asio::io_context io;
  Registry reg;
  HttpListenerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  auto a = HttpListener::open(io, o, reg, [] { return std::string(); });
  ASSERT_TRUE(a.ok()) << a.error();
  o.port = (*a)->local_endpoint().port();
  auto b = HttpListener::open(io, o, reg, [] { return std::string(); });
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().find("metrics listener 127.0.0.1:" + std::to_string(o.port) + ": "),
            std::string::npos)
      << b.error();
  o.address = "not-an-address";
  auto c = HttpListener::open(io, o, reg, [] { return std::string(); });
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().find("metrics listener not-an-address"), std::string::npos) << c.error();
}

}  // namespace
}  // namespace ha_agent::metrics
