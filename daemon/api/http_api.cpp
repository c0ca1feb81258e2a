// Serving the agent API (daemon/api/api_routes.h) over HTTP/1.1 with Boost.Beast.
//
// Threading: one io_context run by a small pool of I/O threads (kThreads) accepts connections,
// reads and parses requests and writes answers; it never waits on Redis. The acceptor and every
// session live on their own strand, so a session's reads, writes and close never run at the
// same time. /healthz, / and the console's built-in files (/console/...) are answered on the I/O
// threads from the process alone; every other route may call Redis and runs on a separate pool of
// route workers (kRouteThreads), its answer posted back to the session's strand. A streamed body
// (ApiResponse::next_chunk) goes out chunked: each pull on a route worker, each write on the
// strand, one chunk in flight. A live stream (GET /v1/live) is a chunked response that goes on
// as long as the connection: its frames come from the live feed (daemon/api/live_pump.h, one
// thread per daemon following {P}:events), each write on the strand. Every response carries daemon/api/security_headers.h. With kRouteThreads workers at most that many blocking Redis
// calls (each bounded by the store's command timeout) run at once, which leaves the rest of the
// store's connection pool to the scheduler. At most kMaxWaiting requests wait for a worker, and
// none waits longer than the store's command timeout: beyond either, the answer is 503 with
// Retry-After, so a hung Redis gives prompt 503s instead of a growing queue.
//
// Connections: a new connection must send its request headers within kHeaderTimeout; a
// kept-alive one may idle kIdleTimeout before its next request starts, and then has
// kHeaderTimeout for the headers. At most kMaxSessionsPerAddress connections per client address
// (an IPv6 client: per /64) and kMaxSessions in all; a connection over either limit is answered
// 503 with Retry-After and closed (never just reset). Refusals are logged as one summary line
// per kRefusalLogInterval (count per address), not one line per connection.
//
// Lifetimes: a session is owned by the handlers of its pending operations (shared_from_this)
// and is registered (weakly) with the server so stop() can close it. stop() closes the
// acceptor and every session on their strands, lets the route workers finish (requests still
// waiting for one are dropped), releases the work guard, then joins the threads: with no
// operation left the io_context runs out of work and the threads return.
#include "daemon/api/http_api.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <cctype>
#include <functional>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "daemon/api/address_tally.h"
#include "daemon/api/api_json.h"
#include "daemon/api/api_match.h"
#include "daemon/api/api_routes.h"
#include "daemon/api/live_feed.h"
#include "daemon/api/live_pump.h"
#include "daemon/api/security_headers.h"
#include "daemon/telemetry/log.h"

namespace carewatch {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr int kThreads = 2;        // I/O: accept, read, parse, write
constexpr int kRouteThreads = 2;   // route handlers (blocking Redis calls)
constexpr size_t kMaxWaiting = 64;  // requests waiting for a route worker
constexpr size_t kMaxSessions = 512;
constexpr size_t kMaxSessionsPerAddress = 64;
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// A request's headers must arrive within kHeaderTimeout of its first byte (of the accept, for a
// connection's first request); a kept-alive connection may idle kIdleTimeout between requests.
constexpr std::chrono::seconds kHeaderTimeout{5};
constexpr std::chrono::seconds kIdleTimeout{30};
constexpr std::chrono::seconds kBodyTimeout{30};
constexpr std::chrono::seconds kWriteTimeout{30};
// After refusing a request whose body we will not read (413): how long, and how much, we keep
// reading and discarding so the client sees the answer instead of a connection reset.
constexpr std::chrono::seconds kDrainTimeout{5};
constexpr size_t kDrainMax = 8 * 1024 * 1024;
// A refused connection (over a connection limit) gets its 503, then at most this long and this
// much of draining; at most kMaxRefusing are answered at once, the rest are closed at once.
constexpr std::chrono::seconds kRefuseDrainTimeout{1};
constexpr size_t kRefuseDrainMax = 64 * 1024;
constexpr size_t kMaxRefusing = 256;
constexpr std::chrono::seconds kRefusalLogInterval{10};
constexpr const char* kRetryAfterSeconds = "1";

// The key a per-address limit counts under: the address, or for IPv6 its /64 (one client
// usually holds a whole /64).
std::string address_key(const tcp::endpoint& peer) {
  const auto a = peer.address();
  if (a.is_v6() && !a.to_v6().is_v4_mapped()) {
    auto bytes = a.to_v6().to_bytes();
    for (size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
    return net::ip::address_v6(bytes).to_string() + "/64";
  }
  if (a.is_v6()) return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6()).to_string();
  return a.to_string();
}

ApiResponse busy_response(const std::string& message) {
  ApiResponse r;
  r.status = 503;
  r.body = json_error(message);
  r.headers.emplace_back("Retry-After", kRetryAfterSeconds);
  r.route = "unmatched";
  return r;
}

// Refused connections, counted per address and logged as one line per interval.
class RefusalLog {
 public:
  explicit RefusalLog(net::io_context& ioc) : timer_(ioc) {}

