// Language of a mention's text (CLD2), as a lower-case ISO 639-1 code where one exists ("en",
// "es", "pt", ...), or "" when the text is too short or unclear to tell.
#pragma once

#include <string>
#include <string_view>

namespace carewatch::rules {

struct DetectedLanguage {
  std::string code;      // "" = unknown
  bool reliable = false;
  int percent = 0;       // share of the text in that language
};

// Thread-safe; never throws; invalid UTF-8 is tolerated. `hint` is a language the platform
// reported (may be empty), used as a prior only. Plainly English text (see plainly_english)
// with no hint or an English one is answered "en" without CLD2; everything else goes to CLD2.
DetectedLanguage detect_language(std::string_view text, std::string_view hint = {});

// A language tag's primary subtag, as written: "pt" of "pt-BR" and of "pt_BR", "en" of "en".
inline std::string_view primary_subtag(std::string_view tag) { return tag.substr(0, tag.find_first_of("-_")); }

// CLD2 alone, whatever the text.
DetectedLanguage detect_language_cld2(std::string_view text, std::string_view hint = {});

// True if `text` is English beyond doubt, decided in one cheap pass: no letters outside ASCII
// (emoji, punctuation, symbols and control characters aside), at least three words (@handles,
// #tags and links not counted), of which at least two, and at least one in four, are common
// English words, at least one of them a word no other Latin-script language uses ("the",
// "you", "with", "didn't", ...; "to", "in", "is" count only beside one), and none a function
// word of another language ("el", "und", "les", "nao", ...).
bool plainly_english(std::string_view text);

}  // namespace carewatch::rules
