#include "daemon/model_commands.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/text_model.h"

namespace carewatch {

namespace {

using rules::Example;

struct Dataset {
  std::vector<Example> examples;
  size_t skipped_empty_label = 0;
  std::map<std::string, size_t> skipped_rare;  // labels with too few examples, and their counts
};

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return std::string(s.substr(b, e - b));
}

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

bool read_file(const std::string& path, std::string& bytes, std::string& error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = "cannot read " + path;
    return false;
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  bytes = ss.str();
  return true;
}

bool load_csv(const std::string& path, std::string_view text, const std::string& text_field,
              const std::string& label_field, Dataset& data, std::string& error) {
  size_t text_col = 0, label_col = 0, columns = 0;
  bool header = true;
  const bool ok = parse_csv(text, path, error, [&](const std::vector<std::string>& fields, size_t line) {
    if (header) {
      header = false;
      columns = fields.size();
      auto find = [&](const std::string& name, size_t& col) {
        for (size_t c = 0; c < fields.size(); ++c)
          if (trim(fields[c]) == name) {
            col = c;
            return true;
          }
        std::string list;
        for (const auto& f : fields) list += (list.empty() ? "" : ", ") + f;
        error = path + " line " + std::to_string(line) + ": the header has no column \"" + name +
                "\" (columns: " + list + ")";
        return false;
      };
      return find(text_field, text_col) && find(label_field, label_col);
    }
    if (fields.size() != columns) {
      error = path + " line " + std::to_string(line) + ": " + std::to_string(fields.size()) + " fields, the header has " +
              std::to_string(columns);
      return false;
    }
    std::string label = trim(fields[label_col]);
    if (label.empty()) {
      ++data.skipped_empty_label;
      return true;
    }
    data.examples.push_back({fields[text_col], std::move(label)});
    return true;
  });
  if (!ok) return false;
  if (header) {
    error = path + ": empty file (expected a header row)";
    return false;
  }
  return true;
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

bool load_data(const std::string& path, const std::string& text_field, const std::string& label_field, Dataset& data,
               std::string& error) {
  if (path.empty()) {
    error = "no data file given (--data FILE.csv or FILE.jsonl)";
    return false;
  }
  std::string bytes;
  if (!read_file(path, bytes, error)) return false;
  const bool jsonl = ends_with(path, ".jsonl") || ends_with(path, ".ndjson");
  return jsonl ? load_jsonl(path, bytes, text_field, label_field, data, error)
               : load_csv(path, bytes, text_field, label_field, data, error);
}

std::map<std::string, size_t> label_counts(const std::vector<Example>& examples) {
  std::map<std::string, size_t> counts;
  for (const auto& e : examples) ++counts[e.label];
  return counts;
}

// Leaves out the examples of labels with fewer than `min_count` examples (stray or misspelt
// labels that no model can learn), remembering which.
void drop_rare_labels(Dataset& data, size_t min_count) {
  if (min_count <= 1) return;
  const auto counts = label_counts(data.examples);
  for (const auto& [label, count] : counts)
    if (count < min_count) data.skipped_rare.emplace(label, count);
  if (data.skipped_rare.empty()) return;
  std::erase_if(data.examples, [&](const Example& e) { return data.skipped_rare.count(e.label) > 0; });
}

std::string describe_rare(const Dataset& data, size_t min_count) {
  size_t rows = 0;
  std::string labels;
  for (const auto& [label, count] : data.skipped_rare) {
    rows += count;
    labels += (labels.empty() ? "" : ", ") + ("\"" + label + "\" (" + std::to_string(count) + ")");
  }
  return "skipped " + std::to_string(rows) + " rows of " + std::to_string(data.skipped_rare.size()) +
         " labels with fewer than " + std::to_string(min_count) + " examples: " + labels;
}

std::string fixed(double v, int digits = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}
std::string pad_left(const std::string& s, size_t width) {
  return s.size() >= width ? " " + s : std::string(width - s.size(), ' ') + s;
}

size_t argmax(const std::vector<double>& p) {
  return static_cast<size_t>(std::max_element(p.begin(), p.end()) - p.begin());
}

// The predicted label: the most probable one; or, with a threshold (two labels only), the
// positive label (the complaint label if the model has one, else the second) when its
// probability reaches the threshold, as a rules file's base_category.complaint_at does.
size_t decide_label(const rules::TextModel& model, const std::vector<double>& p, double threshold) {
  if (threshold <= 0 || p.size() != 2) return argmax(p);
  const size_t positive = rules::complaint_label(model).value_or(1);
  return p[positive] >= threshold ? positive : 1 - positive;
}

void print_evaluation(std::ostream& out, const std::vector<std::string>& labels, const rules::Evaluation& e) {
  size_t width = 6;
  for (const auto& l : labels) width = std::max(width, l.size() + 1);
  out << "accuracy  " << fixed(e.accuracy) << "\n";
  out << "macro-F1  " << fixed(e.macro_f1) << "\n\n";
  out << pad("label", width) << "precision  recall     f1         support\n";
  for (size_t k = 0; k < labels.size(); ++k)
    out << pad(labels[k], width) << pad(fixed(e.precision[k]), 11) << pad(fixed(e.recall[k]), 11)
        << pad(fixed(e.f1[k]), 11) << e.support[k] << "\n";
  // Long label names head the columns by number instead ("1" for the first row's label, ...).
  bool numbered = false;
  for (const auto& l : labels) numbered = numbered || l.size() > 8;
  out << "\nconfusion matrix (rows: true label, columns: predicted label"
      << (numbered ? ", numbered as the rows" : "") << ")\n";
  size_t cell = 7;
  if (!numbered)
    for (const auto& l : labels) cell = std::max(cell, l.size() + 1);
  const size_t row_width = width + (numbered ? 4 : 0);
  out << pad("", row_width);
  for (size_t k = 0; k < labels.size(); ++k) out << pad_left(numbered ? std::to_string(k + 1) : labels[k], cell);
  out << "\n";
  for (size_t t = 0; t < labels.size(); ++t) {
    out << pad(numbered ? pad(std::to_string(t + 1), 4) + labels[t] : labels[t], row_width);
    for (size_t p = 0; p < labels.size(); ++p) out << pad_left(std::to_string(e.confusion[t][p]), cell);
    out << "\n";
  }
}

}  // namespace

int run_train(const TrainCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.out.empty()) {
    err << "carewatch train: no output file given (--out FILE.model)\n";
    return 2;
  }
  Dataset data;
  std::string error;
  if (!load_data(options.data, options.text_field, options.label_field, data, error)) {
    err << "carewatch train: " << error << "\n";
    return 2;
  }
  drop_rare_labels(data, options.min_label_count);
  const auto model = rules::TextModel::train(data.examples, options.training, error);
  if (!model) {
    err << "carewatch train: " << options.data << ": " << error << "\n";
    return 2;
  }
  if (!model->save_file(options.out, error)) {
    err << "carewatch train: " << error << "\n";
    return 1;
  }
  out << "trained on " << data.examples.size() << " examples from " << options.data << " (text: \""
      << options.text_field << "\", label: \"" << options.label_field << "\")\n";
  if (data.skipped_empty_label) out << "skipped " << data.skipped_empty_label << " rows with an empty label\n";
  if (!data.skipped_rare.empty()) out << describe_rare(data, options.min_label_count) << "\n";
  for (const auto& [label, count] : label_counts(data.examples)) out << "  " << label << ": " << count << "\n";
  out << "model written to " << options.out << "\n";
  return 0;
}

