// Serving the agent API (daemon/api/api_routes.h) over HTTP/1.1 with Boost.Beast.
//
// Threading: one io_context run by a small pool of threads (kThreads). The acceptor and every
// session live on their own strand, so a session's reads, writes and close never run at the
// same time. Requests are answered on the I/O threads: the routes make short blocking Redis
// calls (bounded by the store's command timeout), and with kThreads threads at most kThreads
// of them run at once, which leaves the rest of the store's connection pool to the scheduler.
// Connections beyond kMaxSessions are closed on accept, so a flood cannot exhaust descriptors.
//
// Lifetimes: a session is owned by the handlers of its pending operations (shared_from_this)
// and is registered (weakly) with the server so stop() can close it. stop() closes the
// acceptor and every session on their strands, releases the work guard, then joins the
// threads: with no operation left the io_context runs out of work and the threads return.
#include "daemon/api/http_api.h"

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "daemon/api/api_routes.h"
#include "daemon/telemetry/log.h"

namespace carewatch {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr int kThreads = 2;
constexpr size_t kMaxSessions = 512;
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// Reading a request, including the idle time of a kept-alive connection between requests.
constexpr std::chrono::seconds kReadTimeout{30};
constexpr std::chrono::seconds kWriteTimeout{30};
// After refusing a request whose body we will not read (413): how long, and how much, we keep
// reading and discarding so the client sees the answer instead of a connection reset.
constexpr std::chrono::seconds kDrainTimeout{5};
constexpr size_t kDrainMax = 8 * 1024 * 1024;

}  // namespace

struct HttpApi::Impl {
  class Session;

  const Config& config;
  ApiRoutes routes;

  // Declared before the io_context: a session still queued in it when it is destroyed
  // unregisters itself from here.
  std::mutex sessions_mutex;
  bool stopping = false;  // guarded by sessions_mutex
  std::uint64_t next_session = 0;
  std::map<std::uint64_t, std::weak_ptr<Session>> sessions;

  net::io_context ioc{kThreads};
  // Keeps the io_context running until stop() has queued every close: without it, the last
  // session ending on its own could stop the io_context before a close posted after it runs.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  int bound_port = 0;
  bool started = false;

  Impl(const Config& c, QueueStore& store, Metrics& metrics, std::function<bool()> ready)
      : config(c), routes(c, store, metrics, std::move(ready)) {}

  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void forget(std::uint64_t id) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(id);
  }
};

class HttpApi::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl& server, std::uint64_t id, tcp::socket&& socket)
      : server_(server), id_(id), stream_(std::move(socket)) {}
  ~Session() { server_.forget(id_); }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // From any thread: closes the connection on the session's strand.
  void close_async() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closed_ = true;
      self->close();
    });
  }

 private:
  void read() {
    if (closed_) return;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(server_.config.api_max_body);
    stream_.expires_after(kReadTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      std::string target;
      if (parser_->is_header_done()) target = std::string(parser_->get().target());
      respond(server_.routes.reject(target, 413,
                                    "request body larger than the limit of " +
                                        std::to_string(server_.config.api_max_body) + " bytes"),
              false, true);
      return;
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof || closed_) {
      close();
      return;
    }
    if (ec) {
      // Malformed HTTP: answer 400 when the connection still works, then close it.
      respond(server_.routes.reject("", 400, "malformed HTTP request: " + ec.message()), false, true);
      return;
    }
    const auto& req = parser_->get();
    ApiRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.authorization = std::string(req[http::field::authorization]);
    request.body = req.body();
    const bool keep_alive = req.keep_alive();
    respond(server_.routes.handle(request), keep_alive, false);
  }

  void respond(const ApiResponse& r, bool keep_alive, bool drain) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "carewatch");
    if (r.status != 204) {
      res->set(http::field::content_type, r.content_type);
      res->body() = r.body;
    }
    if (r.route != "/metrics" && r.route != "/healthz" && r.route != "/readyz")
      res->set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive && !closed_);
    res->prepare_payload();
    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, drain](beast::error_code ec, std::size_t) {
                        self->on_write(ec, res->keep_alive(), drain);
                      });
  }

  void on_write(beast::error_code ec, bool keep_alive, bool drain) {
    if (ec || closed_) {
      close();
    } else if (drain) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream_.expires_after(kDrainTimeout);
      discard();
    } else if (!keep_alive) {
      close();
    } else {
      read();
    }
  }

  // Reads and throws away what the client still sends, until it closes, kDrainMax bytes or
  // kDrainTimeout.
  void discard() {
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->closed_ || self->drained_ > kDrainMax) self->close();
                              else self->discard();
                            });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  Impl& server_;
  std::uint64_t id_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::array<char, 16 * 1024> scratch_{};
  size_t drained_ = 0;
  bool closed_ = false;  // stop() asked to close
};

