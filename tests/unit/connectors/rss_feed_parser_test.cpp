// The feed parser and the date parser on the shapes feeds really have: RSS 2.0 with
// content:encoded, dc:creator, CDATA and entities (tests/fixtures/rss/reviews_rss2.xml, a review
// site's feed), Atom 1.0 with xml:lang, link rel="alternate", type="html" / "text" / "xhtml"
// (news_atom.xml, a news search's alert feed), RSS 1.0 (RDF), malformed XML, an entity bomb.
#include <gtest/gtest.h>

#include "connectors/rss/feed_dates.h"
#include "connectors/rss/feed_parser.h"
#include "tests/unit/connectors/rss_test_fixture.h"

namespace carewatch::rss_test {
namespace {

using rss::Feed;
using rss::FeedKind;
using rss::parse_feed;

TEST(RssFeedParser, ReadsRss2ItemsWithNamespacesCdataAndEntities) {
  Feed f;
  std::string error;
  ASSERT_TRUE(parse_feed(fixture("reviews_rss2.xml"), 100, f, error)) << error;
  EXPECT_EQ(f.kind, FeedKind::rss);
  EXPECT_EQ(f.title, "Acme Air Reviews | reviews.example");
  EXPECT_EQ(f.language, "en-gb");
  ASSERT_EQ(f.items.size(), 5u);
  const auto& a = f.items[0];
  EXPECT_EQ(a.id, "6750a1f0c0ffee0001");
  EXPECT_EQ(a.title, "1 star: Lost my bag & nobody calls back");
  EXPECT_EQ(a.link, "https://reviews.example/reviews/6750a1f0c0ffee0001");
  EXPECT_NE(a.content.find("<b>never arrived</b> &amp; the hotline"), std::string::npos) << a.content;  // CDATA as is
  EXPECT_EQ(a.author, "Maren Holt");
  EXPECT_EQ(a.date, "Fri, 04 Dec 2026 09:12:44 GMT");
  EXPECT_EQ(a.fields.at("rating"), "1");
  EXPECT_GT(a.line, 10);
  EXPECT_EQ(f.items[1].author, "Tom\xC3\xA9 Ruiz");  // &#233;
  EXPECT_EQ(f.items[1].content, "<p>Crew on the early flight were lovely \xE2\x80\x93 coffee came twice.</p>");
  // content:encoded wins over description.
  EXPECT_EQ(f.items[2].content, "<p>Cancelled flight, refund promised in 7 days. It has been 40.</p>");
}

TEST(RssFeedParser, ReadsAtomEntries) {
  Feed f;
  std::string error;
  ASSERT_TRUE(parse_feed(fixture("news_atom.xml"), 100, f, error)) << error;
  EXPECT_EQ(f.kind, FeedKind::atom);
  EXPECT_EQ(f.language, "en");
  ASSERT_EQ(f.items.size(), 3u);
  const auto& a = f.items[0];
  EXPECT_EQ(a.id, "tag:news.example,2026:article/88120");
  EXPECT_TRUE(a.title_html);
  EXPECT_EQ(a.link, "https://dailyplane.example/2026/12/04/acme-air-delays");  // rel="alternate", not self
  EXPECT_EQ(a.date, "2026-12-04T08:30:00+01:00");                              // published before updated
  EXPECT_EQ(a.author, "Priya Nand");
  EXPECT_TRUE(a.content_html);
  EXPECT_EQ(f.items[1].lang, "de");
  EXPECT_EQ(f.items[1].link, "/2026/12/03/acme-air-winter");
  EXPECT_FALSE(f.items[1].content_html);  // summary type="text"
  EXPECT_EQ(f.items[1].date, "2026-12-03T16:45:10.250Z");
  EXPECT_FALSE(f.items[2].content_html);  // xhtml: the markup is already gone
  EXPECT_NE(f.items[2].content.find("Three flights a week from March."), std::string::npos);
}

TEST(RssFeedParser, ReadsRss1Rdf) {
  const std::string doc = R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://blog.example/"><title>Blog</title><dc:language>fr</dc:language></channel>
  <item rdf:about="https://blog.example/p/1"><title>Acme Air</title><link>https://blog.example/p/1</link>
    <dc:date>2026-12-01T10:00:00Z</dc:date><dc:creator>Lou</dc:creator></item>
</rdf:RDF>)";
  Feed f;
  std::string error;
  ASSERT_TRUE(parse_feed(doc, 10, f, error)) << error;
  EXPECT_EQ(f.kind, FeedKind::rss);
  EXPECT_EQ(f.language, "fr");
  ASSERT_EQ(f.items.size(), 1u);
  EXPECT_EQ(f.items[0].id, "https://blog.example/p/1");
  EXPECT_EQ(f.items[0].date, "2026-12-01T10:00:00Z");
  EXPECT_EQ(f.items[0].author, "Lou");
}

TEST(RssFeedParser, MediaGroupDescriptionIsTheText) {
  const std::string doc = R"(<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
  <entry><id>yt:video:abc</id><title>Acme Air unboxing</title>
    <media:group><media:title>x</media:title><media:description>Flying Acme Air to Porto</media:description></media:group>
  </entry></feed>)";
  Feed f;
  std::string error;
  ASSERT_TRUE(parse_feed(doc, 10, f, error)) << error;
  ASSERT_EQ(f.items.size(), 1u);
  EXPECT_EQ(f.items[0].content, "Flying Acme Air to Porto");
  EXPECT_FALSE(f.items[0].content_html);
}

