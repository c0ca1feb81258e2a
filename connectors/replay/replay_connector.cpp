#include "connectors/replay/replay_connector.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>

#include "connectors/replay/line_reader.h"
#include "mention/mention_json.h"

namespace carewatch {

namespace {

constexpr size_t kMaxWarningsPerBatch = 20;

struct ReplayOptions {
  std::string path;          // as configured
  std::string resolved_path;  // relative to the configuration's directory
  bool timestamps = false;
  double speed = 1.0;
  size_t batch_size = 500;
  bool rebase = false;
  std::string platform;
};

bool valid_platform(const std::string& p) {
  if (p.empty()) return false;
  for (char c : p)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

bool parse_options(const SourceSpec& spec, ReplayOptions& o, std::string& error) {
  rapidjson::Document doc;
  const std::string& text = spec.options_json.empty() ? std::string("{}") : spec.options_json;
  doc.Parse<rapidjson::kParseCommentsFlag>(text.c_str(), text.size());
  if (doc.HasParseError()) {
    error = std::string("options: invalid JSON at offset ") + std::to_string(doc.GetErrorOffset()) +
            ": " + rapidjson::GetParseError_En(doc.GetParseError());
    return false;
  }
  if (!doc.IsObject()) {
    error = "options: expected an object";
    return false;
  }
  std::optional<bool> rebase;
  for (const auto& m : doc.GetObject()) {
    const std::string key(m.name.GetString(), m.name.GetStringLength());
    const auto& v = m.value;
    const std::string where = "options." + key;
    if (key == "path") {
      if (!v.IsString() || v.GetStringLength() == 0) {
        error = where + ": expected a file name";
        return false;
      }
      o.path.assign(v.GetString(), v.GetStringLength());
    } else if (key == "pace") {
      const std::string pace = v.IsString() ? v.GetString() : "";
      if (pace != "full" && pace != "timestamps") {
        error = where + ": expected \"full\" or \"timestamps\"" +
                (v.IsString() ? ", got \"" + pace + "\"" : std::string());
        return false;
      }
      o.timestamps = pace == "timestamps";
    } else if (key == "speed") {
      if (!v.IsNumber() || !(v.GetDouble() > 0) || !std::isfinite(v.GetDouble())) {
        error = where + ": expected a number greater than 0";
        return false;
      }
      o.speed = v.GetDouble();
    } else if (key == "batch_size") {
      if (!v.IsInt64() || v.GetInt64() < 1 || v.GetInt64() > 10000) {
        error = where + ": expected an integer from 1 to 10000";
        return false;
      }
      o.batch_size = static_cast<size_t>(v.GetInt64());
    } else if (key == "rebase_time") {
      if (!v.IsBool()) {
        error = where + ": expected true or false";
        return false;
      }
      rebase = v.GetBool();
    } else if (key == "platform") {
      if (!v.IsString() || !valid_platform(v.GetString())) {
        error = where + ": expected a platform name of lower-case letters, digits, '_', '-' or '.'";
        return false;
      }
      o.platform = v.GetString();
    } else {
      error = where + ": unknown option (known: path, pace, speed, batch_size, rebase_time, platform)";
      return false;
    }
  }
  if (o.path.empty()) {
    error = "options.path: required";
    return false;
  }
  o.rebase = rebase.value_or(o.timestamps);
  const std::filesystem::path p(o.path);
  o.resolved_path = (p.is_absolute() || spec.base_dir.empty())
                        ? o.path
                        : (std::filesystem::path(spec.base_dir) / p).string();
  return true;
}

bool blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

class ReplayConnector final : public Connector {
 public:
  ReplayConnector(std::string source, ReplayOptions options, std::unique_ptr<LineReader> reader)
      : source_(std::move(source)), opt_(std::move(options)), reader_(std::move(reader)) {}

  bool finite() const override { return true; }

  PollResult poll(const std::string& cursor) override {
    std::lock_guard lock(mutex_);
    std::uint64_t offset = 0;
    if (!cursor.empty()) {
      const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), offset);
      if (ec != std::errc() || end != cursor.data() + cursor.size())
        return bad_cursor("cursor: expected a byte offset of " + opt_.path + ", got \"" + cursor + "\"");
    }
    std::string error;
    if (!reader_->seek(offset, error))
      return bad_cursor("cursor " + cursor + " of \"" + opt_.resolved_path + "\": " + error);

    const TimeMs now = now_ms();
    Batch batch;
    size_t lines = 0, warned = 0, unreported = 0;
    auto warn = [&](std::string message) {
      if (warned++ < kMaxWarningsPerBatch) batch.warnings.push_back(std::move(message));
      else ++unreported;
    };
    LineReader::Line line;
    for (;;) {
      const LineReader::Status status = reader_->peek(line, error);
      if (status == LineReader::Status::eof) {
        batch.exhausted = true;
        break;
      }
      if (status == LineReader::Status::error) {
        if (lines == 0)
          return PollResult::fail({PollError::Kind::retry, "\"" + opt_.resolved_path + "\": read failed: " + error, {}});
        break;  // return what was read; the next poll retries the read
      }
      if (lines == opt_.batch_size) {  // full: say whether the next line can be had at once
        if (opt_.timestamps && (status == LineReader::Status::line || status == LineReader::Status::partial)) {
          const Parsed& next = parse(line);
          if (next.ok && due(next.mention, now) > now) batch.retry_after = wait_until(due(next.mention, now), now);
          else batch.more = true;
        } else {
          batch.more = true;
        }
        break;
      }
      if (status == LineReader::Status::too_long) {
        warn(where() + ": line longer than " + std::to_string(reader_->max_line_bytes()) +
             " bytes, skipped");
        reader_->consume();
        ++lines;
        continue;
      }
      if (blank(strip_bom(line))) {
        reader_->consume();
        ++lines;
        continue;
      }
      Parsed& parsed = parse(line);
      if (!parsed.ok) {
        if (status == LineReader::Status::partial) {
          // The writer may be half-way through this line: wait for the rest, say so once.
          if (warned_partial_at_ != line.start) {
            warned_partial_at_ = line.start;
            warn(where() + ": last line has no newline and does not parse yet (" +
                 parsed.error + "); waiting for the rest of it");
          }
          batch.exhausted = true;
          break;
        }
        warn(where() + ": " + parsed.error);
        reader_->consume();
        ++lines;
        continue;
      }
      if (opt_.timestamps) {
        const TimeMs at = due(parsed.mention, now);
        if (at > now) {
          batch.retry_after = wait_until(at, now);
          break;
        }
      }
      Mention m = std::move(parsed.mention);
      cached_.reset();
      finish(m, now);
      batch.mentions.push_back(std::move(m));
      reader_->consume();
      ++lines;
    }
    if (unreported)
      batch.warnings.push_back("\"" + opt_.resolved_path + "\": " + std::to_string(unreported) +
                               " more malformed lines skipped in this batch");
    batch.next_cursor = std::to_string(reader_->position());
    return PollResult::ok(std::move(batch));
  }

