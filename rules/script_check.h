// Whether a text is written in a script its language tag's language is not written in: a
// Japanese post tagged "en" (some platforms tag a post with the author's chosen language, not the
// text's), Latin letters tagged "ru". Such a tag is not to be trusted without looking.
#pragma once

#include <string_view>

namespace carewatch::rules {

// True if most letters of `text` (at least 60% of them, and at least 4 letters in all) are of
// scripts that `tag`'s language is not written in. Tags it does not know (and scripts other than Latin,
// Cyrillic, Greek, Arabic, Hebrew, Thai, Devanagari, Hangul, kana and Han) are never
// contradicted. Under a Latin-script tag, text with no byte that could start a letter of
// another script (ASCII, accented Latin, punctuation, emoji) is answered after one quick scan.
bool script_contradicts(std::string_view text, std::string_view tag);

}  // namespace carewatch::rules