  void record(const std::string& address, const char* limit) {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    ++by_address_[address];
    ++by_limit_[limit];
    if (armed_) return;
    armed_ = true;
    timer_.expires_after(kRefusalLogInterval);
    timer_.async_wait([this](beast::error_code ec) {
      if (ec == net::error::operation_aborted) return;
      std::lock_guard lock(mutex_);
      armed_ = false;
      flush_locked();
    });
  }

  // Logs what is counted and stops counting (the server is stopping).
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    timer_.cancel();
    flush_locked();
  }

 private:
  void flush_locked() {
    if (by_address_.empty()) return;
    const AddressTally tally = tally_addresses(by_address_);
    std::string limits;
    for (const auto& [limit, n] : by_limit_) limits += (limits.empty() ? "" : ", ") + limit + " " + std::to_string(n);
    log::warn("api: refused connections over a connection limit (503)",
              {{"count", std::to_string(tally.total)},
               {"addresses", tally.addresses},
               {"limits", limits},
               {"interval_s", std::to_string(kRefusalLogInterval.count())}});
    by_address_.clear();
    by_limit_.clear();
  }

  std::mutex mutex_;
  net::steady_timer timer_;
  bool armed_ = false;
  bool stopped_ = false;
  std::map<std::string, size_t> by_address_;
  std::map<std::string, size_t> by_limit_;
};

}  // namespace

struct HttpApi::Impl {
  class Session;

  const Config& config;
  QueueStore& store;
  LiveFeed live_feed;  // before routes, which point to it
  ApiRoutes routes;
  LivePump live_pump;

  // Declared before the io_context: a session still queued in it when it is destroyed
  // unregisters itself from here.
  std::mutex sessions_mutex;
  bool stopping = false;  // guarded by sessions_mutex
  std::uint64_t next_session = 0;
  std::map<std::uint64_t, std::weak_ptr<Session>> sessions;
  size_t serving = 0;   // sessions serving requests (not refusing); guarded by sessions_mutex
  size_t refusing = 0;  // sessions answering 503 to a refused connection; guarded by sessions_mutex
  std::map<std::string, size_t> per_address;  // serving sessions per address_key; guarded likewise

  std::atomic<bool> routes_stopping{false};
  std::atomic<size_t> waiting{0};  // requests posted to the route workers, not yet started

  net::io_context ioc{kThreads};
  RefusalLog refusals{ioc};
  // Keeps the io_context running until stop() has queued every close: without it, the last
  // session ending on its own could stop the io_context before a close posted after it runs.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::optional<net::thread_pool> route_workers;
  int bound_port = 0;
  bool started = false;

  Impl(const Config& c, QueueStore& s, Metrics& metrics, std::function<bool()> ready)
      : config(c), store(s), routes(c, s, metrics, std::move(ready)), live_pump(live_feed, s, &now_ms) {
    routes.set_live_feed(&live_feed);
  }

  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void forget(std::uint64_t id, const std::string& address, bool refused) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(id);
    if (refused) {
      --refusing;
      return;
    }
    --serving;
    if (auto it = per_address.find(address); it != per_address.end() && --it->second == 0) per_address.erase(it);
  }
};