TEST(RssFeedParser, ReadsWindows1252AndLatin1) {
  const std::string doc = "<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss version=\"2.0\"><channel>"
                          "<item><title>Acme \x93" "fares\x94 \x80 9 \x96 caf\xE9</title></item></channel></rss>";
  Feed f;
  std::string error;
  ASSERT_TRUE(parse_feed(doc, 10, f, error)) << error;
  ASSERT_EQ(f.items.size(), 1u);
  EXPECT_EQ(f.items[0].title, "Acme \xE2\x80\x9C" "fares\xE2\x80\x9D \xE2\x82\xAC 9 \xE2\x80\x93 caf\xC3\xA9");
  std::string latin1 = doc;
  latin1.replace(latin1.find("windows-1252"), 12, "ISO-8859-1");
  ASSERT_TRUE(parse_feed(latin1, 10, f, error)) << error;
  EXPECT_NE(f.items[0].title.find("caf\xC3\xA9"), std::string::npos);
  EXPECT_FALSE(parse_feed("<?xml version=\"1.0\" encoding=\"x-klingon\"?><rss/>", 10, f, error));
}

TEST(RssFeedParser, StopsAfterMaxItems) {
  Feed f;
  std::string error;
  ASSERT_TRUE(parse_feed(fixture("reviews_rss2.xml"), 2, f, error)) << error;
  EXPECT_EQ(f.items.size(), 2u);
  EXPECT_TRUE(f.truncated);
}

TEST(RssFeedParser, MalformedXmlNamesLineAndColumn) {
  Feed f;
  std::string error;
  EXPECT_FALSE(parse_feed(fixture("malformed.xml"), 100, f, error));
  EXPECT_NE(error.find("line 8, column"), std::string::npos) << error;
  EXPECT_NE(error.find("mismatched tag"), std::string::npos) << error;
}

TEST(RssFeedParser, TruncatedDocumentIsAnError) {
  const std::string doc = fixture("reviews_rss2.xml");
  Feed f;
  std::string error;
  EXPECT_FALSE(parse_feed(doc.substr(0, doc.size() / 2), 100, f, error));
  EXPECT_NE(error.find("line "), std::string::npos) << error;
}

TEST(RssFeedParser, RefusesEntityDeclarations) {
  Feed f;
  std::string error;
  EXPECT_FALSE(parse_feed(fixture("entity_bomb.xml"), 100, f, error));
  EXPECT_NE(error.find("declares an entity"), std::string::npos) << error;
  EXPECT_TRUE(f.items.empty());
}

TEST(RssFeedParser, RefusesExternalEntities) {
  const std::string doc = R"(<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&x;</title></item></channel></rss>)";
  Feed f;
  std::string error;
  EXPECT_FALSE(parse_feed(doc, 10, f, error));
  EXPECT_NE(error.find("declares an entity"), std::string::npos) << error;
}

TEST(RssFeedParser, AnHtmlPageIsNotAFeed) {
  Feed f;
  std::string error;
  EXPECT_FALSE(parse_feed("<!DOCTYPE html><html><head><meta charset=utf-8></head><body>Sign in</body></html>", 10, f,
                          error));
  EXPECT_EQ(f.root, "html");
  EXPECT_NE(error.find("not an RSS or Atom feed"), std::string::npos) << error;
}

TEST(RssFeedParser, AnEmptyBodyIsAnError) {
  Feed f;
  std::string error;
  EXPECT_FALSE(parse_feed("", 10, f, error));
  EXPECT_FALSE(error.empty());
}

TEST(RssDates, Rfc822Variants) {
  TimeMs t = 0;
  ASSERT_TRUE(rss::parse_rfc822("Fri, 04 Dec 2026 09:12:44 GMT", t));
  TimeMs expect = 0;
  ASSERT_TRUE(parse_iso8601("2026-12-04T09:12:44Z", expect));
  EXPECT_EQ(t, expect);
  ASSERT_TRUE(rss::parse_rfc822("Thu, 03 Dec 2026 18:40:00 +0100", t));
  ASSERT_TRUE(parse_iso8601("2026-12-03T17:40:00Z", expect));
  EXPECT_EQ(t, expect);
  ASSERT_TRUE(rss::parse_rfc822("Wed, 2 Dec 26 07:05 EST", t));
  ASSERT_TRUE(parse_iso8601("2026-12-02T12:05:00Z", expect));
  EXPECT_EQ(t, expect);
  ASSERT_TRUE(rss::parse_rfc822("02 Dec 2026 07:05:00 -0530", t));
  ASSERT_TRUE(parse_iso8601("2026-12-02T12:35:00Z", expect));
  EXPECT_EQ(t, expect);
  EXPECT_FALSE(rss::parse_rfc822("sometime last week", t));
  EXPECT_FALSE(rss::parse_rfc822("Fri, 04 Foo 2026 09:12:44 GMT", t));
  EXPECT_FALSE(rss::parse_rfc822("Fri, 04 Dec 2026 25:12:44 GMT", t));
  EXPECT_FALSE(rss::parse_rfc822("Fri, 04 Dec 2026 09:12:44 XYZ", t));
}

TEST(RssDates, Rfc3339AndDates) {
  TimeMs t = 0, expect = 0;
  ASSERT_TRUE(rss::parse_feed_date("2026-12-04T08:30:00+01:00", t));
  ASSERT_TRUE(parse_iso8601("2026-12-04T07:30:00Z", expect));
  EXPECT_EQ(t, expect);
  ASSERT_TRUE(rss::parse_feed_date("2026-12-04", t));
  ASSERT_TRUE(parse_iso8601("2026-12-04T00:00:00Z", expect));
  EXPECT_EQ(t, expect);
  EXPECT_FALSE(rss::parse_feed_date("", t));
  EXPECT_FALSE(rss::parse_feed_date("yesterday", t));
}

}  // namespace
}  // namespace carewatch::rss_test
