#include "connectors/replay/replay_connector.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <optional>

#include "connectors/common/poll_tally.h"
#include "connectors/replay/line_reader.h"
#include "mention/mention_json.h"

namespace carewatch {

namespace {

bool blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

class ReplayConnector final : public Connector {
 public:
  ReplayConnector(std::string source, ReplayOptions options, std::unique_ptr<LineReader> reader)
      : source_(std::move(source)),
        opt_(std::move(options)),
        timestamps_(opt_.pace == "timestamps"),
        rebase_(opt_.rebase_time.value_or(timestamps_)),
        batch_size_(static_cast<size_t>(opt_.batch_size)),
        platform_(opt_.platform.value_or("")),
        reader_(std::move(reader)) {}

  bool finite() const override { return true; }

  PollResult poll(const std::string& cursor) override {
    std::lock_guard lock(mutex_);
    std::uint64_t offset = 0;
    if (!cursor.empty()) {
      const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), offset);
      if (ec != std::errc() || end != cursor.data() + cursor.size())
        return bad_cursor("cursor: expected a byte offset of " + opt_.path.configured + ", got \"" + cursor + "\"");
    }
    std::string error;
    if (!reader_->seek(offset, error))
      return bad_cursor("cursor " + cursor + " of \"" + opt_.path.resolved + "\": " + error);

    const TimeMs now = now_ms();
    Batch batch;
    size_t lines = 0;
    PollTally tally;
    auto warn = [&](std::string message) { tally.warn(batch, std::move(message)); };
    LineReader::Line line;
    for (;;) {
      const LineReader::Status status = reader_->peek(line, error);
      if (status == LineReader::Status::eof) {
        batch.exhausted = true;
        break;
      }
      if (status == LineReader::Status::error) {
        if (lines == 0)
          return PollResult::fail({PollError::Kind::retry, "\"" + opt_.path.resolved + "\": read failed: " + error, {}});
        break;  // return what was read; the next poll retries the read
      }
      if (lines == batch_size_) {  // full: say whether the next line can be had at once
        if (timestamps_ && (status == LineReader::Status::line || status == LineReader::Status::partial)) {
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
      if (timestamps_) {
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
    if (tally.unreported)
      batch.warnings.push_back("\"" + opt_.path.resolved + "\": " + std::to_string(tally.unreported) +
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
    return opt_.path.resolved + ":" + std::to_string(reader_->line_number());
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
    if (!platform_.empty() && m.platform != platform_) {
      m.platform = platform_;
      m.uid = make_uid(m.platform, m.native_id);
    }
    if (rebase_ && m.posted_at > 0) m.posted_at = due(m, now);
  }

  std::mutex mutex_;
  const std::string source_;
  const ReplayOptions opt_;
  const bool timestamps_;  // pace "timestamps"
  const bool rebase_;
  const size_t batch_size_;
  const std::string platform_;  // empty: each line's own
  std::unique_ptr<LineReader> reader_;
  std::optional<Parsed> cached_;
  std::uint64_t warned_partial_at_ = UINT64_MAX;
  bool anchored_ = false;
  TimeMs file_t0_ = 0, wall_t0_ = 0;
};

}  // namespace

void ReplayOptions::read(OptionReader& r) {
  r.read("path", path);
  r.read("pace", pace);
  r.read("speed", speed);
  r.read("batch_size", batch_size);
  r.read("rebase_time", rebase_time);
  r.read("platform", platform);
}

std::unique_ptr<Connector> make_replay_connector(const std::string& source, ReplayOptions options,
                                                 std::shared_ptr<HttpClient> /*http*/, std::string& error) {
  std::string why;
  auto reader = LineReader::open(options.path.resolved, why);
  if (!reader) {
    error = "options.path: cannot open \"" + options.path.resolved + "\": " + why;
    return nullptr;
  }
  return std::make_unique<ReplayConnector>(source, std::move(options), std::move(reader));
}

}  // namespace carewatch
