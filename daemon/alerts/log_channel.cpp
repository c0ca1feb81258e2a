#include "daemon/alerts/log_channel.h"

#include <cstdio>

#include "daemon/alerts/alert_channel_text.h"

namespace carewatch {

LogChannel::LogChannel(AlertChannelConfig config, std::string console_url, Writer write)
    : config_(std::move(config)), console_url_(std::move(console_url)), write_(std::move(write)) {
  if (!write_)
    write_ = [](const std::string& line) {
      static std::mutex mutex;
      std::lock_guard lock(mutex);
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
    };
}

Delivery LogChannel::deliver(const std::vector<Alert>& alerts) {
  if (alerts.size() == 1) {
    write_(alert_log_line(alerts.front(), console_url_));
    return Delivery::sent();
  }
  write_("ALERT [digest] " + digest_title(alerts));
  for (const auto& a : alerts) write_("  " + alert_log_line(a, console_url_));
  return Delivery::sent();
}

}  // namespace carewatch
