#include "connectors/exec/exec_connector.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

#include "connectors/common/json_text.h"
#include "connectors/exec/child_process.h"
#include "connectors/exec/plugin_output.h"
#include "mention/common/time.h"

namespace carewatch {

namespace {

constexpr int kExitTempFail = 75;  // EX_TEMPFAIL: try again later
constexpr int kExitConfig = 78;    // EX_CONFIG: the configuration is wrong

// "60s" / "1500ms" for messages.
std::string seconds_text(std::chrono::milliseconds d) {
  return d.count() % 1000 == 0 ? std::to_string(d.count() / 1000) + "s" : std::to_string(d.count()) + "ms";
}

// The tail of stderr for a message: its last non-empty lines, control characters as '?', at most
// 300 bytes.
std::string stderr_excerpt(std::string tail) {
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r' || tail.back() == ' ')) tail.pop_back();
  if (tail.size() > 300) tail = "..." + tail.substr(tail.size() - 300);
  for (char& c : tail)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') c = '?';
  for (size_t at; (at = tail.find('\n')) != std::string::npos;) tail.replace(at, 1, " | ");
  return tail.empty() ? "" : "; stderr: " + tail;
}

class ExecConnector final : public Connector {
 public:
  ExecConnector(std::string source, ExecOptions options) : source_(std::move(source)), opt_(std::move(options)) {}

  PollResult poll(const std::string& cursor) override {
    std::lock_guard lock(mu_);
    rapidjson::Document cursor_doc;
    if (!cursor.empty()) {
      cursor_doc.Parse(cursor.data(), cursor.size());
      if (cursor_doc.HasParseError()) {
        PollError e;
        e.kind = PollError::Kind::fatal;
        e.message = "the stored cursor is not JSON (it was not written by this program)";
        e.bad_cursor = true;
        return PollResult::fail(e);
      }
    }
    exec::ChildSpec spec;
    spec.program = opt_.program.resolved;
    spec.argv.push_back(opt_.program.resolved);
    spec.argv.insert(spec.argv.end(), opt_.args.begin(), opt_.args.end());
    spec.env = environment();
    spec.stdin_data = request(cursor.empty() ? "null" : cursor);
    spec.timeout = opt_.timeout;
    spec.kill_grace = opt_.kill_grace;
    spec.max_line_bytes = static_cast<size_t>(opt_.max_line_bytes);

    Batch batch;
    std::string next_cursor;
    std::optional<std::chrono::milliseconds> asked_retry;
    std::vector<std::string> problems_logged;  // warning and error log lines
    size_t line_no = 0;
    const TimeMs seen = now_ms();
    const std::string platform = opt_.platform.value_or("");
    auto on_line = [&](std::string_view line, bool too_long) {
      ++line_no;
      const std::string where = opt_.program.configured + ": line " + std::to_string(line_no) + ": ";
      if (too_long) {
        batch.warnings.push_back(where + "longer than options.max_line_bytes (" +
                                 std::to_string(opt_.max_line_bytes) + "), skipped");
        return true;
      }
      exec::PluginLine l = exec::read_plugin_line(line, platform);
      switch (l.kind) {
        case exec::PluginLine::Kind::blank:
          break;
        case exec::PluginLine::Kind::bad:
          batch.warnings.push_back(where + l.error);
          break;
        case exec::PluginLine::Kind::log:
          if (l.level == "info") {
            batch.notes.push_back(opt_.program.configured + ": " + l.log);
            break;
          }
          batch.warnings.push_back(opt_.program.configured + ": " + l.level + ": " + l.log);
          problems_logged.push_back(l.log);
          break;
        case exec::PluginLine::Kind::control:
          if (l.has_cursor) next_cursor = l.cursor_json;
          if (l.more) batch.more = true;
          if (l.retry_after_s > 0)
            asked_retry = std::chrono::milliseconds(static_cast<long long>(l.retry_after_s * 1000));
          break;
        case exec::PluginLine::Kind::mention:
          if (batch.mentions.size() >= static_cast<size_t>(opt_.max_mentions)) {
            return false;
          }
          l.mention.source = source_;
          l.mention.seen_at = seen;
          batch.mentions.push_back(std::move(l.mention));
          break;
      }
      return true;
    };
    const exec::ChildResult r = exec::run_child(spec, on_line);
    SourceUsage usage;
    usage.posts_read = batch.mentions.size();
    const std::string program = opt_.program.configured;
    const std::string said = stderr_excerpt(r.stderr_tail);
    // A failed poll's warnings are dropped with it: the last one the plugin logged goes in the message.
    const std::string last_error = problems_logged.empty() ? "" : "; it logged: " + problems_logged.back();
    PollError e;
    e.retry_after = asked_retry;
    switch (r.end) {
      case exec::ChildResult::End::not_started:
        e.kind = PollError::Kind::fatal;
        e.message = program + ": " + r.error + " (options.program; a script needs a #! line naming an installed interpreter)";
        return PollResult::fail(e, usage);
      case exec::ChildResult::End::stopped:
        e.kind = PollError::Kind::fatal;
        e.message = program + ": printed more than options.max_mentions (" + std::to_string(opt_.max_mentions) +
                    ") mentions in one poll; nothing of it was used. A plugin pages: it prints {\"cursor\": ...} "
                    "and {\"more\": true} and exits (connectors/exec/PROTOCOL.md)";
        return PollResult::fail(e, usage);
      case exec::ChildResult::End::timed_out:
        e.message = program + ": ran past options.timeout (" + seconds_text(opt_.timeout) +
                    ") and was ended; the poll is retried and the cursor did not move" + said;
        return PollResult::fail(e, usage);
      case exec::ChildResult::End::signaled:
        e.message = program + ": killed by signal " + std::to_string(r.signal) + " (" + strsignal(r.signal) +
                    "); the poll is retried and the cursor did not move" + said;
        return PollResult::fail(e, usage);
      case exec::ChildResult::End::exited:
        break;
    }
    if (r.exit_code == kExitConfig) {
      e.kind = PollError::Kind::fatal;
      e.message = program + ": exited 78 (its configuration is wrong: options.settings or options.env)" +
                  last_error + said;
      return PollResult::fail(e, usage);
    }
    if (r.exit_code == kExitTempFail) {
      e.message = program + ": exited 75 (try again later)" + last_error + said;
      return PollResult::fail(e, usage);
    }
    if (r.exit_code != 0) {
      e.message = program + ": exited " + std::to_string(r.exit_code) +
                  "; the poll is retried and the cursor did not move" + last_error + said;
      return PollResult::fail(e, usage);
    }
    batch.next_cursor = next_cursor;
    batch.retry_after = asked_retry;
    return PollResult::ok(std::move(batch), usage);
  }

