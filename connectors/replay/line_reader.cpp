#include "connectors/replay/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace carewatch {

namespace {

constexpr std::size_t kInitialBuffer = 64 * 1024;

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

std::unique_ptr<LineReader> LineReader::open(const std::string& path, std::string& error,
                                             std::size_t max_line_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = errno_text(errno);
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    error = S_ISDIR(st.st_mode) ? errno_text(EISDIR) : errno_text(errno);
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<LineReader>(new LineReader(fd, std::max<std::size_t>(max_line_bytes, 16)));
}

LineReader::LineReader(int fd, std::size_t max_line_bytes)
    : fd_(fd), max_line_(max_line_bytes), buf_(std::min(kInitialBuffer, max_line_bytes + 1)) {}

LineReader::~LineReader() { ::close(fd_); }

bool LineReader::seek(std::uint64_t offset, std::string& error) {
  if (offset == position() && !discarding_) return true;
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    error = errno_text(errno);
    return false;
  }
  if (offset > static_cast<std::uint64_t>(st.st_size)) {
    error = "offset " + std::to_string(offset) + " is beyond the end of the file (" +
            std::to_string(st.st_size) + " bytes): was it truncated or replaced?";
    return false;
  }
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
    error = errno_text(errno);
    return false;
  }
  begin_ = end_ = scanned_ = 0;
  file_offset_ = offset;
  discarding_ = false;
  peeked_ = Status::eof;
  if (offset == 0) newlines_before_ = 0;
  else newlines_before_.reset();
  return true;
}

long LineReader::fill(std::string& error) {
  if (end_ == buf_.size()) {
    if (begin_ > 0) {  // make room by dropping what was consumed
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buf_.size()) buf_.resize(std::min(buf_.size() * 2, max_line_ + 1));
  }
  for (;;) {
    const ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = errno_text(errno);
      return -1;
    }
    end_ += static_cast<std::size_t>(n);
    file_offset_ += static_cast<std::uint64_t>(n);
    return static_cast<long>(n);
  }
}

LineReader::Status LineReader::peek(Line& line, std::string& error) {
  if (discarding_) {  // the rest of a too-long line whose end had not been written yet
    const int found = discard_through_newline(error);
    if (found < 0) return peeked_ = Status::error;
    if (found == 0) return peeked_ = Status::eof;
  }
  for (;;) {
    const std::size_t avail = end_ - begin_;
    const char* from = buf_.data() + begin_;
    if (scanned_ < avail) {
      const void* nl = std::memchr(from + scanned_, '\n', avail - scanned_);
      if (nl) {
        const std::size_t len = static_cast<std::size_t>(static_cast<const char*>(nl) - from);
        if (len > max_line_) break;
        line.text = std::string_view(from, len);
        line.start = position();
        line.end = line.start + len + 1;
        peeked_end_ = begin_ + len + 1;
        return peeked_ = Status::line;
      }
      scanned_ = avail;
    }
    if (avail > max_line_) break;
    const long n = fill(error);
    if (n < 0) return peeked_ = Status::error;
    if (n == 0) {
      if (avail == 0) return peeked_ = Status::eof;
      line.text = std::string_view(buf_.data() + begin_, avail);
      line.start = position();
      line.end = line.start + avail;
      peeked_end_ = end_;
      return peeked_ = Status::partial;
    }
  }
  line.text = std::string_view();
  line.start = position();
  line.end = line.start;
  return peeked_ = Status::too_long;
}

void LineReader::consume() {
  switch (peeked_) {
    case Status::line:
      begin_ = peeked_end_;
      if (newlines_before_) ++*newlines_before_;
      break;
    case Status::partial:
      begin_ = peeked_end_;
      break;
    case Status::too_long: {
      std::string ignored;  // a read error shows up again at the next peek
      discard_through_newline(ignored);
      break;
    }
    case Status::eof:
    case Status::error:
      break;
  }
  scanned_ = 0;
  peeked_ = Status::eof;
}

int LineReader::discard_through_newline(std::string& error) {
  discarding_ = true;
  scanned_ = 0;
  for (;;) {
    const void* nl = std::memchr(buf_.data() + begin_, '\n', end_ - begin_);
    if (nl) {
      begin_ = static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data()) + 1;
      discarding_ = false;
      if (newlines_before_) ++*newlines_before_;
      return 1;
    }
    begin_ = end_ = 0;  // all of it belongs to the long line
    const long n = fill(error);
    if (n < 0) return -1;
    if (n == 0) return 0;  // its end is not there yet: the next peek keeps discarding
  }
}

std::uint64_t LineReader::line_number() {
  if (!newlines_before_) {
    const std::uint64_t upto = position();
    std::vector<char> chunk(64 * 1024);
    std::uint64_t count = 0, at = 0;
    while (at < upto) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), upto - at));
      const ssize_t n = ::pread(fd_, chunk.data(), want, static_cast<off_t>(at));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      count += static_cast<std::uint64_t>(std::count(chunk.data(), chunk.data() + n, '\n'));
      at += static_cast<std::uint64_t>(n);
    }
    newlines_before_ = count;
  }
  return *newlines_before_ + 1;
}

}  // namespace carewatch
