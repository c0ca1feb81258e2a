// Reddit text is markdown (comment "body", post "selftext"), with &, < and > escaped as &amp;,
// &lt; and &gt; in the JSON (Reddit's legacy escaping, which every listing without raw_json=1
// has). Care agents and the rules want it readable:
//   - &amp; &lt; &gt; decoded (once: "&amp;lt;" is the text "&lt;"); the zero-width space
//     entity of empty paragraphs (&#x200B;) dropped;
//   - [text](url) becomes "text (url)" ("url" alone when the text is the url), and a relative
//     link (/r/..., /u/...) gets https://www.reddit.com in front;
//   - emphasis markers ** and __ dropped (single * and _ kept: they are often not emphasis),
//     superscript carets at the start of a word dropped ("^^If" -> "If", "^(tiny text)" ->
//     "tiny text"), heading marks "# " at the start of a line dropped;
//   - backslash escapes of markdown punctuation ("\*", "\_", "\[") become the character;
//   - line breaks kept; trailing spaces of a line dropped, three or more line breaks become two,
//     the whole trimmed. Invalid UTF-8 is repaired (U+FFFD). Never throws.
#pragma once

#include <string>
#include <string_view>

namespace carewatch::reddit {

std::string markdown_to_text(std::string_view markdown);

// &amp; &lt; &gt; (and &quot; &#39;) decoded once, nothing else changed: how a body read back from
// Reddit compares with the text that was posted.
std::string unescape_entities(std::string_view s);

}  // namespace carewatch::reddit
