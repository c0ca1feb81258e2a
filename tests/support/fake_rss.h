// Fake feed sites on a FakeHttpServer (loopback) for the rss connector: each path serves an RSS
// 2.0 or Atom 1.0 document (the real shapes: RSS 2.0 with content:encoded and dc:creator, Atom
// with xml:lang, link rel="alternate" and author/name) and answers conditional GETs as a web
// server does: with an ETag, a request whose If-None-Match matches it gets 304 Not Modified (an
// empty body); with a Last-Modified and no ETag, a request whose If-Modified-Since equals it gets
// 304. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace carewatch::testing {

struct FakeFeedItem {
  std::string id;            // RSS guid / Atom id; empty: none
  std::string title;         // written escaped
  std::string link;          // empty: none
  std::string html;          // description (RSS, in CDATA) / content type="html" (Atom)
  std::string author;        // dc:creator / author name
  std::string date;          // pubDate (RFC 822) / published (RFC 3339), as written; empty: none
  std::string extra;         // raw XML added inside the item (e.g. "<rating>2</rating>")
};

class FakeFeeds {
 public:
  FakeFeeds();
  ~FakeFeeds();
  FakeFeeds(const FakeFeeds&) = delete;
  FakeFeeds& operator=(const FakeFeeds&) = delete;

  std::string url(const std::string& path) const;  // "http://127.0.0.1:<port><path>"
  FakeHttpServer& server();
  std::vector<FakeRequest> requests_to(const std::string& path) const;

  // Serves `body` at `path` (GET). An empty etag / last_modified: the header is not sent and not
  // honoured.
  void serve(const std::string& path, std::string body, std::string content_type = "application/rss+xml; charset=utf-8",
             std::string etag = "", std::string last_modified = "");
  // The next `n` requests to `path` are answered with `answer`.
  void fail_next(const std::string& path, size_t n, FakeResponse answer);

  // Documents in the real shapes.
  static std::string rss_document(const std::string& title, const std::vector<FakeFeedItem>& items,
                                  const std::string& language = "en-us");
  static std::string atom_document(const std::string& title, const std::vector<FakeFeedItem>& items,
                                   const std::string& lang = "en");

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace carewatch::testing
