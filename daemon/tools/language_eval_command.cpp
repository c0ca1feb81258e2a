#include "daemon/tools/language_eval_command.h"

#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>
#include <string>

#include "daemon/tools/labelled_data.h"
#include "rules/language_detector.h"

namespace carewatch {

namespace {

// "pt-BR" -> "pt", "zh-hant" -> "zh": languages compare by their primary subtag, in lower case.
std::string primary(std::string_view tag) {
  std::string out(rules::primary_subtag(tag));
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string percent(size_t part, size_t whole) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << (whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0)
    << "%";
  return s.str();
}

// " en 12, (none) 3, fr 1": counts, largest first.
std::string tally(const std::map<std::string, size_t>& counts) {
  std::multimap<size_t, std::string, std::greater<>> by_count;
  for (const auto& [code, n] : counts) by_count.emplace(n, code.empty() ? "(none)" : code);
  std::string out;
  for (const auto& [n, code] : by_count) out += (out.empty() ? " " : ", ") + code + " " + std::to_string(n);
  return out.empty() ? " -" : out;
}

}  // namespace

int run_language_eval(const LanguageEvalOptions& options, std::ostream& out, std::ostream& err) {
  Dataset data;
  std::string error;
  if (!load_data(options.data, options.text_field, options.language_field, data, error)) {
    err << "carewatch eval-language: " << error << "\n";
    return 2;
  }
  const size_t n = data.examples.size();
  size_t plain = 0, right = 0, right_cld2 = 0, plain_wrong = 0;
  std::map<std::string, size_t> cld2_on_plain, cld2_all;
  for (const auto& e : data.examples) {
    const bool english = rules::plainly_english(e.text);
    const std::string cld2 = rules::detect_language_cld2(e.text).code;
    ++cld2_all[cld2];
    if (english) {
      ++plain;
      ++cld2_on_plain[cld2];
    }
    if (!options.language_field.empty()) {
      const std::string truth = primary(e.label);
      // What detect_language(text) answers, from the two results at hand.
      const std::string detected = english ? std::string("en") : cld2;
      if (primary(detected) == truth) ++right;
      if (primary(cld2) == truth) ++right_cld2;
      if (english && truth != "en") ++plain_wrong;
    }
  }
  out << "carewatch eval-language: " << options.data << ", " << n << " texts";
  if (data.skipped_empty_label) out << " (skipped " << data.skipped_empty_label << " with no language)";
  out << "\nEnglish pass (answered \"en\" without CLD2): " << plain << " texts (" << percent(plain, n) << ")\n";
  out << "  CLD2 on those texts:" << tally(cld2_on_plain) << "\n";
  out << "CLD2 on every text:" << tally(cld2_all) << "\n";
  if (!options.language_field.empty()) {
    out << "against \"" << options.language_field << "\": detection right on " << right << " (" << percent(right, n)
        << "), CLD2 alone on " << right_cld2 << " (" << percent(right_cld2, n) << "); the English pass said \"en\" of "
        << plain_wrong << " texts in another language\n";
  }
  return 0;
}

}  // namespace carewatch
