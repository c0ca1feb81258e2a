// Reading a newest-first list of reviews without skipping or repeating one, across polls,
// restarts and pages that shift while being read: the App Store's customer-reviews feed (pages
// 1..10, most recent first) and Google Play's reviews.list (page tokens, last modified first).
// Shared by the appstore and googleplay connectors.
//
// Every review is ordered by (time, id): its time in whole seconds (the App Store's "updated",
// Play's lastModified) and its id. A Mark is a point in that order: a time and the ids seen at
// exactly that time. The state of one stream (one country, Play's one list) is:
//   seen   everything at or before this mark has been returned (the high-water mark);
//   walk   a read down the list in progress (when a poll stopped at max_pages): where the next
//          page is (a page number or token), `top` (the newest review returned by the walk) and
//          `floor` (the oldest review returned by the walk).
// A poll starts at the walk's next page, or at the first page. A review is returned when it is
// newer than `seen` and, within a walk, older than `floor` (so a review already returned that
// slid onto a later page because new ones arrived on top is not returned twice; new ones above
// `top` are left to the next walk, which starts at the first page). The walk ends at a page that
// reaches `seen` (a review at or before it), at the list's last page, or on the first poll (no
// state: the first page only, no backfill); `seen` then becomes `top`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace carewatch::review_walk {

struct Mark {
  std::int64_t at = 0;        // seconds since the epoch
  std::set<std::string> ids;  // the ids returned with exactly this time
};

struct Walk {
  std::string next;           // the next page: a page number or a token
  Mark top;
  std::optional<Mark> floor;  // none before the walk returned anything
};

struct StreamState {
  Mark seen;
  std::optional<Walk> walk;
};

// The cursor: each stream's state by its key ("us", "reviews").
using States = std::map<std::string, StreamState>;

// {"<key>": {"seen": {"at": 1700000000, "ids": ["..."]}, "walk": {"next": "3", "top": {...},
// "floor": {...}}}}, compact JSON.
std::string write_states(const States& states);
// Reads what write_states wrote ("" is no state); false with `error` ("cursor: ...") otherwise.
bool parse_states(const std::string& text, States& states, std::string& error);

// One review of a page, as the walk sees it.
struct Item {
  std::int64_t at = 0;
  std::string id;
};

// One stream's read within a poll. Feed it the pages in order; it says which items to return
// and what the stream's state becomes.
class StreamWalk {
 public:
  // `state`: the stream's stored state, nullopt on its first poll.
  explicit StreamWalk(std::optional<StreamState> state);

  // The page to read first: the walk's next page, or "" (the first page).
  std::string start() const;
  // Takes one page's items (in the order received) and whether it is the list's last page, and
  // where the page after it is. Returns the indices of `items` to return. After it, done() says
  // whether the walk ended.
  std::vector<size_t> take(const std::vector<Item>& items, bool last_page, const std::string& next);
  bool done() const { return done_; }
  // The walk's next page cannot be read any more (an expired page token): it goes on from the
  // first page, its floor still keeping out what it returned. Returns the page to read ("").
  std::string restart();
  // The state to store now (after any number of pages, including none); nullopt while a first
  // poll has not read its page (the stream keeps having no state).
  std::optional<StreamState> state() const;

 private:
  bool first_poll_;
  bool done_ = false;
  StreamState state_;  // seen, and the walk in progress (always set until done)
};

}  // namespace carewatch::review_walk
