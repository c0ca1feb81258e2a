// Reads a (possibly growing) text file line by line through one open descriptor and one reusable
// buffer: sequential reads never re-read the file, a seek happens only when asked for a position
// other than the current one, and memory stays bounded by the longest line allowed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carewatch {

class LineReader {
 public:
  enum class Status {
    line,      // a complete line (its '\n' not included in text)
    partial,   // bytes at the end of the file without a '\n' (yet): the writer may still be at it
    eof,       // nothing to read right now (a later peek sees appended bytes)
    too_long,  // the line is longer than max_line_bytes; consume() skips it through its '\n'
    error,     // the read failed; `error` says why
  };
  struct Line {
    std::string_view text;  // valid until the next peek/consume/seek
    std::uint64_t start = 0;  // byte offset of the line's first byte
    std::uint64_t end = 0;    // byte offset just after the line (after its '\n' when terminated)
  };

  // Opens `path` for reading. On failure returns nullptr and sets `error` to strerror's text.
  static std::unique_ptr<LineReader> open(const std::string& path, std::string& error,
                                          std::size_t max_line_bytes = 16u << 20);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Byte offset of the next unconsumed line.
  std::uint64_t position() const { return file_offset_ - (end_ - begin_); }
  // Moves to `offset` (a no-op when already there). Fails when the offset lies beyond the end of
  // the file (it was truncated or replaced) or the seek fails.
  bool seek(std::uint64_t offset, std::string& error);

  // Looks at the next line without consuming it.
  Status peek(Line& line, std::string& error);
  // Consumes what the last peek returned (line, partial or too_long).
  void consume();

  // 1-based number of the line at position(). Counted as lines are consumed; after a seek to
  // the middle of the file it is computed once, on first use, by counting the newlines before.
  std::uint64_t line_number();
  std::size_t max_line_bytes() const { return max_line_; }

 private:
  LineReader(int fd, std::size_t max_line_bytes);
  long fill(std::string& error);  // reads more bytes at the end; returns bytes read, 0 at EOF, -1
  // Drops bytes through the next '\n': 1 found, 0 not there yet (keeps discarding), -1 error.
  int discard_through_newline(std::string& error);

  int fd_;
  std::size_t max_line_;
  std::vector<char> buf_;
  std::size_t begin_ = 0;          // next unconsumed byte in buf_
  std::size_t end_ = 0;            // bytes of buf_ holding file data
  std::size_t scanned_ = 0;        // bytes from begin_ already known to hold no '\n'
  std::uint64_t file_offset_ = 0;  // file offset of buf_[end_]
  std::optional<std::uint64_t> newlines_before_ = 0;  // '\n' count in [0, position())
  bool discarding_ = false;        // inside a too-long line whose end was not read yet
  // What the last peek returned, for consume().
  Status peeked_ = Status::eof;
  std::size_t peeked_end_ = 0;
};

}  // namespace carewatch
