// The production HttpClient on cpprestsdk's http_client. This is the only translation unit that
// includes cpprest headers (they are slow to compile and leak macros).
//
// Each send() chains the request and the body read as pplx tasks and waits for the chain with
// the request's deadline; past it the request is cancelled and the chain is still waited for,
// so no task outlives the objects it uses. Every exception becomes status 0 with `error`.
#include "connectors/http/http_client.h"
#include "mention/common/url.h"

#include <cctype>
#include <cstdint>
#include <exception>
#include <future>
#include <map>
#include <initializer_list>
#include <mutex>
#include <thread>
#include <tuple>

#include <cpprest/http_client.h>

namespace carewatch {

namespace {

namespace http = web::http;

constexpr std::size_t kMaxBodyBytes = 16u * 1024 * 1024;
constexpr std::size_t kReadChunk = 64 * 1024;
// After a cancellation, how long to wait for cpprest to wind the request down.
constexpr std::chrono::seconds kCancelGrace{10};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// cpprest's URI parser rejects characters that are common in real query strings, such as the
// brackets of "types[]=mention"; percent-encode them (and spaces, non-ASCII bytes) after the
// authority. Existing %xx escapes are kept.
std::string encode_unsafe(const std::string& url) {
  const auto scheme = url.find("://");
  const auto path_start = url.find_first_of("/?#", scheme == std::string::npos ? 0 : scheme + 3);
  if (path_start == std::string::npos) return url;
  return url.substr(0, path_start) + percent_encode(std::string_view(url).substr(path_start), ":/?#@!$&'()*+,;=%");
}

// What a request produced, filled in by the task chain; shared with it so a late task never
// touches freed memory.
struct Exchange {
  pplx::cancellation_token_source cancel;
  HttpResponse response;
  std::vector<unsigned char> chunk = std::vector<unsigned char>(kReadChunk);
  std::string too_large;  // set when the body was refused
  std::weak_ptr<void> response_impl, response_body;  // see wait_until_released()
};

// cpprest finishes a message (closing its body streams) in continuations that may still be
// queued when our chain completes. Waiting until it has let go of the request, the response and
// the response body keeps those continuations from outliving send() (at exit they would be
// reported as leaks, and nothing of a request should run after send() returned). This is a few
// microseconds normally; bounded in case cpprest holds on.
void wait_until_released(std::initializer_list<std::weak_ptr<void>> objects) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (const auto& object : objects)
    while (!object.expired() && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::microseconds(100));
}

// Reads the body stream chunk by chunk into the response, refusing more than kMaxBodyBytes.
pplx::task<void> read_body(concurrency::streams::streambuf<std::uint8_t> buf, std::shared_ptr<Exchange> ex) {
  return buf.getn(ex->chunk.data(), ex->chunk.size()).then([buf, ex](std::size_t n) -> pplx::task<void> {
    if (n == 0) return pplx::task_from_result();
    if (ex->response.body.size() + n > kMaxBodyBytes) {
      ex->too_large = "response body exceeds the limit of " + std::to_string(kMaxBodyBytes) + " bytes (read " +
                      std::to_string(ex->response.body.size() + n) + " bytes so far)";
      ex->cancel.cancel();  // drops the connection instead of draining the rest
      return pplx::task_from_result();
    }
    ex->response.body.append(reinterpret_cast<const char*>(ex->chunk.data()), n);
    return read_body(buf, ex);
  });
}

class CpprestHttpClient final : public HttpClient {
 public:
  HttpResponse send(const HttpRequest& request) override {
    try {
      return send_or_throw(request);
    } catch (const std::exception& e) {
      return failure(e.what());
    } catch (...) {
      return failure("unknown error");
    }
  }

 private:
  static HttpResponse failure(std::string error) {
    HttpResponse r;
    r.error = std::move(error);
    return r;
  }

