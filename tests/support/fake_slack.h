// A fake Slack on a FakeHttpServer (loopback), answering as Slack does, for alert tests and the
// daemon's end-to-end tests:
//
//   POST /services/T0FAKE/B0FAKE/<name>   an incoming webhook (webhook_url(name)): 200 "ok"
//                                         (text/plain); 400 invalid_payload (not JSON, or blocks
//                                         beyond Slack's limits) / no_text (neither text nor blocks)
//   POST /api/chat.postMessage            the bot form (api_url() is the slack_bot api_url):
//                                         "Authorization: Bearer <bot token>" else
//                                         {"ok":false,"error":"invalid_auth"}; no channel:
//                                         channel_not_found; beyond the limits: invalid_blocks;
//                                         else {"ok":true,"channel":"C0FAKE","ts":"..."}
//
// Limits checked as Slack does: at most 50 blocks, a section's text at most 3,000 characters, a
// header's at most 150. Every accepted message is recorded; scripted failures (fail_next) answer
// like Slack and record nothing. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace carewatch::testing {

struct FakeSlackMessage {
  std::string channel;      // the webhook's name, or the bot message's "channel"
  bool via_bot = false;
  std::string body;         // the JSON as received
  std::string text;         // the top-level "text"
  size_t blocks = 0;
  std::string header;       // the first header block's text
  std::string block_text;   // every text in the blocks (sections, fields, context), joined by '\n'
  std::map<std::string, std::string> headers;  // the request's, lower-cased names
  std::chrono::steady_clock::time_point received;
};

enum class FakeSlackFailure {
  rate_limited,         // 429 with Retry-After (webhook: empty body; bot: {"ok":false,"error":"ratelimited"})
  invalid_payload,      // webhook 400 invalid_payload; bot: invalid_blocks
  channel_not_found,    // webhook 404 channel_not_found; bot: {"ok":false,"error":"channel_not_found"}
  no_service,           // webhook 404 no_service (the webhook was removed); bot: channel_not_found
  action_prohibited,    // webhook 403 action_prohibited; bot: not_in_channel
  channel_is_archived,  // webhook 410 channel_is_archived; bot: is_archived
  server_error,         // 500 with an HTML body
};

class FakeSlack {
 public:
  explicit FakeSlack(std::string bot_token = "xoxb-fake-bot-token");
  ~FakeSlack();
  FakeSlack(const FakeSlack&) = delete;
  FakeSlack& operator=(const FakeSlack&) = delete;

  std::string url() const;                               // "http://127.0.0.1:<port>"
  std::string webhook_url(const std::string& name = "alerts");  // a webhook answering from now on
  std::string api_url() const;                           // "<url>/api"
  const std::string& bot_token() const;
  FakeHttpServer& server();

  std::vector<FakeSlackMessage> messages() const;        // accepted, in order
  std::vector<FakeSlackMessage> messages_to(const std::string& channel) const;
  size_t requests() const;                               // every request, refused ones included
  // Waits until at least `n` messages were accepted (to `channel` when not empty); false on timeout.
  bool wait_for(size_t n, std::chrono::milliseconds timeout, const std::string& channel = "") const;

  // The next `n` requests to `channel` (a webhook name or a bot channel; "": any) fail so.
  void fail_next(FakeSlackFailure failure, size_t n = 1, const std::string& channel = "", int retry_after_s = 1);
  // Every request to `channel` fails so, until cleared (fail_always(..., false)).
  void fail_always(const std::string& channel, FakeSlackFailure failure, bool on = true);

  // Called on the server's thread with each accepted message before the answer is sent (a test
  // can stop or kill a sender there).
  void on_accept(std::function<void(const FakeSlackMessage&)> hook);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace carewatch::testing