int run_eval(const EvalCommandOptions& options, std::ostream& out, std::ostream& err) {
  const auto start = std::chrono::steady_clock::now();
  Dataset data;
  std::string error;
  if (!load_data(options.data, options.text_field, options.label_field, data, error)) {
    err << "carewatch eval: " << error << "\n";
    return 2;
  }
  drop_rare_labels(data, options.min_label_count);
  if (data.examples.empty()) {
    err << "carewatch eval: " << options.data << ": no labelled examples\n";
    return 2;
  }
  if (options.threshold > 0 && label_counts(data.examples).size() > 2) {
    err << "carewatch eval: --threshold applies to two-label models; " << options.data << " has "
        << label_counts(data.examples).size() << " labels in \"" << options.label_field << "\"\n";
    return 2;
  }
  std::vector<std::string> labels;
  std::vector<size_t> truth, predicted;
  std::string method;
  // Two-label models: the probability of the positive label per example, and that label's index
  // in `labels` (for the threshold sweep).
  std::vector<double> positive_p(data.examples.size(), 0.0);
  std::optional<size_t> positive;
  auto note_positive = [&](const rules::TextModel& model, const std::vector<size_t>& map, size_t i,
                           const std::vector<double>& p) {
    if (p.size() != 2) return;
    const size_t k = rules::complaint_label(model).value_or(1);
    positive_p[i] = p[k];
    positive = map[k];
  };

  if (options.folds > 1) {
    const auto folds = static_cast<size_t>(options.folds);
    if (data.examples.size() < folds) {
      err << "carewatch eval: " << options.data << ": " << data.examples.size() << " examples cannot make "
          << folds << " folds\n";
      return 2;
    }
    for (const auto& [label, count] : label_counts(data.examples)) labels.push_back(label);
    if (labels.size() < 2) {
      err << "carewatch eval: " << options.data << ": all examples have the label \"" << labels[0]
          << "\": cross-validation needs at least two different labels\n";
      return 2;
    }
    const auto fold = rules::stratified_folds(data.examples, folds, options.seed);
    truth.assign(data.examples.size(), 0);
    predicted.assign(data.examples.size(), 0);
    for (size_t i = 0; i < data.examples.size(); ++i)
      truth[i] = static_cast<size_t>(std::lower_bound(labels.begin(), labels.end(), data.examples[i].label) -
                                     labels.begin());
    for (size_t f = 0; f < folds; ++f) {
      std::vector<Example> train;
      for (size_t i = 0; i < data.examples.size(); ++i)
        if (fold[i] != f) train.push_back(data.examples[i]);
      const auto model = rules::TextModel::train(train, options.training, error);
      if (!model) {
        err << "carewatch eval: fold " << (f + 1) << " of " << folds << ": " << error << "\n";
        return 2;
      }
      // Model label index -> index in `labels`.
      std::vector<size_t> map;
      for (const auto& l : model->labels())
        map.push_back(static_cast<size_t>(std::lower_bound(labels.begin(), labels.end(), l) - labels.begin()));
      for (size_t i = 0; i < data.examples.size(); ++i) {
        if (fold[i] != f) continue;
        const auto p = model->predict(data.examples[i].text);
        predicted[i] = map[decide_label(*model, p, options.threshold)];
        note_positive(*model, map, i, p);
      }
    }
    method = std::to_string(folds) + "-fold stratified cross-validation (seed " + std::to_string(options.seed) +
             "), a fresh model per fold";
  } else {
    std::shared_ptr<const rules::TextModel> model;
    if (options.model.empty()) {
      model = rules::builtin_complaint_model();
      if (!model) {
        err << "carewatch eval: the built-in complaint model does not load\n";
        return 1;
      }
      method = "the built-in complaint model";
    } else {
      model = rules::TextModel::load_file(options.model, error);
      if (!model) {
        err << "carewatch eval: " << error << "\n";
        return 2;
      }
      method = "model " + options.model;
    }
    labels = model->labels();
    std::vector<std::string> unknown;
    for (const auto& [label, count] : label_counts(data.examples))
      if (!model->label_index(label)) {
        labels.push_back(label);
        unknown.push_back(label);
      }
    std::vector<size_t> identity(model->labels().size());
    std::iota(identity.begin(), identity.end(), size_t{0});
    for (size_t i = 0; i < data.examples.size(); ++i) {
      const auto& e = data.examples[i];
      truth.push_back(static_cast<size_t>(std::find(labels.begin(), labels.end(), e.label) - labels.begin()));
      const auto p = model->predict(e.text);
      predicted.push_back(decide_label(*model, p, options.threshold));
      note_positive(*model, identity, i, p);
    }
    for (const auto& l : unknown)
      out << "note: label \"" << l << "\" is not one the model knows; its examples all count as errors\n";
  }

  const auto evaluation = rules::evaluate(truth, predicted, labels.size());
  out << "data: " << options.data << ", " << data.examples.size() << " examples, " << labels.size()
      << " labels (\"" << options.label_field << "\")";
  if (data.skipped_empty_label) out << ", skipped " << data.skipped_empty_label << " rows with an empty label";
  if (!data.skipped_rare.empty()) out << "\n" << describe_rare(data, options.min_label_count);
  out << "\nmethod: " << method;
  if (options.threshold > 0) out << ", positive label from probability >= " << options.threshold;
  out << "\n\n";
  print_evaluation(out, labels, evaluation);
  if (options.sweep) {
    if (!positive || labels.size() != 2) {
      out << "\nno threshold sweep: it needs a two-label model and data with only its labels\n";
    } else {
      // What each threshold on the positive label's probability would give.
      out << "\nthreshold sweep (label \"" << labels[*positive] << "\" when its probability >= threshold)\n";
      out << "threshold  precision  recall     f1         macro-F1\n";
      std::vector<size_t> at(truth.size());
      for (int t = 1; t <= 9; ++t) {
        const double threshold = t / 10.0;
        for (size_t i = 0; i < truth.size(); ++i) at[i] = positive_p[i] >= threshold ? *positive : 1 - *positive;
        const auto e = rules::evaluate(truth, at, labels.size());
        out << pad(fixed(threshold, 1), 11) << pad(fixed(e.precision[*positive]), 11)
            << pad(fixed(e.recall[*positive]), 11) << pad(fixed(e.f1[*positive]), 11) << fixed(e.macro_f1)
            << "\n";
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << "\nelapsed " << fixed(seconds, 2) << " s\n";
  return 0;
}

}  // namespace carewatch
