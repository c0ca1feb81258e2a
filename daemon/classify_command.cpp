#include "daemon/classify_command.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <istream>
#include <ostream>
#include <string>

#include "mention/mention_json.h"

namespace carewatch {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void write_id(Writer& w, const std::string& id) {
  w.Key("id");
  if (id.empty()) w.Null();
  else write_string(w, id);
}

void write_decision(Writer& w, const std::string& id, const Decision& d) {
  w.StartObject();
  write_id(w, id);
  w.Key("category");
  w.String(to_string(d.category));
  w.Key("priority");
  w.Int(d.priority);
  w.Key("queue");
  write_string(w, d.queue);
  w.Key("tags");
  w.StartArray();
  for (const auto& t : d.tags) write_string(w, t);
  w.EndArray();
  w.Key("rules");
  w.StartArray();
  for (const auto& r : d.rules) write_string(w, r);
  w.EndArray();
  w.EndObject();
}

// The id of a line that is not a valid mention, if the line is JSON with an "id" (or "uid").
std::string salvage_id(const std::string& line) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseStopWhenDoneFlag>(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  for (const char* key : {"id", "uid"}) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd()) continue;
    if (it->value.IsString()) return std::string(it->value.GetString(), it->value.GetStringLength());
    if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  }
  return {};
}

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

int run_classify(std::istream& in, std::ostream& out, std::ostream& err, const RuleSet& rules) {
  constexpr size_t kFlushAt = 1 << 16;
  rapidjson::StringBuffer buffer;
  std::string line, error;
  Mention m;
  size_t line_no = 0;
  int status = 0;
  auto flush = [&] {
    out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
    buffer.Clear();
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (blank(line)) continue;
    Writer w(buffer);
    if (parse_mention(line, m, error)) {
      write_decision(w, m.native_id, rules.decide(m));
    } else {
      status = 1;
      err << "line " << line_no << ": " << error << "\n";
      w.StartObject();
      write_id(w, salvage_id(line));
      w.Key("error");
      write_string(w, error);
      w.EndObject();
    }
    buffer.Put('\n');
    if (buffer.GetSize() >= kFlushAt) flush();
  }
  flush();
  out.flush();
  return status;
}

}  // namespace carewatch
