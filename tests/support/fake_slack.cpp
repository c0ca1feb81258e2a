#include "tests/support/fake_slack.h"

#include <rapidjson/document.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>

#include "mention/utf8.h"

namespace carewatch::testing {

namespace {

const char* const kWebhookPrefix = "/services/T0FAKE/B0FAKE/";
const char* const kHtml500 =
    "<!DOCTYPE html><html><head><title>Server Error | Slack</title></head><body>Slack is having trouble.</body></html>";

struct Failure {
  FakeSlackFailure kind;
  std::string channel;
  int retry_after_s = 1;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

FakeResponse json_answer(int status, const std::string& body, Headers h = {}) {
  h.emplace_back("Content-Type", "application/json; charset=utf-8");
  return FakeResponse{status, std::move(h), body};
}

FakeResponse text_answer(int status, const std::string& body, Headers h = {}) {
  h.emplace_back("Content-Type", "text/plain;charset=utf-8");
  return FakeResponse{status, std::move(h), body};
}

std::string text_of(const rapidjson::Value& v) {
  if (v.IsObject() && v.HasMember("text") && v["text"].IsString()) return v["text"].GetString();
  return {};
}

// Reads a message; false with Slack's error code when Slack would refuse it.
bool read_message(const std::string& body, FakeSlackMessage& m, std::string& error) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject()) {
    error = "invalid_payload";
    return false;
  }
  m.body = body;
  if (d.HasMember("text") && d["text"].IsString()) m.text = d["text"].GetString();
  if (d.HasMember("channel") && d["channel"].IsString()) m.channel = d["channel"].GetString();
  const bool has_blocks = d.HasMember("blocks") && d["blocks"].IsArray();
  if (m.text.empty() && !has_blocks) {
    error = "no_text";
    return false;
  }
  if (!has_blocks) return true;
  const auto& blocks = d["blocks"];
  m.blocks = blocks.Size();
  if (m.blocks > 50) {
    error = "invalid_blocks";
    return false;
  }
  for (const auto& b : blocks.GetArray()) {
    if (!b.IsObject() || !b.HasMember("type") || !b["type"].IsString()) {
      error = "invalid_blocks";
      return false;
    }
    const std::string type = b["type"].GetString();
    std::vector<std::pair<std::string, size_t>> texts;  // text, limit
    if (type == "header") {
      const std::string t = b.HasMember("text") ? text_of(b["text"]) : "";
      if (m.header.empty()) m.header = t;
      texts.push_back({t, 150});
    } else if (type == "section") {
      if (b.HasMember("text")) texts.push_back({text_of(b["text"]), 3000});
      if (b.HasMember("fields") && b["fields"].IsArray()) {
        if (b["fields"].Size() > 10) {
          error = "invalid_blocks";
          return false;
        }
        for (const auto& f : b["fields"].GetArray()) texts.push_back({text_of(f), 2000});
      }
    } else if (type == "context") {
      if (b.HasMember("elements") && b["elements"].IsArray())
        for (const auto& e : b["elements"].GetArray()) texts.push_back({text_of(e), 3000});
    } else if (type != "divider") {
      error = "invalid_blocks";
      return false;
    }
    for (const auto& [t, limit] : texts) {
      if (code_points(t) > limit) {
        error = "invalid_blocks";
        return false;
      }
      if (type != "header") m.block_text += (m.block_text.empty() ? "" : "\n") + t;
    }
  }
  return true;
}

}  // namespace

struct FakeSlack::State {
  std::string token;
  mutable std::mutex mutex;
  mutable std::condition_variable cv;
  std::vector<FakeSlackMessage> messages;
  size_t requests = 0;
  std::deque<Failure> failures;
  std::map<std::string, FakeSlackFailure> always;
  std::set<std::string> webhooks;
  std::function<void(const FakeSlackMessage&)> hook;

  // The failure for a request to `channel`, taking a scripted one.
  std::optional<Failure> failure_for(const std::string& channel) {
    std::lock_guard lock(mutex);
    ++requests;
    if (auto it = always.find(channel); it != always.end()) return Failure{it->second, channel, 1};
    for (auto it = failures.begin(); it != failures.end(); ++it)
      if (it->channel.empty() || it->channel == channel) {
        Failure f = *it;
        failures.erase(it);
        return f;
      }
    return std::nullopt;
  }

  FakeResponse accept(FakeSlackMessage m, FakeResponse answer) {
    m.received = std::chrono::steady_clock::now();
    std::function<void(const FakeSlackMessage&)> h;
    {
      std::lock_guard lock(mutex);
      h = hook;
    }
    if (h) h(m);
    {
      std::lock_guard lock(mutex);
      messages.push_back(std::move(m));
    }
    cv.notify_all();
    return answer;
  }
};

