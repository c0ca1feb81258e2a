#include "daemon/config/env_expansion.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "daemon/config/json_schema.h"

namespace carewatch {

namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Returns false (with `problem` set) when the text has a malformed reference or names an unset
// variable.
bool expand_text(std::string_view in, std::string& out, const EnvLookup& env, std::string& problem) {
  out.clear();
  for (size_t i = 0; i < in.size();) {
    if (in[i] == '$' && in.substr(i, 3) == "$${") {
      out += "${";
      i += 3;
    } else if (in[i] == '$' && in.substr(i, 2) == "${") {
      const size_t close = in.find('}', i + 2);
      const std::string_view name =
          close == std::string_view::npos ? std::string_view() : in.substr(i + 2, close - i - 2);
      if (name.empty() || !is_name_start(name[0]) || !std::all_of(name.begin(), name.end(), is_name_char)) {
        problem = "expected \"${NAME}\" with NAME made of letters, digits and '_' (write \"$${\" for a "
                  "literal \"${\"), got " + json_quoted(in);
        return false;
      }
      auto value = env ? env(std::string(name)) : std::nullopt;
      if (!value) {
        problem = "environment variable " + std::string(name) + " is not set";
        return false;
      }
      out += *value;
      i = close + 1;
    } else {
      out += in[i++];
    }
  }
  return true;
}

}  // namespace

void expand_env(rapidjson::Value& v, const std::string& path, rapidjson::Document::AllocatorType& alloc,
                const EnvLookup& env, ConfigReport& report) {
  if (v.IsObject()) {
    for (auto& m : v.GetObject())
      expand_env(m.value, child_path(path, std::string(m.name.GetString(), m.name.GetStringLength())), alloc, env,
                 report);
  } else if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) expand_env(v[i], index_path(path, i), alloc, env, report);
  } else if (v.IsString()) {
    const std::string_view text(v.GetString(), v.GetStringLength());
    if (text.find("${") == std::string_view::npos) return;
    std::string out, problem;
    if (!expand_text(text, out, env, problem)) {
      report.add(path, problem);
      report.quiet.insert(path);
      return;
    }
    report.written[path] = std::string(text);
    v.SetString(out.data(), static_cast<rapidjson::SizeType>(out.size()), alloc);
  }
}

}  // namespace carewatch
