// `carewatch eval-language --data FILE`: how language detection answers on a file of texts. It
// shows how many texts the English pass decides without CLD2 and what CLD2 says of those, and,
// when the file has a language column, how often detection (and CLD2 alone) matches it.
#pragma once

#include <iosfwd>
#include <string>

namespace carewatch {

struct LanguageEvalOptions {
  std::string data;                // FILE.csv, FILE.tsv or FILE.jsonl
  std::string text_field = "text";
  std::string language_field;      // optional: the true language of each text ("en", "pt-BR", ...)
};

// 0 ok, 2 bad input.
int run_language_eval(const LanguageEvalOptions& options, std::ostream& out, std::ostream& err);

}  // namespace carewatch
