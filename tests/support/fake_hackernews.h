// A fake Algolia HN Search API on a FakeHttpServer (loopback), serving the real shape of
//
//   GET /api/v1/search_by_date?query=&tags=&numericFilters=&hitsPerPage=&page=
//
// (see ../shared/fixtures/hackernews/algolia_story_search_by_date_apple.json): {"hits": [...],
// "nbHits", "page", "nbPages", "hitsPerPage", "exhaustiveNbHits", "query", "params",
// "processingTimeMS"}, hits newest first (created_at_i, then objectID, descending), each with
// created_at, created_at_i, objectID, author, title, url, story_text, comment_text, points,
// num_comments, story_id, story_title, story_url, parent_id, _tags and _highlightResult.
// It filters as Algolia does: query (every word, case-insensitive, in the title, url, story_text
// or comment_text; empty: all), tags ("story", or "(story,comment)" for any of them),
// numericFilters on created_at_i (comma-separated conditions, all must hold: >, >=, <, <=, =),
// and serves at most pagination_limit (1000) hits of one query: nbPages counts only those.
// Thread-safe: the server answers on its own threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace carewatch::testing {

struct FakeHnItem {
  std::string object_id;        // "41000001"
  std::int64_t created_at_i = 0;
  bool comment = false;         // a comment (comment_text) or a story (title, url, story_text)
  std::string author = "pat";
  std::string title;            // stories
  std::string url;              // stories; empty: null
  std::string text;             // a story's story_text or a comment's comment_text (HTML)
  std::string parent_id;        // comments: the item answered (a number); empty: null
  std::string story_id;         // comments: the story; empty: null
  std::vector<std::string> extra_tags;  // e.g. "ask_hn"
};

class FakeHackernews {
 public:
  FakeHackernews();
  ~FakeHackernews();
  FakeHackernews(const FakeHackernews&) = delete;
  FakeHackernews& operator=(const FakeHackernews&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>/api/v1": options.base_url
  FakeHttpServer& server();
  std::vector<FakeRequest> requests() const;  // to /api/v1/search_by_date

  // An item in Algolia's hit shape.
  static std::string hit_json(const FakeHnItem& item);
  void add(const FakeHnItem& item);
  // A hit as given (any JSON object; created_at_i and objectID, when of the right type, order and
  // filter it; otherwise it sorts last and matches every filter).
  void add_raw(const std::string& hit_json);
  void set_pagination_limit(int hits);  // Algolia's paginationLimitedTo (1000)

  // The next `n` requests are answered with `answer`.
  void fail_next(size_t n, FakeResponse answer);
  // Called with each request before it is answered (on the server's thread), e.g. to add items
  // while a connector reads pages.
  void on_request(std::function<void(const FakeRequest&)> hook);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace carewatch::testing
