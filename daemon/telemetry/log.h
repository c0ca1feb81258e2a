// Structured logs: one JSON object a line on stderr
//   {"ts":"2026-11-22T10:00:00.000Z","level":"warn","msg":"poll failed","source":"tag","error":"..."}
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace carewatch::log {

enum class Level { trace = 0, debug, info, warn, error, off };

bool set_level(std::string_view name);  // false if the name is unknown
Level level();
bool enabled(Level l);

using Field = std::pair<std::string_view, std::string_view>;
void write(Level l, std::string_view msg, std::initializer_list<Field> fields = {});
void write(Level l, std::string_view msg, std::span<const Field> fields);

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::debug, m, f); }
inline void info(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::error, m, f); }

}  // namespace carewatch::log