 private:
  // {"protocol": 1, "source": ..., "cursor": <value>, "settings": {...}} and a newline.
  std::string request(const std::string& cursor_json) const {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.StartObject();
    w.Key("protocol");
    w.Int(1);
    w.Key("source");
    w.String(source_.data(), static_cast<rapidjson::SizeType>(source_.size()));
    w.Key("cursor");
    w.RawValue(cursor_json.data(), cursor_json.size(), rapidjson::kObjectType);
    w.Key("settings");
    w.RawValue(opt_.settings.text.data(), opt_.settings.text.size(), rapidjson::kObjectType);
    w.EndObject();
    return std::string(sb.GetString(), sb.GetSize()) + "\n";
  }

  // PATH, HOME, LANG, LC_ALL, TZ of carewatch's own (when set), the CAREWATCH_* variables and
  // options.env: nothing else of carewatch's environment (its secrets) reaches the program.
  std::vector<std::string> environment() const {
    std::map<std::string, std::string> vars;
    for (const char* name : {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"})
      if (const char* v = std::getenv(name)) vars[name] = v;
    vars.emplace("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (const auto& [name, value] : opt_.env) vars[name] = value;
    vars["CAREWATCH_PROTOCOL"] = "1";
    vars["CAREWATCH_SOURCE"] = source_;
    std::vector<std::string> env;
    for (const auto& [name, value] : vars) env.push_back(name + "=" + value);
    return env;
  }

  const std::string source_;
  const ExecOptions opt_;
  std::mutex mu_;
};

}  // namespace

std::unique_ptr<Connector> make_exec_connector(const std::string& source, ExecOptions options,
                                               std::shared_ptr<HttpClient> http, std::string& error) {
  (void)http;
  if (!exec::check_options(options, error)) return nullptr;
  return std::make_unique<ExecConnector>(source, std::move(options));
}

}  // namespace carewatch