void HttpApi::Impl::accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void HttpApi::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
  if (!ec) {
    std::shared_ptr<Session> session;
    {
      std::lock_guard lock(sessions_mutex);
      if (stopping) return;  // the socket closes as it goes out of scope
      if (sessions.size() < kMaxSessions) {
        const std::uint64_t id = next_session++;
        session = std::make_shared<Session>(*this, id, std::move(socket));
        sessions.emplace(id, session);
      }
    }
    if (session) {
      session->start();
    } else {
      log::warn("api: too many connections, closing a new one", {{"limit", std::to_string(kMaxSessions)}});
    }
  } else {
    log::warn("api: accept failed", {{"error", ec.message()}});
  }
  accept();
}

HttpApi::HttpApi(const Config& config, QueueStore& store, Metrics& metrics, std::function<bool()> ready)
    : impl_(std::make_unique<Impl>(config, store, metrics, std::move(ready))) {}

HttpApi::~HttpApi() { stop(); }

void HttpApi::start() {
  Impl& s = *impl_;
  if (s.started) throw std::runtime_error("the HTTP API is already started");
  beast::error_code ec;
  const auto address = net::ip::make_address(s.config.api_host, ec);
  if (ec) throw std::runtime_error("api.listen: expected an IP address, got \"" + s.config.api_host + "\"");
  if (s.config.api_port < 0 || s.config.api_port > 65535)
    throw std::runtime_error("api.port: expected 0..65535, got " + std::to_string(s.config.api_port));
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(s.config.api_port));
  const std::string where = s.config.api_host + ":" + std::to_string(s.config.api_port);

  tcp::acceptor acceptor(net::make_strand(s.ioc));
  auto fail = [&where](const char* what, const beast::error_code& e) {
    return std::runtime_error(std::string("cannot listen on ") + where + ": " + what + ": " + e.message());
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) throw fail("open", ec);
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) throw fail("set_option", ec);
  acceptor.bind(endpoint, ec);
  if (ec) throw fail("bind", ec);
  acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw fail("listen", ec);
  s.bound_port = acceptor.local_endpoint().port();
  s.acceptor.emplace(std::move(acceptor));
  s.started = true;

  s.work.emplace(s.ioc.get_executor());
  s.accept();
  s.threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    s.threads.emplace_back([&s] {
      // A handler that throws would end this thread's loop: log it and keep serving.
      while (true) {
        try {
          s.ioc.run();
          return;
        } catch (const std::exception& e) {
          log::error("api: unexpected exception in the I/O loop", {{"error", e.what()}});
        }
      }
    });
  }
}

void HttpApi::stop() {
  Impl& s = *impl_;
  if (!s.started) return;
  std::vector<std::shared_ptr<Impl::Session>> open;
  {
    std::lock_guard lock(s.sessions_mutex);
    if (s.stopping) return;
    s.stopping = true;
    for (auto& [id, weak] : s.sessions)
      if (auto session = weak.lock()) open.push_back(std::move(session));
  }
  net::post(s.acceptor->get_executor(), [&s] {
    beast::error_code ignored;
    s.acceptor->close(ignored);
  });
  for (auto& session : open) session->close_async();
  open.clear();
  s.work.reset();  // the io_context now ends when the closes above have run
  for (auto& t : s.threads)
    if (t.joinable()) t.join();
  s.threads.clear();
}

int HttpApi::port() const { return impl_->bound_port; }

}  // namespace carewatch
