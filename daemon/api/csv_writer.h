// Writing CSV (RFC 4180) for spreadsheets: cells separated by commas, rows ended by CRLF, a cell
// holding a comma, a double quote, CR or LF quoted with its quotes doubled. A cell starting with
// '=', '+', '-', '@', a tab or a CR, which a spreadsheet would take for a formula (and run,
// e.g. "=cmd|' /C calc'!A0"), gets a leading apostrophe first: the spreadsheet shows the text,
// starting with that apostrophe, and evaluates nothing. A plain negative number ("-0.62", a
// sentiment score) is left as it is: a spreadsheet reads it as that number and runs nothing.
// Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace carewatch {

// True when a spreadsheet could read `cell` as a formula: its first byte is = + @ tab or CR, or
// '-' and the cell is not a plain decimal number.
bool csv_formula_like(std::string_view cell);
// Appends one cell: guarded against formulas, then quoted when it needs to be.
void append_csv_cell(std::string& out, std::string_view cell);
// Appends the cells as one row ending in CRLF.
void append_csv_row(std::string& out, const std::vector<std::string>& cells);

}  // namespace carewatch
