// The replay connector: mentions from a JSONL file in carewatch's own mention format (see
// mention/mention_json.h), one object a line — for demos, load tests and reproducing incidents.
//
// Options: schema.json (names, types, ranges, defaults and descriptions; the README's table is
// generated from it), read into ReplayOptions. rebase_time left out follows pace: true with
// "timestamps", false with "full".
//
// Every mention gets source = the source's name and seen_at = the time of the poll.
//
// The cursor is the byte offset after the last consumed line (a decimal string; empty = 0). The
// file stays open and is read sequentially through one buffer; it is only re-positioned when a
// poll asks for another offset (e.g. after a restart). A file that grows is followed: lines
// appended after the end was reached are picked up by later polls. A last line without a
// newline is taken once it parses; until then it is held back as not completely written.
//
// Malformed lines are skipped, never silently: each one becomes a warning in Batch::warnings,
// "<path>:<line>: <what is wrong>", and the good mentions of the batch are returned.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "connectors/connector.h"
#include "connectors/http/http_client.h"
#include "connectors/options/option_reader.h"

namespace carewatch {

// The options of schema.json, read once (defaults: the schema's).
struct ReplayOptions {
  OptionPath path;
  std::string pace;                  // "full" | "timestamps"
  double speed = 0;
  int batch_size = 0;
  std::optional<bool> rebase_time;   // unset: pace == "timestamps"
  std::optional<std::string> platform;

  void read(OptionReader& r);
};

// Builds a replay connector for source `source`. On a configuration problem returns nullptr and
// sets `error` ("options.path: cannot open \"mentions.jsonl\": No such file or directory").
// `http` is not used.
std::unique_ptr<Connector> make_replay_connector(const std::string& source, ReplayOptions options,
                                                 std::shared_ptr<HttpClient> http, std::string& error);

}  // namespace carewatch
