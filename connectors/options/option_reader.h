// The one typed reader of connector options: reads sources[i].options into a connector's options
// struct, so every connector declares its options as a struct plus one read() that names each
// field once:
//
//   void ReplayOptions::read(OptionReader& r) {
//     r.read("path", path);
//     r.read("speed", speed);
//     ...
//   }
//
// The connector type's schema.json is the one definition of an option: its name, type, range,
// description and default. The configuration loader validates the options against it before any
// connector is built; the README's option tables are generated from it
// (scripts/connector-options-table). The reader takes from the schema:
//   - defaults: an absent option gets the schema's "default" (read through the same conversion, so
//     "default": "10s" of a duration is parsed like a configured "10s"). Absent without a default
//     is allowed only for a std::optional field (it stays empty) or a required option (an error);
//     a plain field without a schema default is a connector bug, reported as one;
//   - a duration's range: "minimum" / "maximum" of a duration property are milliseconds and bound
//     the string form ("11m") too, which a schema cannot check.
// It still checks each value's JSON type (an options object a test or a tool built by hand is not
// validated) and reports the first problem naming the option: `options.timeout: expected a
// duration like "10s", got "fast"`. finish() reports options present that nothing read.
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace carewatch {

// A file named in the options: as configured (for messages) and resolved against the directory
// of the configuration file (to open).
struct OptionPath {
  std::string configured;
  std::string resolved;
};

// An option whose value is any JSON, kept as its text (compact): what a connector hands on without
// reading it (the exec connector's settings for its program).
struct OptionJson {
  std::string text;
};

class OptionReader {
 public:
  // `options_json`: sources[i].options ("" reads as {}); `schema`: the connector type's
  // schema.json; `base_dir`: the configuration file's directory, for OptionPath ("" = as given).
  OptionReader(std::string_view options_json, const char* schema, std::string base_dir);

  void read(std::string_view name, std::string& out);
  void read(std::string_view name, bool& out);
  void read(std::string_view name, int& out);
  void read(std::string_view name, double& out);
  void read(std::string_view name, std::vector<std::string>& out);
  // An object whose values are all strings ({"API_TOKEN": "${FORUM_TOKEN}"}).
  void read(std::string_view name, std::map<std::string, std::string>& out);
  void read(std::string_view name, OptionJson& out);
  // "250ms", "10s", "1h30m" (mention/common/duration.h), or an integer of milliseconds when the
  // schema's type allows "integer".
  void read(std::string_view name, std::chrono::milliseconds& out);
  // A non-empty file name, resolved against the configuration file's directory.
  void read(std::string_view name, OptionPath& out);
  // Absent and without a schema default: stays empty.
  template <class T>
  void read(std::string_view name, std::optional<T>& out) {
    if (const rapidjson::Value* v = find(name, true)) {
      T value{};
      if (convert(name, *v, value)) out = std::move(value);
    }
  }

  // Records a problem with option `name`: "options.<name>: <message>". The first problem wins;
  // reads after it do nothing.
  void fail(std::string_view name, const std::string& message);
  bool ok() const { return error_.empty(); }

  // Call after every read: true when all went well; else sets `error`. Options that are present
  // but were not read are errors ("options.sped: unknown option (known: path, pace, ...)").
  bool finish(std::string& error);

 private:
  // The value of `name`: the configured one, else the schema's default, else nullptr (an error
  // unless `may_be_absent`).
  const rapidjson::Value* find(std::string_view name, bool may_be_absent);
  const rapidjson::Value* property(std::string_view name) const;  // its schema, or nullptr

  bool convert(std::string_view name, const rapidjson::Value& v, std::string& out);
  bool convert(std::string_view name, const rapidjson::Value& v, bool& out);
  bool convert(std::string_view name, const rapidjson::Value& v, int& out);
  bool convert(std::string_view name, const rapidjson::Value& v, double& out);
  bool convert(std::string_view name, const rapidjson::Value& v, std::vector<std::string>& out);
  bool convert(std::string_view name, const rapidjson::Value& v, std::map<std::string, std::string>& out);
  bool convert(std::string_view name, const rapidjson::Value& v, OptionJson& out);
  bool convert(std::string_view name, const rapidjson::Value& v, std::chrono::milliseconds& out);
  bool convert(std::string_view name, const rapidjson::Value& v, OptionPath& out);
  template <class T>
  void read_plain(std::string_view name, T& out) {
    if (const rapidjson::Value* v = find(name, false)) convert(name, *v, out);
  }

  rapidjson::Document options_;
  rapidjson::Document schema_;
  std::string base_dir_;
  std::set<std::string, std::less<>> read_;
  std::string error_;
};

}  // namespace carewatch
