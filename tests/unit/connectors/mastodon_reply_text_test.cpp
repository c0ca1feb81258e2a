// The text of a Mastodon reply (connectors/mastodon/reply_text.h): Mastodon's length, the mentions
// a text makes, the composed status and the form texts are compared in.
#include "connectors/mastodon/reply_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connectors/common/html_text.h"

namespace carewatch::mastodon {
namespace {

std::vector<std::string> written(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& m : mentions_in(text)) out.push_back(m.written);
  return out;
}

Mention by(const std::string& handle) {
  Mention m;
  m.platform = "mastodon";
  m.native_id = "1";
  m.uid = "mastodon:1";
  m.author.handle = handle;
  return m;
}

TEST(MastodonReplyText, LengthIsCodePointsWithLinksAs23AndMentionsAsAtUser) {
  EXPECT_EQ(status_length(""), 0u);
  EXPECT_EQ(status_length("hello"), 5u);
  EXPECT_EQ(status_length("caf\xC3\xA9"), 4u);                      // é is one
  EXPECT_EQ(status_length("\xF0\x9F\x98\x80"), 1u);                  // 😀 is one
  EXPECT_EQ(status_length("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"), 2u);  // 👍🏽: two code points (Mastodon: 1)
  EXPECT_EQ(status_length("https://example.com"), 23u);
  EXPECT_EQ(status_length("see https://example.com/a/very/long/path/that/goes/on/and/on?x=1&y=2."), 4u + 23u + 1u);
  EXPECT_EQ(status_length("(https://en.wikipedia.org/wiki/Rust_(language))"), 1u + 23u + 1u);
  EXPECT_EQ(status_length("HTTPS://EXAMPLE.COM"), 23u);
  EXPECT_EQ(status_length("ftp://example.com"), 17u);  // only http and https links
  EXPECT_EQ(status_length("https://"), 8u);            // no host: not a link
  EXPECT_EQ(status_length("xhttps://example.com"), 20u);
  EXPECT_EQ(status_length("@kim@mas.example"), 4u);
  EXPECT_EQ(status_length("@kim@mas.example."), 5u);
  EXPECT_EQ(status_length("hi @dan, ok"), 11u);
  EXPECT_EQ(status_length("me@dan.example"), 14u);  // an e-mail address is text
  EXPECT_EQ(status_length("https://mastodon.social/@dan"), 23u);
  EXPECT_EQ(status_length("\xFF\xFE"), 2u);  // stray bytes count one each
}

TEST(MastodonReplyText, MentionsAreFoundAsMastodonFindsThem) {
  EXPECT_EQ(written("@dan hi @kim@mas.example, and @a.b-c_d. ok"),
            (std::vector<std::string>{"@dan", "@kim@mas.example", "@a.b-c_d"}));
  EXPECT_EQ(written("a@b x=@c /@d https://x.example/@e"), std::vector<std::string>{});
  EXPECT_EQ(written("(@dan)"), std::vector<std::string>{"@dan"});
  EXPECT_EQ(written("@ alone, @@x"), std::vector<std::string>{"@x"});
  const auto m = mentions_in("@Kim@Mas.Example");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].username, "Kim");
  EXPECT_EQ(m[0].domain, "Mas.Example");
}

TEST(MastodonReplyText, TheAuthorIsNamedWithItsDomainOrLocallyWithout) {
  const Mention local = by("dan@mastodon.example"), remote = by("kim@mas.example");
  const auto named = [](std::string_view text, const Mention& m) {
    return names_author(mentions_in(text).at(0), m, "mastodon.example");
  };
  EXPECT_TRUE(named("@dan", local));
  EXPECT_TRUE(named("@DAN@Mastodon.Example", local));
  EXPECT_FALSE(named("@dan@other.example", local));
  EXPECT_FALSE(named("@daniel", local));
  EXPECT_TRUE(named("@kim@mas.example", remote));
  EXPECT_FALSE(named("@kim", remote));
  EXPECT_TRUE(named("@dan", by("dan")));  // an unqualified handle is local
}

TEST(MastodonReplyText, TheStatusHasTheHandlePrefixUnlessItMentionsTheAuthor) {
  const Mention kim = by("kim@mas.example");
  ReplyStatus s = compose_reply(kim, "refunded", "mastodon.example");
  EXPECT_EQ(s.text, "@kim@mas.example refunded");
  EXPECT_EQ(s.prefix, "@kim@mas.example");
  s = compose_reply(kim, "thanks @kim@mas.example!", "mastodon.example");
  EXPECT_EQ(s.text, "thanks @kim@mas.example!");
  EXPECT_EQ(s.prefix, "");
  s = compose_reply(by(""), "refunded", "mastodon.example");
  EXPECT_EQ(s.text, "refunded");
}

TEST(MastodonReplyText, ThePostedHtmlComparesEqualToTheText) {
  const std::string text = "@kim@mas.example Thanks!\n\nSee https://status.acmeair.example/incidents/2026-11-22/lisbon "
                           "for updates & more <3";
  const std::string html =
      "<p><span class=\"h-card\" translate=\"no\"><a href=\"https://mas.example/@kim\" class=\"u-url "
      "mention\">@<span>kim</span></a></span> Thanks!</p><p>See <a "
      "href=\"https://status.acmeair.example/incidents/2026-11-22/lisbon\" target=\"_blank\" rel=\"nofollow noopener\" "
      "translate=\"no\"><span class=\"invisible\">https://</span><span "
      "class=\"ellipsis\">status.acmeair.example/inciden</span><span "
      "class=\"invisible\">ts/2026-11-22/lisbon</span></a> for updates &amp; more &lt;3</p>";
  EXPECT_EQ(compare_form(html_to_text(html)), compare_form(text));
  EXPECT_EQ(compare_form(text),
            "@kim Thanks! See https://status.acmeair.example/incidents/2026-11-22/lisbon for updates & more <3");
  EXPECT_NE(compare_form("@kim Thanks"), compare_form("@kim Thanks!"));
  EXPECT_EQ(compare_form("  a \t b\r\n"), "a b");
}

}  // namespace
}  // namespace carewatch::mastodon