class HttpApi::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl& server, std::uint64_t id, tcp::socket&& socket, std::string address, bool refused)
      : server_(server), id_(id), address_(std::move(address)), refused_(refused), stream_(std::move(socket)) {}
  ~Session() { server_.forget(id_, address_, refused_); }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->refused_) self->refuse();
      else self->read();
    });
  }

  // From any thread: closes the connection on the session's strand.
  void close_async() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closed_ = true;
      self->close();
    });
  }

 private:
  // Over a connection limit: a 503 with Retry-After, then a short drain and close.
  void refuse() {
    respond(busy_response("too many connections: try again later"), false, true);
  }

  void read() {
    if (closed_) return;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(server_.config.api_max_body);
    if (buffer_.size() > 0 || first_request_) {
      first_request_ = false;
      read_header();
      return;
    }
    // A kept-alive connection between requests: it may idle longer than a request's headers
    // may take, so wait for the first byte of the next request on its own.
    stream_.expires_after(kIdleTimeout);
    stream_.async_read_some(buffer_.prepare(1024),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) self->on_read(ec);
                              else self->read_header();
                            });
  }

  void read_header() {
    if (closed_) return;
    stream_.expires_after(kHeaderTimeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    if (ec || closed_ || parser_->is_done()) {
      on_read(ec);
      return;
    }
    stream_.expires_after(kBodyTimeout);
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
    request.client_address = address_;
    request.body = req.body();
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    const bool keep_alive = req.keep_alive();
    const RouteMatch m = match_target(request.target);
    if (m.found && (m.id == RouteId::healthz || m.id == RouteId::root || m.id == RouteId::console)) {
      // From the process alone (/healthz, the console's built-in files): never behind a
      // request that waits on Redis.
      respond(server_.routes.handle(request), keep_alive, false);
      return;
    }
    handle_on_worker(std::move(request), keep_alive);
  }

  // Runs the route on a route worker (it may wait on Redis) and answers on this strand.
  void handle_on_worker(ApiRequest request, bool keep_alive) {
    if (server_.waiting.fetch_add(1) >= kMaxWaiting) {
      server_.waiting.fetch_sub(1);
      respond(busy("server busy: too many requests waiting for Redis", request.target), keep_alive, false);
      return;
    }
    const auto queued_at = std::chrono::steady_clock::now();
    net::post(*server_.route_workers, [self = shared_from_this(), request = std::move(request), keep_alive,
                                       queued_at] {
      Impl& server = self->server_;
      server.waiting.fetch_sub(1);
      if (server.routes_stopping) return;  // the session is being closed
      // A request that waited longer than a Redis command may take is answered at once: the
      // workers are stuck behind a slow or hung Redis.
      auto response = std::chrono::steady_clock::now() - queued_at > server.store.options().command_timeout
                          ? self->busy("server busy: requests are waiting for Redis", request.target)
                          : server.routes.handle(request);
      net::post(self->stream_.get_executor(), [self, response = std::move(response), keep_alive] {
        self->respond(response, keep_alive, false);
      });
    });
  }

  ApiResponse busy(const std::string& message, const std::string& target) {
    ApiResponse r = server_.routes.reject(target, 503, message);
    r.headers.emplace_back("Retry-After", kRetryAfterSeconds);
    return r;
  }

  void respond(const ApiResponse& r, bool keep_alive, bool drain) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "carewatch");
    if (r.status != 204 && r.status != 304) {
      res->set(http::field::content_type, r.content_type);
      res->body() = r.body;
    }
    if (r.route != "/metrics" && r.route != "/healthz" && r.route != "/readyz")
      res->set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : security_headers()) res->set(name, value);
    for (const auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive && !closed_);
    if (r.live && r.status == 200) {
      respond_live(res, r.live);
      return;
    }
    if (r.next_chunk && r.status != 204) {
      respond_streamed(res, r.next_chunk);
      return;
    }
    res->prepare_payload();
    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, drain](beast::error_code ec, std::size_t) {
                        self->on_write(ec, res->keep_alive(), drain);
                      });
  }

  // A streamed body: the header and `body` go out with chunked transfer encoding, then each
  // chunk next_chunk fills (pulled on a route worker, written on this strand), one in flight at
  // a time, then the last chunk. A failed write or stop() ends the stream.
  void respond_streamed(const std::shared_ptr<http::response<http::string_body>>& full,
                        std::function<bool(std::string&)> next_chunk) {
    auto head = chunked_head(*full, full->keep_alive());
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*head);
    auto first = std::make_shared<std::string>(std::move(full->body()));
    const bool keep_alive = head->keep_alive();
    auto pull = std::make_shared<std::function<bool(std::string&)>>(std::move(next_chunk));
    stream_.expires_after(kWriteTimeout);
    http::async_write_header(stream_, *serializer,
                             [self = shared_from_this(), head, serializer, first, pull, keep_alive](
                                 beast::error_code ec, std::size_t) {
                               if (ec || self->closed_) return self->close();
                               self->write_chunk(first, pull, keep_alive, true);
                             });
  }

  // The head of a chunked response with the status and fields of `full`.
  static std::shared_ptr<http::response<http::empty_body>> chunked_head(const http::response<http::string_body>& full,
                                                                        bool keep_alive) {
    auto head = std::make_shared<http::response<http::empty_body>>();
    head->version(11);
    head->result(full.result());
    for (const auto& field : full) head->set(field.name_string(), field.value());
    head->keep_alive(keep_alive);
    head->chunked(true);
    return head;
  }

  // A live stream (GET /v1/live): the head, `body` as the first chunk, then whatever the live
  // feed gives `client`, one write in flight, until either side closes (the connection is not
  // kept alive after it). The session reads nothing more from the client, except to notice it
  // closing. A client too slow to keep up (LiveFeed::kMaxPending) is closed.
  void respond_live(const std::shared_ptr<http::response<http::string_body>>& full, std::shared_ptr<LiveClient> client) {
    auto head = chunked_head(*full, false);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*head);
    auto first = std::make_shared<std::string>(std::move(full->body()));
    live_ = std::move(client);
    stream_.expires_after(kWriteTimeout);
    http::async_write_header(stream_, *serializer,
                             [self = shared_from_this(), head, serializer, first](beast::error_code ec, std::size_t) {
                               if (ec || self->closed_) return self->close();
                               std::weak_ptr<Session> weak = self;
                               self->live_->on_pending([weak] {
                                 if (auto s = weak.lock()) net::post(s->stream_.get_executor(), [s] { s->live_send(); });
                               });
                               self->watch_peer();
                               self->live_write(first);
                             });
  }

  void live_write(std::shared_ptr<std::string> frames) {
    live_writing_ = true;
    stream_.expires_after(kWriteTimeout);
    net::async_write(stream_, http::make_chunk(net::buffer(*frames)),
                     [self = shared_from_this(), frames](beast::error_code ec, std::size_t) {
                       self->live_writing_ = false;
                       if (ec || self->closed_) return self->close();
                       self->live_send();
                     });
  }

  // On the strand: writes what the live feed holds for this client, unless a write is under way
  // (its end calls this again).
  void live_send() {
    if (closed_ || live_writing_ || !live_) return;
    if (live_->overflowed()) {
      log::warn("api: closed a live stream that fell behind", {{"agent", live_->agent()}});
      return close();
    }
    auto frames = std::make_shared<std::string>(live_->take());
    if (!frames->empty()) live_write(std::move(frames));
  }

  // A live stream's client sends nothing; a read that ends (the tab closed) closes the stream at
  // once instead of at the next write. On the socket itself: the stream's write timeouts stay
  // the writes' own.
  void watch_peer() {
    stream_.socket().async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || self->closed_) return self->close();
      self->watch_peer();
    });
  }

  // Writes `piece` as one chunk (none when empty), then pulls the next on a route worker; with
  // `more` false, ends the body with the last chunk and goes on as after any response.
  void write_chunk(std::shared_ptr<std::string> piece, std::shared_ptr<std::function<bool(std::string&)>> pull,
                   bool keep_alive, bool more) {
    if (closed_) return close();
    stream_.expires_after(kWriteTimeout);
    if (piece->empty()) {
      if (more) return pull_chunk(pull, keep_alive);
      net::async_write(stream_, http::make_chunk_last(),
                       [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                         self->on_write(ec, keep_alive, false);
                       });
      return;
    }
    net::async_write(stream_, http::make_chunk(net::buffer(*piece)),
                     [self = shared_from_this(), piece, pull, keep_alive, more](beast::error_code ec, std::size_t) {
                       if (ec || self->closed_) return self->close();
                       if (more) return self->pull_chunk(pull, keep_alive);
                       self->write_chunk(std::make_shared<std::string>(), pull, keep_alive, false);
                     });
  }

  void pull_chunk(std::shared_ptr<std::function<bool(std::string&)>> pull, bool keep_alive) {
    net::post(*server_.route_workers, [self = shared_from_this(), pull, keep_alive] {
      auto piece = std::make_shared<std::string>();
      bool more = false;
      if (!self->server_.routes_stopping) {
        try {
          more = (*pull)(*piece);
        } catch (const std::exception& e) {
          // No last chunk: the client sees a truncated body, never a complete-looking one.
          log::error("api: streamed body failed", {{"error", e.what()}});
          net::post(self->stream_.get_executor(), [self] { self->close(); });
          return;
        }
      } else {
        net::post(self->stream_.get_executor(), [self] { self->close(); });
        return;
      }
      net::post(self->stream_.get_executor(), [self, piece, pull, keep_alive, more] {
        self->write_chunk(piece, pull, keep_alive, more);
      });
    });
  }

  void on_write(beast::error_code ec, bool keep_alive, bool drain) {
    if (ec || closed_) {
      close();
    } else if (drain) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream_.expires_after(refused_ ? kRefuseDrainTimeout : kDrainTimeout);
      discard();
    } else if (!keep_alive) {
      close();
    } else {
      read();
    }
  }

  // Reads and throws away what the client still sends, until it closes, the drain limit or
  // the drain timeout.
  void discard() {
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->closed_ || self->drained_ > (self->refused_ ? kRefuseDrainMax : kDrainMax))
                                self->close();
                              else
                                self->discard();
                            });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  Impl& server_;
  std::uint64_t id_;
  std::string address_;  // address_key of the peer
  bool refused_;         // over a connection limit: answered 503 and closed
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::array<char, 16 * 1024> scratch_{};
  size_t drained_ = 0;
  bool first_request_ = true;
  bool closed_ = false;  // stop() asked to close
  std::shared_ptr<LiveClient> live_;  // a live stream's subscription
  bool live_writing_ = false;
};

