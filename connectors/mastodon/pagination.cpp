#include "connectors/mastodon/pagination.h"

#include <rapidjson/document.h>

#include <algorithm>

#include "connectors/common/json_text.h"

namespace carewatch::mastodon {

using namespace text;  // the shared JSON and message text helpers

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  return true;
}

bool id_less(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::string link_prev(std::string_view h) {
  size_t i = 0;
  while (i < h.size()) {
    const size_t open = h.find('<', i);
    if (open == std::string_view::npos) return {};
    const size_t close = h.find('>', open + 1);
    if (close == std::string_view::npos) return {};
    const std::string_view url = h.substr(open + 1, close - open - 1);
    size_t end = h.find(',', close + 1);
    const size_t next_open = h.find('<', close + 1);
    if (next_open != std::string_view::npos && (end == std::string_view::npos || next_open < end))
      end = next_open;
    if (end == std::string_view::npos) end = h.size();
    const std::string params = lower(std::string(h.substr(close + 1, end - close - 1)));
    // rel="prev" or rel=prev, possibly among other relation types.
    const size_t rel = params.find("rel=");
    if (rel != std::string::npos) {
      std::string value = params.substr(rel + 4);
      if (!value.empty() && value.front() == '"') {
        const size_t q = value.find('"', 1);
        value = value.substr(1, q == std::string::npos ? std::string::npos : q - 1);
      } else {
        value = value.substr(0, value.find(';'));
      }
      size_t p = 0;
      while (p < value.size()) {
        while (p < value.size() && value[p] == ' ') ++p;
        const size_t e = std::min(value.size(), value.find(' ', p));
        if (value.substr(p, e - p) == "prev" || value.substr(p, e - p) == "previous")
          return std::string(url);
        p = e;
      }
    }
    i = end;
  }
  return {};
}

bool parse_cursor(const std::string& text, Cursor& out, std::string& error) {
  if (text.empty()) return true;
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    error = "cursor: expected a JSON object of stream -> newest id, got " + quoted(text);
    return false;
  }
  for (const auto& m : doc.GetObject()) {
    if (!m.value.IsString() || !valid_id(std::string_view(m.value.GetString(), m.value.GetStringLength()))) {
      error = "cursor: " + quoted(json_string(m.name)) + ": expected an id string";
      return false;
    }
    out[json_string(m.name)] = json_string(m.value);
  }
  return true;
}

std::string write_cursor(const Cursor& cursor) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  for (const auto& [k, v] : cursor)
    doc.AddMember(rapidjson::Value(k.c_str(), static_cast<rapidjson::SizeType>(k.size()), a),
                  rapidjson::Value(v.c_str(), static_cast<rapidjson::SizeType>(v.size()), a), a);
  return to_text(doc);
}

}  // namespace carewatch::mastodon
