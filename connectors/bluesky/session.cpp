#include "connectors/bluesky/session.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "connectors/common/json_text.h"
#include "connectors/http/retry_policy.h"

namespace carewatch::bluesky {

namespace {

using std::chrono::milliseconds;
using text::json_string;

constexpr TimeMs kEarly = 60'000;           // refresh a token that expires within a minute
constexpr TimeMs kLoginWindow = 5 * 60'000;  // createSession's rate-limit window

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-' || c == '+') return 62;
  if (c == '_' || c == '/') return 63;
  return -1;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const int v = base64url_value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::string string_member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? json_string(it->value) : std::string();
}

std::string json_body(const std::string& identifier, const std::string& password) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("identifier");
  w.String(identifier.c_str(), static_cast<rapidjson::SizeType>(identifier.size()));
  w.Key("password");
  w.String(password.c_str(), static_cast<rapidjson::SizeType>(password.size()));
  w.EndObject();
  return buf.GetString();
}

}  // namespace

std::optional<TimeMs> jwt_expiry(std::string_view jwt) {
  const size_t first = jwt.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = jwt.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto payload = base64url_decode(jwt.substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  rapidjson::Document d;
  d.Parse(payload->c_str(), payload->size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  const auto exp = d.FindMember("exp");
  if (exp == d.MemberEnd() || !exp->value.IsNumber()) return std::nullopt;
  const double seconds = exp->value.GetDouble();
  if (!(seconds > 0) || seconds > 1e11) return std::nullopt;
  return static_cast<TimeMs>(seconds * 1000);
}

std::string xrpc_error(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError()) return {};
  return string_member(d, "error");
}

bool refuses_token(const HttpResponse& response) {
  if (response.status == 401) return true;
  if (response.status != 400) return false;
  const std::string e = xrpc_error(response.body);
  return e == "ExpiredToken" || e == "InvalidToken";
}

Session::Session(std::string base_url, std::string identifier, std::string password, milliseconds timeout,
                 std::shared_ptr<HttpClient> http)
    : base_(std::move(base_url)),
      identifier_(std::move(identifier)),
      password_(std::move(password)),
      timeout_(timeout),
      http_(std::move(http)) {}

std::optional<JsonFailure> Session::credentials(Credentials& out, TimeMs now) {
  std::lock_guard lock(mutex_);
  const bool access_good = !access_.empty() && !stale_ && (access_expires_ == 0 || now < access_expires_ - kEarly);
  if (!access_good) {
    bool refused = true;
    if (!refresh_.empty() && (refresh_expires_ == 0 || now < refresh_expires_ - kEarly)) {
      if (auto failure = refresh(now, refused); failure && !refused) return failure;
    }
    if (refused) {
      access_.clear();
      refresh_.clear();
      if (auto failure = login(now)) return failure;
    }
  }
  out.access_jwt = access_;
  out.did = did_;
  out.handle = handle_;
  return std::nullopt;
}

void Session::refused(const std::string& access_jwt) {
  std::lock_guard lock(mutex_);
  if (access_jwt == access_) stale_ = true;
}

void Session::drop() {
  std::lock_guard lock(mutex_);
  access_.clear();
  refresh_.clear();
  stale_ = false;
}

std::optional<double> Session::rate_limit_remaining() const {
  std::lock_guard lock(mutex_);
  return rate_limit_remaining_;
}

std::size_t Session::logins() const {
  std::lock_guard lock(mutex_);
  return logins_;
}

std::size_t Session::refreshes() const {
  std::lock_guard lock(mutex_);
  return refreshes_;
}

std::string Session::redact(std::string message) const {
  std::string secrets[3];
  {
    std::lock_guard lock(mutex_);
    secrets[0] = access_;
    secrets[1] = refresh_;
  }
  secrets[2] = password_;
  for (const auto& s : secrets) {
    if (s.size() < 4) continue;
    for (size_t at = message.find(s); at != std::string::npos; at = message.find(s, at))
      message.replace(at, s.size(), "[secret]");
  }
  return message;
}

// Called with mutex_ held.
std::optional<JsonFailure> Session::adopt(const rapidjson::Value& doc, const std::string& what, TimeMs now) {
  const std::string access = string_member(doc, "accessJwt");
  const std::string refresh = string_member(doc, "refreshJwt");
  const std::string did = string_member(doc, "did");
  if (access.empty() || refresh.empty() || did.rfind("did:", 0) != 0) {
    const char* missing = access.empty() ? "accessJwt" : refresh.empty() ? "refreshJwt" : "did";
    return JsonFailure{{PollError::Kind::retry, "session: " + what + ": " + missing + ": expected a string",
                        std::nullopt},
                       0, true};
  }
  access_ = access;
  refresh_ = refresh;
  did_ = did;
  if (const std::string handle = string_member(doc, "handle"); !handle.empty()) handle_ = handle;
  access_expires_ = jwt_expiry(access_).value_or(0);
  refresh_expires_ = jwt_expiry(refresh_).value_or(0);
  // A token whose expiry is already past by our clock: trust the PDS, use it until refused.
  if (access_expires_ != 0 && access_expires_ - kEarly <= now) access_expires_ = 0;
  if (refresh_expires_ != 0 && refresh_expires_ - kEarly <= now) refresh_expires_ = 0;
  stale_ = false;
  return std::nullopt;
}

// Called with mutex_ held.
std::optional<JsonFailure> Session::login(TimeMs now) {
  while (!login_times_.empty() && login_times_.front() <= now - kLoginWindow) login_times_.pop_front();
  if (login_times_.size() >= kMaxLoginsPer5Min) {
    const milliseconds wait(login_times_.front() + kLoginWindow - now);
    return JsonFailure{{PollError::Kind::retry,
                        "session: " + std::to_string(kMaxLoginsPer5Min) +
                            " logins (createSession) in 5 minutes already; the PDS allows 30: waiting",
                        wait},
                       0, true};
  }
  login_times_.push_back(now);
  ++logins_;
  HttpRequest req;
  req.method = "POST";
  req.url = base_ + "/xrpc/com.atproto.server.createSession";
  req.timeout = timeout_;
  req.headers.emplace_back("Accept", "application/json");
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = json_body(identifier_, password_);
  JsonAnswer answer;
  auto failure = fetch_json(*http_, req, "session", answer, now,
                            "check options.identifier and options.app_password: an app password of that account");
  if (answer.rate_limit_remaining) rate_limit_remaining_ = answer.rate_limit_remaining;
  if (failure) {
    if (failure->status == 400 || failure->status == 401) {
      const std::string e = xrpc_error(answer.response.body);
      if (failure->status == 400)
        failure->error.message += e == "AuthFactorTokenRequired"
                                      ? " (options.app_password must be an app password: the account's main "
                                        "password asks for an email code)"
                                      : " (check options.identifier and options.app_password)";
      failure->error.kind = PollError::Kind::fatal;
    }
    return failure;
  }
  return adopt(answer.doc, "POST " + req.url, now);
}

// Called with mutex_ held. `refused`: the PDS refused the refresh token (log in again).
std::optional<JsonFailure> Session::refresh(TimeMs now, bool& refused) {
  ++refreshes_;
  HttpRequest req;
  req.method = "POST";
  req.url = base_ + "/xrpc/com.atproto.server.refreshSession";
  req.timeout = timeout_;
  req.headers.emplace_back("Accept", "application/json");
  req.headers.emplace_back("Authorization", "Bearer " + refresh_);
  JsonAnswer answer;
  auto failure = fetch_json(*http_, req, "session", answer, now);
  if (answer.rate_limit_remaining) rate_limit_remaining_ = answer.rate_limit_remaining;
  if (failure) {
    refused = failure->error.kind == PollError::Kind::fatal;  // 400 ExpiredToken, 401, other 4xx
    return failure;
  }
  refused = false;
  if (auto bad = adopt(answer.doc, "POST " + req.url, now)) {
    refused = true;  // an unreadable session: start over
    return bad;
  }
  return std::nullopt;
}

}  // namespace carewatch::bluesky
