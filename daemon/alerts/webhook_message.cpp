#include "daemon/alerts/webhook_message.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <set>

#include "daemon/alerts/alert_channel_text.h"
#include "daemon/alerts/alert_json.h"

namespace carewatch {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void string(Writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void console_urls(Writer& w, const std::vector<Alert>& alerts, const std::string& console_url) {
  w.Key("console_urls");
  w.StartObject();
  std::set<std::string> seen;
  for (const auto& a : alerts)
    for (const auto& m : a.mentions) {
      const std::string link = console_link(console_url, m.uid);
      if (link.empty() || !seen.insert(m.uid).second) continue;
      string(w, m.uid);
      string(w, link);
    }
  w.EndObject();
}

}  // namespace

std::string webhook_message_json(const std::vector<Alert>& alerts, const std::string& console_url) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("type");
  if (alerts.size() == 1) {
    w.String("alert");
    w.Key("text");
    string(w, std::string(kind_label(alerts.front().kind)) + ": " + alerts.front().title);
    w.Key("alert");
    w.StartObject();
    write_alert_members(w, alerts.front());
    w.EndObject();
  } else {
    w.String("digest");
    w.Key("text");
    string(w, digest_title(alerts));
    w.Key("alerts");
    w.StartArray();
    for (const auto& a : alerts) {
      w.StartObject();
      write_alert_members(w, a);
      w.EndObject();
    }
    w.EndArray();
  }
  console_urls(w, alerts, console_url);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac.data(), &length);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 0xF];
  }
  return out;
}

std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  const std::string t = std::to_string(unix_seconds);
  std::string signed_text = t;
  signed_text += '.';
  signed_text += body;
  return "t=" + t + ",v1=" + hmac_sha256_hex(secret, signed_text);
}

}  // namespace carewatch