  // One http_client per scheme, host, port and timeout: cpprest keeps connections alive per
  // client, and its timeout is a property of the client.
  std::shared_ptr<http::client::http_client> client_for(const web::uri& uri, std::chrono::milliseconds timeout) {
    const int port = uri.port() > 0 ? uri.port() : (lower(uri.scheme()) == "https" ? 443 : 80);
    auto key = std::make_tuple(lower(uri.scheme()), lower(uri.host()), port, timeout.count());
    std::lock_guard lock(mutex_);
    auto it = clients_.find(key);
    if (it != clients_.end()) return it->second;
    http::client::http_client_config config;
    // cpprest's timeout restarts on every read; the request deadline in send() is the one that
    // counts, this is only a backstop behind it.
    config.set_timeout(timeout + std::chrono::seconds(1));
    web::uri_builder base;
    base.set_scheme(uri.scheme()).set_host(uri.host());
    if (uri.port() > 0) base.set_port(uri.port());
    auto client = std::make_shared<http::client::http_client>(base.to_uri(), config);
    clients_.emplace(std::move(key), client);
    return client;
  }

  HttpResponse send_or_throw(const HttpRequest& request) {
    const web::uri uri(utility::conversions::to_string_t(encode_unsafe(request.url)));
    if (uri.scheme().empty() || uri.host().empty())
      return failure("\"" + request.url + "\" is not an absolute http(s) URL");
    const auto timeout = request.timeout.count() > 0 ? request.timeout : std::chrono::milliseconds(10000);
    auto client = client_for(uri, timeout);

    http::http_request msg(http::method(utility::conversions::to_string_t(request.method)));
    msg.set_request_uri(uri.resource());
    std::string content_type;
    for (const auto& [name, value] : request.headers)
      if (lower(name) == "content-type") content_type = value;
    if (!request.body.empty() || !content_type.empty()) {
      std::vector<unsigned char> bytes(request.body.begin(), request.body.end());
      const auto length = bytes.size();
      msg.set_body(concurrency::streams::bytestream::open_istream(std::move(bytes)), length,
                   content_type.empty() ? "application/octet-stream" : content_type);
    }
    for (const auto& [name, value] : request.headers) {
      if (lower(name) == "content-type") continue;
      msg.headers().add(utility::conversions::to_string_t(name), utility::conversions::to_string_t(value));
    }

    auto ex = std::make_shared<Exchange>();
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> finished = done->get_future();
    client->request(msg, ex->cancel.get_token())
        .then([ex](http::http_response resp) -> pplx::task<void> {
          ex->response.status = resp.status_code();
          ex->response_impl = resp._get_impl();
          ex->response_body = resp.body().streambuf().get_base();
          for (const auto& [name, value] : resp.headers()) ex->response.headers[lower(name)] = value;
          const auto declared = resp.headers().content_length();
          if (declared > kMaxBodyBytes) {
            ex->too_large = "response body of " + std::to_string(declared) + " bytes exceeds the limit of " +
                            std::to_string(kMaxBodyBytes) + " bytes";
            ex->cancel.cancel();
            return pplx::task_from_result();
          }
          return read_body(resp.body().streambuf(), ex);
        })
        .then([ex, done, client](pplx::task<void> t) {
          // Keeps `client` alive until the exchange is over; observes every exception.
          try {
            t.get();
          } catch (const pplx::task_canceled&) {
            if (ex->response.error.empty()) ex->response.error = "request cancelled";
          } catch (const std::exception& e) {
            ex->response.error = e.what();
          } catch (...) {
            ex->response.error = "unknown error";
          }
          done->set_value();
        });

    bool timed_out = false;
    if (finished.wait_for(timeout) != std::future_status::ready) {
      timed_out = true;
      ex->cancel.cancel();
      if (finished.wait_for(kCancelGrace) != std::future_status::ready)
        return failure("timed out after " + std::to_string(timeout.count()) + " ms (and did not stop when cancelled)");
    }
    const std::weak_ptr<void> request_impl = msg._get_impl();
    msg = http::http_request();
    wait_until_released({request_impl, ex->response_impl, ex->response_body});
    // The chain is over: `ex` is ours alone now.
    HttpResponse response = std::move(ex->response);
    if (!ex->too_large.empty()) return failure(ex->too_large);
    if (timed_out) {
      response = failure("timed out after " + std::to_string(timeout.count()) + " ms");
    } else if (!response.error.empty()) {
      const std::string error = response.error;
      response = failure(error);
    }
    return response;
  }

  std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int, long long>, std::shared_ptr<http::client::http_client>> clients_;
};

}  // namespace

std::shared_ptr<HttpClient> make_cpprest_http_client() { return std::make_shared<CpprestHttpClient>(); }

}  // namespace carewatch