void HttpApi::Impl::accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void HttpApi::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
  if (!ec) {
    beast::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    const std::string address = peer_ec ? std::string("unknown") : address_key(peer);
    std::shared_ptr<Session> session;
    const char* over = nullptr;  // the limit this connection is over, if any
    {
      std::lock_guard lock(sessions_mutex);
      if (stopping) return;  // the socket closes as it goes out of scope
      const auto from = per_address.find(address);
      if (serving >= kMaxSessions) over = "total";
      else if (from != per_address.end() && from->second >= kMaxSessionsPerAddress) over = "per_address";
      if (!over || refusing < kMaxRefusing) {
        const std::uint64_t id = next_session++;
        session = std::make_shared<Session>(*this, id, std::move(socket), address, over != nullptr);
        sessions.emplace(id, session);
        if (over) {
          ++refusing;
        } else {
          ++serving;
          ++per_address[address];
        }
      }
    }
    if (over) refusals.record(address, over);
    if (session) session->start();
    // else: over a limit with kMaxRefusing answers under way: the socket closes here
  } else {
    log::warn("api: accept failed", {{"error", ec.message()}});
  }
  accept();
}

HttpApi::HttpApi(const Config& config, QueueStore& store, Metrics& metrics, std::function<bool()> ready)
    : impl_(std::make_unique<Impl>(config, store, metrics, std::move(ready))) {}

HttpApi::~HttpApi() { stop(); }

void HttpApi::set_reply_desk(ReplyDesk desk) { impl_->routes.set_reply_desk(std::move(desk)); }

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

  s.route_workers.emplace(kRouteThreads);
  s.live_pump.start();
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
  s.live_pump.stop();
  net::post(s.acceptor->get_executor(), [&s] {
    beast::error_code ignored;
    s.acceptor->close(ignored);
  });
  for (auto& session : open) session->close_async();
  open.clear();
  // Requests still waiting for a route worker are dropped; those running finish (each bounded
  // by the store's command timeout) and their answers go to closed sessions.
  s.routes_stopping = true;
  s.route_workers->join();
  s.refusals.stop();
  s.work.reset();  // the io_context now ends when the closes above have run
  for (auto& t : s.threads)
    if (t.joinable()) t.join();
  s.threads.clear();
}

int HttpApi::port() const { return impl_->bound_port; }

}  // namespace carewatch
