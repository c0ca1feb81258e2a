#include "daemon/cli/classify_command.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <unistd.h>

#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "mention/mention_json.h"
#include "rules/default_rules.h"

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

// Splits a stream into lines, reading it in large blocks (std::getline on std::cin reads a
// character at a time while cin is synchronised with stdio).
class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in) {}

  bool next(std::string& line) {
    line.clear();
    for (;;) {
      const size_t nl = block_.find('\n', pos_);
      if (nl != std::string::npos) {
        line.append(block_, pos_, nl - pos_);
        pos_ = nl + 1;
        return true;
      }
      line.append(block_, pos_, std::string::npos);
      pos_ = 0;
      block_.resize(kBlock);
      const std::streamsize n = in_.rdbuf() ? in_.rdbuf()->sgetn(block_.data(), kBlock) : 0;
      block_.resize(n > 0 ? static_cast<size_t>(n) : 0);
      if (block_.empty()) return !line.empty();
    }
  }

 private:
  static constexpr std::streamsize kBlock = 1 << 16;
  std::istream& in_;
  std::string block_;
  size_t pos_ = 0;
};

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

int run_classify(std::istream& in, std::ostream& out, std::ostream& err, const RuleSet& rules,
                 const ClassifyOptions& options) {
  constexpr size_t kFlushAt = 1 << 16;
  // Lines are decided a batch at a time (the rules decide a batch stage by stage, faster than
  // one mention after another), one at a time when every line is flushed as it is answered.
  constexpr size_t kBatch = RuleSet::kBatch;
  struct Pending {
    bool parsed = false;
    Mention mention;
    std::string error_json;  // the answer to a line that is not a mention
  };
  std::vector<Pending> pending(kBatch);
  size_t count = 0;
  std::vector<const Mention*> to_decide;
  std::vector<Decision> decisions;
  std::string buffer, line, error;
  rapidjson::StringBuffer error_line;
  size_t line_no = 0;
  int status = 0;
  auto flush = [&] {
    out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    buffer.clear();
  };
  // Decides the pending lines and appends their answers, in input order.
  auto answer = [&] {
    to_decide.clear();
    for (size_t i = 0; i < count; ++i)
      if (pending[i].parsed) to_decide.push_back(&pending[i].mention);
    decisions.resize(to_decide.size());
    rules.decide(std::span<const Mention* const>(to_decide), std::span<Decision>(decisions));
    size_t k = 0;
    for (size_t i = 0; i < count; ++i) {
      const Pending& p = pending[i];
      if (p.parsed) append_decision_json(p.mention.native_id, !p.mention.native_id.empty(), decisions[k++], buffer);
      else buffer += p.error_json;
      buffer.push_back('\n');
    }
    count = 0;
    if (options.flush_each_line) {
      flush();
      out.flush();
    } else if (buffer.size() >= kFlushAt) {
      flush();
    }
  };
  LineReader reader(in);
  while (reader.next(line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (blank(line)) continue;
    Pending& p = pending[count++];
    p.parsed = parse_mention(line, p.mention, error);
    if (!p.parsed) {
      status = 1;
      err << "line " << line_no << ": " << error << "\n";
      error_line.Clear();
      Writer w(error_line);
      w.StartObject();
      write_id(w, salvage_id(line));
      w.Key("error");
      write_string(w, error);
      w.EndObject();
      p.error_json.assign(error_line.GetString(), error_line.GetSize());
    }
    if (options.flush_each_line || count == kBatch) answer();
  }
  if (count > 0) answer();
  flush();
  out.flush();
  return status;
}

int run_classify(std::istream& in, std::ostream& out, std::ostream& err, const RuleSet& rules) {
  ClassifyOptions options;
  options.flush_each_line = &out == &std::cout && isatty(STDOUT_FILENO) == 1;
  return run_classify(in, out, err, rules, options);
}

int run_classify_command(const std::string& config_path, const std::string& rules_path, std::istream& in,
                         std::ostream& out, std::ostream& err) {
  std::string path = rules_path;
  if (path.empty() && !config_path.empty()) {
    std::vector<std::string> errors;
    auto cfg = load_config(config_path, errors);
    if (!cfg) {
      for (const auto& e : errors) err << config_path << ": " << e << "\n";
      return 2;
    }
    path = cfg->rules_path;
  }
  std::string error;
  const auto rules = load_rules_or_default(path, error);
  if (!rules) {
    err << "carewatch classify: " << error << "\n";
    return 2;
  }
  return run_classify(in, out, err, *rules);
}

}  // namespace carewatch