 private:
  struct Parsed {
    std::uint64_t start = 0, end = 0;
    bool ok = false;
    Mention mention;
    std::string error;
  };

  static std::string_view strip_bom(const LineReader::Line& line) {
    std::string_view t = line.text;
    if (line.start == 0 && t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
    return t;
  }

  static PollResult bad_cursor(std::string message) {
    return PollResult::fail({PollError::Kind::fatal, std::move(message), {}, true});
  }

  static std::chrono::milliseconds wait_until(TimeMs at, TimeMs now) {
    return std::chrono::milliseconds(std::max<TimeMs>(1, at - now));
  }

  std::string where() {
    return opt_.resolved_path + ":" + std::to_string(reader_->line_number());
  }

  // Parses the line once: a line held back (not yet due) is not parsed again on the next poll.
  Parsed& parse(const LineReader::Line& line) {
    if (cached_ && cached_->start == line.start && cached_->end == line.end) return *cached_;
    cached_.emplace();
    cached_->start = line.start;
    cached_->end = line.end;
    cached_->ok = parse_mention(strip_bom(line), cached_->mention, cached_->error);
    return *cached_;
  }

  // The wall-clock time a mention is released (and, with rebase_time, its new posted_at):
  // the first mention read is due now, the others after their gap to it divided by speed.
  TimeMs due(const Mention& m, TimeMs now) {
    if (m.posted_at <= 0) return now;
    if (!anchored_) {
      anchored_ = true;
      file_t0_ = m.posted_at;
      wall_t0_ = now;
    }
    return wall_t0_ + static_cast<TimeMs>(std::llround(static_cast<double>(m.posted_at - file_t0_) / opt_.speed));
  }

  void finish(Mention& m, TimeMs now) {
    m.source = source_;
    m.seen_at = now;
    if (!opt_.platform.empty() && m.platform != opt_.platform) {
      m.platform = opt_.platform;
      m.uid = make_uid(m.platform, m.native_id);
    }
    if (opt_.rebase && m.posted_at > 0) m.posted_at = due(m, now);
  }

  std::mutex mutex_;
  const std::string source_;
  const ReplayOptions opt_;
  std::unique_ptr<LineReader> reader_;
  std::optional<Parsed> cached_;
  std::uint64_t warned_partial_at_ = UINT64_MAX;
  bool anchored_ = false;
  TimeMs file_t0_ = 0, wall_t0_ = 0;
};

}  // namespace

std::unique_ptr<Connector> make_replay_connector(const SourceSpec& spec,
                                                 std::shared_ptr<HttpClient> /*http*/,
                                                 std::string& error) {
  ReplayOptions options;
  if (!parse_options(spec, options, error)) return nullptr;
  std::string why;
  auto reader = LineReader::open(options.resolved_path, why);
  if (!reader) {
    error = "options.path: cannot open \"" + options.resolved_path + "\": " + why;
    return nullptr;
  }
  return std::make_unique<ReplayConnector>(spec.name, std::move(options), std::move(reader));
}

}  // namespace carewatch
