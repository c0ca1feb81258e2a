// The hackernews connector's cursor and how it pages.
//
// Algolia's search_by_date lists hits newest first. Per term the cursor keeps the second of the
// newest hit taken (created_at_i) and the ids taken at that second; the next poll asks
// numericFilters=created_at_i>=<that second> and drops those ids, so a hit posted in the same
// second as the last one taken, but indexed after it, is neither lost nor taken twice.
//
// When more is new than one page holds, the term has a run in progress: the pages of one fixed
// query, created_at_i>=<newest> and created_at_i<=<upper>, where <upper> is the newest second of
// the run's first page. With the upper bound fixed, hits posted meanwhile do not shift the pages.
// The run keeps the page to read next and the oldest second taken with its ids (a hit not older
// than that was taken on an earlier page). The run is kept in the cursor, so a restart in the
// middle of it resumes at the page it stopped at; when the run ends (a short page, or the last of
// nbPages) the newest second becomes the run's top. Algolia serves at most 1000 hits of one query
// (nbPages stops there): a run longer than that goes on with <upper> = its oldest second taken.
//
// As text: {"<term>": {"newest": <s>, "ids": ["<id>", ...], "run": {"top": <s>, "top_ids": [...],
// "upper": <s>, "page": <n>, "oldest": <s>, "oldest_ids": [...]}}}; "run" only while one is in
// progress. A term without an entry has never been read.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace carewatch::hackernews {

struct Run {
  std::int64_t top = -1;             // the newest second of the run (-1: no hit yet)
  std::set<std::string> top_ids;     // ids taken at `top`
  std::int64_t upper = -1;           // the query's created_at_i<= bound (-1: none yet, page 0)
  int page = 0;                      // the next page to read
  std::int64_t oldest = -1;          // the oldest second taken in the run (-1: none yet)
  std::set<std::string> oldest_ids;  // ids taken at `oldest`
};

struct TermState {
  std::int64_t newest = -1;          // -1: none yet (a backfill start with no hit taken)
  std::set<std::string> ids;         // ids taken at `newest`
  std::optional<Run> run;
};

using Cursor = std::map<std::string, TermState>;

bool parse_cursor(const std::string& text, Cursor& out, std::string& error);
std::string write_cursor(const Cursor& cursor);

}  // namespace carewatch::hackernews
