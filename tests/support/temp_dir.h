// A fresh directory under the system's temporary directory for one test, removed afterwards.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace carewatch::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "carewatch-test-") {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / (prefix + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The path of `name` inside the directory.
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Writes `content` to `name` (bytes as they are) and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    const std::string p = path(name);
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace carewatch::testing
