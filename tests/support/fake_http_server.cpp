#include "tests/support/fake_http_server.h"

#include <sys/socket.h>

#include <atomic>
#include <cctype>
#include <exception>
#include <list>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "mention/common/url.h"

namespace carewatch::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string str(boost::beast::string_view s) { return std::string(s.data(), s.size()); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

FakeRequest to_fake_request(const http::request<http::string_body>& req) {
  FakeRequest r;
  r.method = str(req.method_string());
  r.target = str(req.target());
  std::string_view target = r.target;
  if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  const auto q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) {
    // A malformed escape leaves the query empty; `target` has it as sent.
    if (auto pairs = parse_query(target.substr(q + 1))) {
      for (const auto& [key, value] : *pairs) r.query[key] = value;
      r.query_list = std::move(*pairs);
    }
  }
  for (const auto& field : req) {
    auto [it, inserted] = r.headers.emplace(lower(str(field.name_string())), str(field.value()));
    if (!inserted) it->second += ", " + str(field.value());
  }
  r.body = req.body();
  return r;
}

}  // namespace

struct FakeHttpServer::Impl {
  struct Connection {
    tcp::socket socket;
    std::thread thread;
    std::atomic<bool> done{false};
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
  };

  asio::io_context io;
  tcp::acceptor acceptor{io};
  int port = 0;
  std::thread accept_thread;

  mutable std::mutex mutex;  // guards everything below
  std::map<std::string, Handler> handlers;
  std::vector<FakeRequest> requests;
  std::list<Connection> connections;
  bool stopping = false;

  void start_accept() {
    acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
        start_accept();
        return;
      }
      {
        std::lock_guard lock(mutex);
        if (stopping) return;  // the socket closes as it goes out of scope
        reap_finished_locked();
        Connection& c = connections.emplace_back(std::move(socket));
        c.thread = std::thread([this, &c] { serve(c); });
      }
      start_accept();
    });
  }

  // Joins connection threads that have ended; called with `mutex` held.
  void reap_finished_locked() {
    for (auto it = connections.begin(); it != connections.end();) {
      if (it->done.load()) {
        it->thread.join();
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  }

  FakeResponse dispatch(const FakeRequest& r) {
    Handler handler;
    {
      std::lock_guard lock(mutex);
      requests.push_back(r);
      auto it = handlers.find(r.method + " " + r.path);
      if (it != handlers.end()) handler = it->second;
    }
    if (!handler) return FakeResponse{404, {}, R"({"error":"no handler"})"};
    try {
      return handler(r);
    } catch (const std::exception& e) {
      return FakeResponse{500, {{"Content-Type", "text/plain"}}, std::string("handler threw: ") + e.what()};
    } catch (...) {
      return FakeResponse{500, {{"Content-Type", "text/plain"}}, "handler threw"};
    }
  }

  // One connection, served synchronously on its own thread: keep-alive until the peer closes,
  // asks to close, or the server stops (which shuts the socket down to wake a blocked read).
  void serve(Connection& c) {
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64u * 1024 * 1024);
      http::read(c.socket, buffer, parser, ec);
      if (ec) break;
      const auto& req = parser.get();
      const FakeResponse fr = dispatch(to_fake_request(req));

      http::response<http::string_body> res;
      res.version(req.version());
      res.result(static_cast<unsigned>(fr.status));
      bool has_content_type = false;
      for (const auto& [name, value] : fr.headers) {
        if (lower(name) == "content-type") has_content_type = true;
        if (lower(name) == "content-length") continue;  // computed from the body
        res.insert(name, value);
      }
      if (!has_content_type) res.set(http::field::content_type, "application/json");
      res.body() = fr.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(c.socket, res, ec);
      if (ec || !res.keep_alive()) break;
    }
    c.socket.shutdown(tcp::socket::shutdown_both, ec);
    c.done.store(true);
  }
};

FakeHttpServer::FakeHttpServer() : impl_(std::make_unique<Impl>()) {
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->start_accept();
  impl_->accept_thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

FakeHttpServer::~FakeHttpServer() {
  // Stop accepting: once run() has returned no other thread touches the acceptor.
  impl_->io.stop();
  impl_->accept_thread.join();
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  std::list<Impl::Connection> connections;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    connections.swap(impl_->connections);
  }
  // Wake connection threads blocked in a read; a handler still running finishes first.
  for (auto& c : connections)
    if (!c.done.load()) ::shutdown(c.socket.native_handle(), SHUT_RDWR);
  for (auto& c : connections) c.thread.join();
}

int FakeHttpServer::port() const { return impl_->port; }

std::string FakeHttpServer::base_url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

void FakeHttpServer::on(const std::string& method, const std::string& path, Handler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->handlers[method + " " + path] = std::move(handler);
}

std::vector<FakeRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

void FakeHttpServer::clear_requests() {
  std::lock_guard lock(impl_->mutex);
  impl_->requests.clear();
}

}  // namespace carewatch::testing
