#include "daemon/api/sse_frame.h"

namespace carewatch {

namespace {

// Appends `prefix` + each line of `text` + "\n"; an empty text is one empty line.
void append_lines(std::string& out, std::string_view prefix, std::string_view text) {
  size_t start = 0;
  while (true) {
    const size_t end = text.find_first_of("\r\n", start);
    out += prefix;
    out += text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    out += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
    if (text[end] == '\r' && start < text.size() && text[start] == '\n') ++start;  // CRLF is one break
  }
}

}  // namespace

std::string sse_event(std::string_view name, std::string_view data) {
  std::string out;
  out.reserve(name.size() + data.size() + 16);
  if (!name.empty()) {
    out += "event: ";
    for (char c : name)
      if (c != '\r' && c != '\n') out += c;
    out += '\n';
  }
  append_lines(out, "data: ", data);
  out += '\n';
  return out;
}

std::string sse_comment(std::string_view text) {
  std::string out;
  append_lines(out, ": ", text);
  out += '\n';
  return out;
}

std::string sse_retry(int milliseconds) { return "retry: " + std::to_string(milliseconds) + "\n\n"; }

}  // namespace carewatch
