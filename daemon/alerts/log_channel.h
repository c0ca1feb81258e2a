// The log channel: each alert as one readable line on standard output (alert_log_line), for
// trying carewatch without Slack:
//   ALERT [urgent] Urgent complaint (p0, rules outage) by @dan — "the app is down again" — https://...
// A digest writes its title, then one line per alert.
#pragma once

#include <functional>
#include <mutex>

#include "daemon/alerts/alert_channel.h"

namespace carewatch {

class LogChannel final : public AlertChannel {
 public:
  using Writer = std::function<void(const std::string& line)>;
  // `write` gets each line (without newline); default: standard output, flushed.
  LogChannel(AlertChannelConfig config, std::string console_url, Writer write = nullptr);
  const AlertChannelConfig& config() const override { return config_; }
  Delivery deliver(const std::vector<Alert>& alerts) override;

 private:
  AlertChannelConfig config_;
  std::string console_url_;
  Writer write_;
};

}  // namespace carewatch
