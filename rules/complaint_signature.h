// What a complaint is about, in a form that groups: its salient terms (lowercase words, bigrams of
// neighbouring salient words and hashtags, after stop-words; @handles, links and numbers dropped)
// and a MinHash signature of those terms cut into LSH bands. Two complaints whose term sets are
// similar (Jaccard) share a band bucket with high probability; unrelated ones rarely do. Pure and
// deterministic: the hashes are fixed functions of the bytes (no std::hash, no per-process seed),
// so several daemons on one Redis compute the same buckets for the same text.
//
// The words come from rules::TextTokens (the matcher's tokenizer); links are blanked first so
// their pieces ("https", "co") are not words.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace carewatch::rules {

struct SignatureParams {
  int bands = 32;        // LSH bands
  int rows = 2;          // MinHash values per band: more rows, stricter similarity
  bool bigrams = true;   // bigrams of neighbouring salient words are terms too
};

struct ComplaintSignature {
  std::vector<std::string> terms;  // distinct, in order of first appearance
  // One bucket per band (the band's index is mixed in, so equal values of two bands differ);
  // empty when the text has no salient term.
  std::vector<std::uint64_t> bands;
};

ComplaintSignature complaint_signature(std::string_view text, const SignatureParams& params = {});

// True for the words that say nothing about what is wrong ("the", "my", "please", "still" ...).
bool is_stop_word(std::string_view lowercase_word);

// The text with its links ("http://", "https://" and "www." up to the next white space) blanked
// to spaces, so their pieces are not words.
std::string without_links(std::string_view text);


}  // namespace carewatch::rules
