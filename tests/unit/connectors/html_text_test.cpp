#include "connectors/common/html_text.h"

#include <gtest/gtest.h>

#include <string>

namespace carewatch {
namespace {

TEST(HtmlText, ParagraphsAndLineBreaks) {
  EXPECT_EQ(html_to_text("<p>Hello world</p>"), "Hello world");
  EXPECT_EQ(html_to_text("<p>first</p><p>second</p>"), "first\n\nsecond");
  EXPECT_EQ(html_to_text("<p>one<br>two<br />three<br/>four</p>"), "one\ntwo\nthree\nfour");
  EXPECT_EQ(html_to_text("<P>upper</P><BR>case"), "upper\n\ncase");
  EXPECT_EQ(html_to_text("a<br><br><br><br>b"), "a\n\nb");  // at most one blank line
  EXPECT_EQ(html_to_text("<p></p><p>  </p><p>x</p><p></p>"), "x");
}

TEST(HtmlText, WhitespaceIsCollapsedAndTrimmed) {
  EXPECT_EQ(html_to_text("  a \n\t  b  "), "a b");
  EXPECT_EQ(html_to_text("<p>\n  a  <br>\n  b\n</p>"), "a\nb");
  EXPECT_EQ(html_to_text(""), "");
  EXPECT_EQ(html_to_text("<p> </p>"), "");
}

TEST(HtmlText, MastodonMentionsHashtagsAndLinks) {
  const std::string mention =
      "<span class=\"h-card\" translate=\"no\"><a href=\"https://mastodon.example/@acmeair\" "
      "class=\"u-url mention\">@<span>acmeair</span></a></span>";
  const std::string hashtag =
      "<a href=\"https://mastodon.example/tags/acmeair\" class=\"mention hashtag\" rel=\"tag\">#<span>acmeair</span></a>";
  const std::string link =
      "<a href=\"https://track.acmeair.example/bags/LIS48213\" target=\"_blank\" rel=\"nofollow noopener noreferrer\">"
      "<span class=\"invisible\">https://</span><span class=\"ellipsis\">track.acmeair.example/bags/LIS</span>"
      "<span class=\"invisible\">48213</span></a>";
  EXPECT_EQ(html_to_text("<p>" + mention + " where is my bag? " + hashtag + "</p><p>" + link + "</p>"),
            "@acmeair where is my bag? #acmeair\n\nhttps://track.acmeair.example/bags/LIS48213");
}

TEST(HtmlText, Entities) {
  EXPECT_EQ(html_to_text("Fish &amp; chips &lt;b&gt; &quot;q&quot; it&#39;s &apos;x&apos;"),
            "Fish & chips <b> \"q\" it's 'x'");
  EXPECT_EQ(html_to_text("LIS&#x2F;48213 &#X41;&#66;"), "LIS/48213 AB");
  EXPECT_EQ(html_to_text("angry &#128545; wait&hellip; &mdash; ok"), "angry \xF0\x9F\x98\xA1 wait\xE2\x80\xA6 \xE2\x80\x94 ok");
  EXPECT_EQ(html_to_text("a&nbsp;&nbsp;b"), "a b");
  // Not entities: kept as written.
  EXPECT_EQ(html_to_text("AT&T &unknown; &#; &#x; & alone &amp"), "AT&T &unknown; &#; &#x; & alone &amp");
  // Code points that are not characters become U+FFFD.
  EXPECT_EQ(html_to_text("&#0;|&#xD800;|&#99999999999999;|&#x110000;"),
            "\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBD");
  // An entity never makes markup: "&lt;b&gt;" stays text, not a tag.
  EXPECT_EQ(html_to_text("&lt;script&gt;alert(1)&lt;/script&gt;"), "<script>alert(1)</script>");
}

TEST(HtmlText, LiteralAngleBracketsAndBrokenMarkup) {
  EXPECT_EQ(html_to_text("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
  EXPECT_EQ(html_to_text("I <3 Acme Air"), "I <3 Acme Air");
  EXPECT_EQ(html_to_text("ends with <"), "ends with <");
  EXPECT_EQ(html_to_text("hello <a href=\"https://x.example"), "hello");   // unclosed tag: dropped
  EXPECT_EQ(html_to_text("hello <b>bold"), "hello bold");                   // unclosed element: kept
  EXPECT_EQ(html_to_text("<a title=\"a>b\" href='c>d'>link</a> text"), "link text");
  EXPECT_EQ(html_to_text("<p class=don't>x</p>"), "x");
  EXPECT_EQ(html_to_text("a<!-- hidden <p> -->b<!-- never closed"), "ab");
  EXPECT_EQ(html_to_text("<!DOCTYPE html><p>x</p>"), "x");
  EXPECT_EQ(html_to_text("x<script>var a = '<p>';</script>y<style>p{}</style>z"), "xyz");
  EXPECT_EQ(html_to_text("x<script>never closed"), "x");
  EXPECT_EQ(html_to_text("</>a</ p>"), "</>a</ p>");
}

TEST(HtmlText, BlockElementsBreakLines) {
  EXPECT_EQ(html_to_text("<ul><li>one</li><li>two</li></ul>after"), "one\ntwo\n\nafter");
  EXPECT_EQ(html_to_text("<blockquote>quoted</blockquote>reply"), "quoted\n\nreply");
  EXPECT_EQ(html_to_text("<b>bold</b><i>italic</i>"), "bolditalic");  // inline tags split no word
}

TEST(HtmlText, InvalidUtf8PassesThrough) {
  const std::string in = std::string("caf\xC3 \xFF\xFE<b>x</b>\x80 ok");
  EXPECT_EQ(html_to_text(in), std::string("caf\xC3 \xFF\xFEx\x80 ok"));
  const std::string with_nul("a\0b", 3);
  EXPECT_EQ(html_to_text(with_nul), with_nul);
}

TEST(HtmlText, HugeAdversarialInputIsHandledInOnePass) {
  // Inputs that make naive scanners quadratic: many unclosed tags, ampersands, comment openers.
  const size_t n = 1 << 20;
  std::string tags;
  for (size_t i = 0; i < n / 2; ++i) tags += "<a";
  EXPECT_EQ(html_to_text("start " + tags), "start");

  std::string amps(n, '&');
  EXPECT_EQ(html_to_text(amps), amps);

  std::string bangs;
  for (size_t i = 0; i < n / 2; ++i) bangs += "<!";
  EXPECT_EQ(html_to_text("x" + bangs), "x");

  std::string lt(n, '<');
  EXPECT_EQ(html_to_text(lt), lt);

  std::string paragraphs;
  for (int i = 0; i < 100000; ++i) paragraphs += "<p>w&amp;</p>";
  const std::string text = html_to_text(paragraphs);
  EXPECT_EQ(text.size(), 100000u * 2 + 99999u * 2);
  EXPECT_EQ(text.substr(0, 6), "w&\n\nw&");
}

}  // namespace
}  // namespace carewatch
