// Mastodon status content is HTML; care agents and rules want plain text.
#pragma once

#include <string>
#include <string_view>

namespace carewatch {

// Plain text of an HTML fragment: tags dropped (<br> and </p><p> become line breaks; the text of
// Mastodon's "invisible"/"ellipsis" link spans is kept, so URLs stay whole), entities decoded (named common ones, &#NN; and &#xNN;), whitespace runs collapsed, trimmed.
// Invalid input never throws.
std::string html_to_text(std::string_view html);

}  // namespace carewatch
