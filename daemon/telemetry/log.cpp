#include "daemon/telemetry/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>

#include "mention/mention_json.h"
#include "mention/utf8.h"

namespace carewatch::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_write_mutex;

constexpr const char* kNames[] = {"trace", "debug", "info", "warn", "error", "off"};

// Appends `s` as a JSON string literal. Invalid UTF-8 bytes become U+FFFD so the line stays
// valid JSON whatever a platform or a peer sent us.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      char32_t cp;
      const size_t n = decode_utf8(s, i, cp);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
  out += ',';
  append_json_string(out, key);
  out += ':';
  append_json_string(out, value);
}

// Writes the whole line with one write() call; retries only after an interruption or a
// partial write (a full pipe), which keeps lines whole under the mutex.
void emit(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_write_mutex);
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // stderr is gone: nothing better to do with a log line
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

bool set_level(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Level::off); ++i) {
    if (name == kNames[i]) {
      g_level.store(i, std::memory_order_relaxed);
      return true;
    }
  }
  return false;
}

Level level() { return static_cast<Level>(g_level.load(std::memory_order_relaxed)); }

bool enabled(Level l) {
  return l != Level::off && static_cast<int>(l) >= g_level.load(std::memory_order_relaxed);
}

void write(Level l, std::string_view msg, std::span<const Field> fields) {
  if (!enabled(l)) return;
  std::string line;
  line.reserve(64 + msg.size() + fields.size() * 32);
  line += "{\"ts\":\"";
  line += format_iso8601(now_ms());
  line += "\",\"level\":\"";
  line += kNames[static_cast<int>(l)];
  line += "\",\"msg\":";
  append_json_string(line, msg);
  for (const auto& [key, value] : fields) append_field(line, key, value);
  line += "}\n";
  emit(line);
}

void write(Level l, std::string_view msg, std::initializer_list<Field> fields) {
  write(l, msg, std::span<const Field>(fields.begin(), fields.size()));
}

}  // namespace carewatch::log