FakeSlack::FakeSlack(std::string bot_token) : state_(std::make_unique<State>()), server_(std::make_unique<FakeHttpServer>()) {
  state_->token = std::move(bot_token);
  State* s = state_.get();
  server_->on("POST", "/api/chat.postMessage", [s](const FakeRequest& req) {
    auto error = [](const std::string& code) { return json_answer(200, "{\"ok\":false,\"error\":\"" + code + "\"}"); };
    const auto auth = req.headers.find("authorization");
    if (auth == req.headers.end() || auth->second != "Bearer " + s->token) {
      std::lock_guard lock(s->mutex);
      ++s->requests;
      return error(auth == req.headers.end() ? "not_authed" : "invalid_auth");
    }
    FakeSlackMessage m;
    m.via_bot = true;
    m.headers = req.headers;
    std::string code;
    const bool ok = read_message(req.body, m, code);
    if (auto f = s->failure_for(m.channel)) {
      switch (f->kind) {
        case FakeSlackFailure::rate_limited:
          return json_answer(429, "{\"ok\":false,\"error\":\"ratelimited\"}", {{"Retry-After", std::to_string(f->retry_after_s)}});
        case FakeSlackFailure::invalid_payload: return error("invalid_blocks");
        case FakeSlackFailure::channel_not_found:
        case FakeSlackFailure::no_service: return error("channel_not_found");
        case FakeSlackFailure::action_prohibited: return error("not_in_channel");
        case FakeSlackFailure::channel_is_archived: return error("is_archived");
        case FakeSlackFailure::server_error: return FakeResponse{500, {{"Content-Type", "text/html"}}, kHtml500};
      }
    }
    if (!ok) return error(code == "invalid_payload" ? "invalid_json" : code);
    if (m.channel.empty()) return error("channel_not_found");
    return s->accept(std::move(m), json_answer(200, "{\"ok\":true,\"channel\":\"C0FAKE\",\"ts\":\"1700000000.000100\"}"));
  });
}

FakeSlack::~FakeSlack() { server_.reset(); }

std::string FakeSlack::url() const { return server_->base_url(); }
std::string FakeSlack::api_url() const { return server_->base_url() + "/api"; }
const std::string& FakeSlack::bot_token() const { return state_->token; }
FakeHttpServer& FakeSlack::server() { return *server_; }

std::string FakeSlack::webhook_url(const std::string& name) {
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->webhooks.insert(name).second) return server_->base_url() + kWebhookPrefix + name;
  }
  State* s = state_.get();
  server_->on("POST", kWebhookPrefix + name, [s, name](const FakeRequest& req) {
    if (auto f = s->failure_for(name)) {
      switch (f->kind) {
        case FakeSlackFailure::rate_limited: return text_answer(429, "", {{"Retry-After", std::to_string(f->retry_after_s)}});
        case FakeSlackFailure::invalid_payload: return text_answer(400, "invalid_payload");
        case FakeSlackFailure::channel_not_found: return text_answer(404, "channel_not_found");
        case FakeSlackFailure::no_service: return text_answer(404, "no_service");
        case FakeSlackFailure::action_prohibited: return text_answer(403, "action_prohibited");
        case FakeSlackFailure::channel_is_archived: return text_answer(410, "channel_is_archived");
        case FakeSlackFailure::server_error: return FakeResponse{500, {{"Content-Type", "text/html"}}, kHtml500};
      }
    }
    FakeSlackMessage m;
    m.headers = req.headers;
    std::string code;
    if (!read_message(req.body, m, code)) return text_answer(400, code == "no_text" ? "no_text" : "invalid_payload");
    m.channel = name;
    return s->accept(std::move(m), text_answer(200, "ok"));
  });
  return server_->base_url() + kWebhookPrefix + name;
}

std::vector<FakeSlackMessage> FakeSlack::messages() const {
  std::lock_guard lock(state_->mutex);
  return state_->messages;
}

std::vector<FakeSlackMessage> FakeSlack::messages_to(const std::string& channel) const {
  std::lock_guard lock(state_->mutex);
  std::vector<FakeSlackMessage> out;
  for (const auto& m : state_->messages)
    if (m.channel == channel) out.push_back(m);
  return out;
}

size_t FakeSlack::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

bool FakeSlack::wait_for(size_t n, std::chrono::milliseconds timeout, const std::string& channel) const {
  std::unique_lock lock(state_->mutex);
  return state_->cv.wait_for(lock, timeout, [&] {
    size_t count = 0;
    for (const auto& m : state_->messages)
      if (channel.empty() || m.channel == channel) ++count;
    return count >= n;
  });
}

void FakeSlack::fail_next(FakeSlackFailure failure, size_t n, const std::string& channel, int retry_after_s) {
  std::lock_guard lock(state_->mutex);
  for (size_t i = 0; i < n; ++i) state_->failures.push_back({failure, channel, retry_after_s});
}

void FakeSlack::fail_always(const std::string& channel, FakeSlackFailure failure, bool on) {
  std::lock_guard lock(state_->mutex);
  if (on) state_->always[channel] = failure;
  else state_->always.erase(channel);
}

void FakeSlack::on_accept(std::function<void(const FakeSlackMessage&)> hook) {
  std::lock_guard lock(state_->mutex);
  state_->hook = std::move(hook);
}

}  // namespace carewatch::testing
