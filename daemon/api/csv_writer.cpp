#include "daemon/api/csv_writer.h"

namespace carewatch {

namespace {

// "-12", "-0.5": a plain decimal number, which a spreadsheet reads as that number and nothing else.
bool plain_number(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const size_t int_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == int_start) return false;
  if (i < s.size() && s[i] == '.') {
    const size_t frac_start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == frac_start) return false;
  }
  return i == s.size();
}

}  // namespace

bool csv_formula_like(std::string_view cell) {
  if (cell.empty()) return false;
  switch (cell.front()) {
    case '=': case '+': case '@': case '\t': case '\r': return true;
    case '-': return !plain_number(cell);
    default: return false;
  }
}

void append_csv_cell(std::string& out, std::string_view cell) {
  const bool guard = csv_formula_like(cell);
  const bool quote = cell.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out += '"';
  if (guard) out += '\'';
  for (const char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
}

void append_csv_row(std::string& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    append_csv_cell(out, cells[i]);
  }
  out += "\r\n";
}

}  // namespace carewatch
