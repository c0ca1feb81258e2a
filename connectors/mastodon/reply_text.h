// The text of a Mastodon reply: what is actually posted (the "@<handle> " prefix), how Mastodon
// counts it against the instance's limit, which accounts it mentions, and the form two texts are
// compared in when looking for a reply already made.
//
// Counting follows Mastodon's status length validator: code points (an emoji is 1; a sequence
// joined by ZWJ counts each of its code points, so the count is never below Mastodon's), every
// http:// or https:// link counts 23 whatever its length, and a mention "@user@domain" counts as
// "@user". Links and mentions are found the way Mastodon finds them: a link starts after a space
// or punctuation and runs to the next white space, without trailing punctuation ('.', ',', '!',
// an unbalanced ')' ...); a mention is '@' not preceded by a letter, digit, '_', '=' or '/', then
// a username of letters, digits, '_' (and inner '.' or '-'), then optionally "@domain".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mention/mention.h"

namespace carewatch::mastodon {

// A mention of an account in a text: "@dan", "@kim@mas.example".
struct TextMention {
  std::string username;  // as written
  std::string domain;    // empty: an account of the instance the status is posted on
  std::string written;   // the mention as written, with '@'
};

// The mentions of `text`, in order (links are not searched: "https://x.example/@dan" mentions no
// one).
std::vector<TextMention> mentions_in(std::string_view text);

// Mastodon's length of `text` (see above).
size_t status_length(std::string_view text);


// The account a mention names, and whether it is the author of `mention` (a Mastodon status
// fetched from the instance whose host name is `instance_host`). Letter case does not matter; a
// mention without a domain names an account of the instance, so "@kim" is not kim@mas.example.
bool names_author(const TextMention& m, const Mention& mention, std::string_view instance_host);

// The status posted in reply to `mention`: `text` as written when it already mentions the author
// (names_author), else "@<handle> " + text, so Mastodon notifies the author (a mention is how a
// Mastodon reply reaches its author) and a direct reply is delivered to them at all.
struct ReplyStatus {
  std::string text;    // what is posted
  std::string prefix;  // "@dan@mastodon.example" when one was added, else empty
};
ReplyStatus compose_reply(const Mention& mention, std::string_view text, std::string_view instance_host);

// `text` in the form two statuses are compared in: runs of white space as one space, no white
// space at the ends, mentions as "@<username in lower case>" (Mastodon's HTML shows a mention
// "@kim@mas.example" as "@kim"). compare_form(html_to_text(content)) of a posted status equals
// compare_form of the text it was posted with.
std::string compare_form(std::string_view text);

}  // namespace carewatch::mastodon
