// Labelled texts from CSV or JSONL files (see labelled_data.h).
#include "daemon/tools/labelled_data.h"
#include "mention/common/file.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

namespace carewatch {

using rules::Example;

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return std::string(s.substr(b, e - b));
}

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
  return true;
}

// RFC 4180 CSV: records end with LF or CRLF; a field in double quotes may hold commas, line
// breaks and doubled quotes. Calls on_record(fields, line) with the line the record starts on.
template <typename OnRecord>
bool parse_csv(std::string_view text, const std::string& file, std::string& error, OnRecord&& on_record) {
  std::vector<std::string> fields;
  std::string field;
  size_t line = 1, record_line = 1;
  size_t i = 0;
  const size_t n = text.size();
  if (n >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // byte-order mark
  bool at_record_start = true;
  while (i < n || !at_record_start) {
    if (at_record_start) {
      record_line = line;
      fields.clear();
      // Blank lines between records are skipped.
      if (text[i] == '\n' || (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')) {
        i += text[i] == '\r' ? 2 : 1;
        ++line;
        continue;
      }
      at_record_start = false;
    }
    field.clear();
    bool end_of_record = false;
    if (i < n && text[i] == '"') {
      const size_t quote_line = line;
      ++i;
      while (true) {
        if (i >= n) {
          error = file + " line " + std::to_string(quote_line) + ": quoted field is not closed before the end of the file";
          return false;
        }
        const char c = text[i];
        if (c == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (c == '\n') ++line;
        field.push_back(c);
        ++i;
      }
      if (i < n && text[i] != ',' && text[i] != '\n' && !(text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') &&
          text[i] != '\r') {
        error = file + " line " + std::to_string(line) + ": unexpected character after a closing quote in field " +
                std::to_string(fields.size() + 1);
        return false;
      }
    } else {
      while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        if (text[i] == '"') {
          error = file + " line " + std::to_string(line) + ": a quote inside unquoted field " +
                  std::to_string(fields.size() + 1) + " (quote the whole field and double the inner quotes)";
          return false;
        }
        field.push_back(text[i]);
        ++i;
      }
    }
    fields.push_back(field);
    if (i >= n) {
      end_of_record = true;
    } else if (text[i] == ',') {
      ++i;
    } else {  // line break
      if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
      ++i;
      ++line;
      end_of_record = true;
    }
    if (end_of_record) {
      if (!on_record(fields, record_line)) return false;
      at_record_start = true;
    }
  }
  return true;
}

// Rows of a table (CSV or TSV), header first, into examples.
class Rows {
 public:
  Rows(const std::string& path, const std::string& text_field, const std::string& label_field, Dataset& data,
       std::string& error)
      : path_(path), text_field_(text_field), label_field_(label_field), data_(data), error_(error) {}

  // One record and the line it starts on; false with the error.
  bool take(const std::vector<std::string>& fields, size_t line) {
    if (!seen_header_) {
      seen_header_ = true;
      columns_ = fields.size();
      return find(fields, line, text_field_, text_col_) &&
             (label_field_.empty() || find(fields, line, label_field_, label_col_));
    }
    if (fields.size() != columns_) {
      error_ = path_ + " line " + std::to_string(line) + ": " + std::to_string(fields.size()) +
               " fields, the header has " + std::to_string(columns_);
      return false;
    }
    if (label_field_.empty()) {
      data_.examples.push_back({fields[text_col_], std::string()});
      return true;
    }
    std::string label = trim(fields[label_col_]);
    if (label.empty()) {
      ++data_.skipped_empty_label;
      return true;
    }
    data_.examples.push_back({fields[text_col_], std::move(label)});
    return true;
  }
  // After the last record: false if there was not even a header.
  bool finish() {
    if (seen_header_) return true;
    error_ = path_ + ": empty file (expected a header row)";
    return false;
  }

 private:
  bool find(const std::vector<std::string>& header, size_t line, const std::string& name, size_t& col) {
    for (size_t c = 0; c < header.size(); ++c)
      if (trim(header[c]) == name) {
        col = c;
        return true;
      }
    std::string list;
    for (const auto& f : header) list += (list.empty() ? "" : ", ") + f;
    error_ = path_ + " line " + std::to_string(line) + ": the header has no column \"" + name + "\" (columns: " + list + ")";
    return false;
  }

  const std::string& path_;
  const std::string& text_field_;
  const std::string& label_field_;
  Dataset& data_;
  std::string& error_;
  bool seen_header_ = false;
  size_t columns_ = 0, text_col_ = 0, label_col_ = 0;
};

bool load_csv(const std::string& path, std::string_view text, const std::string& text_field,
              const std::string& label_field, Dataset& data, std::string& error) {
  Rows rows(path, text_field, label_field, data, error);
  return parse_csv(text, path, error, [&](const std::vector<std::string>& fields, size_t line) {
           return rows.take(fields, line);
         }) &&
         rows.finish();
}

bool load_jsonl(const std::string& path, std::string_view text, const std::string& text_field,
                const std::string& label_field, Dataset& data, std::string& error) {
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t e = text.find('\n', pos);
    if (e == std::string_view::npos) e = text.size();
    const std::string line = trim(text.substr(pos, e - pos));
    pos = e + 1;
    ++line_no;
    if (line.empty()) continue;
    const std::string where = path + " line " + std::to_string(line_no);
    rapidjson::Document doc;
    doc.Parse(line.c_str(), line.size());
    if (doc.HasParseError()) {
      error = where + ": invalid JSON (" + rapidjson::GetParseError_En(doc.GetParseError()) + ")";
      return false;
    }
    if (!doc.IsObject()) {
      error = where + ": expected a JSON object";
      return false;
    }
    const auto t = doc.FindMember(text_field.c_str());
    if (t == doc.MemberEnd()) {
      error = where + ": no field \"" + text_field + "\"";
      return false;
    }
    if (!t->value.IsString()) {
      error = where + ": field \"" + text_field + "\" is not a string";
      return false;
    }
    if (label_field.empty()) {
      data.examples.push_back({std::string(t->value.GetString(), t->value.GetStringLength()), std::string()});
      continue;
    }
    const auto l = doc.FindMember(label_field.c_str());
    if (l == doc.MemberEnd()) {
      error = where + ": no field \"" + label_field + "\"";
      return false;
    }
    std::string label;
    const auto& v = l->value;
    if (v.IsString()) {
      label = trim(std::string_view(v.GetString(), v.GetStringLength()));
    } else if (v.IsBool()) {
      label = v.GetBool() ? "true" : "false";
    } else if (v.IsInt64()) {
      label = std::to_string(v.GetInt64());
    } else if (v.IsUint64()) {
      label = std::to_string(v.GetUint64());
    } else if (!v.IsNull()) {
      error = where + ": field \"" + label_field + "\" must be a string, an integer or a boolean";
      return false;
    }
    if (label.empty()) {
      ++data.skipped_empty_label;
      continue;
    }
    data.examples.push_back({std::string(t->value.GetString(), t->value.GetStringLength()), std::move(label)});
  }
  return true;
}

// Tab-separated values with a header row, no quoting (as the sentiment rating files are).
bool load_tsv(const std::string& path, std::string_view text, const std::string& text_field,
              const std::string& label_field, Dataset& data, std::string& error) {
  Rows rows(path, text_field, label_field, data, error);
  std::vector<std::string> fields;
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t e = text.find('\n', pos);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(pos, e - pos);
    pos = e + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    fields.clear();
    for (size_t b = 0;;) {
      const size_t t = line.find('\t', b);
      fields.emplace_back(line.substr(b, t == std::string_view::npos ? std::string_view::npos : t - b));
      if (t == std::string_view::npos) break;
      b = t + 1;
    }
    if (!rows.take(fields, line_no)) return false;
  }
  return rows.finish();
}

}  // namespace

bool load_data(const std::string& path, const std::string& text_field, const std::string& label_field, Dataset& data,
               std::string& error) {
  if (path.empty()) {
    error = "no data file given (--data FILE.csv or FILE.jsonl)";
    return false;
  }
  std::string bytes;
  if (!read_file(path, bytes, error)) return false;
  if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
    return load_jsonl(path, bytes, text_field, label_field, data, error);
  if (ends_with(path, ".tsv")) return load_tsv(path, bytes, text_field, label_field, data, error);
  return load_csv(path, bytes, text_field, label_field, data, error);
}

}  // namespace carewatch
