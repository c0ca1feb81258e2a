// Reading a whole file, with an error that names it.
#pragma once

#include <string>

namespace carewatch {

// Reads `path` into `bytes`. On failure returns false and sets `error` to
// "cannot read <path>: <reason>" (a directory is refused with EISDIR's reason).
bool read_file(const std::string& path, std::string& bytes, std::string& error);

}  // namespace carewatch
