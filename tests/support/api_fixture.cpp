#include "tests/support/api_fixture.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

#include "daemon/store/queue_store_options.h"

namespace carewatch::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

std::string HttpReply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

rapidjson::Document HttpReply::json() const {
  rapidjson::Document d;
  d.Parse(body.c_str());
  EXPECT_FALSE(d.HasParseError()) << "not JSON: " << body;
  return d;
}

std::string HttpReply::str(const char* field) const {
  const auto d = json();
  return d.IsObject() && d.HasMember(field) && d[field].IsString() ? d[field].GetString() : "<none>";
}

HttpHeaders bearer(const std::string& key) {
  if (key.empty()) return {};
  return {{"Authorization", "Bearer " + key}};
}

struct HttpClient::Impl {
  net::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(int port, const std::string& from) : impl_(std::make_unique<Impl>()) {
  auto& s = impl_->socket;
  if (!from.empty()) {
    s.open(tcp::v4());
    s.bind(tcp::endpoint(net::ip::make_address(from), 0));
  }
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  timeval tv{20, 0};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::send(const std::string& method, const std::string& target, const HttpHeaders& headers,
                           const std::string& body) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(http::field::host, "127.0.0.1");
  bool has_type = false;
  for (const auto& [name, value] : headers) {
    req.insert(name, value);
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    has_type = has_type || lower == "content-type";
  }
  if (!body.empty() && !has_type) req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.keep_alive(true);
  req.prepare_payload();
  http::write(impl_->socket, req);

  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(impl_->socket, impl_->buffer, parser);
  const auto& res = parser.get();
  HttpReply out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace(std::move(name), std::string(f.value()));
  }
  out.body = res.body();
  return out;
}

HttpReply http_send(int port, const std::string& method, const std::string& target, const HttpHeaders& headers,
                    const std::string& body, const std::string& from) {
  HttpClient c(port, from);
  return c.send(method, target, headers, body);
}

ApiFixture::ApiFixture(const std::string& prefix) {
  QueueStoreOptions o;
  o.prefix = prefix;
  o.lease = 60s;
  o.connect_timeout = 500ms;
  o.command_timeout = 5000ms;
  store = std::make_unique<QueueStore>(redis.endpoint(), o);
  config.api_host = "127.0.0.1";
  config.api_port = 0;
  config.api_rate_limit_per_minute = 10'000;
}

ApiFixture::~ApiFixture() {
  api.reset();
  direct.reset();
}

void ApiFixture::start() {
  api = std::make_unique<HttpApi>(config, *store, metrics, [this] { return ready.load(); });
  api->start();
  ASSERT_GT(api->port(), 0);
}

ApiRoutes& ApiFixture::routes() {
  if (!direct) direct = std::make_unique<ApiRoutes>(config, *store, metrics, [this] { return ready.load(); });
  return *direct;
}

HttpReply ApiFixture::handle(const std::string& method, const std::string& target, const std::string& key,
                             const std::string& body) {
  ApiRequest req;
  req.method = method;
  req.target = target;
  if (!key.empty()) req.authorization = "Bearer " + key;
  req.client_address = "127.0.0.1";
  req.body = body;
  const ApiResponse r = routes().handle(req);
  HttpReply out;
  out.status = r.status;
  for (const auto& [name, value] : r.headers) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace(std::move(lower), value);
  }
  if (!r.content_type.empty()) out.headers.emplace("content-type", r.content_type);
  out.body = r.body;
  return out;
}

}  // namespace carewatch::testing
